// Numbers as people read them, the same in the terminal, the UI and the reports. Pure: no Node APIs,
// so the renderer imports it too.


export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?'
  const s = Math.round(seconds)
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?'
  return n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : n >= 2 ** 20 ? `${(n / 2 ** 20).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`
}

/** A metric value: three significant digits, one decimal from 100 up. */
export function formatValue(x: number): string {
  if (!Number.isFinite(x)) return String(x)
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(3)
}

/** A run's metric line: final value, best of run, and the task's baselines (trivial, then classical where there is one). */
export function formatMetric(f: { metric: { name: string }; finalMetric: number; bestMetric: number; baseline: { metric: number }; classical?: { metric: number } }): string {
  return `${f.metric.name} ${formatValue(f.finalMetric)} (best ${formatValue(f.bestMetric)}, baseline ${formatValue(f.baseline.metric)}${f.classical ? `, classical ${formatValue(f.classical.metric)}` : ''})`
}

/** "1 run", "2 runs". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`
