/** Display helpers: money in rand from integer cents, relative times, wall-clock times in the till's zone. */
import { localTime } from '../../common/local-time';
import { centsFromRands, formatMoney } from '../../common/money';

/** Money as the screens show it ("R 50.00", common/money.ts); a dash when there is no amount. */
export const rand = (cents: number | null | undefined) => (cents == null ? '—' : formatMoney(cents, 'screen'));

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago"; a time still to come reads "in 5 min". */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  const span = (n: number) => (n < 60 ? `${n} s` : n < 3600 ? `${Math.round(n / 60)} min` : n < 86400 ? `${Math.round(n / 3600)} h` : `${Math.round(n / 86400)} d`);
  return s < 0 ? `in ${span(-s)}` : `${span(s)} ago`;
}
export const ageText = (ms: number) => ago(new Date(Date.now() - ms).toISOString());

/** Parses "50", "50.5", "R 50,00" to cents; null when not a number. */
export function parseRand(text: string): number | null {
  return centsFromRands(text.replace(/[R\s]/gi, '').replace(',', '.'));
}

/** The till's zone when it differs from the browser's (Settings may set one); null = the browser's own, by plain arithmetic. */
let tillZone: string | null = null;
/**
 * The browser's own zone: Temporal's answer where the browser has it (Debian's Chromium does), as Intl's first use costs
 * 20-35 ms and this runs before the first screen is drawn.
 */
function browserZone(): string {
  const temporal = (globalThis as { Temporal?: { Now: { timeZoneId(): string } } }).Temporal;
  return temporal ? temporal.Now.timeZoneId() : Intl.DateTimeFormat().resolvedOptions().timeZone;
}
/** Called with the session's time zone: times on screen then read as the till's slips and reports do. */
export function setTillZone(zone: string): void {
  tillZone = zone === browserZone() ? null : zone;
}

/** The exact local time for a hover: "2026-11-23 14:05:09". */
export function exactTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  if (tillZone) return localTime(iso, tillZone, { seconds: true });
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Today's date on the till's wall clock ("2026-12-07"): the day a report or search starts from. */
export const tillToday = (): string => exactTime(new Date().toISOString()).slice(0, 10);
