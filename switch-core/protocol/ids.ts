/** Transaction ids and times: every id the project generates is a random UUIDv4 (Web Crypto, so any runtime). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The last 8 characters of a transaction id: what a cashier reads out and a pending slip prints large. */
export const shortReference = (id: string): string => id.slice(-8);

/** The last time formatted and its text: a busy switch asks several times a millisecond (a Date and its formatting each time). */
let lastMs = Number.NaN;
let lastIso = '';

export function nowIso(clock: () => number = Date.now): string {
  const ms = clock();
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
