// The one contract between the UI and the main process, whichever carries it: Electron IPC in the
// desktop app, HTTP and a WebSocket under `rnnbench serve`. Every call, its arguments and its
// result, and every event, declared once. Types and the channel list only: the preload and the
// renderer import it without pulling in the main process's code. The arguments are validated where
// they enter the main process (validate.ts, typed against this file).

import { APP_EXPORT_FORMATS } from '../../src-shared/formats'
import type { BackendProbe } from '../engine/backend'
import type { EnvironmentInfo } from '../engine/environment'
import type { MachineLoad } from '../engine/timing/busy'
import type { SweepEstimate } from '../engine/sweep/estimate'
import type { SweepSpec } from '../engine/sweep/spec'
import type { GradFlowSnapshot, Point, SeriesName } from '../engine/training'
import type { RunStatus, RunView, SeriesByRun, SeriesColumns, SweepSummary } from '../model/runs'
import type { VerdictReport } from '../model/verdicts'

export type { RunView, SeriesByRun, SeriesColumns, SweepSummary }

export interface DoctorReport { environment: EnvironmentInfo; backends: BackendProbe[]; workers: number; database: string }

export interface PresetInfo { name: string; description: string; spec: SweepSpec }

/** What a data file gives a task, shown in the builder before a sweep starts. */
export interface DataPreview {
  /** The header and the first rows, as the file has them. */
  header: string[]
  rows: string[][]
  totalRows: number
  /** What the task reads from it: the columns, the split sizes, the season or the classes (the task's own summary). */
  summary: string
  seqLen: number
  baseline: { metric: number; standardError?: number; description: string }
  classical: { metric: number; standardError?: number; description: string } | null
  metric: { name: string; lowerIsBetter: boolean }
}

export interface SweepPlanView { runs: number; estimate: SweepEstimate; spec: SweepSpec; workers: number; warnings: string[] }

/** A report (html, pdf) or the data (csv, json, the spec). */
export type ExportFormat = (typeof APP_EXPORT_FORMATS)[number]
export { APP_EXPORT_FORMATS as EXPORT_FORMATS }

/** A file to save: text as it is, or binary (a PDF) as base64. */
export interface ExportedFile { filename: string; mime: string; data: string; encoding: 'utf8' | 'base64' }

export interface InvokeApi {
  doctor(): DoctorReport
  /** How busy the machine is now (a quarter of a second's sample): the builder says so before a sweep starts. */
  machineLoad(): MachineLoad
  presets(): PresetInfo[]
  listSweeps(): SweepSummary[]
  getSweep(id: number): { sweep: SweepSummary; runs: RunView[] }
  /** Validate, expand and estimate a spec without storing anything (the builder's live check). */
  planSweep(spec: unknown): SweepPlanView
  startSweep(spec: unknown, name: string | null): { sweepId: number }
  resumeSweep(id: number, retryFailed: boolean): { sweepId: number }
  cancelSweep(id: number): { cancelled: boolean }
  renameSweep(id: number, name: string): { renamed: boolean }
  deleteSweep(id: number): { deleted: boolean }
  /** A new sweep with the same spec, started. */
  rerunSweep(id: number): { sweepId: number }
  /** Every run's series, each thinned to at most maxPoints points (the last one always kept). */
  sweepSeries(id: number, series: SeriesName[], maxPoints: number): SeriesByRun
  /** One run's series, thinned the same way: what its page draws. */
  runSeries(runId: number, series: SeriesName[], maxPoints: number): SeriesByRun[number]
  gradFlow(runId: number): GradFlowSnapshot[]
  /**
   * The sweep's verdicts, per question: the sentences the reports and `rnnbench verdicts` print,
   * with their figures. Several ids: the runs of all those sweeps compared as one (pairs may join
   * runs of two sweeps; each verdict says which).
   */
  verdicts(id: number | number[], matching: 'hidden' | 'params'): VerdictReport
  /** A report compares cells at equal hidden size, or at about equal parameter count. */
  exportSweep(id: number, format: ExportFormat, matching: 'hidden' | 'params'): ExportedFile
  /** A data file read as a task would read it (series, classify): its first rows, the split and both baselines. */
  inspectData(settings: unknown): DataPreview
  /**
   * A data file sent from the browser (`rnnbench serve`), base64, checked as a data file and kept
   * beside the database (rnnbench-uploads/); its path goes into the spec.
   */
  uploadDataFile(name: string, base64: string): { path: string }
  /** The desktop app's file dialog for a data file; null when cancelled. Refused under `serve` (type the path there). */
  chooseDataFile(): { path: string | null }
  /** A spec file's text, validated: what "import" puts into the builder. */
  parseSpec(text: string): SweepSpec
}

export type InvokeChannel = keyof InvokeApi

/** Each channel's implementation in the main process (the app service); results may be promises. */
export type Handlers = { [C in InvokeChannel]: (...args: Parameters<InvokeApi[C]>) => ReturnType<InvokeApi[C]> | Promise<ReturnType<InvokeApi[C]>> }

/** One name for each element of a parameter tuple (a homomorphic mapped type keeps it a tuple). */
type ArgumentNames<T extends readonly unknown[]> = { readonly [K in keyof T]: string }

/**
 * Every channel, with its arguments' names in order: the one table the channel list, the preload,
 * the IPC registration and the validator's messages derive from. Typed over InvokeApi, so a channel
 * missing here, or a name list of the wrong length, does not compile.
 */
export const CHANNEL_ARGUMENTS: { readonly [C in InvokeChannel]: ArgumentNames<Parameters<InvokeApi[C]>> } = {
  doctor: [], machineLoad: [], presets: [], listSweeps: [], getSweep: ['id'], planSweep: ['spec'], startSweep: ['spec', 'name'],
  resumeSweep: ['id', 'retryFailed'], cancelSweep: ['id'], renameSweep: ['id', 'name'], deleteSweep: ['id'], rerunSweep: ['id'],
  sweepSeries: ['id', 'series', 'maxPoints'], runSeries: ['runId', 'series', 'maxPoints'], gradFlow: ['runId'], verdicts: ['id', 'matching'], exportSweep: ['id', 'format', 'matching'], inspectData: ['settings'], uploadDataFile: ['name', 'base64'], chooseDataFile: [], parseSpec: ['text'],
}

export const INVOKE_CHANNELS = Object.keys(CHANNEL_ARGUMENTS) as InvokeChannel[]

/** Events from the main process, pushed to every window or browser tab. */
export type AppEvent =
  | { type: 'runStarted'; sweepId: number; runId: number }
  | { type: 'runProgress'; sweepId: number; runId: number; fraction: number; step: number; loss: number }
  | { type: 'points'; sweepId: number; runId: number; points: Point[] }
  | { type: 'runEnded'; sweepId: number; runId: number; status: RunStatus; error: string | null }
  | { type: 'sweepEnded'; sweepId: number; counts: Record<RunStatus, number> }
  | { type: 'sweepsChanged' }
  /** Another process (a CLI sweep, another window, an import) wrote to the database: views refresh what they show. */
  | { type: 'changedElsewhere' }

/** The Electron IPC channel that carries AppEvents. */
export const EVENT_CHANNEL = 'rnnbench:event'

/**
 * How every call's answer crosses: a value, or the one-line error a user can act on (the field
 * and what would be valid), never a stack.
 */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { field: string; message: string } }

/** What the UI calls: each channel as a named async function, plus the event subscription. */
export type RendererApi = { [C in InvokeChannel]: (...args: Parameters<InvokeApi[C]>) => Promise<ReturnType<InvokeApi[C]>> } & {
  onEvent(listener: (event: AppEvent) => void): () => void
}

/** What the preload exposes on `window.rnnbench`: the raw envelopes; the renderer unwraps them. */
export type PreloadApi = { [C in InvokeChannel]: (...args: Parameters<InvokeApi[C]>) => Promise<Envelope<ReturnType<InvokeApi[C]>>> } & {
  onEvent(listener: (event: AppEvent) => void): () => void
}
