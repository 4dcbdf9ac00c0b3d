/**
 * The till's local time: every time a person reads (slips, screens, CSV, CLI, reports) is shown in
 * the till's time zone, and days are cut at its local midnight, while instants stay UTC in storage.
 * Pure over Intl (Node's full ICU): no tz library, no clock — the zone and the instant are passed in.
 */

/** The zone the system runs in (TZ, else the OS setting). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** True for an IANA zone name Intl knows ("Africa/Johannesburg", "UTC"). */
export function isTimeZone(zone: string): boolean {
  if (zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-ZA', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields of an instant in a zone (one cached formatter per zone: Intl's construction is slow). */
function partsOf(ms: number, zone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formats.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const x of f.formatToParts(new Date(ms))) if (x.type !== 'literal') p[x.type] = Number(x.value);
  return { y: p.year ?? 1970, mo: p.month ?? 1, d: p.day ?? 1, h: p.hour ?? 0, mi: p.minute ?? 0, s: p.second ?? 0 };
}

const two = (n: number) => String(n).padStart(2, '0');

/** Minutes the zone is ahead of UTC at that instant (+120 in Johannesburg). */
export function offsetMinutes(ms: number, zone: string): number {
  const p = partsOf(ms, zone);
  const wall = Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s);
  return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
}

/** "2026-12-07 18:52" (or with ":07" seconds) in the zone; an unreadable time is returned as given. */
export function localTime(iso: string, zone: string, o: { seconds?: boolean } = {}): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const p = partsOf(ms, zone);
  return `${p.y}-${two(p.mo)}-${two(p.d)} ${two(p.h)}:${two(p.mi)}${o.seconds ? ':' + two(p.s) : ''}`;
}

/** "2026-12-07": the local day an instant falls on. */
export function localDay(ms: number, zone: string): string {
  const p = partsOf(ms, zone);
  return `${p.y}-${two(p.mo)}-${two(p.d)}`;
}

/** The UTC instant of local midnight starting `day` (YYYY-MM-DD) in the zone (DST-safe: the offset is read at that midnight). */
export function localMidnight(day: string, zone: string): number {
  const guess = Date.parse(day + 'T00:00:00.000Z');
  // Two passes: the offset at the guess, then at the corrected instant (they differ only across a change).
  const first = guess - offsetMinutes(guess, zone) * 60_000;
  return guess - offsetMinutes(first, zone) * 60_000;
}

/** The next calendar day: "2026-12-31" → "2027-01-01". */
export function nextDay(day: string): string {
  return new Date(Date.parse(day + 'T00:00:00.000Z') + 86_400_000).toISOString().slice(0, 10);
}

/** An instant as ISO 8601 with the zone's offset ("2026-12-07T18:52:00.000+02:00"): what the till sends as a request's time. */
export function isoWithOffset(ms: number, zone: string): string {
  const off = offsetMinutes(ms, zone);
  const p = partsOf(ms, zone);
  const sign = off < 0 ? '-' : '+';
  const a = Math.abs(off);
  return `${p.y}-${two(p.mo)}-${two(p.d)}T${two(p.h)}:${two(p.mi)}:${two(p.s)}.${String(((ms % 1000) + 1000) % 1000).padStart(3, '0')}${sign}${two(Math.floor(a / 60))}:${two(a % 60)}`;
}
