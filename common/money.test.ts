/** Every money form the till, switch, printer and screens print, as a table. */
import { describe, expect, it } from 'vitest';
import { decimalAmount, formatMoney, rands, centsFromRands } from './money';

describe('money text from integer cents', () => {
  it.each([
    // cents, plain (messages, CLI, reports), slip, screen, decimal (CSV, inputs)
    [0, 'R0.00', 'R0.00', 'R 0.00', '0.00'],
    [5, 'R0.05', 'R0.05', 'R 0.05', '0.05'],
    [50, 'R0.50', 'R0.50', 'R 0.50', '0.50'],
    [5000, 'R50.00', 'R50.00', 'R 50.00', '50.00'],
    [123456, 'R1234.56', 'R1 234.56', 'R 1234.56', '1234.56'],
    [123456789, 'R1234567.89', 'R1 234 567.89', 'R 1234567.89', '1234567.89'],
    [-2500, '-R25.00', '-R25.00', '-R 25.00', '-25.00'],
    [-5, '-R0.05', '-R0.05', '-R 0.05', '-0.05'],
  ])('%i cents: %s, on a slip %s, on screen %s, as a decimal %s', (cents, plain, slip, screen, decimal) => {
    expect(rands(cents)).toBe(plain);
    expect(formatMoney(cents, 'plain')).toBe(plain);
    expect(formatMoney(cents, 'slip')).toBe(slip);
    expect(formatMoney(cents, 'screen')).toBe(screen);
    expect(decimalAmount(cents)).toBe(decimal);
  });

  it.each([
    ['slip', '840', 123456, '840 1 234.56'],
    ['plain', '840', 5000, '840 50.00'],
    ['screen', '840', -100, '-840 1.00'],
  ] as const)('a currency other than rand shows its code (%s, %s, %i → %s)', (form, currency, cents, text) => {
    expect(formatMoney(cents, form, currency)).toBe(text);
  });
});

describe('rands as typed, to integer cents', () => {
  it.each([
    ['50', 5000],
    ['50.5', 5050],
    ['19.99', 1999],
    ['0.07', 7],
    ['1000000.01', 100000001],
    ['5O', null],
    ['1.234', null],
    ['-5', null],
    ['', null],
  ])('%j → %j', (typed, cents) => {
    expect(centsFromRands(typed)).toBe(cents);
  });
});
