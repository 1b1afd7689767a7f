// How a series looks, the same in every chart, the live view and the report: colour by cell (or by
// the chosen setting), dash and point shape by backend; and tick labels for log axes. No Chart.js
// here, so the chart builders stay plain functions that tests run in Node.

/**
 * Twelve colours that stay apart, the common colour-vision deficiencies included: Okabe–Ito's
 * hues and five of Paul Tol's, each darkened or lightened until it reaches 3:1 against both the
 * light panel (#fff) and the dark one (#1b2129), as WCAG asks of chart marks: one palette for
 * both schemes and the printed report, so a series never changes colour with the theme (ratios
 * in test/renderer/contrast.test.ts). Past twelve a colour comes back with another dash (styleAt).
 */
export const PALETTE = ['#2A8AC4', '#B36F00', '#009E73', '#D55E00', '#C05FA8', '#7A6FD6', '#857700', '#B65D93', '#2D8374', '#7A7A1F', '#6F7FD0', '#A4673C']
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]]

/** Each cell's colour, the same in every chart, the live view and the report. */
export const CELL_COLOURS: Record<string, string> = { lstm: '#2A8AC4', gru: '#B36F00', rnn_tanh: '#009E73', rnn_relu: '#C05FA8' }
/** Each backend's dash (lines) and point shape (scatter), the same everywhere. */
export const BACKEND_DASH: Record<string, number[]> = { 'cpu-js': [], 'cpu-native': [6, 3], webgpu: [2, 2], 'torch-cpu': [10, 3, 2, 3], 'torch-cuda': [1, 4], 'torch-mps': [8, 2, 2, 2, 2, 2] }
export const BACKEND_POINT: Record<string, 'circle' | 'triangle' | 'rect' | 'rectRot' | 'star' | 'crossRot'> = { 'cpu-js': 'circle', 'cpu-native': 'triangle', webgpu: 'rect', 'torch-cpu': 'rectRot', 'torch-cuda': 'star', 'torch-mps': 'crossRot' }

export type Theme = 'light' | 'dark' | 'system'
export const THEME_KEY = 'rnnbench-theme'

/** The scheme chosen in the app's switch (kept in localStorage), 'system' when none was. */
export function chosenTheme(): Theme {
  try {
    const t = typeof localStorage === 'undefined' ? null : localStorage.getItem(THEME_KEY)
    return t === 'light' || t === 'dark' ? t : 'system'
  } catch {
    return 'system'
  }
}

/** Whether the page is drawn dark: the switch's choice, else prefers-color-scheme; the report, made to be printed, never is. */
export function isDarkPage(): boolean {
  if (typeof document === 'undefined' || document.getElementById('rnnbench-report-data')) return false
  const t = chosenTheme()
  if (t !== 'system') return t === 'dark'
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
}

/**
 * A sequential colour for u in [0, 1] (small to large), for a numeric setting or measure: viridis,
 * clipped to the part that keeps 3:1 against the page's panel (its dark end on a dark page, its
 * yellow end on a light one), so that no run's line disappears into the background.
 */
export function sequentialColour(u: number, alpha = 1, dark = isDarkPage()): string {
  const [lo, hi] = dark ? [0.45, 1] : [0, 0.62]
  return viridisAt(lo + (hi - lo) * Math.min(1, Math.max(0, u)), alpha)
}

// Viridis at nine stops, interpolated: dark is small, yellow is large.
const VIRIDIS = [[68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142], [31, 158, 137], [53, 183, 121], [110, 206, 88], [253, 231, 37]]
export function viridisAt(u: number, alpha = 1): string {
  const x = Math.min(1, Math.max(0, u)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x)), f = x - i
  const c = VIRIDIS[i].map((v, k) => Math.round(v + (VIRIDIS[i + 1][k] - v) * f))
  return alpha >= 1 ? `rgb(${c[0]}, ${c[1]}, ${c[2]})` : `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`
}

/** Marks that must stand out on the background (the Pareto front): near-black, or near-white on a dark page. */
export const ink = (): string => (isDarkPage() ? '#f2f2f2' : '#111')

const rgba = (hex: string, alpha: number) => {
  if (alpha >= 1) return hex
  const n = parseInt(hex.slice(1), 16)
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

export const colorFor = (index: number, alpha = 1): string => rgba(PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length], alpha)

/** The colour and dash of the index-th group: twelve colours, then the colours again with a dash. */
export function styleAt(index: number, alpha = 1): { color: string; dash: number[] } {
  return { color: colorFor(index, alpha), dash: DASHES[Math.floor(Math.max(0, index) / PALETTE.length) % DASHES.length] }
}

/**
 * A series' style when coloured by `colorBy`: colour from the cell (fixed colours) or from the
 * value's place among `keys`; the backend's dash. Every chart calls this, so a series looks alike in all.
 */
export function seriesStyle(colorBy: string, key: string, keys: string[], backend: string, alpha = 1): { color: string; dash: number[]; point: string } {
  const i = keys.indexOf(key)
  // Numbers (a learning rate, a hidden size) get a sequential scale, in order of value (log where they span decades).
  const numeric = keys.length > 2 && keys.every((k) => k !== '' && Number.isFinite(Number(k)))
  const base = colorBy === 'cell' && CELL_COLOURS[key] ? { color: rgba(CELL_COLOURS[key], alpha), dash: [] as number[] }
    : numeric ? { color: sequentialColour(numericPlace(Number(key), keys.map(Number)), alpha), dash: [] as number[] } : styleAt(i, alpha)
  return { color: base.color, dash: BACKEND_DASH[backend]?.length ? BACKEND_DASH[backend] : base.dash, point: BACKEND_POINT[backend] ?? 'circle' }
}

/** Where v falls between the smallest and largest of values, 0 to 1: on a log scale when they are all positive and span a factor of ten or more. */
export function numericPlace(v: number, values: number[]): number {
  const lo = Math.min(...values), hi = Math.max(...values)
  if (!(hi > lo)) return 0.5
  const log = lo > 0 && hi / lo >= 10
  return log ? Math.log(v / lo) / Math.log(hi / lo) : (v - lo) / (hi - lo)
}

/**
 * Tick labels for a log axis: only at 1, 2 and 5 times a power of ten, so that they never crowd.
 * Chart.js must not skip ticks itself: it would keep 0.03 and 0.07 and drop the labelled 0.05.
 * An axis too narrow to hold two such values (0.6 to 0.8) labels every tick instead, at two
 * significant digits, so that no range is left without numbers.
 */
export const logTicks = {
  autoSkip: false,
  callback(value: number | string, _index?: number, ticks?: Array<{ value: number }>): string {
    const v = Number(value)
    if (!(v > 0)) return ''
    const nice = (x: number) => { const m = x / 10 ** Math.floor(Math.log10(x) + 1e-9); return [1, 2, 5].some((k) => Math.abs(m - k) < 1e-6) }
    if (ticks && ticks.filter((t) => t.value > 0 && nice(t.value)).length < 2) return String(Number(v.toPrecision(2)))
    return nice(v) ? String(Number(v.toPrecision(3))) : ''
  },
}
