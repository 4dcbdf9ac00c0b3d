/** Random and truncated bytes never crash the decoder, the renderer or the text view. */
import { describe, expect, it } from 'vitest';
import { decodeEscPos, encodeEscPos, layoutSlip, renderSlipPng, slipText } from '../index';
import { SAMPLES } from './samples';

/** Small deterministic PRNG so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('decoder robustness', () => {
  it('survives 300 random byte strings, biased towards command prefixes', () => {
    const r = rng(42);
    const prefixes = [0x1b, 0x1d, 0x10, 0x0a];
    for (let n = 0; n < 300; n++) {
      const len = Math.floor(r() * 400);
      const bytes = new Uint8Array(len);
      for (let k = 0; k < len; k++) bytes[k] = r() < 0.2 ? (prefixes[Math.floor(r() * 4)] as number) : Math.floor(r() * 256);
      const cmds = decodeEscPos(bytes);
      expect(() => slipText(cmds)).not.toThrow();
      expect(() => renderSlipPng(cmds, { paper: '58mm' })).not.toThrow();
    }
  });

  it('shows truncated and unknown commands as such', () => {
    const slip = encodeEscPos(layoutSlip(SAMPLES.std!, { paper: '58mm' }), { commandSet: 'epson' });
    for (const cut of [3, 10, 57, 200, slip.length - 5]) {
      const cmds = decodeEscPos(slip.subarray(0, cut));
      expect(Array.isArray(cmds)).toBe(true);
    }
    const cmds = decodeEscPos(Buffer.from([0x1b, 0x40, 0x1b, 0x99, 0x41, 0x1d, 0x6b, 0x49, 0x20]));
    expect(cmds).toContainEqual({ op: 'unknown', hex: '1b 99', reason: 'unknown ESC command' });
    expect(cmds).toContainEqual({ op: 'unknown', hex: '1d 6b 49 20', reason: 'truncated command' });
    expect(slipText(cmds)).toContain('[unknown 1b 99: unknown ESC command]');
  });
});
