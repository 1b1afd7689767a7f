// Compare nested arrays of numbers within REFERENCE.md §2's tolerance and report the worst case.

export type Nested = number | Nested[] | { [key: string]: Nested }

export interface Comparison {
  count: number
  failures: number
  worst: { path: string; got: number; want: number; excess: number } | null
}

/** |got − want| ≤ atol + rtol·|want| for every value; shapes must match exactly. */
export function compareNested(got: unknown, want: Nested, atol = 2e-4, rtol = 2e-3, path = ''): Comparison {
  const result: Comparison = { count: 0, failures: 0, worst: null }
  const walk = (g: unknown, w: Nested, p: string) => {
    if (typeof w === 'number') {
      result.count++
      const gv = typeof g === 'number' ? g : NaN
      const excess = Math.abs(gv - w) - (atol + rtol * Math.abs(w))
      if (!(excess <= 0)) result.failures++
      if (!result.worst || !(excess <= result.worst.excess)) result.worst = { path: p, got: gv, want: w, excess }
      return
    }
    if (!Array.isArray(w)) {
      const go = (typeof g === 'object' && g !== null ? g : {}) as Record<string, unknown>
      for (const key of Object.keys(w)) walk(go[key], w[key], p ? `${p}.${key}` : key)
      return
    }
    if (!Array.isArray(g) || g.length !== w.length) {
      result.failures++
      result.worst = { path: `${p} (shape: got ${Array.isArray(g) ? g.length : typeof g}, want ${w.length})`, got: NaN, want: NaN, excess: Infinity }
      return
    }
    w.forEach((item, i) => walk(g[i], item, `${p}[${i}]`))
  }
  walk(got, want, path)
  return result
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity
  let worst = 0
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]))
  return worst
}
