// The verdicts: for each question and each pair of cells, what the matched pairs of runs say.
// The unit is a pair of runs that differ only in the cell (matching.ts). The comparisons are fixed
// by the design before any value is read: one per question, pair of cells and (for questions a
// backend answers its own way) backend, over all of its matched pairs. A measured quantity is
// compared by the pairs' log ratios: the Hodges–Lehmann estimate is the factor, the exact Wilcoxon
// signed-rank test its p, and every test of the report is one family under Holm's step-down
// procedure; each interval inverts the test at the level Holm decided it at, so that an interval
// excludes 1 exactly when its verdict is significant. The factor at each value of a setting is
// described, never tested. Exact quantities are stated as ratios. Against the task's baselines,
// each run has its own paired test (engine/baseline-test.ts), reported as "k of n runs"; it never
// changes which comparisons are tested. One module for the app's panel, the reports and
// `rnnbench verdicts`: the sentences are written in verdict-text.ts from what this returns.

import { machineId } from '../engine/environment'
import { CELL_KINDS, type CellKind } from '../engine/types'
import { groupBy, median } from '../../src-shared/collections'
import { WORK_SETTINGS } from '../../src-shared/settings'
import { isFinishedRun, matchPairs, PAIR_SETTINGS } from './matching'
import { questionsFor } from './questions'
import { isTunedRerun, tunedPairs, tunedQuestions } from './tuned'
import type { FinishedRun, VerdictRun } from '../model/runs'
import type {
  BaselineCheck, BaselineStanding, Breakdown, MatchedPair, Matching, PairSetting, PairValues, Question, QuestionVerdicts, SeriesLookup, Verdict, VerdictFamily, VerdictOutcome, VerdictReport,
} from '../model/verdicts'
import type { BaselineTest } from '../engine/baseline-test'

export type { BaselineCheck, Breakdown, QuestionVerdicts, Verdict, VerdictFamily, VerdictOutcome, VerdictReport }
import { holmDecisions, pairedSignedRank, signedRankInterval, smallestPairedP } from './stats'
import { writeSentence } from './verdict-text'
import { ALPHA } from './verdict-rules'
import { gateCount } from '../../src-shared/names'
import { beatsBaseline, wholeTest } from '../../src-shared/baseline-rule'

export { ALPHA }

/** When a sweep's runs come from several machines: what that means for the verdicts, in one sentence. */
export function machinesNote(report: Pick<VerdictReport, 'machines'>): string {
  return report.machines > 1 ? `These runs come from ${report.machines} machines (a sharded sweep, or runs imported); every matched pair was timed on one machine, and runs of different machines are never paired.` : ''
}

/** Everything the sweep's runs say, per question. `series` gives each run's val_metric (for equal-step comparisons). */
export function verdictReport(runs: VerdictRun[], series: SeriesLookup, matching: Matching): VerdictReport {
  const done = runs.filter(isFinishedRun)
  const cells = CELL_KINDS.filter((c) => done.some((r) => r.config.cell === c)) // canonical order: the sweep's order never matters
  // A tuned sweep's re-runs answer its tuned questions, first; its trials (and every other run) the questions at equal settings.
  const tuned = tunedQuestions(runs)
  const atEqualSettings = done.filter((r) => !isTunedRerun(r))
  const drafted = [
    ...tuned.map((t) => ({ ...draftQuestion(t.question, done, cells, series, matching), view: t.view })),
    // In a tuned sweep the trials' metric at equal settings is not compared: their validation set
    // chose each cell's best trial, so it is no longer untouched; the tuned question answers it.
    ...questionsFor(atEqualSettings).filter((q) => !tuned.length || q.task === null)
      .map((q) => ({ ...draftQuestion(q, atEqualSettings, cells, series, matching), view: null })),
  ]
  // One family: every comparison with pairs enough to reach α, of every measured question (Tarone: the others can never be rejected, so they cost nothing).
  const tested = drafted.flatMap((d) => d.drafts.filter((x) => x.outcome === 'tested'))
  const decision = holmDecisions(tested.map((d) => d.p!), ALPHA)
  const family: VerdictFamily = { tests: tested.length, questions: new Set(tested.map((d) => `${d.questionId}|${d.stratum?.value ?? ''}`)).size, alpha: ALPHA }
  const questions = drafted.map(({ q, drafts, note, view }): QuestionVerdicts => {
    const verdicts = drafts.map((d): Verdict => {
      const k = tested.indexOf(d)
      const v = k >= 0 ? decided(d, decision.adjusted[k], decision.rejected[k], decision.level[k]) : finished(d, d.outcome as VerdictOutcome)
      return { ...v, sentence: writeSentence(q, { ...v, sentence: '' }, matching, family) }
    })
    return { id: q.id, title: q.title, measure: q.measure, kind: q.kind, task: q.task, verdicts, note, caveats: backendCaveats(q, verdicts, done), ...(view ? { tuned: view } : {}) }
  })
  const sweeps = [...new Set(done.map((r) => r.sweepId ?? 0))].sort((x, y) => x - y)
  return { matching, family, questions, finishedRuns: done.length, unfinishedRuns: runs.length - done.length, machines: new Set(done.map((r) => machineId(r.environment))).size, sweeps: sweeps.length > 1 ? sweeps : null }
}

/**
 * Step time: what shared the machine, once per backend over every run its verdicts compare (each
 * verdict's own caveat counts only its pairs' runs): what the views say once instead of in each sentence.
 */
function backendCaveats(q: Question, verdicts: Verdict[], done: FinishedRun[]): Record<string, string> | null {
  if (q.unit !== 'ms' || !verdicts.some((v) => v.caveat)) return null
  const byId = new Map(done.map((r) => [r.id, r]))
  const out: Record<string, string> = {}
  for (const [backend, vs] of groupBy(verdicts, (v) => v.stratum?.value ?? '')) {
    const caveat = timingCaveatOf([...new Set(vs.flatMap((v) => [...v.runIds, ...(v.contention?.runIds ?? [])]))].map((id) => byId.get(id)!).filter(Boolean))
    if (caveat) out[backend] = caveat
  }
  return out
}

/** A pair's values and log ratio; pooled over engines, `parts` keeps each engine's values. */
interface Analyzed { pair: MatchedPair; values: PairValues; d: number; runIds: number[]; backends: string[]; parts?: PairValues[] }

/**
 * A verdict before Holm's procedure and before its sentence. `logs` are the pairs' log ratios
 * (a / b) and `sign` turns them to the factor's scale (+1: the factor is a / b; −1: b / a).
 */
type Draft = Omit<Verdict, 'sentence' | 'pAdjusted' | 'outcome' | 'interval' | 'confidence'> & { outcome: VerdictOutcome | 'tested'; logs: number[]; sign: 1 | -1; interval: [number, number] | null }

function draftQuestion(q: Question, done: FinishedRun[], cells: CellKind[], series: SeriesLookup, matching: Matching): { q: Question; drafts: Draft[]; note: string | null } {
  const drafts: Draft[] = []
  let compared = 0
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const pairs = q.tuned ? tunedPairs(done, cells[i], cells[j], q.tuned.group) : matchPairs(done, cells[i], cells[j], matching)
      const analyzed = pairs.flatMap((pair): Analyzed[] => {
        const values = q.pairValues(pair, series)
        if (!values || !(values.a > 0) || !(values.b > 0) || !Number.isFinite(values.a) || !Number.isFinite(values.b)) return []
        return [{ pair, values, d: Math.log(values.a / values.b), runIds: [pair.a.id, pair.b.id], backends: [pair.settings.backend] }]
      })
      const contended = q.contended ? pairs.filter((p) => q.contended!(p)) : []
      if (!analyzed.length && !contended.length) continue
      compared++
      drafts.push(...comparePair(q, cells[i], cells[j], q.engineBound ? analyzed : poolEngines(analyzed), contended))
    }
  }
  const note = compared ? null : cells.length < 2 ? 'Only one cell in these runs: nothing to compare.'
    : q.tuned ? 'No two cells have re-runs of the same seed on the test split: nothing to compare.'
      : 'No two runs of different cells match (same settings and seed, other than the cell): nothing to compare.'
  return { q, drafts, note }
}

/** A tested comparison after Holm's procedure: its outcome, and the interval at the level it was decided at. */
function decided(d: Draft, pAdjusted: number, rejected: boolean, level: number): Omit<Verdict, 'sentence'> {
  const inLogs = signedRankInterval(d.logs, level)
  const interval = inLogs ? (inLogs.map((v) => Math.exp(d.sign * v)).sort((x, y) => x - y) as [number, number]) : null
  return { ...finished(d, rejected ? 'better' : 'no-difference'), pAdjusted, interval, confidence: 1 - level }
}

function finished(d: Draft, outcome: VerdictOutcome): Omit<Verdict, 'sentence'> {
  const { logs: _logs, sign: _sign, ...rest } = d
  return { ...rest, outcome, pAdjusted: null, confidence: null }
}

/**
 * Runs of one network and seed on several engines (cpu-native and torch-cpu, say) learn the same
 * thing: one pair, so that an engine run twice never counts as two seeds. Under a time budget the
 * engines reach different steps, and the shorter runs are (to float32 rounding) prefixes of the
 * longer: the pair that trained longest is kept, and pairs that trained as long are averaged. The
 * pair's configuration becomes what it computes, so the bootstrap's clusters do not count engines.
 */
function poolEngines(analyzed: Analyzed[]): Analyzed[] {
  const groups = groupBy(analyzed, (x) => `${x.pair.computation}|${x.pair.a.config.seed}|${x.pair.a.config.dataSeed}`)
  if (groups.size === analyzed.length) return analyzed
  const trained = (x: Analyzed) => (x.values.steps ? Math.min(...x.values.steps) : 0)
  return [...groups.values()].map((all) => {
    const longest = Math.max(...all.map(trained))
    const xs = all.filter((x) => trained(x) === longest)
    const mean = (f: (x: Analyzed) => number) => xs.reduce((s, x) => s + f(x), 0) / xs.length
    const joined = (k: PairSetting) => [...new Set(all.map((x) => x.pair.settings[k]))].sort().join(' + ')
    const first = xs[0]
    return {
      pair: { ...first.pair, configuration: first.pair.computation, settings: { ...first.pair.settings, backend: joined('backend'), threads: joined('threads'), machine: joined('machine') } },
      values: { ...first.values, a: mean((x) => x.values.a), b: mean((x) => x.values.b) },
      d: mean((x) => x.d),
      runIds: xs.flatMap((x) => x.runIds),
      backends: [...new Set(all.flatMap((x) => x.backends))].sort(),
      parts: xs.map((x) => x.values),
    }
  })
}

/** One pair of cells: one verdict, or one per backend for a question each engine answers its own way. */
function comparePair(q: Question, a: CellKind, b: CellKind, analyzed: Analyzed[], contended: MatchedPair[]): Draft[] {
  const byBackend = groupBy(analyzed, (x) => x.pair.settings.backend)
  const contendedBy = groupBy(contended, (p) => p.settings.backend)
  const backends = [...new Set([...byBackend.keys(), ...contendedBy.keys()])]
  if (q.engineBound && backends.length > 1) {
    // Each engine's own answer: GRU's lead over LSTM per step on one engine need not hold on another.
    return backends.map((backend) => draft(q, a, b, byBackend.get(backend) ?? [], { setting: 'backend', value: backend }, contendedBy.get(backend) ?? []))
  }
  return [draft(q, a, b, analyzed, null, contended)]
}

/**
 * Step time: the pairs left out as too contended to judge, of all; the share of every compared
 * run's timed steps that lost the CPU (over the runs whose CPU was sampled; null where none was).
 */
function contentionOf(q: Question, xs: Analyzed[], contended: MatchedPair[]): Verdict['contention'] {
  if (!q.contended) return null
  const runs = [...xs.flatMap((x) => [x.pair.a, x.pair.b]), ...contended.flatMap((p) => [p.a, p.b])]
  let steps = 0, lost = 0
  for (const r of runs) {
    const cpu = r.figures.cpu
    if (cpu?.signal === 'run-queue wait') { steps += cpu.steps; lost += cpu.lost }
  }
  return { leftOut: contended.length, of: contended.length + xs.length, lostShare: steps ? lost / steps : null, runIds: contended.flatMap((p) => [p.a.id, p.b.id]) }
}

function draft(q: Question, a: CellKind, b: CellKind, xs: Analyzed[], stratum: Draft['stratum'], contended: MatchedPair[] = []): Draft {
  const contention = contentionOf(q, xs, contended)
  // Every pair too contended to judge: nothing to estimate, said as such.
  if (!xs.length) {
    return {
      questionId: q.id, cells: [a, b], stratum, outcome: 'too-few', factor: null, interval: null, p: null, exact: true, pairs: 0, configurations: 0, favour: [0, 0], ties: 0,
      runIds: [], pairList: [], pairSweeps: null, baseline: null, basis: null, breakdowns: [], reason: null,
      caveat: timingCaveatOf(contended.flatMap((p) => [p.a, p.b])), contention, pooledBackends: null, logs: [], sign: 1,
    }
  }
  if (isCounted(q, xs)) return exactDraft(q, a, b, xs, stratum)
  const logs = xs.map((x) => x.d)
  const test = pairedSignedRank(logs)
  // The better cell first: the one the estimate favours (a on a tie), and the factor ≥ 1.
  const aBetter = q.lowerIsBetter ? test.estimate <= 0 : test.estimate >= 0
  const sign: 1 | -1 = aBetter === q.lowerIsBetter ? -1 : 1
  const cells: [CellKind, CellKind] = aBetter ? [a, b] : [b, a]
  const favours = (v: number) => sign * v > 0
  const sides = aBetter ? (['a', 'b'] as const) : (['b', 'a'] as const)
  const base: Omit<Draft, 'outcome'> = {
    questionId: q.id, cells, stratum, factor: Math.exp(sign * test.estimate), interval: null, p: test.p, exact: test.exact,
    pairs: xs.length, configurations: new Set(xs.map((x) => x.pair.configuration)).size,
    favour: [logs.filter(favours).length, logs.filter((v) => v !== 0 && !favours(v)).length], ties: test.zeros,
    ...pairsOf(xs, aBetter), baseline: q.checksBaseline ? [baselineCheck(q, xs, sides[0]), baselineCheck(q, xs, sides[1])] : null,
    basis: basisOf(xs), breakdowns: breakdowns(q, xs, stratum, sign), reason: null,
    caveat: q.unit === 'ms' ? timingCaveatOf([...xs.flatMap((x) => [x.pair.a, x.pair.b]), ...contended.flatMap((p) => [p.a, p.b])]) : null,
    contention, pooledBackends: pooledOf(xs), logs, sign,
  }
  // Too few pairs to reach α even alone: not a test, so not in the family (and said so).
  if (smallestPairedP(xs.length) > ALPHA) return { ...base, outcome: 'too-few', p: null }
  return { ...base, outcome: 'tested' }
}

function exactDraft(q: Question, a: CellKind, b: CellKind, xs: Analyzed[], stratum: Draft['stratum']): Draft {
  const ratios = xs.map((x) => x.values.a / x.values.b) // a / b, the same for every seed of a configuration
  const geo = Math.exp(ratios.reduce((s, v) => s + Math.log(v), 0) / ratios.length)
  const aBetter = q.lowerIsBetter ? geo <= 1 : geo >= 1
  const factors = ratios.map((v) => (aBetter === q.lowerIsBetter ? 1 / v : v))
  const lo = Math.min(...factors), hi = Math.max(...factors)
  const cells: [CellKind, CellKind] = aBetter ? [a, b] : [b, a]
  const configurations = new Set(xs.map((x) => x.pair.configuration)).size
  return {
    questionId: q.id, cells, stratum, outcome: 'exact', factor: lo, interval: [lo, hi], p: null, exact: true, pairs: xs.length, configurations, favour: [xs.length, 0], ties: 0,
    ...pairsOf(xs, aBetter), baseline: null, basis: null, breakdowns: [], logs: [], sign: 1,
    reason: q.id === 'memory' ? activationReason(xs, aBetter) : q.id === 'parameters' ? gateReason(cells) : null, caveat: null, contention: null,
    pooledBackends: pooledOf(xs),
  }
}

/**
 * The pairs' runs and values with the first cell's first, and where the runs compare several
 * sweeps, how many pairs each combination of sweeps gave.
 */
function pairsOf(xs: Analyzed[], aFirst: boolean): Pick<Verdict, 'runIds' | 'pairList' | 'pairSweeps'> {
  const pairList = xs.map((x) => {
    const ids = x.runIds.flatMap((id, i) => (i % 2 === 0 ? (aFirst ? [id, x.runIds[i + 1]] : [x.runIds[i + 1], id]) : []))
    return { ids, values: (aFirst ? [x.values.a, x.values.b] : [x.values.b, x.values.a]) as [number, number] }
  })
  const sweepOf = (r: FinishedRun) => r.sweepId ?? 0
  const counted = groupBy(xs, (x) => { const s = [sweepOf(x.pair.a), sweepOf(x.pair.b)]; return (aFirst ? s : s.reverse()).join(' ') })
  const pairSweeps = new Set(xs.flatMap((x) => [sweepOf(x.pair.a), sweepOf(x.pair.b)])).size > 1
    ? [...counted].map(([k, ys]) => ({ sweeps: k.split(' ').map(Number) as [number, number], pairs: ys.length }))
    : null
  return { runIds: pairList.flatMap((p) => p.ids), pairList, pairSweeps }
}

/** The backends averaged into these pairs, when any pair averaged more than one. */
function pooledOf(xs: Analyzed[]): string[] | null {
  return xs.some((x) => x.backends.length > 1) ? [...new Set(xs.flatMap((x) => x.backends))].sort() : null
}

/**
 * Whether the question's values are counted, not measured: parameters always; memory where it is
 * the analytic count (a GPU allocator's peak varies from seed to seed and is tested). Decided by
 * what the quantity is, never by whether the data happen to agree.
 */
function isCounted(q: Question, xs: Analyzed[]): boolean {
  if (q.kind !== 'exact') return false
  return q.unit !== 'bytes' || xs.every((x) => x.pair.a.figures.memory.deviceBytes === undefined && x.pair.b.figures.memory.deviceBytes === undefined)
}

const whole = (t: BaselineTest | undefined): BaselineTest | undefined => wholeTest(t)

/** What a question reads of a run against the baselines: the validation figures, or a tuned question's test figures. */
function heldOut(q: Question, r: FinishedRun): Pick<FinishedRun['figures'], 'finalMetric' | 'baseline' | 'classical' | 'baselineTest' | 'classicalTest' | 'testItems'> {
  const t = r.figures.test
  if (!q.tuned || !t) return r.figures
  return { finalMetric: t.metric, baseline: t.baseline, classical: t.classical, baselineTest: t.baselineTest, classicalTest: t.classicalTest, testItems: t.items }
}

/** What one run's test against a baseline says: its own paired test, or (runs recorded before it) its metric against the baseline's. */
function standing(q: Question, runs: FinishedRun[], which: 'trivial' | 'classical'): BaselineStanding | null {
  const figures = runs.map((r) => heldOut(q, r))
  const baselines = figures.map((f) => (which === 'trivial' ? f.baseline : f.classical))
  if (baselines.some((b) => !b)) return null
  const tests = figures.map((f) => whole(which === 'trivial' ? f.baselineTest : f.classicalTest))
  // The one rule (src-shared/baseline-rule.ts), the same the Pareto front and the runs table read.
  const beats = figures.map((f, i) => beatsBaseline({ ...f, metric: runs[i].figures.metric }, which))
  const bars = tests.flatMap((t) => (t ? [t.bar] : []))
  const range = (xs: number[]): [number, number] => [Math.min(...xs), Math.max(...xs)]
  return {
    beat: beats.filter(Boolean).length, runs: runs.length, tested: bars.length, beatRunIds: runs.filter((_, i) => beats[i]).map((r) => r.id), judgedRunIds: runs.map((r) => r.id),
    value: range(baselines.map((b) => b!.metric)), bar: bars.length ? range(bars) : null, description: baselines[0]!.description,
  }
}

/** A cell's runs in these pairs against the baselines: how many beat each, by their own paired tests. */
function baselineCheck(q: Question, xs: Analyzed[], side: 'a' | 'b'): BaselineCheck {
  const runs = xs.map((x) => x.pair[side]), values = xs.map((x) => x.values[side])
  const trivial = standing(q, runs, 'trivial')!
  const figures = runs.map((r) => heldOut(q, r))
  const test = figures.map((f) => whole(f.baselineTest)).find((t) => t)
  const items = figures.find((f) => f.testItems)?.testItems ?? 'validation items'
  const method = test ? { kind: test.method, block: test.block, items: test.items, unit: items } : null
  const removed = q.lowerIsBetter ? median(xs.map((x, i) => 1 - x.values[side] / figures[i].baseline.metric)) : null
  return { median: median(values), trivial, classical: standing(q, runs, 'classical'), removed, method }
}

/**
 * The factor at each value of every setting that varies among the pairs: a description, not a
 * test. Step time is described only by settings that change a step's work (not the learning rate
 * or the seed), and never by the setting the verdict is already restricted to.
 */
function breakdowns(q: Question, xs: Analyzed[], stratum: Draft['stratum'], sign: 1 | -1): Breakdown[] {
  const eligible = (s: PairSetting) => s !== stratum?.setting && (q.id !== 'step-time' || WORK_SETTINGS.includes(s as never) || s === 'machine' || s === 'threads')
  const partitions = new Set<string>()
  return DESCRIBE_ORDER.filter(eligible).flatMap((setting): Breakdown[] => {
    const levels = groupBy(xs, (x) => x.pair.settings[setting])
    // A setting that groups the pairs as one already described does (the task and its T) says nothing new.
    const partition = JSON.stringify([...levels.values()].map((ys) => ys.map((y) => xs.indexOf(y))).sort())
    if (levels.size < 2 || partitions.has(partition)) return []
    partitions.add(partition)
    return [{
      setting,
      levels: [...levels].map(([value, ys]) => ({ value, factor: Math.exp(sign * pairedSignedRank(ys.map((y) => y.d)).estimate), pairs: ys.length }))
        .sort((x, y) => numericOrText(x.value, y.value)),
    }]
  })
}

const numericOrText = (x: string, y: string) => (Number.isFinite(Number(x)) && Number.isFinite(Number(y)) ? Number(x) - Number(y) : x < y ? -1 : x > y ? 1 : 0)

/** Settings in the order a reader asks about them. */
const DESCRIBE_ORDER: readonly PairSetting[] = ['task', 'seqLen', 'backend', 'hiddenSize', 'machine', ...PAIR_SETTINGS.filter((s) => !['task', 'seqLen', 'backend', 'hiddenSize', 'machine'].includes(s))]

function basisOf(analyzed: Analyzed[]): Verdict['basis'] {
  const xs = analyzed.flatMap((x) => x.parts ?? [x.values])
  if (xs[0].steps === undefined) return null
  const kinds = new Set(xs.map((x) => x.basis))
  const steps = xs.flatMap((x) => x.steps ?? [])
  const seconds = xs.flatMap((x) => x.seconds ?? [])
  return {
    kind: kinds.size === 1 ? xs[0].basis : 'mixed',
    steps: steps.length ? [Math.min(...steps), Math.max(...steps)] : null,
    seconds: seconds.length ? [Math.min(...seconds), Math.max(...seconds)] : null,
  }
}

/**
 * A run whose threads waited for a CPU for more than this share of its timed steps' wall time was
 * timed under contention. On a quiet machine here most runs of a sweep waited under 5% (two workers
 * on two cores, beside the process that stores their results), its first run up to 18% (beside the
 * start of the other worker); beside a core busy in bursts, up to 33%; beside two, 53%.
 */
export const CONTENDED_WAIT_SHARE = 0.1

/**
 * What shared the machine while these runs were timed, when it matters. Runs whose CPU was sampled
 * (src-shared/lost-cpu.ts): those timed under contention, how much their threads waited, the CPU
 * pressure they ran under, and that their steps that lost the CPU are left out. Runs without the
 * sample (recorded before it, the torch and GPU backends, other systems): more workers than cores
 * or a 1-minute load above the core count at their start or end, the only signal recorded.
 */
export function timingCaveatOf(runs: FinishedRun[]): string | null {
  const fromWarmup = runs.filter((r) => r.figures.stepTimesFromWarmup).length
  const parts: string[] = []
  if (fromWarmup) parts.push(`${fromWarmup} of ${runs.length} runs ended on their time budget before any step past warm-up, so their step times include warm-up`)
  const sampled: Array<{ r: FinishedRun; cpu: Extract<NonNullable<FinishedRun['figures']['cpu']>, { signal: 'run-queue wait' }> }> = []
  const unsampled: FinishedRun[] = []
  for (const r of runs) {
    const cpu = r.figures.cpu
    if (cpu?.signal === 'run-queue wait') sampled.push({ r, cpu })
    else unsampled.push(r)
  }
  const contended = sampled.filter(({ cpu }) => cpu.wallMs > 0 && cpu.waitMs > CONTENDED_WAIT_SHARE * cpu.wallMs)
  if (contended.length) {
    const waited = Math.max(...contended.map(({ cpu }) => cpu.waitMs / cpu.wallMs))
    const steps = contended.reduce((s, { cpu }) => s + cpu.steps, 0), lost = contended.reduce((s, { cpu }) => s + cpu.lost, 0)
    const pressure = Math.max(0, ...contended.map(({ cpu }) => cpu.pressure?.peakShare ?? 0))
    parts.push(`${contended.length} of ${runs.length} runs were timed under contention (their threads waited for a CPU for over ${pct(CONTENDED_WAIT_SHARE)} of their step time, up to ${pct(waited)}${pressure > 0 ? `; CPU pressure up to ${pct(pressure)}` : ''}): the ${pct(lost / steps)} of their steps that lost the CPU are left out of their step times`)
  }
  if (unsampled.length) {
    const recorded = unsampled.filter((r) => typeof r.environment?.loadAvgStart === 'number')
    if (!recorded.length) parts.push(`the load while ${unsampled.length === runs.length ? 'these runs' : `${unsampled.length} of these runs`} were timed was not recorded`)
    let crowded = 0, maxLoad = 0, maxWorkers = 0, cores = 0
    for (const r of recorded) {
      const e = r.environment!
      const c = Number(e.cores) || 1, workers = Number(e.workers) || 1
      const load = Math.max(Number(e.loadAvgStart) || 0, Number(e.loadAvgEnd) || 0)
      if (workers > c || load > c) crowded++
      maxLoad = Math.max(maxLoad, load); maxWorkers = Math.max(maxWorkers, workers); cores = Math.max(cores, c)
    }
    const which = unsampled.some((r) => r.figures.cpu?.signal === null) ? ', whose steps\' CPU was not sampled,' : ''
    if (crowded) parts.push(`${crowded} of ${runs.length} runs${which} were timed beside more runs than cores or under a load above the core count (up to ${maxWorkers} worker${maxWorkers === 1 ? '' : 's'}, load ${maxLoad.toFixed(1)}, on ${cores} core${cores === 1 ? '' : 's'}), so their step times include contention; \`rnnbench bench\` times one run alone`)
  }
  return parts.length ? parts.join('; ') : null
}

const pct = (share: number) => `${Math.round(100 * share)}%`

/**
 * Activation memory in floats per timestep, batch row and hidden unit (per layer and direction),
 * at the largest hidden size compared, where the inputs kept add least: the reason behind memory ratios.
 */
function activationReason(xs: Analyzed[], aBetter: boolean): string | null {
  if (xs.some((x) => x.pair.a.figures.memory.deviceBytes !== undefined)) return null // a GPU allocator's peak, not the analytic count
  const per = (r: FinishedRun) => {
    const c = r.config, dirs = c.bidirectional ? 2 : 1
    return r.figures.memory.activationBytes / (4 * c.batchSize * r.figures.task.seqLen * c.hiddenSize * c.numLayers * dirs)
  }
  const largest = xs.reduce((m, x) => (x.pair.a.config.hiddenSize > m.pair.a.config.hiddenSize ? x : m))
  const [better, worse] = aBetter ? [per(largest.pair.a), per(largest.pair.b)] : [per(largest.pair.b), per(largest.pair.a)]
  const whole = (v: number) => Math.abs(v - Math.round(v)) < 0.005
  const exact = whole(better) && whole(worse)
  const text = (v: number) => (exact ? String(Math.round(v)) : v.toFixed(1))
  return `BPTT keeps ${exact ? '' : 'about '}${text(better)} against ${text(worse)} floats per timestep, batch row and hidden unit (at H=${largest.pair.a.config.hiddenSize})`
}

function gateReason(cells: [CellKind, CellKind]): string {
  const [a, b] = cells.map(gateCount)
  return `${a} against ${b} gate block${b === 1 ? '' : 's'} of weights per layer`
}


