/**
 * The STS token CRC-16: the MODBUS core (reflected polynomial 0xA001, init 0xFFFF, no final XOR) over
 * the class and data fields as 7 big-endian bytes, with the result's two bytes swapped (STS.md).
 */

const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let b = 0; b < 8; b++) c = c & 1 ? (c >>> 1) ^ 0xa001 : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC of a 56-bit value (class ‖ the 48 data bits) as the token carries it. */
export function stsCrc(v56: bigint): number {
  let crc = 0xffff;
  for (let shift = 48n; shift >= 0n; shift -= 8n) {
    const byte = Number((v56 >> shift) & 0xffn);
    crc = (crc >>> 8) ^ (TABLE[(crc ^ byte) & 0xff] as number);
  }
  return ((crc & 0xff) << 8) | (crc >>> 8);
}
