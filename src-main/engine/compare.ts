// Comparing results against a reference within docs/NUMERICS.md §2's tolerance, with the worst case
// reported. Used by `rnnbench parity --expect` and by the tests.

export type Nested = number | Nested[] | { [key: string]: Nested }

export const PARITY_ATOL = 2e-4
export const PARITY_RTOL = 2e-3

export interface Comparison {
  count: number
  failures: number
  /** The value furthest outside (or least inside) its tolerance. */
  worst: { path: string; got: number; want: number; excess: number } | null
}

/** |got − want| ≤ atol + rtol·|want| for every value of `want`; shapes must match exactly. */
export function compareNested(got: unknown, want: Nested, atol = PARITY_ATOL, rtol = PARITY_RTOL): Comparison {
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
      result.worst = { path: `${p} (length ${Array.isArray(g) ? g.length : typeof g}, want ${w.length})`, got: NaN, want: NaN, excess: Infinity }
      return
    }
    w.forEach((item, i) => walk(g[i], item, `${p}[${i}]`))
  }
  walk(got, want, '')
  return result
}
