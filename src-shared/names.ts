// The names everything shares: the cells, the backends and the tasks. The UI lists them, the
// validator checks against them, the engine switches on them; defined once, here.

export const CELL_KINDS = ['rnn_tanh', 'rnn_relu', 'lstm', 'gru'] as const
export type CellKind = (typeof CELL_KINDS)[number]

export const BACKEND_NAMES = ['cpu-js', 'cpu-native', 'webgpu', 'torch-cpu', 'torch-cuda', 'torch-mps'] as const
export type BackendName = (typeof BACKEND_NAMES)[number]

export const TASK_NAMES = ['adding', 'copy', 'airline', 'charlm', 'sentiment', 'digits', 'co2', 'series', 'classify'] as const
export type TaskName = (typeof TASK_NAMES)[number]
