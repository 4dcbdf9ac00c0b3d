/**
 * Meter numbers of the 11-digit scheme (the simulated back office uses it): the last digit is a
 * Luhn check digit over the first ten. Pure, so the till checks a typed number before it sends
 * anything and the simulators make valid ones from the same rule.
 */

/** Luhn check digit for a string of digits (the digit to append). */
export function meterCheckDigit(body: string): number {
  if (!/^\d+$/.test(body)) throw new Error(`meterCheckDigit: "${body}" is not all digits`);
  let sum = 0;
  // Walk from the right; the digit next to the (future) check digit is doubled.
  for (let i = 0; i < body.length; i++) {
    let d = body.charCodeAt(body.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for an 11-digit meter number whose last digit is the Luhn check digit of the first ten. */
export function isValidMeterNumber(meterId: string): boolean {
  if (!/^\d{11}$/.test(meterId)) return false;
  return meterCheckDigit(meterId.slice(0, 10)) === Number(meterId[10]);
}

/** Appends the check digit to a 10-digit body. */
export function withCheckDigit(body10: string): string {
  if (!/^\d{10}$/.test(body10)) throw new Error(`withCheckDigit: "${body10}" must be 10 digits`);
  return body10 + String(meterCheckDigit(body10));
}
