/** Pure layout and encoding: what a cashier would notice on paper, without any I/O. */
import { describe, expect, it } from 'vitest';
import { encodeEscPos, encodeText, groupToken, layoutSlip } from '../index';
import { formatRate, formatUnits, wrap } from '../layout';
import { SAMPLES } from './samples';

const texts = (slip: keyof typeof SAMPLES, paper: '58mm' | '80mm', columns?: 32 | 42 | 48) =>
  layoutSlip(SAMPLES[slip]!, { paper, columns }).lines.flatMap((l) => (l.kind === 'text' ? [l] : []));

describe('layoutSlip', () => {
  it.each([
    ['58mm', 32],
    ['80mm', 42],
    ['80mm', 48],
  ] as const)('never overflows %s at %i columns for any sample', (paper, columns) => {
    for (const name of Object.keys(SAMPLES)) {
      for (const l of texts(name, paper, columns)) expect(l.text.length * l.width, `${name}: ${l.text}`).toBeLessThanOrEqual(columns);
    }
  });

  it('prints tokens in groups of four in large print', () => {
    const big = texts('std', '80mm').filter((l) => l.height === 2 && /^\d{4}( \d{4})+$/.test(l.text));
    expect(big.map((l) => l.text)).toEqual(['1234 5678 9012 3456 7890']);
    expect(big[0]?.width).toBe(2);
    expect(texts('std', '58mm').find((l) => l.text === '1234 5678 9012 3456 7890')?.height).toBe(2);
  });

  it('puts key change tokens first with the instruction to enter them first', () => {
    const t = texts('kc', '80mm').map((l) => l.text);
    const notice = t.findIndex((x) => x.includes('ENTER KEY CHANGE TOKENS FIRST'));
    const kc1 = t.indexOf('1010 1010 2020 2020 3030');
    const kc2 = t.indexOf('4040 4040 5050 5050 6060');
    const std = t.indexOf('5555 6666 7777 8888 9999');
    expect(notice).toBeGreaterThanOrEqual(0);
    expect(notice < kc1 && kc1 < kc2 && kc2 < std).toBe(true);
  });

  it('shows debt recovered with balance left, service charges, VAT and totals', () => {
    const t = texts('debt', '58mm').map((l) => l.text).join('\n');
    expect(t).toMatch(/Arrears recovery\s+R30\.00/);
    expect(t).toMatch(/Balance left:\s+R470\.00/);
    expect(t).toMatch(/Monthly access fee \(Nov\)\s+R20\.00/);
    expect(t).toMatch(/VAT:\s+R26\.09/);
    expect(t).toMatch(/TOTAL\s+R200\.00/);
    expect(t).toMatch(/VAT invoice no:\s+VAT-000126/);
  });

  it('says a pending purchase is pending with no token, not to buy again, to come back, and its short reference large', () => {
    const lines = texts('pending', '58mm');
    const t = lines.map((l) => l.text).join(' ').replace(/- /g, '-');
    expect(t).toContain('PURCHASE PENDING');
    expect(t).toContain('this slip has no token');
    expect(t).toContain('Do not buy again for this meter');
    expect(t).toContain('Come back with this slip for your token, or for a refund');
    expect(t).toContain('8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a');
    const short = lines.find((l) => l.text.trim() === '0d1e2f3a');
    expect(short, 'the last 8 characters on a line of their own').toBeTruthy();
    expect(short).toMatchObject({ width: 2, height: 2 });
  });

  it('marks reprints with the reprint time and keeps the refund token', () => {
    const t = texts('reprint', '80mm').map((l) => l.text);
    expect(t).toContain(' REPRINT ');
    expect(t).toContain('Reprinted 2026-11-22 14:30:00 UTC');
    expect(t).toContain('REFUND TOKEN');
  });

  it('uses QR when a CODE128 of the reference cannot fit the paper', () => {
    const l58 = layoutSlip(SAMPLES.std!, { paper: '58mm' }).lines;
    expect(l58.some((l) => l.kind === 'barcode')).toBe(false);
    expect(l58.some((l) => l.kind === 'qr')).toBe(true);
    const l80 = layoutSlip(SAMPLES.std!, { paper: '80mm' }).lines;
    expect(l80.some((l) => l.kind === 'barcode')).toBe(true);
  });
});

describe('helpers', () => {
  it.each([
    [196, 'R1.96'],
    [117.3, 'R1.173'],
    [134.55, 'R1.3455'],
    [123456.5, 'R1 234.565'],
  ])('a tariff rate of %s cents per unit prints as %s', (c, s) => expect(formatRate(c)).toBe(s));
  it.each([
    [30, '30.0'],
    [73.8, '73.8'],
    [15.66, '15.66'],
  ])('units %s print as %s', (u, s) => expect(formatUnits(u)).toBe(s));
  it('groups tokens in fours', () => expect(groupToken('12345678901234567890')).toBe('1234 5678 9012 3456 7890'));
  it('wraps long words hard', () => expect(wrap('abcdefghij klm', 4)).toEqual(['abcd', 'efgh', 'ij', 'klm']));
});

describe('encodeEscPos', () => {
  it('starts with ESC @ and selects the code page explicitly', () => {
    const b = encodeEscPos(layoutSlip(SAMPLES.std!, { paper: '58mm' }), { commandSet: 'epson' });
    expect([...b.subarray(0, 5)]).toEqual([0x1b, 0x40, 0x1b, 0x74, 16]);
    expect(b.includes(Buffer.from([0x1d, 0x56, 0x00]))).toBe(true);
  });
  it('encodes Latin-1 names in CP1252 and falls back legibly otherwise', () => {
    expect([...encodeText('Zoë')]).toEqual([0x5a, 0x6f, 0xeb]);
    expect(encodeText('Łódź').toString('latin1')).toBe('L\xf3dz');
    expect(encodeText('日本')).toEqual(Buffer.from('??'));
  });
  it('builds Star line-mode bytes too', () => {
    const b = encodeEscPos(layoutSlip(SAMPLES.kc!, { paper: '80mm' }), { commandSet: 'star' });
    expect([...b.subarray(0, 6)]).toEqual([0x1b, 0x40, 0x1b, 0x1d, 0x74, 32]);
    expect(b.includes(Buffer.from([0x1b, 0x64, 0x02]))).toBe(true);
  });
});
