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

  it('is a tax invoice: supplier, serial number, each token, debt and service charge VAT-inclusive with its VAT, TOTAL = their sum, the tender', () => {
    const t = texts('debt', '58mm').map((l) => l.text).join('\n');
    expect(t).toMatch(/^TAX INVOICE$/m);
    expect(t).toMatch(/Supplier VAT no:\s+4500193497/);
    expect(t).toMatch(/Invoice no:\s+VAT-000126/);
    expect(t).toMatch(/Electricity 45\.6 kWh\s+R150\.00\n  incl\. VAT 15%\s+R19\.57/);
    expect(t).toMatch(/Arrears recovery\s+R30\.00\n  incl\. VAT 15%\s+R3\.91\n  Balance left:\s+R470\.00/);
    expect(t).toMatch(/Monthly access fee \(Nov\)\s+R20\.00\n  incl\. VAT 15%\s+R2\.61/);
    expect(t).toMatch(/TOTAL\s+R200\.00\nVAT 15% included\s+R26\.09\nTotal excl\. VAT\s+R173\.91/);
    expect(t).toMatch(/Paid by:\s+Debit card 123456\*{6}7890/);
    expect(t).not.toMatch(/excl VAT\)/);
  });

  it("prints a card sale's tender: the card, its masked number and the card terminal's approval code; a cash sale has none", () => {
    const card = { ...SAMPLES.debt!, payment: { tender: 'CREDIT_CARD' as const, paidCents: 20000, maskedCard: '123456******7890', approvalCode: 'A1B2C3' } };
    for (const [paper, columns] of [['58mm', 32], ['80mm', 48]] as const) {
      const t = layoutSlip(card, { paper }).lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));
      expect(t.join('\n'), paper).toMatch(/Paid by:\s+Credit card 123456\*{6}7890\nApproval code:\s+A1B2C3\n/);
      expect(t.find((l) => l.startsWith('Approval code:'))?.length).toBe(columns);
    }
    const cash = layoutSlip({ ...SAMPLES.std!, payment: { ...SAMPLES.std!.payment!, approvalCode: 'A1B2C3' } }, { paper: '80mm' }).lines;
    expect(cash.some((l) => l.kind === 'text' && l.text.includes('Approval'))).toBe(false);
  });

  it('fills the paper: label/value pairs end at the last column (48 on 80 mm, 32 on 58 mm), headings centred, the reference on one line where it fits', () => {
    for (const [paper, cols] of [['80mm', 48], ['58mm', 32]] as const) {
      const lines = texts('std', paper);
      const total = lines.find((l) => l.text.startsWith('TOTAL'));
      expect(total?.text.length, paper).toBe(cols);
      expect(lines.find((l) => l.text.startsWith('Change:'))?.text).toMatch(new RegExp(`^Change:\\s+R100\\.00$`));
      expect(lines.find((l) => l.text.startsWith('Change:'))?.text.length).toBe(cols);
      expect(lines.find((l) => l.text === 'SUPPLIED (VAT INCLUSIVE)')?.align).toBe('center');
    }
    expect(texts('std', '80mm').map((l) => l.text)).toContain('Reference:  3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c3d4e');
    // 36 characters do not fit 32: cut at the paper's edge, not at a dash.
    const ref58 = texts('std', '58mm').map((l) => l.text);
    expect(ref58.slice(ref58.indexOf('Reference:') + 1, ref58.indexOf('Reference:') + 3)).toEqual(['3f2b8c1e-4d5a-4b6c-8d7e-9f0a1b2c', '3d4e']);
  });

  it('prints times in the till’s time zone, without the zone’s name', () => {
    // 2026-11-22T10:05:00+02:00 is 10:05 in Johannesburg and 08:05 in UTC.
    expect(texts('std', '80mm').map((l) => l.text)).toContain(`Date:${' '.repeat(27)}2026-11-22 10:05`);
    const utc = layoutSlip({ ...SAMPLES.std!, zone: 'UTC' }, { paper: '80mm' }).lines.flatMap((l) => (l.kind === 'text' ? [l.text] : []));
    expect(utc).toContain(`Date:${' '.repeat(27)}2026-11-22 08:05`);
  });

  it('says a pending purchase is pending with no token, not to buy again, to come back, and its short reference large', () => {
    const lines = texts('pending', '58mm');
    const t = lines.map((l) => l.text).join(' ').replace(/- /g, '-');
    expect(t).toContain('PURCHASE PENDING');
    expect(t).toContain('this slip has no token');
    expect(t).toContain('Do not buy again for this meter');
    expect(t).toContain('Come back with this slip for your token, or for a refund');
    expect(lines.map((l) => l.text).join('')).toContain('8d9e0f1a-4b5c-4d6e-8f7a-8b9c0d1e2f3a');
    expect(t).toMatch(/Amount paid:\s+R100\.00 .*Cash received:\s+R100\.00 Change:\s+R0\.00/);
    expect(t).toContain('Not a tax invoice');
    const short = lines.find((l) => l.text.trim() === '0d1e2f3a');
    expect(short, 'the last 8 characters on a line of their own').toBeTruthy();
    expect(short).toMatchObject({ width: 2, height: 2 });
  });

  it('marks a reprint COPY, keeps the original date and reference, says when and by whom it was reprinted, and keeps the refund token', () => {
    const t = texts('reprint', '80mm').map((l) => l.text);
    expect(t).toContain(' COPY ');
    expect(t).toContain(`Date:${' '.repeat(27)}2026-11-22 10:05`);
    expect(t).toContain('Reference:  9e0f1a2b-5c6d-4e7f-9a8b-9c0d1e2f3a4b');
    expect(t).toContain('Reprinted 2026-11-22 16:30 by Manager Thandi');
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
