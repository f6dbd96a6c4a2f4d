/**
 * Seeded, integer-only PRNG facade (splitmix32-style seeding + mulberry32 core).
 * Named forks give independent streams: adding a device never changes another's draws.
 * Nothing here reads Math.random or the OS.
 */
function hash32(s: string, seed: number): number {
  // FNV-1a over the string, mixed with the parent seed.
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  /** Next unsigned 32-bit integer. */
  u32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 0) throw new RangeError(`Rng.int: empty range ${lo}..${hi}`);
    return lo + (this.u32() % span);
  }
  /** True with probability num/den. */
  chance(num: number, den: number): boolean {
    return this.u32() % den < num;
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i += 4) {
      const v = this.u32();
      for (let j = 0; j < 4 && i + j < n; j++) b[i + j] = (v >>> (8 * j)) & 0xff;
    }
    return b;
  }
  /** Child stream whose seed depends only on (this seed, name). */
  fork(name: string): Rng {
    return new Rng(hash32(name, this.seed));
  }
}
