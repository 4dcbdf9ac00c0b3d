/** Transaction ids and times: every id the project generates is a random UUIDv4 (Web Crypto, so any runtime). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

export function nowIso(clock: () => number = Date.now): string {
  return new Date(clock()).toISOString();
}
