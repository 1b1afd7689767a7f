// The settings registry: every setting a sweep may fix or vary, stated once. Its name, its kind, the
// values it takes, its default, its labels and unit, how matched pairs treat it, which tasks read
// it, and one line of help. Everything else is read from this table or derived from it:
// - the spec's validators (src-main/engine/sweep/spec.ts builds its zod schemas from it);
// - RunConfig's type (`RunSettings` below, src-main/engine/run-config.ts);
// - the builder's fields, labels and hints (src-renderer/src/state/builder.svelte.ts);
// - the estimator's inputs and the pairing rule (`pairing`: src-main/reports/matching.ts);
// - the table of settings in docs/SWEEP-SPEC.md (`settingsTableMarkdown`, regenerated and compared
//   by test/docs/settings-table.test.ts).
// No validator library here: the renderer and the report script import this file.

import { BACKEND_NAMES, CELL_KINDS, TASK_NAMES, type TaskName } from './names'
import { rangeText, type NumericRange } from './ranges'

/**
 * The optimizers, as torch.optim defines them. `moments`: the buffers of optimizer state kept per
 * parameter (Adam's two moments; SGD's velocity only with momentum), which memory counts need.
 */
export const OPTIMIZER_NAMES = ['adam', 'sgd'] as const
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number]
export const OPTIMIZERS = {
  adam: { label: 'Adam', moments: (_momentum: number) => 2 },
  sgd: { label: 'SGD', moments: (momentum: number) => (momentum > 0 ? 1 : 0) },
} as const satisfies Record<OptimizerName, { label: string; moments: (momentum: number) => number }>

/** Per-parameter buffers of optimizer state. */
export const momentBuffers = (o: { kind: OptimizerName; momentum?: number }): number => OPTIMIZERS[o.kind].moments(o.momentum ?? 0)

const whole = (min: number, max: number): NumericRange => ({ min, max, integer: true })

/**
 * How the matched design treats runs that differ in a setting (docs/REPORTS.md):
 * - `compared`: what a pair differs in (the cell);
 * - `matched`: a pair's two runs must share it, and it changes what they compute;
 * - `speed`: a pair's two runs must share it, but it changes only how fast (the backend): runs
 *   that differ only in it train the same networks and, for what they learn, count once.
 */
export type Pairing = 'compared' | 'matched' | 'speed'

/** Where a setting belongs, for the docs and the builder: the task, the network, its training, or a data file's reading. */
export type SettingGroup = 'task' | 'network' | 'training' | 'data'

interface Common {
  /** The form's label ("Hidden size"); also the name errors use in the builder. */
  label: string
  /** Tables' and progress lines' short label: "H" as in "H=64". */
  short?: string
  unit?: string
  group: SettingGroup
  pairing: Pairing
  /** The tasks that read it; 'all' for every task. */
  tasks: 'all' | readonly TaskName[]
  /** One line: what it does. */
  help: string
  /** The docs' and hints' default where the task or the data decide (no default value). */
  defaultText?: string
  /** The builder shows it as a list of values (one fixes it, several make an axis). */
  form?: 'list'
  /**
   * It changes how much work one training step does (the shapes, the optimizer's update, dropout's
   * masks): step time may be described by it. A learning rate or a seed changes none, so step time
   * is never broken down by them.
   */
  work?: true
}
export type SettingDef = Common & (
  | { kind: 'choice'; choices: readonly string[]; default?: string }
  | { kind: 'integer' | 'number'; range: NumericRange; default?: number }
  | { kind: 'boolean'; default: boolean }
  | { kind: 'text'; maxLength: number; default?: undefined }
  | { kind: 'text-list'; maxLength: number; maxItems: number; default?: undefined }
)

const DATA_TASKS = ['series', 'classify'] as const satisfies readonly TaskName[]

export const SETTINGS = {
  task: {
    kind: 'choice', choices: TASK_NAMES, default: 'adding', label: 'Tasks', group: 'task', pairing: 'matched', work: true, tasks: 'all',
    help: 'what the network learns; see the table of tasks below',
  },
  seqLen: {
    kind: 'integer', range: whole(1, 100_000), label: 'Sequence length', short: 'T', unit: 'timesteps', group: 'task', pairing: 'matched', work: true, tasks: 'all', form: 'list',
    help: 'adding T, copy delay T (sequences of T + 20), airline window (1–95 months), charlm chunk, sentiment review length, co2 and series window; digits are 64 pixels long; classify cuts or pads each text to it',
    defaultText: 'per task (the table of tasks); classify: the 95th percentile of the training texts\' lengths',
  },
  textFile: {
    kind: 'text', maxLength: 4096, label: 'Text file', group: 'task', pairing: 'matched', work: true, tasks: ['charlm'],
    help: 'path of a UTF-8 text to learn; checked before the sweep starts', defaultText: 'the built-in corpus',
  },
  cell: {
    kind: 'choice', choices: CELL_KINDS, default: 'lstm', label: 'Cells', group: 'network', pairing: 'compared', work: true, tasks: 'all',
    help: 'the recurrent cell, in PyTorch\'s formulation: what every verdict compares',
  },
  backend: {
    kind: 'choice', choices: BACKEND_NAMES, default: 'cpu-js', label: 'Backends', group: 'training', pairing: 'speed', work: true, tasks: 'all',
    help: 'what runs the step: rnnbench\'s own, or the user\'s PyTorch (docs/TORCH.md); each must be available (`rnnbench doctor`)',
  },
  hiddenSize: {
    kind: 'integer', range: whole(1, 8192), default: 32, label: 'Hidden size', short: 'H', unit: 'units', group: 'network', pairing: 'matched', work: true, tasks: 'all', form: 'list',
    help: 'hidden units per layer and direction',
  },
  numLayers: {
    kind: 'integer', range: whole(1, 16), default: 1, label: 'Layers', short: 'L', group: 'network', pairing: 'matched', work: true, tasks: 'all', form: 'list',
    help: 'stacked recurrent layers',
  },
  bidirectional: {
    kind: 'boolean', default: false, label: 'Bidirectional', short: 'bidir', group: 'network', pairing: 'matched', work: true, tasks: 'all',
    help: 'a second direction per layer, read backwards',
  },
  dropout: {
    kind: 'number', range: { min: 0, max: 1, maxExclusive: true, integer: false }, default: 0, label: 'Dropout', group: 'network', pairing: 'matched', work: true, tasks: 'all', form: 'list',
    help: 'dropout on the outputs of every layer but the last, in training only',
  },
  batchSize: {
    kind: 'integer', range: whole(1, 65_536), default: 32, label: 'Batch size', short: 'B', unit: 'sequences', group: 'training', pairing: 'matched', work: true, tasks: 'all', form: 'list',
    help: 'sequences per training step',
  },
  optimizer: {
    kind: 'choice', choices: OPTIMIZER_NAMES, default: 'adam', label: 'Optimizer', group: 'training', pairing: 'matched', work: true, tasks: 'all',
    help: 'as torch.optim: Adam with β = (0.9, 0.999) and ε = 1e-8, or SGD',
  },
  lr: {
    kind: 'number', range: { min: 0, max: 10, minExclusive: true, integer: false }, default: 0.01, label: 'Learning rate', group: 'training', pairing: 'matched', tasks: 'all', form: 'list',
    help: 'the optimizer\'s step size',
  },
  momentum: {
    kind: 'number', range: { min: 0, max: 1, maxExclusive: true, integer: false }, default: 0, label: 'Momentum', group: 'training', pairing: 'matched', tasks: 'all',
    help: 'SGD only',
  },
  weightDecay: {
    kind: 'number', range: { min: 0, max: Infinity, integer: false }, default: 0, label: 'Weight decay', group: 'training', pairing: 'matched', tasks: 'all',
    help: 'L2 penalty added to the gradient (torch.optim semantics)',
  },
  clipNorm: {
    kind: 'number', range: { min: 0, max: Infinity, integer: false }, default: 1, label: 'Gradient clipping', group: 'training', pairing: 'matched', tasks: 'all',
    help: 'global gradient-norm clipping; 0 is off',
  },
  forgetBias1: {
    kind: 'boolean', default: false, label: 'Forget-gate bias 1', group: 'network', pairing: 'matched', tasks: 'all',
    help: 'LSTM: start the forget gate open, bias 1 (Jozefowicz et al. 2015)',
  },
  dataFile: {
    kind: 'text', maxLength: 4096, label: 'Data file', group: 'data', pairing: 'matched', work: true, tasks: DATA_TASKS,
    help: 'path of a CSV or TSV with a header row (UTF-8, at most 32 MiB); read and checked before the sweep starts, and again by each worker',
    defaultText: 'required for those tasks',
  },
  column: {
    kind: 'text', maxLength: 200, label: 'Column to forecast', group: 'data', pairing: 'matched', tasks: ['series'],
    help: 'the column to forecast', defaultText: 'the last numeric column',
  },
  covariates: {
    kind: 'text-list', maxLength: 200, maxItems: 32, label: 'Covariates (columns beside it)', group: 'data', pairing: 'matched', work: true, tasks: ['series'],
    help: 'other numeric columns fed beside the series at every step of the window (scaled on the training part; known up to the forecast origin); the baselines use the series alone',
    defaultText: 'none',
  },
  horizon: {
    kind: 'integer', range: whole(1, 10_000), label: 'Horizon (steps ahead)', unit: 'steps', group: 'data', pairing: 'matched', tasks: ['series', 'co2'],
    help: 'steps ahead to forecast', defaultText: '1',
  },
  testFraction: {
    kind: 'number', range: { min: 0, max: 0.4, minExclusive: true, maxExclusive: false, integer: false }, label: 'Test fraction', group: 'data', pairing: 'matched', tasks: ['series', 'co2', 'classify'],
    help: 'the share held out for test, and as much again for validation: series, co2: the last part is test and the part before it validation, in time order; classify: that share of each class each (stratified, by the data seed)', defaultText: '0.2',
  },
  seasonality: {
    kind: 'integer', range: whole(1, 10_000), label: 'Season length', unit: 'steps', group: 'data', pairing: 'matched', tasks: ['series', 'co2'],
    help: 'the season\'s length in steps (1: no season)',
    defaultText: 'series: from the date column\'s spacing (hourly 24, daily 7, weekly 52, monthly 12, quarterly 4, yearly 1), else from the autocorrelation; co2: 12',
  },
  textColumn: {
    kind: 'text', maxLength: 200, label: 'Text column', group: 'data', pairing: 'matched', tasks: ['classify'],
    help: 'the column of texts', defaultText: 'the first non-numeric column other than the label',
  },
  labelColumn: {
    kind: 'text', maxLength: 200, label: 'Label column', group: 'data', pairing: 'matched', tasks: ['classify'],
    help: 'the column of labels (2–100 distinct values)', defaultText: 'the last column',
  },
  tokens: {
    kind: 'choice', choices: ['chars', 'words'], label: 'Tokens', group: 'data', pairing: 'matched', work: true, tasks: ['classify'],
    help: 'chars: one token per character; words: lower-cased runs of letters and digits, and each punctuation mark', defaultText: '`words`',
  },
} as const satisfies Record<string, SettingDef>

export type SettingName = keyof typeof SETTINGS
export const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[]

type ValueOf<D> =
  D extends { kind: 'choice'; choices: readonly (infer C)[] } ? C
  : D extends { kind: 'integer' | 'number' } ? number
  : D extends { kind: 'boolean' } ? boolean
  : D extends { kind: 'text' } ? string
  : D extends { kind: 'text-list' } ? string[]
  : never

/** Each setting's value type. */
export type SettingValues = { -readonly [K in SettingName]: ValueOf<(typeof SETTINGS)[K]> }

/** Settings with a default value: every run has them. The others are left to the task or the data. */
export type DefaultedSetting = { [K in SettingName]: (typeof SETTINGS)[K] extends { default: string | number | boolean } ? K : never }[SettingName]

/** The settings of one run, as RunConfig holds them. */
export type RunSettings = Pick<SettingValues, DefaultedSetting> & Partial<Omit<SettingValues, DefaultedSetting>>

const def = (k: SettingName): SettingDef => SETTINGS[k]

/** The default of every setting that has one. */
export const DEFAULT_SETTINGS = Object.fromEntries(
  SETTING_NAMES.flatMap((k) => (def(k).default === undefined ? [] : [[k, def(k).default]])),
) as Pick<SettingValues, DefaultedSetting>

/** Each numeric setting's range. */
export const SETTING_RANGES = Object.fromEntries(
  SETTING_NAMES.flatMap((k) => { const d = def(k); return d.kind === 'integer' || d.kind === 'number' ? [[k, d.range]] : [] }),
) as { [K in SettingName as (typeof SETTINGS)[K] extends { range: NumericRange } ? K : never]: NumericRange }

/** Numeric settings of a network or its training: a random sweep may draw them from a range {min, max}. */
export const RANGE_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => (def(k).kind === 'integer' || def(k).kind === 'number') && def(k).group !== 'data')
export const INTEGER_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => def(k).kind === 'integer')

/** The settings a task reads (every task reads those marked 'all'). */
export function settingsOf(task: TaskName): SettingName[] {
  return SETTING_NAMES.filter((k) => { const t = def(k).tasks; return t === 'all' || t.includes(task) })
}

/** The settings read from a data file (series, classify, co2's options). */
export const DATA_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => def(k).group === 'data')

/** The builder's list fields: one value fixes the setting, several make it an axis. */
export const LIST_SETTINGS = SETTING_NAMES.filter((k) => (def(k) as Common).form === 'list') as Array<'seqLen' | 'hiddenSize' | 'numLayers' | 'dropout' | 'batchSize' | 'lr'>

/** Short labels of the settings that have one, as tables and progress lines write them: "H=64 T=100". */
export const SETTING_LABELS: Partial<Record<SettingName, string>> = Object.fromEntries(SETTING_NAMES.flatMap((k) => (def(k).short ? [[k, def(k).short]] : [])))

/** Settings a matched pair's two runs must share, and which of them change only how fast. */
export const MATCHED_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => def(k).pairing !== 'compared')
export const SPEED_ONLY_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => def(k).pairing === 'speed')
/** Settings that change how much work a step does (`work`): what step time may be described by. */
export const WORK_SETTINGS: readonly SettingName[] = SETTING_NAMES.filter((k) => (def(k) as Common).work === true)
/**
 * In a tuned sweep (engine/sweep/tune.ts), the settings crossed rather than searched: what is
 * learned (the task and its data settings) and what runs it (the backend). Each is tuned apart.
 */
export const isCrossedSetting = (k: SettingName): boolean => k === 'backend' || def(k).group === 'task' || def(k).group === 'data'
export const COMPARED_SETTING = SETTING_NAMES.find((k) => def(k).pairing === 'compared') as 'cell'

type WithSettings = { readonly [K in SettingName]?: unknown }

/** A setting's value as shown and compared: "lstm", "64", "true"; "default" where it was left out. */
export function settingText(config: WithSettings, k: SettingName): string {
  return String(config[k] ?? 'default')
}

/** Settings whose values differ between these configurations, in SETTING_NAMES order: the columns worth showing. */
export function varyingSettings(configs: WithSettings[]): SettingName[] {
  return SETTING_NAMES.filter((k) => new Set(configs.map((c) => settingText(c, k))).size > 1)
}

/** What a setting accepts, as the docs and the builder's hints say it. */
export function valuesText(k: SettingName): string {
  const d = def(k)
  switch (d.kind) {
    case 'choice': return d.choices.map((c) => `\`${c}\``).join(', ')
    case 'integer': case 'number': return `${rangeText(d.range)}${d.unit ? ` ${d.unit}` : ''}`
    case 'boolean': return '`true`, `false`'
    case 'text': return `text, 1 to ${d.maxLength.toLocaleString('en-US')} characters`
    case 'text-list': return `a list of 1 to ${d.maxItems} names`
  }
}

/** The default as the docs say it. */
export function defaultText(k: SettingName): string {
  const d = def(k)
  return d.default !== undefined ? `\`${String(d.default)}\`` : d.defaultText ?? 'none'
}

/** docs/SWEEP-SPEC.md's table of settings, generated from the registry. */
export function settingsTableMarkdown(): string {
  const rows = SETTING_NAMES.map((k) => {
    const d = def(k)
    const reads = d.tasks === 'all' ? 'all' : d.tasks.join(', ')
    return `| \`${k}\` | ${valuesText(k)} | ${defaultText(k)} | ${reads} | ${d.help} |`
  })
  return ['| setting | values | default | read by | what it is |', '| --- | --- | --- | --- | --- |', ...rows].join('\n')
}

/** The settings read from a data file, as a run or a task's options hold them (all optional). */
export type DataSettingName = { [K in SettingName]: (typeof SETTINGS)[K]['group'] extends 'data' ? K : never }[SettingName]
export type DataSettingValues = { [K in DataSettingName]?: SettingValues[K] }
