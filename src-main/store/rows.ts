// What the store reads back is checked, not cast: a run's config, figures and environment are
// validated when a row is read, so that a database written by another version, or edited by hand,
// fails at the row with the run's id and the field, not far away in a chart or a verdict. Rows
// written by older versions are read by the same reader: a setting or run field added since then
// takes the value those versions ran with (its default), so old databases keep opening.

import { z } from 'zod'
import { DEFAULT_SETTINGS, SETTING_NAMES, SETTING_SCHEMAS } from '../engine/sweep/spec'
import type { RunConfig } from '../engine/run-config'
import type { RunFigures } from '../engine/training'
import type { RunStatus } from '../model/runs'

/** Every status a stored run may have. */
export const RUN_STATUSES = ['pending', 'running', 'done', 'failed', 'diverged', 'cancelled'] as const satisfies readonly RunStatus[]
// The list names every status of the model's type, both ways.
const everyStatus: Exclude<RunStatus, (typeof RUN_STATUSES)[number]> extends never ? true : never = true
void everyStatus

/** A stored row that cannot be read: which run, which field, and what is wrong with it. */
export class StoredRowError extends Error {
  constructor(readonly runId: number, readonly field: string, message: string) {
    super(`run ${runId}: ${field}: ${message}`)
  }
}

const whole = (min: number) => z.number().int().min(min)

/** The run fields a sweep sets for all its runs (RunConfig beyond the settings), with what older versions ran with where they did not store one. */
const RUN_FIELDS = {
  seed: { schema: whole(0), old: undefined },
  dataSeed: { schema: whole(0), old: undefined },
  steps: { schema: z.number().min(0), old: undefined },
  seconds: { schema: z.number().min(0), old: 0 },
  evalEvery: { schema: whole(1), old: undefined },
  warmupSteps: { schema: whole(0), old: 3 },
  gradFlowEvery: { schema: whole(0), old: 0 },
  target: { schema: z.number().nullable(), old: null },
  threads: { schema: whole(1), old: 1 },
  tune: {
    schema: z.union([z.strictObject({ phase: z.literal('trial'), trial: whole(0) }), z.strictObject({ phase: z.literal('final'), trial: whole(0), seedIndex: whole(0) })]),
    old: undefined, optional: true,
  },
} satisfies Record<Exclude<keyof RunConfig, (typeof SETTING_NAMES)[number]>, { schema: z.ZodType; old: unknown; optional?: true }>

/** A stored value that is not JSON at all: damaged, not merely of another shape. */
export class StoredJsonError extends StoredRowError {}

const parseJson = (runId: number, field: string, text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new StoredJsonError(runId, field, `not JSON (${(err as Error).message})`)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** A run's stored config, checked setting by setting against the settings registry's validators. */
export function readRunConfig(runId: number, text: string): RunConfig {
  const raw = parseJson(runId, 'config', text)
  if (!isObject(raw)) throw new StoredRowError(runId, 'config', 'not an object')
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  for (const [k, f] of Object.entries(RUN_FIELDS)) if (f.old !== undefined) out[k] = f.old
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue
    const schema = (SETTING_SCHEMAS as Record<string, z.ZodType>)[k] ?? (RUN_FIELDS as Record<string, { schema: z.ZodType }>)[k]?.schema
    if (!schema) throw new StoredRowError(runId, `config.${k}`, 'not a field rnnbench knows (a database written by a newer version?)')
    const r = schema.safeParse(v)
    if (!r.success) throw new StoredRowError(runId, `config.${k}`, `${JSON.stringify(v)}: ${r.error.issues[0].message}`)
    out[k] = r.data
  }
  for (const [k, f] of Object.entries(RUN_FIELDS)) if (out[k] === undefined && !('optional' in f)) throw new StoredRowError(runId, `config.${k}`, 'missing')
  return out as unknown as RunConfig
}

const summary = z.looseObject({ median: z.number(), p10: z.number(), p90: z.number(), n: z.number() })
const baseline = z.looseObject({ metric: z.number(), description: z.string() })
/** What every reader of a run's figures relies on; fields added since (and optional ones) pass as they are. */
const figuresSchema = z.looseObject({
  status: z.enum(['done', 'diverged']),
  parameterCount: z.number(),
  steps: z.number(),
  wallSeconds: z.number(),
  stepMs: z.looseObject({ total: summary, forward: summary.nullable(), backward: summary.nullable() }),
  gflops: z.number(),
  memory: z.looseObject({ parameterBytes: z.number(), activationBytes: z.number(), analyticTotalBytes: z.number() }),
  finalMetric: z.number().nullable(),
  metric: z.looseObject({ name: z.string(), lowerIsBetter: z.boolean() }),
  baseline,
  task: z.looseObject({ name: z.string(), seqLen: z.number() }),
})

/** A run's stored figures (null for a run without them), checked for what every reader relies on. */
export function readRunFigures(runId: number, text: string | null): RunFigures | null {
  if (text === null) return null
  const raw = parseJson(runId, 'figures', text)
  const r = figuresSchema.safeParse(raw)
  if (!r.success) {
    const issue = r.error.issues[0]
    throw new StoredRowError(runId, ['figures', ...issue.path.map(String)].join('.'), issue.message)
  }
  return raw as RunFigures
}

/** A run's stored environment: an object of what the machine was, or null. */
export function readRunEnvironment(runId: number, text: string | null): Record<string, unknown> | null {
  if (text === null) return null
  const raw = parseJson(runId, 'environment', text)
  if (raw !== null && !isObject(raw)) throw new StoredRowError(runId, 'environment', 'not an object')
  return raw as Record<string, unknown> | null
}
