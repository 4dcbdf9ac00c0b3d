/** Transaction ids and times: every id the project generates is a random UUIDv4 (Web Crypto, so any runtime). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The last 8 characters of a transaction id: what a cashier reads out and a pending slip prints large. */
export const shortReference = (id: string): string => id.slice(-8);

export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
