/**
 * Report text at a receipt's width in columns (32 on 58 mm paper, 42 or 48 on 80 mm): label and value
 * on one line with the value right-aligned, headings centred, rules across. A label too long to share
 * its line with the value gets a line of its own. Pure.
 */
export interface ReceiptColumns {
  pair(label: string, value: string): string[];
  center(text: string): string;
  rule: string;
  /** A free line, cut to the width. */
  fit(text: string): string;
}

export function receiptColumns(width: number): ReceiptColumns {
  return {
    pair(label, value) {
      const gap = width - label.length - value.length;
      if (gap >= 1) return [label + ' '.repeat(gap) + value];
      return [label.slice(0, width), ' '.repeat(Math.max(0, width - value.length)) + value];
    },
    center: (text) => ' '.repeat(Math.max(0, Math.floor((width - text.length) / 2))) + text,
    rule: '-'.repeat(width),
    fit: (text) => text.slice(0, width),
  };
}
