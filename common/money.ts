/**
 * Money as text, from integer cents: the one place the till, the switch, the printer and the screens
 * turn cents into rands. One rule, three forms that differ only in spacing — `R1234.56` in messages,
 * the CLI and reports; `R1 234.56` on a printed slip, where long amounts must read at a glance;
 * `R 1234.56` on the screens — and the bare decimal `1234.56` for CSV and input fields. Integer
 * arithmetic only: a float never touches an amount. A currency other than ZAR (710) shows its code.
 */

export type MoneyForm = 'plain' | 'slip' | 'screen';

const SYMBOL: Readonly<Record<string, string>> = { '710': 'R' };

/** "R" for rand, else the currency code and a space ("840 "). */
export function currencyPrefix(currency = '710'): string {
  return SYMBOL[currency] ?? `${currency} `;
}

/** "1234567" → "1 234 567": thousands apart with a space, as South African slips write them. */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** 123456 → "1234.56", -5 → "-0.05": cents as a decimal amount, no currency. */
export function decimalAmount(cents: number): string {
  const abs = Math.abs(Math.trunc(cents));
  return `${cents < 0 && abs > 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Cents as money text in one of the three forms; a negative amount leads with its sign ("-R25.00"). */
export function formatMoney(cents: number, form: MoneyForm = 'plain', currency = '710'): string {
  const abs = Math.abs(Math.trunc(cents));
  const whole = String(Math.floor(abs / 100));
  const digits = `${form === 'slip' ? groupThousands(whole) : whole}.${String(abs % 100).padStart(2, '0')}`;
  const prefix = currencyPrefix(currency);
  return `${cents < 0 && abs > 0 ? '-' : ''}${prefix}${form === 'screen' && !prefix.endsWith(' ') ? ' ' : ''}${digits}`;
}

/** "R1234.56": the form for messages, the CLI and reports. */
export function rands(cents: number): string {
  return formatMoney(cents, 'plain');
}

/** Rands as typed ("50", "50.00") in integer cents, digit by digit (no float); null when it is not an amount. */
export function centsFromRands(typed: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(typed)) return null;
  const [whole, fraction = ''] = typed.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
