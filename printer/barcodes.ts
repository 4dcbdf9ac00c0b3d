/**
 * 1D barcode symbologies as module runs, for the virtual printer's renderer: CODE128 (sets A/B/C,
 * Epson "{A"/"{B"/"{C" selection), CODE39 and EAN-13. Pattern tables are the standard ones (the
 * same as @zxing/library's readers). Returns bar/space widths in modules, starting with a bar.
 */
const C128 = [
  '212222','222122','222221','121223','121322','131222','122213','122312','132212','221213','221312','231212','112232','122132',
  '122231','113222','123122','123221','223211','221132','221231','213212','223112','312131','311222','321122','321221','312212',
  '322112','322211','212123','212321','232121','111323','131123','131321','112313','132113','132311','211313','231113','231311',
  '112133','112331','132131','113123','113321','133121','313121','211331','231131','213113','213311','213131','311123','311321',
  '331121','312113','312311','332111','314111','221411','431111','111224','111422','121124','121421','141122','141221','112214',
  '112412','122114','122411','142112','142211','241211','221114','413111','241112','134111','111242','121142','121241','114212',
  '124112','124211','411212','421112','421211','212141','214121','412121','111143','111341','131141','114113','114311','411113',
  '411311','113141','114131','311141','411131','211412','211214','211232','2331112',
];
const C39_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%';
const C39 = [52,289,97,352,49,304,112,37,292,100,265,73,328,25,280,88,13,268,76,28,259,67,322,19,274,82,7,262,70,22,385,193,448,145,400,208,133,388,196,168,162,138,42];
const EAN_L = ['3211', '2221', '2122', '1411', '1132', '1231', '1114', '1312', '1213', '3112'];
const EAN_FIRST = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL'];

const runs = (s: string) => Array.from(s, Number);

/** Epson GS k 73 data: optional "{A"/"{B"/"{C" code set switches, "{{" for a literal brace. Returns the decoded text too. */
export function code128(data: string): { runs: number[]; text: string } {
  const values: number[] = [];
  let set: 'A' | 'B' | 'C' = 'B';
  let text = '';
  let i = 0;
  if (data.startsWith('{A') || data.startsWith('{B') || data.startsWith('{C')) {
    set = data[1] as 'A' | 'B' | 'C';
    i = 2;
  }
  values.push(set === 'A' ? 103 : set === 'B' ? 104 : 105);
  while (i < data.length) {
    if (data[i] === '{' && i + 1 < data.length && data[i + 1] !== '{') {
      const next = data[i + 1];
      if (next === 'A' || next === 'B' || next === 'C') {
        values.push(next === 'A' ? 101 : next === 'B' ? 100 : 99);
        set = next;
      }
      i += 2;
      continue;
    }
    if (data[i] === '{') i++;
    if (set === 'C') {
      const pair = data.slice(i, i + 2);
      if (!/^\d\d$/.test(pair)) throw new Error(`CODE128 set C needs digit pairs at "${data.slice(i)}"`);
      values.push(Number(pair));
      text += pair;
      i += 2;
      continue;
    }
    const c = data.charCodeAt(i);
    if (set === 'B') {
      if (c < 32 || c > 127) throw new Error(`CODE128 set B cannot encode byte ${c}`);
      values.push(c - 32);
    } else {
      if (c > 95) throw new Error(`CODE128 set A cannot encode byte ${c}`);
      values.push(c < 32 ? c + 64 : c - 32);
    }
    text += data[i];
    i++;
  }
  let check = values[0] as number;
  for (let k = 1; k < values.length; k++) check += (values[k] as number) * k;
  values.push(check % 103, 106);
  return { runs: values.flatMap((v) => runs(C128[v] as string)), text };
}

export function code39(data: string): { runs: number[]; text: string } {
  const text = data.replace(/^\*|\*$/g, '');
  const out: number[] = [];
  const glyph = (bits: number) => {
    for (let k = 8; k >= 0; k--) out.push((bits >> k) & 1 ? 3 : 1);
    out.push(1); // inter-character gap
  };
  glyph(148);
  for (const ch of text) {
    const idx = C39_ALPHABET.indexOf(ch.toUpperCase());
    if (idx < 0) throw new Error(`CODE39 cannot encode "${ch}"`);
    glyph(C39[idx] as number);
  }
  glyph(148);
  out.pop();
  return { runs: out, text };
}

export function ean13(data: string): { runs: number[]; text: string } {
  let digits = data.replace(/\D/g, '');
  if (digits.length === 12) {
    let sum = 0;
    for (let k = 0; k < 12; k++) sum += Number(digits[k]) * (k % 2 === 0 ? 1 : 3);
    digits += String((10 - (sum % 10)) % 10);
  }
  if (digits.length !== 13) throw new Error('EAN-13 needs 12 or 13 digits');
  const parity = EAN_FIRST[Number(digits[0])] as string;
  const out = [1, 1, 1];
  for (let k = 1; k <= 6; k++) {
    const l = runs(EAN_L[Number(digits[k])] as string);
    out.push(...(parity[k - 1] === 'G' ? l.reverse() : l));
  }
  out.push(1, 1, 1, 1, 1);
  for (let k = 7; k <= 12; k++) out.push(...runs(EAN_L[Number(digits[k])] as string));
  out.push(1, 1, 1);
  return { runs: out, text: digits };
}
