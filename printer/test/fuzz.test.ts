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
    const full = decodeEscPos(slip);
    // Cut the slip inside its first raster rule (GS v 0) and inside its first QR command (GS ( k):
    // everything before decodes as in the whole slip, and the cut command is shown as truncated.
    for (const start of [[0x1d, 0x76, 0x30], [0x1d, 0x28, 0x6b]]) {
      const at = slip.indexOf(Buffer.from(start));
      expect(at, `sample slip has ${Buffer.from(start).toString('hex')}`).toBeGreaterThan(0);
      for (const cut of [at + 2, at + 4, at + 6]) {
        const cmds = decodeEscPos(slip.subarray(0, cut));
        expect(cmds.at(-1)).toEqual({ op: 'unknown', hex: slip.subarray(at, cut).toString('hex').replace(/(..)(?=.)/g, '$1 '), reason: 'truncated command' });
        expect(cmds.slice(0, -1)).toEqual(full.slice(0, cmds.length - 1));
      }
    }
    const cmds = decodeEscPos(Buffer.from([0x1b, 0x40, 0x1b, 0x99, 0x41, 0x1d, 0x6b, 0x49, 0x20]));
    expect(cmds).toContainEqual({ op: 'unknown', hex: '1b 99', reason: 'unknown ESC command' });
    expect(cmds).toContainEqual({ op: 'unknown', hex: '1d 6b 49 20', reason: 'truncated command' });
    expect(slipText(cmds)).toContain('[unknown 1b 99: unknown ESC command]');
  });
});
