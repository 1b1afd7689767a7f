// The vocabulary everything shares: the cells, the backends and the tasks' names,
// each with the facts about it that more than one place needs. The UI lists them, the validator
// checks against them, the engine switches on them, the estimator and the reports count with them;
// each fact is stated here once. The settings (settings.ts) and the tasks (tasks.ts) build on it.

/** The recurrent cells, in PyTorch's formulation (docs/NUMERICS.md). */
export const CELL_KINDS = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const
export type CellKind = (typeof CELL_KINDS)[number]
export const CELLS = {
  /** gates: rows of W_ih / W_hh per hidden unit (PyTorch stacks them: LSTM i,f,g,o; GRU r,z,n). */
  /** savedPerStep: floats kept for BPTT per timestep, batch row and hidden unit, as the backends count them. */
  rnn_tanh: { label: 'RNN (tanh)', gates: 1, savedPerStep: 1 },
  rnn_relu: { label: 'RNN (ReLU)', gates: 1, savedPerStep: 1 },
  lstm: { label: 'LSTM', gates: 4, savedPerStep: 6 },
  gru: { label: 'GRU', gates: 3, savedPerStep: 5 },
} as const satisfies Record<CellKind, { label: string; gates: number; savedPerStep: number }>

/** Rows of W_ih / W_hh per hidden unit. */
export const gateCount = (cell: CellKind): number => CELLS[cell].gates

/**
 * The backends. `presets`: whether a preset schedules it where it is available: rnnbench's own
 * do, a software WebGPU adapter does not (its runs would take most of a preset's time and say
 * nothing about GPUs), and PyTorch's run only when a spec names them. `defaultGflops`: the speed an
 * estimate assumes before this machine has measured any, cautious so that estimates run long.
 */
export const BACKEND_NAMES = ['cpu-js', 'cpu-native', 'webgpu', 'torch-cpu', 'torch-cuda', 'torch-mps'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]
export const BACKENDS = {
  'cpu-js': { presets: 'when available', defaultGflops: 0.5 },
  'cpu-native': { presets: 'when available', defaultGflops: 5 },
  webgpu: { presets: 'on a hardware adapter', defaultGflops: 0.2 },
  'torch-cpu': { presets: 'never', defaultGflops: 3 },
  'torch-cuda': { presets: 'never', defaultGflops: 50 },
  'torch-mps': { presets: 'never', defaultGflops: 10 },
} as const satisfies Record<BackendName, { presets: 'when available' | 'on a hardware adapter' | 'never'; defaultGflops: number }>

/** Whether a preset schedules this backend, given what its probe found. */
export function presetSchedules(name: BackendName, probe: { available: boolean; details?: { software?: unknown } }): boolean {
  const rule = BACKENDS[name].presets
  return probe.available && (rule === 'when available' || (rule === 'on a hardware adapter' && !probe.details?.software))
}

export const TASK_NAMES = ['adding', 'copy', 'airline', 'charlm', 'sentiment', 'digits', 'co2', 'series', 'classify'] as const
export type TaskName = (typeof TASK_NAMES)[number]
