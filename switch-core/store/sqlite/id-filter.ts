/**
 * Which transaction ids the SQLite file may hold, in memory: a new lookup's id — nearly always one
 * never seen — is known to be free without a descent of the ids' B-tree on the event loop (10–20 µs
 * a lookup under the switch bench's load, where the hop the switch adds costs a few hundred). A
 * Bloom filter: "absent" is certain, "maybe" is asked of the table. It is filled from the table when
 * the store opens (this process is the file's only writer) and with each id as its write is posted,
 * so a refused write leaves only a "maybe" the table answers. It grows by layers: when the last one
 * holds its capacity, one twice its size is added, and an id is looked for in each.
 */

/** Bits per id and probes per look: about 1% of new ids are asked of the table. */
const BITS_PER_ID = 10;
const PROBES = 7;

interface Layer {
  bits: Uint32Array;
  /** Bit count − 1 (a power of two). */
  mask: number;
  count: number;
  capacity: number;
}

/** The last id's two hashes (hash below): set there, read at once, so no pair is allocated per look. */
let h1 = 0;
let h2 = 0;

/** Two 32-bit FNV-style hashes of the id (different offsets and primes), for double hashing. */
function hash(id: string): void {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  h1 = a >>> 0;
  // Odd, so its steps visit every bit of a power-of-two table.
  h2 = (b ^ (b >>> 15)) | 1;
}

export class IdFilter {
  private readonly layers: Layer[] = [];

  constructor(capacity = 1 << 16) {
    this.addLayer(capacity);
  }

  add(id: string): void {
    let layer = this.layers[this.layers.length - 1]!;
    if (layer.count >= layer.capacity) layer = this.addLayer(layer.capacity * 2);
    hash(id);
    for (let i = 0; i < PROBES; i++) {
      const bit = (h1 + i * h2) & layer.mask;
      layer.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    layer.count++;
  }

  /** False: the id was never added. True: it may have been. */
  mayHave(id: string): boolean {
    hash(id);
    for (const layer of this.layers) {
      let all = true;
      for (let i = 0; i < PROBES && all; i++) {
        const bit = (h1 + i * h2) & layer.mask;
        all = (layer.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
      }
      if (all) return true;
    }
    return false;
  }

  private addLayer(capacity: number): Layer {
    let size = 32;
    while (size < capacity * BITS_PER_ID) size *= 2;
    const layer = { bits: new Uint32Array(size / 32), mask: size - 1, count: 0, capacity };
    this.layers.push(layer);
    return layer;
  }
}
