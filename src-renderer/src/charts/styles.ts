// How a series looks, the same in every chart, the live view and the report: colour by cell (or by
// the chosen setting), dash and point shape by backend; and tick labels for log axes. No Chart.js
// here, so the chart builders stay plain functions that tests run in Node.

/**
 * Twelve colours that stay apart, the common colour-vision deficiencies included: Okabe–Ito's
 * seven, then five of Paul Tol's. Past twelve a colour comes back with another dash (styleAt).
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#882255', '#44AA99', '#999933', '#332288', '#AA4499']
const DASHES: number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3]]

/** Each cell's colour, the same in every chart, the live view and the report. */
export const CELL_COLOURS: Record<string, string> = { lstm: '#0072B2', gru: '#E69F00', rnn_tanh: '#009E73', rnn_relu: '#CC79A7' }
/** Each backend's dash (lines) and point shape (scatter), the same everywhere. */
export const BACKEND_DASH: Record<string, number[]> = { 'cpu-js': [], 'cpu-native': [6, 3], webgpu: [2, 2], 'torch-cpu': [10, 3, 2, 3], 'torch-cuda': [1, 4], 'torch-mps': [8, 2, 2, 2, 2, 2] }
export const BACKEND_POINT: Record<string, 'circle' | 'triangle' | 'rect' | 'rectRot' | 'star' | 'crossRot'> = { 'cpu-js': 'circle', 'cpu-native': 'triangle', webgpu: 'rect', 'torch-cpu': 'rectRot', 'torch-cuda': 'star', 'torch-mps': 'crossRot' }

/** Whether the page is drawn dark (prefers-color-scheme); the report, made to be printed, never is. */
export const isDarkPage = (): boolean =>
  typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches && typeof document !== 'undefined' && !document.getElementById('rnnbench-report-data')

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
  const base = colorBy === 'cell' && CELL_COLOURS[key] ? { color: rgba(CELL_COLOURS[key], alpha), dash: [] as number[] } : styleAt(i, alpha)
  return { color: base.color, dash: BACKEND_DASH[backend]?.length ? BACKEND_DASH[backend] : base.dash, point: BACKEND_POINT[backend] ?? 'circle' }
}

/**
 * Tick labels for a log axis: only at 1, 2 and 5 times a power of ten, so that they never crowd.
 * Chart.js must not skip ticks itself: it would keep 0.03 and 0.07 and drop the labelled 0.05.
 */
export const logTicks = {
  autoSkip: false,
  callback(value: number | string): string {
    const v = Number(value)
    if (!(v > 0)) return ''
    const mantissa = v / 10 ** Math.floor(Math.log10(v) + 1e-9)
    return [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) ? String(Number(v.toPrecision(3))) : ''
  },
}
