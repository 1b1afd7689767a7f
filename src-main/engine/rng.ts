// A small seeded generator, so that the same seed gives the same run bit for bit on the same
// backend. xoshiro128** (Blackman & Vigna) on 32-bit integers, seeded through splitmix32; integer
// arithmetic only (Math.imul), so the stream does not depend on the JS engine's float details.

export class Rng {
  private s0 = 0
  private s1 = 0
  private s2 = 0
  private s3 = 0
  private spareNormal: number | null = null

  constructor(seed: number) {
    let x = seed >>> 0
    const next = () => {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next()
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 32 bits of resolution. */
  uniform(): number {
    return this.nextU32() / 4294967296
  }

  range(low: number, high: number): number {
    return low + (high - low) * this.uniform()
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n)
  }

  /** Fisher–Yates, in place: every order equally likely. Returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) { const j = this.int(i + 1); [items[i], items[j]] = [items[j], items[i]] }
    return items
  }

  /** Standard normal by Box–Muller, caching the second value. */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal
      this.spareNormal = null
      return v
    }
    let u = 0
    while (u === 0) u = this.uniform()
    const v = this.uniform()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spareNormal = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }

  /** An independent child stream, e.g. one for data and one for dropout. */
  fork(): Rng {
    return new Rng(this.nextU32())
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
