// The sweep builder's form: the fields a user sets, the spec they stand for, and the main
// process's verdict on it (number of runs, estimated time and memory, or the field that is wrong),
// asked again a moment after every change.

import type { SweepPlanView } from '../../../src-main/ipc/contract'
import type { SettingName, SweepSpec } from '../../../src-main/engine/sweep/spec'
import { api, ApiError } from '../api'

/** The settings the form shows as lists of values; one value fixes it, several make it an axis. */
export const LIST_FIELDS = ['seqLen', 'hiddenSize', 'numLayers', 'batchSize', 'lr', 'dropout'] as const satisfies readonly SettingName[]
type ListField = (typeof LIST_FIELDS)[number]
export const LIST_LABELS: Record<ListField, string> = {
  seqLen: 'Sequence length', hiddenSize: 'Hidden size', numLayers: 'Layers', batchSize: 'Batch size', lr: 'Learning rate', dropout: 'Dropout',
}
const INTEGER_FIELDS = new Set<ListField>(['seqLen', 'hiddenSize', 'numLayers', 'batchSize'])

export interface FieldError { field: string; message: string }

export class SweepBuilder {
  name = $state('my sweep')
  tasks = $state<string[]>(['adding'])
  cells = $state<string[]>(['lstm', 'gru', 'rnn_tanh'])
  backends = $state<string[]>(['cpu-js'])
  lists = $state<Record<ListField, string>>({ seqLen: '', hiddenSize: '16, 64', numLayers: '1', batchSize: '32', lr: '0.01', dropout: '0' })
  bidirectional = $state<'no' | 'yes' | 'both'>('no')
  optimizer = $state<'adam' | 'sgd'>('adam')
  strategy = $state<'grid' | 'random'>('grid')
  samples = $state('20')
  repeats = $state('1')
  steps = $state('300')
  seconds = $state('30')
  /** Everything else a loaded spec (preset or import) had, kept as it was. */
  private base = $state<Partial<SweepSpec>>({})

  /** Whether anything (a preset, an import, a sweep to run again) has been loaded: the view starts from the quick preset otherwise. */
  loaded = false
  plan = $state<SweepPlanView | null>(null)
  error = $state<FieldError | null>(null)
  checking = $state(false)
  private generation = 0

  /** The spec the form stands for, or the first field that cannot be read. */
  readonly draft = $derived.by((): { spec: Record<string, unknown> } | { error: FieldError } => {
    const settings: Record<string, unknown> = { ...(this.base.settings ?? {}) }
    const axes: Record<string, unknown> = { ...(this.base.axes ?? {}) }
    const put = (k: string, values: unknown[]) => {
      delete settings[k]; delete axes[k]
      if (values.length === 1) settings[k] = values[0]
      else if (values.length > 1) axes[k] = values
    }
    if (!this.tasks.length) return { error: { field: 'task', message: 'task: choose at least one task' } }
    put('task', [...this.tasks])
    if (!this.cells.length) return { error: { field: 'cell', message: 'cell: choose at least one cell' } }
    put('cell', [...this.cells])
    if (!this.backends.length) return { error: { field: 'backend', message: 'backend: choose at least one backend' } }
    put('backend', [...this.backends])
    for (const k of LIST_FIELDS) {
      const text = this.lists[k].trim()
      if (text === '' && k === 'seqLen') { delete settings.seqLen; delete axes.seqLen; continue }
      const values: number[] = []
      for (const part of text.split(/[\s,]+/).filter(Boolean)) {
        const v = Number(part)
        if (!Number.isFinite(v) || (INTEGER_FIELDS.has(k) && !Number.isInteger(v))) {
          return { error: { field: k, message: `${k}: ${JSON.stringify(part)} is not ${INTEGER_FIELDS.has(k) ? 'a whole number' : 'a number'}; give values separated by commas` } }
        }
        values.push(v)
      }
      if (!values.length) return { error: { field: k, message: `${k}: give at least one value` } }
      put(k, [...new Set(values)])
    }
    put('bidirectional', this.bidirectional === 'both' ? [false, true] : [this.bidirectional === 'yes'])
    put('optimizer', [this.optimizer])
    const int = (text: string, field: string) => {
      const v = Number(text)
      return Number.isInteger(v) ? v : { error: { field, message: `${field}: ${JSON.stringify(text)} is not a whole number` } }
    }
    const repeats = int(this.repeats, 'repeats'), steps = int(this.steps, 'budget')
    if (typeof repeats !== 'number') return repeats
    if (typeof steps !== 'number') return steps
    const seconds = Number(this.seconds)
    if (!Number.isFinite(seconds)) return { error: { field: 'budget', message: `budget: ${JSON.stringify(this.seconds)} seconds is not a number` } }
    const spec: Record<string, unknown> = { ...this.base, name: this.name.trim() || undefined, strategy: this.strategy, repeats, settings, axes, budget: { steps, seconds } }
    if (this.strategy === 'random') {
      const samples = int(this.samples, 'samples')
      if (typeof samples !== 'number') return samples
      spec.samples = samples
    } else {
      delete spec.samples
    }
    return { spec }
  })

  /** Ask the main process for the plan (debounced by the caller's effect). */
  async check(): Promise<void> {
    const draft = this.draft
    const generation = ++this.generation
    if ('error' in draft) {
      this.error = draft.error
      this.plan = null
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
      this.error = { field: err instanceof ApiError ? err.field : '', message: (err as Error).message }
    } finally {
      if (generation === this.generation) this.checking = false
    }
  }

  /** Whether the current error belongs to this form field (errors name spec paths: axes.hiddenSize[1]). */
  errorFor(field: string): string | null {
    const e = this.error
    if (!e) return null
    const path = e.field.replace(/^(settings|axes)\./, '').replace(/\[\d+\]$/, '')
    const name = path.split('.')[0]
    return name === field ? e.message : null
  }

  /** Fill the form from a spec (a preset, an imported file, a sweep to re-run). */
  load(spec: SweepSpec, name?: string): void {
    this.loaded = true
    const value = (k: SettingName): unknown[] => {
      const axis = spec.axes[k]
      if (Array.isArray(axis)) return axis
      const fixed = spec.settings[k]
      return fixed === undefined ? [] : [fixed]
    }
    const managed: SettingName[] = ['task', 'cell', 'backend', 'bidirectional', 'optimizer', ...LIST_FIELDS]
    this.name = name ?? spec.name ?? 'my sweep'
    this.tasks = value('task').length ? value('task').map(String) : ['adding']
    this.cells = value('cell').length ? value('cell').map(String) : ['lstm']
    this.backends = value('backend').length ? value('backend').map(String) : ['cpu-js']
    const defaults: Record<ListField, string> = { seqLen: '', hiddenSize: '32', numLayers: '1', batchSize: '32', lr: '0.01', dropout: '0' }
    for (const k of LIST_FIELDS) this.lists[k] = value(k).length ? value(k).join(', ') : defaults[k]
    const bidir = value('bidirectional')
    this.bidirectional = bidir.length > 1 ? 'both' : bidir[0] === true ? 'yes' : 'no'
    this.optimizer = value('optimizer')[0] === 'sgd' ? 'sgd' : 'adam'
    this.strategy = spec.strategy
    this.samples = String(spec.samples ?? 20)
    this.repeats = String(spec.repeats)
    this.steps = String(spec.budget.steps)
    this.seconds = String(spec.budget.seconds)
    // Settings the form does not show stay as the spec had them; ranges too (random strategy).
    const keep = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([k, v]) => !managed.includes(k as SettingName) || !Array.isArray(v) && typeof v === 'object'))
    this.base = { ...spec, settings: keep(spec.settings) as SweepSpec['settings'], axes: keep(spec.axes) as SweepSpec['axes'] }
  }
}

/**
 * The one builder of the app: its edits stay when the user visits another view and comes back, and
 * the History loads a sweep into it to run again.
 */
export const builder = new SweepBuilder()
