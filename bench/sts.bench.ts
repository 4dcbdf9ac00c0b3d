/**
 * STS credit tokens per second on one core: make a token (EA07 encrypt, CRC, 20 digits) and read it
 * back (digits, EA07 decrypt, CRC), beside the same count of node:crypto single-block aes-128-ecb
 * encryptions (OpenSSL, native code) as the baseline. Target: ≥ 0.4× the baseline's rate (a token is
 * two block operations and more; measured 0.80× on a loaded machine, so half of that is the margin);
 * exits non-zero when missed.
 */
import { atLeast, type TargetCheck } from './targets';
import { createCipheriv, randomBytes } from 'node:crypto';
import { creditToken, deriveDecoderKey, meterPan, readToken } from '../switch-core/sts';

const TARGET_RATIO = 0.4;
const COUNT = 100_000;

function tokensPerSec(count: number, decoderKey: string): number {
  let accepted = 0;
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const token = creditToken(decoderKey, { subclass: (i % 3) as 0 | 1 | 2, random: i % 16, tid: 6_000_000 + i, tenths: i % 180_000 });
    if (readToken(token, decoderKey).kind === 'credit') accepted++;
  }
  const elapsed = performance.now() - start;
  if (accepted !== count) throw new Error(`only ${accepted} of ${count} tokens read back`);
  return (count / elapsed) * 1000;
}

function aesPerSec(count: number): number {
  const key = randomBytes(16);
  const block = randomBytes(16);
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    block[0] = i & 0xff;
    const c = createCipheriv('aes-128-ecb', key, null).setAutoPadding(false);
    c.update(block);
    c.final();
  }
  return (count / (performance.now() - start)) * 1000;
}

export default async function (): Promise<TargetCheck[]> {
  const key = deriveDecoderKey({ vendingKey: 'abababababababab', supplyGroupCode: '123456', tariffIndex: '01', keyRevision: 1, keyType: 2, pan: meterPan('01234567891') });
  tokensPerSec(5_000, key); // warm up the JIT
  aesPerSec(5_000);
  const sts = tokensPerSec(COUNT, key);
  const aes = aesPerSec(COUNT);
  const met = sts / aes >= TARGET_RATIO;
  const row = (name: string, value: string, base: string, ratio: string, target: string) =>
    console.log(`${name.padEnd(34)} ${value.padStart(12)} ${base.padStart(18)} ${ratio.padStart(8)}  ${target}`);
  console.log(`${COUNT} credit tokens, each generated and decoded; baseline: ${COUNT} single-block aes-128-ecb encryptions`);
  row('measure', 'value', 'baseline(aes/s)', 'ratio', 'target');
  row('STS tokens/s (make + read)', sts.toFixed(0), aes.toFixed(0), (sts / aes).toFixed(2) + 'x', `>= ${TARGET_RATIO}x ${met ? 'MET' : 'MISSED'}`);
  return [atLeast('STS credit tokens/s (make + read) / aes-128-ecb blocks/s', sts / aes, TARGET_RATIO, '×')];
}
