/** Display helpers: money in rand from integer cents, relative times. Pure functions. */
export const rand = (cents: number | null | undefined) => (cents == null ? '—' : `R ${(cents / 100).toFixed(2)}`);

/** "12 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}
export const ageText = (ms: number) => ago(new Date(Date.now() - ms).toISOString());

/** Parses "50", "50.5", "R 50,00" to cents; null when not a number. */
export function parseRand(text: string): number | null {
  const t = text.replace(/[R\s]/gi, '').replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Math.round(Number(t) * 100);
}

/** The exact local time for a hover: "2026-11-23 14:05:09". */
export function exactTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
