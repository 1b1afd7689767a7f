// The sweep builder's form: the fields a user sets, the spec they stand for, and the main
// process's verdict on it (number of runs, estimated time and memory, or the field that is wrong),
// asked again a moment after every change.

import type { DataPreview, SweepPlanView } from '../../../src-main/ipc/contract'
import type { SweepSpec } from '../../../src-main/engine/sweep/spec'
import { api, ApiError } from '../api'
import { FEWEST_USEFUL_SEEDS, inRange, rangeText, SPEC_RANGES, type NumericRange } from '../../../src-shared/ranges'

export { FEWEST_USEFUL_SEEDS }
import { DATA_SETTINGS, DEFAULT_SETTINGS, LIST_SETTINGS, SETTING_RANGES, SETTINGS, settingsOf, type SettingName } from '../../../src-shared/settings'
import type { OptimizerName } from '../../../src-shared/settings'
import { DATA_FILE_TASKS, type DataFileTask } from '../../../src-shared/tasks'

/** The settings the form shows as lists of values (the registry's `form: 'list'`); one value fixes it, several make it an axis. */
export const LIST_FIELDS = LIST_SETTINGS
type ListField = (typeof LIST_FIELDS)[number]
export const LIST_LABELS = Object.fromEntries(LIST_FIELDS.map((k) => [k, SETTINGS[k].label])) as Record<ListField, string>
/** The data settings of the tasks over a user's file (series, classify): one value each, strings as typed. */
export const DATA_FIELDS = DATA_SETTINGS as ReadonlyArray<'dataFile' | 'column' | 'covariates' | 'horizon' | 'testFraction' | 'seasonality' | 'textColumn' | 'labelColumn' | 'tokens'>
type DataField = (typeof DATA_FIELDS)[number]
export const DATA_TASKS = DATA_FILE_TASKS as readonly DataFileTask[]
/** Which of them each data task reads (the registry's `tasks`). */
export const DATA_FIELDS_OF = Object.fromEntries(DATA_TASKS.map((t) => [t, settingsOf(t).filter((k) => (DATA_FIELDS as readonly SettingName[]).includes(k))])) as unknown as Record<DataFileTask, readonly DataField[]>
const NUMERIC_DATA_FIELDS = new Set<DataField>(DATA_FIELDS.filter((k) => SETTINGS[k].kind !== 'text' && SETTINGS[k].kind !== 'text-list' && SETTINGS[k].kind !== 'choice'))

/** Every field of the form by its name in errors, with the label the form shows: the settings' from the registry, the spec's own here. */
export const FIELD_LABELS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(SETTINGS).map(([k, d]) => [k, d.label])),
  name: 'Name', strategy: 'Strategy', samples: 'Samples', repeats: 'Repeats', steps: 'Steps per run', seconds: 'Seconds per run', budget: 'Budget',
  trials: 'Trials per cell', finalSeeds: 'Final seeds', tune: 'Tune',
}

/** "0.001..0.1 log": a range to draw from (random strategy, or tuning), as the list fields accept it. */
const RANGE_TEXT = /^\s*([^\s.][^\s]*?)\s*\.\.\s*([^\s]+?)(\s+log)?\s*$/

/** A setting's one line of help, with what it accepts: the builder's hints. */
export function hintFor(k: SettingName): string {
  const d = SETTINGS[k]
  const range = d.kind === 'integer' || d.kind === 'number' ? ` (${rangeText(d.range)})` : ''
  return `${d.help}${range}`
}

export interface FieldError { field: string; message: string }

/** A spec path as the form names it: axes.hiddenSize[1] → hiddenSize, budget.steps → steps. */
export function formField(path: string): string {
  const name = path.replace(/^(settings|axes)\./, '').replace(/\[\d+\]$/, '').replace(/^budget\./, '')
  return name.split('.')[0]
}

/** The main process's error in the form's words: the field's label, then what it said, without the spec path. */
export function inFormWords(e: FieldError): FieldError {
  const field = formField(e.field)
  const label = FIELD_LABELS[field]
  if (!label) return { field, message: e.message }
  const detail = e.field && e.message.startsWith(`${e.field}: `) ? e.message.slice(e.field.length + 2) : e.message
  return { field, message: `${label}: ${detail}` }
}

/** Reads one number field against its range; a message in the form's words when it cannot. */
function readNumber(field: string, text: string, range: NumericRange): number | FieldError {
  const v = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(v)) return { field, message: `${FIELD_LABELS[field]}: ${JSON.stringify(text.trim())} is not a number; give ${rangeText(range)}` }
  if (!inRange(v, range)) return { field, message: `${FIELD_LABELS[field]}: ${rangeText(range)}` }
  return v
}

export class SweepBuilder {
  name = $state('my sweep')
  tasks = $state<string[]>(['adding'])
  cells = $state<string[]>(['lstm', 'gru', 'rnn_tanh'])
  backends = $state<string[]>(['cpu-js'])
  lists = $state<Record<ListField, string>>({ seqLen: '', hiddenSize: '16, 64', numLayers: '1', batchSize: '32', lr: '0.01', dropout: '0' })
  bidirectional = $state<'no' | 'yes' | 'both'>('no')
  optimizer = $state<OptimizerName>(DEFAULT_SETTINGS.optimizer)
  /** grid, random, or tune: each cell's own best of `trials` on validation, re-run `finalSeeds` times and judged on test. */
  strategy = $state<'grid' | 'random' | 'tune'>('grid')
  samples = $state('20')
  trials = $state('10')
  finalSeeds = $state('8')
  repeats = $state('1')
  steps = $state('300')
  seconds = $state('30')
  /** The data file and how it is read, for series and classify; empty: the task's default. */
  data = $state<Record<DataField, string>>({ dataFile: '', column: '', covariates: '', horizon: '', testFraction: '', seasonality: '', textColumn: '', labelColumn: '', tokens: 'words' })
  /** What the data file gives the first data task chosen, or why it cannot be read. */
  preview = $state<DataPreview | null>(null)
  /** Everything else a loaded spec (preset or import) had, kept as it was. */
  private base = $state<Partial<SweepSpec>>({})

  /** Whether anything (a preset, an import, a sweep to run again) has been loaded: the view starts from the quick preset otherwise. */
  loaded = false
  plan = $state<SweepPlanView | null>(null)
  /** The main process's objection to the last spec sent, in the form's words. */
  error = $state<FieldError | null>(null)
  /** Why the last upload was refused: kept apart from the plan's objection, which a check still in flight would overwrite, until the next upload or an edit of the path. */
  uploadError = $state<FieldError | null>(null)
  checking = $state(false)
  /** The form changed since the plan shown was computed: the view marks the estimate as updating. */
  stale = $state(false)
  private generation = 0

  /** The spec the form stands for, or every field that cannot be read, each with its message. */
  readonly draft = $derived.by((): { spec: Record<string, unknown> } | { errors: FieldError[] } => {
    const errors: FieldError[] = []
    const settings: Record<string, unknown> = { ...(this.base.settings ?? {}) }
    const axes: Record<string, unknown> = { ...(this.base.axes ?? {}) }
    const put = (k: string, values: unknown[]) => {
      delete settings[k]; delete axes[k]
      if (values.length === 1) settings[k] = values[0]
      else if (values.length > 1) axes[k] = values
    }
    const chosen = (field: 'task' | 'cell' | 'backend', values: string[], what: string) => {
      if (!values.length) errors.push({ field, message: `${FIELD_LABELS[field]}: choose at least one ${what}` })
      put(field, [...values])
    }
    chosen('task', this.tasks, 'task')
    chosen('cell', this.cells, 'cell')
    chosen('backend', this.backends, 'backend')
    for (const k of LIST_FIELDS) {
      const text = this.lists[k].trim()
      if (text === '' && k === 'seqLen') { delete settings.seqLen; delete axes.seqLen; continue }
      const range: NumericRange = SETTING_RANGES[k]
      const drawn = RANGE_TEXT.exec(text)
      if (drawn) {
        // A range to draw from; the main process says where one is not allowed (a grid).
        const [min, max] = [Number(drawn[1]), Number(drawn[2])]
        if (!Number.isFinite(min) || !Number.isFinite(max)) { errors.push({ field: k, message: `${LIST_LABELS[k]}: a range is MIN..MAX (with "log" after it for a log scale); got ${JSON.stringify(text)}` }); continue }
        delete settings[k]
        axes[k] = { min, max, ...(drawn[3] ? { log: true } : {}) }
        continue
      }
      const values: number[] = []
      let bad: FieldError | null = null
      for (const part of text.split(/[\s,]+/).filter(Boolean)) {
        const v = Number(part)
        if (!Number.isFinite(v) || (range.integer && !Number.isInteger(v))) {
          bad = { field: k, message: `${LIST_LABELS[k]}: ${JSON.stringify(part)} is not ${range.integer ? 'a whole number' : 'a number'}; give values separated by commas` }
          break
        }
        if (!inRange(v, range)) { bad = { field: k, message: `${LIST_LABELS[k]}: ${Number(part)} is out of range; give ${rangeText(range)}` }; break }
        values.push(v)
      }
      if (!bad && !values.length) bad = { field: k, message: `${LIST_LABELS[k]}: give at least one value (${rangeText(range)})` }
      if (bad) errors.push(bad)
      else put(k, [...new Set(values)])
    }
    put('bidirectional', this.bidirectional === 'both' ? [false, true] : [this.bidirectional === 'yes'])
    put('optimizer', [this.optimizer])
    // The data file's settings, where a chosen task reads them; every other one stays out of the spec.
    const reads = new Set(DATA_TASKS.filter((t) => this.tasks.includes(t)).flatMap((t) => DATA_FIELDS_OF[t]))
    for (const k of DATA_FIELDS) {
      delete settings[k]; delete axes[k]
      const text = this.data[k].trim()
      if (!reads.has(k)) continue
      if (text === '') {
        if (k === 'dataFile') errors.push({ field: k, message: `${FIELD_LABELS[k]}: give the path of a CSV or TSV file with a header row${typeof window !== 'undefined' && !window.rnnbench ? ' (on the machine running rnnbench serve)' : ''}` })
        continue
      }
      if (NUMERIC_DATA_FIELDS.has(k)) {
        const v = readNumber(k, text, SETTING_RANGES[k as 'horizon' | 'testFraction' | 'seasonality'])
        if (typeof v !== 'number') errors.push(v)
        else settings[k] = v
      } else settings[k] = k === 'covariates' ? text.split(/\s*,\s*/).filter(Boolean) : text
    }
    const tuning = this.strategy === 'tune'
    const repeats = tuning ? 1 : readNumber('repeats', this.repeats, SPEC_RANGES.repeats)
    const steps = readNumber('steps', this.steps, SPEC_RANGES.steps)
    const seconds = readNumber('seconds', this.seconds, SPEC_RANGES.seconds)
    for (const v of [repeats, steps, seconds]) if (typeof v !== 'number') errors.push(v)
    if (steps === 0 && seconds === 0) errors.push({ field: 'budget', message: 'Budget: set the steps or the seconds per run (or both) above 0' })
    const spec: Record<string, unknown> = { ...this.base, name: this.name.trim() || undefined, strategy: tuning ? 'random' : this.strategy, repeats, settings, axes, budget: { steps, seconds } }
    delete spec.tune
    if (tuning) {
      const trials = readNumber('trials', this.trials, SPEC_RANGES.trials)
      const finalSeeds = readNumber('finalSeeds', this.finalSeeds, SPEC_RANGES.finalSeeds)
      for (const v of [trials, finalSeeds]) if (typeof v !== 'number') errors.push(v)
      spec.tune = { ...(this.base.tune ?? {}), trials, finalSeeds }
      delete spec.samples
    } else if (this.strategy === 'random') {
      const samples = readNumber('samples', this.samples, SPEC_RANGES.samples)
      if (typeof samples !== 'number') errors.push(samples)
      spec.samples = samples
    } else {
      delete spec.samples
    }
    return errors.length ? { errors } : { spec }
  })

  /** The draft as text: the builder's preview asks for a plan only when this changes (an edit that leaves the spec as it was asks nothing). */
  readonly draftKey = $derived(JSON.stringify(this.draft))
  /** The draftKey of the plan (or objection) shown. */
  checkedKey = $state('')

  /** What is wrong now: the fields the form cannot read, else the main process's objection. */
  readonly problems = $derived.by((): FieldError[] => {
    const draft = this.draft
    const upload = this.uploadError ? [this.uploadError] : []
    if ('errors' in draft) return [...upload, ...draft.errors]
    return this.error ? [...upload, this.error] : upload
  })

  /** Ask the main process for the plan (debounced by the caller's effect). */
  async check(): Promise<void> {
    const draft = this.draft
    const key = this.draftKey
    if (key === this.checkedKey && !this.checking) { this.stale = false; return }
    const generation = ++this.generation
    if ('errors' in draft) {
      this.error = null
      this.plan = null
      this.stale = false
      return
    }
    this.checking = true
    try {
      const plan = await api.planSweep(draft.spec)
      if (generation !== this.generation) return
      this.plan = plan
      this.error = null
    } catch (err) {
      if (generation !== this.generation) return
      this.plan = null
      this.error = inFormWords({ field: err instanceof ApiError ? err.field : '', message: (err as Error).message })
      // An objection is asked again after the next edit, even back to this spec: the file it names may have been fixed since.
      this.checkedKey = ''
      return
    } finally {
      if (generation === this.generation) { this.checking = false; this.stale = false }
    }
    if (generation === this.generation) this.checkedKey = key
  }

  private previewGeneration = 0
  /** Read the data file as the first data task chosen would, for the preview (debounced by the caller's effect). */
  async inspect(): Promise<void> {
    const task = DATA_TASKS.find((t) => this.tasks.includes(t))
    const generation = ++this.previewGeneration
    const draft = this.draft
    if (!task || !this.data.dataFile.trim() || ('errors' in draft && draft.errors.some((e) => (DATA_FIELDS as readonly string[]).includes(e.field)))) {
      this.preview = null
      return
    }
    const settings = 'spec' in draft ? (draft.spec.settings as Record<string, unknown>) : {}
    const wanted = Object.fromEntries(DATA_FIELDS_OF[task].filter((k) => settings[k] !== undefined).map((k) => [k, settings[k]]))
    const seqLen = settings.seqLen
    try {
      const preview = await api.inspectData({ task, ...wanted, ...(typeof seqLen === 'number' ? { seqLen } : {}) })
      if (generation === this.previewGeneration) { this.preview = preview; if (this.error && (DATA_FIELDS as readonly string[]).includes(this.error.field)) this.error = null }
    } catch (err) {
      if (generation !== this.previewGeneration) return
      this.preview = null
      this.error = inFormWords({ field: err instanceof ApiError ? err.field : '', message: (err as Error).message })
    }
  }

  /** The message for this form field, if it is wrong. */
  errorFor(field: string): string | null {
    return this.problems.find((e) => e.field === field)?.message ?? null
  }

  /** Fill the form from a spec (a preset, an imported file, a sweep to re-run). */
  load(spec: SweepSpec, name?: string): void {
    this.loaded = true
    const drawn = (k: SettingName): string | null => {
      const axis = spec.axes[k]
      return axis && !Array.isArray(axis) ? `${axis.min}..${axis.max}${axis.log ? ' log' : ''}` : null
    }
    const value = (k: SettingName): unknown[] => {
      const axis = spec.axes[k]
      if (Array.isArray(axis)) return axis
      const fixed = spec.settings[k]
      return fixed === undefined ? [] : [fixed]
    }
    const managed: SettingName[] = ['task', 'cell', 'backend', 'bidirectional', 'optimizer', ...LIST_FIELDS, ...DATA_FIELDS]
    for (const k of DATA_FIELDS) {
      const v = value(k)[0]
      this.data[k] = v === undefined ? (k === 'tokens' ? 'words' : '') : Array.isArray(v) ? v.join(', ') : String(v)
    }
    this.name = name ?? spec.name ?? 'my sweep'
    this.tasks = value('task').length ? value('task').map(String) : [DEFAULT_SETTINGS.task]
    this.cells = value('cell').length ? value('cell').map(String) : [DEFAULT_SETTINGS.cell]
    this.backends = value('backend').length ? value('backend').map(String) : [DEFAULT_SETTINGS.backend]
    const defaultOf = (k: ListField) => { const d = SETTINGS[k] as { default?: number }; return d.default === undefined ? '' : String(d.default) }
    for (const k of LIST_FIELDS) this.lists[k] = drawn(k) ?? (value(k).length ? value(k).join(', ') : defaultOf(k))
    const bidir = value('bidirectional')
    this.bidirectional = bidir.length > 1 ? 'both' : bidir[0] === true ? 'yes' : 'no'
    this.optimizer = (value('optimizer')[0] as OptimizerName | undefined) ?? DEFAULT_SETTINGS.optimizer
    this.strategy = spec.tune ? 'tune' : spec.strategy
    this.samples = String(spec.samples ?? 20)
    this.trials = String(spec.tune?.trials ?? 10)
    this.finalSeeds = String(spec.tune?.finalSeeds ?? 8)
    this.repeats = String(spec.repeats)
    this.steps = String(spec.budget.steps)
    this.seconds = String(spec.budget.seconds)
    // Settings the form does not show stay as the spec had them; ranges too (random strategy).
    const keep = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !managed.includes(k as SettingName) || (!Array.isArray(v) && typeof v === 'object' && !(LIST_FIELDS as readonly string[]).includes(k))))
    this.base = { ...spec, settings: keep(spec.settings) as SweepSpec['settings'], axes: keep(spec.axes) as SweepSpec['axes'] }
  }
}

/**
 * The one builder of the app: its edits stay when the user visits another view and comes back, and
 * the History loads a sweep into it to run again.
 */
export const builder = new SweepBuilder()
