/**
 * Token identifiers: whole minutes (UTC) from a base date to the issue time, 24 bits. Base date 1993
 * runs out on 2024-11-24; base date 2014 follows it, installed in meters by a key change pair with the
 * rollover bit set.
 */

export type BaseDate = 1993 | 2014;

const BASE_MS: Record<BaseDate, number> = { 1993: Date.UTC(1993, 0, 1), 2014: Date.UTC(2014, 0, 1) };
export const TID_LIMIT = 1 << 24;
/** The first minute base date 1993 cannot express; vending switches to 2014 from here. */
export const ROLLOVER_AT = new Date(BASE_MS[1993] + TID_LIMIT * 60_000);

export function tidFor(issued: Date, base: BaseDate): number {
  const tid = Math.floor((issued.getTime() - BASE_MS[base]) / 60_000);
  if (!Number.isFinite(tid) || tid < 0 || tid >= TID_LIMIT) {
    throw new RangeError(`${issued.toISOString()} is outside base date ${base}'s 24-bit minute range`);
  }
  return tid;
}

export function issuedAt(tid: number, base: BaseDate): Date {
  return new Date(BASE_MS[base] + tid * 60_000);
}

/** The base date a vending system uses at `issued`: 1993 until its TIDs run out, then 2014. */
export function baseDateAt(issued: Date): BaseDate {
  return issued.getTime() < ROLLOVER_AT.getTime() ? 1993 : 2014;
}
