// The verdicts: for each question and each pair of cells, what the matched pairs of runs say.
// The unit is a pair of runs that differ only in the cell (matching.ts). A measured quantity is
// compared by the pairs' log ratios: their geometric mean is the factor, a bootstrap over
// configurations and then seeds its interval, the exact Wilcoxon signed-rank test its p-value,
// Holm's method across the comparisons of one question. Exact quantities are stated as ratios.
// A metric is ranked only between cells that beat the task's baseline. Where the per-configuration
// ratios point opposite ways along one setting, or a cell learns at some of its values and not at
// others, the verdict is split by that setting. One module for the app's panel, the reports and
// `rnnbench verdicts`: the sentences are written in verdict-text.ts from what this returns.

import { machineId } from '../engine/environment'
import { CELL_KINDS, type CellKind } from '../engine/types'
import { groupBy, median } from '../../src-shared/collections'
import { isFinishedRun, matchPairs, PAIR_SETTINGS } from './matching'
import { questionsFor } from './questions'
import type { FinishedRun, VerdictRun } from '../model/runs'
import type {
  BaselineCheck, Breakdown, MatchedPair, Matching, PairSetting, PairValues, Question, QuestionVerdicts, SeriesLookup, Verdict, VerdictOutcome, VerdictReport,
} from '../model/verdicts'

export type { BaselineCheck, Breakdown, QuestionVerdicts, Verdict, VerdictOutcome, VerdictReport }
import { bootstrapClustersCi, holm, smallestSignedRankP, wilcoxonSignedRank } from './stats'
import { Rng } from '../engine/rng'
import { writeSentence } from './verdict-text'
import { ALPHA, BASELINE_FALLBACK_SHARE, BASELINE_Z, SPLIT_ALPHA, SPLIT_SHARE } from './verdict-rules'
import { gateCount } from '../../src-shared/names'

export { ALPHA, BASELINE_Z, SPLIT_ALPHA, SPLIT_SHARE }
const PERMUTATIONS = 999

/** When a sweep's runs come from several machines: what that means for the verdicts, in one sentence. */
export function machinesNote(report: Pick<VerdictReport, 'machines'>): string {
  return report.machines > 1 ? `These runs come from ${report.machines} machines (a sharded sweep, or runs imported); every matched pair was timed on one machine, and runs of different machines are never paired.` : ''
}

export interface VerdictOptions {
  /** Bootstrap resamples for the intervals (the null simulation uses fewer; p-values do not depend on it). */
  resamples?: number
}

/** Everything the sweep's runs say, per question. `series` gives each run's val_metric (for equal-step comparisons). */
export function verdictReport(runs: VerdictRun[], series: SeriesLookup, matching: Matching, options: VerdictOptions = {}): VerdictReport {
  const done = runs.filter(isFinishedRun)
  const cells = CELL_KINDS.filter((c) => done.some((r) => r.config.cell === c)) // canonical order: the sweep's order never matters
  const questions = questionsFor(done).map((q) => answerQuestion(q, done, cells, series, matching, options))
  return { matching, questions, finishedRuns: done.length, unfinishedRuns: runs.length - done.length, machines: new Set(done.map((r) => machineId(r.environment))).size }
}

/** A pair's values and log ratio; pooled over engines, `parts` keeps each engine's values. */
interface Analyzed { pair: MatchedPair; values: PairValues; d: number; runIds: number[]; backends: string[]; parts?: PairValues[] }

/** A verdict before Holm's adjustment and before its sentence. */
type Draft = Omit<Verdict, 'sentence' | 'pAdjusted' | 'outcome' | 'family'> & { outcome: VerdictOutcome | 'tested' }

function answerQuestion(q: Question, done: FinishedRun[], cells: CellKind[], series: SeriesLookup, matching: Matching, options: VerdictOptions): QuestionVerdicts {
  const drafts: Draft[] = []
  let compared = 0
  for (let i = 0; i < cells.length; i++) {
    for (let j = i + 1; j < cells.length; j++) {
      const analyzed = matchPairs(done, cells[i], cells[j], matching).flatMap((pair): Analyzed[] => {
        const values = q.pairValues(pair, series)
        if (!values || !(values.a > 0) || !(values.b > 0) || !Number.isFinite(values.a) || !Number.isFinite(values.b)) return []
        return [{ pair, values, d: Math.log(values.a / values.b), runIds: [pair.a.id, pair.b.id], backends: [pair.settings.backend] }]
      })
      if (!analyzed.length) continue
      compared++
      drafts.push(...comparePair(q, cells[i], cells[j], q.engineBound ? analyzed : poolEngines(analyzed), options))
    }
  }
  // Holm over the tests this question ran; comparisons that could not reach α are not tests (Tarone).
  const tested = drafts.filter((d) => d.outcome === 'tested')
  const adjusted = holm(tested.map((d) => d.p!))
  const verdicts = drafts.map((d): Verdict => {
    const k = tested.indexOf(d)
    const pAdjusted = k >= 0 ? adjusted[k] : null
    const outcome: VerdictOutcome = d.outcome === 'tested' ? (pAdjusted! < ALPHA ? 'better' : 'no-difference') : d.outcome
    const v: Verdict = { ...d, outcome, pAdjusted, family: tested.length, sentence: '' }
    return { ...v, sentence: writeSentence(q, v, matching) }
  })
  const note = compared ? null : cells.length < 2 ? 'Only one cell in these runs: nothing to compare.' : 'No two runs of different cells match (same settings and seed, other than the cell): nothing to compare.'
  return { id: q.id, title: q.title, measure: q.measure, kind: q.kind, task: q.task, verdicts, note }
}

/**
 * Runs of one network and seed on several engines (cpu-native and torch-cpu, say) learn the same
 * thing: one pair, so that an engine run twice never counts as two seeds. Under a time budget the
 * engines reach different steps, and the shorter runs are (to float32 rounding) prefixes of the
 * longer: the pair that trained longest is kept, and pairs that trained as long are averaged. The
 * pair's configuration becomes what it computes, so the bootstrap's clusters do not count engines.
 */
function poolEngines(analyzed: Analyzed[]): Analyzed[] {
  const groups = groupBy(analyzed, (x) => `${x.pair.computation}|${x.pair.a.config.seed}`)
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

/** One pair of cells: one verdict, or one per backend (an engine-bound question), or one per value of the setting it is split by. */
function comparePair(q: Question, a: CellKind, b: CellKind, analyzed: Analyzed[], options: VerdictOptions): Draft[] {
  const seed = hash(`${q.id}|${a}|${b}`)
  const byBackend = groupBy(analyzed, (x) => x.pair.settings.backend)
  if (q.engineBound && byBackend.size > 1) {
    // Each engine's own answer: GRU's lead over LSTM per step on one engine need not hold on another.
    return [...byBackend].flatMap(([backend, xs], k) => compareWithin(q, a, b, xs, { setting: 'backend', value: backend }, seed + 104729 * (k + 1), options))
  }
  return compareWithin(q, a, b, analyzed, null, seed, options)
}

function compareWithin(q: Question, a: CellKind, b: CellKind, analyzed: Analyzed[], stratum: Draft['stratum'], seed: number, options: VerdictOptions): Draft[] {
  if (q.kind === 'exact' && sameForEverySeed(analyzed)) return [exactDraft(q, a, b, analyzed, stratum)]
  // A quantity that should be exact but varies between seeds (a GPU allocator's peak, say) is measured and tested like any other.
  if (stratum) {
    // Already one backend's answer: a setting that matters within it is reported as a breakdown.
    const spread = heterogeneity(analyzed, seed)
    return [measuredDraft(q, a, b, analyzed, stratum, spread?.kind === 'spread' ? spread.breakdown : null, seed, options)]
  }
  const split = (q.checksBaseline ? learnedSplit(q, analyzed) : null) ?? heterogeneity(analyzed, seed)
  if (split && (split.kind === 'learned' || split.breakdown.levels.some((l) => l.factor > 1) && split.breakdown.levels.some((l) => l.factor < 1))) {
    return [...groupBy(analyzed, (x) => x.pair.settings[split.setting])].map(([value, xs], k) =>
      measuredDraft(q, a, b, xs, { setting: split.setting, value }, null, seed + 7919 * (k + 1), options))
  }
  return [measuredDraft(q, a, b, analyzed, null, split?.kind === 'spread' ? split.breakdown : null, seed, options)]
}

function measuredDraft(q: Question, a: CellKind, b: CellKind, unordered: Analyzed[], stratum: Draft['stratum'], breakdown: Breakdown | null, seed: number, options: VerdictOptions): Draft {
  // In a fixed order (configuration, then seed), so that the bootstrap draws the same resamples however the runs were listed.
  const xs = [...unordered].sort((x, y) => (x.pair.configuration < y.pair.configuration ? -1 : x.pair.configuration > y.pair.configuration ? 1 : x.pair.a.config.seed - y.pair.a.config.seed || x.pair.a.idx - y.pair.a.idx))
  const clusters = [...groupBy(xs, (x) => x.pair.configuration).values()].map((c) => c.map((x) => x.d))
  const meanLog = (cs: number[][]) => cs.reduce((s, c) => s + c.reduce((t, v) => t + v, 0) / c.length, 0) / cs.length
  const r = Math.exp(meanLog(clusters)) // a / b
  const [lo, hi] = bootstrapClustersCi(clusters, meanLog, seed, options.resamples).map(Math.exp)
  // The better cell first, the factor ≥ 1, and the interval on the factor's scale.
  const aBetter = q.lowerIsBetter ? r <= 1 : r >= 1
  const invert = aBetter === q.lowerIsBetter // factor = 1 / r
  const factor = invert ? 1 / r : r
  const ci95: [number, number] = invert ? [1 / hi, 1 / lo] : [lo, hi]
  const cells: [CellKind, CellKind] = aBetter ? [a, b] : [b, a]
  const test = wilcoxonSignedRank(xs.map((x) => x.d))
  const checks = q.checksBaseline ? orient(aBetter, [baselineCheck(q, xs, 'a'), baselineCheck(q, xs, 'b')]) : null
  // The breakdown's factors on the verdict's own scale: how many times better the first cell is at each value.
  const levels = breakdown ? { ...breakdown, levels: breakdown.levels.map((l) => ({ ...l, factor: invert ? 1 / l.factor : l.factor })) } : null
  const base: Omit<Draft, 'outcome'> = {
    questionId: q.id, cells, stratum, factor, ci95, p: test.p, pairs: xs.length, configurations: clusters.length, ties: test.zeros,
    runIds: xs.flatMap((x) => x.runIds), baseline: checks, basis: basisOf(xs), breakdown: levels, reason: null,
    caveat: q.id === 'step-time' ? timingCaveat(xs) : null, pooledBackends: pooledOf(xs),
  }
  if (checks && !checks[0].learned && !checks[1].learned) return { ...base, outcome: 'not-learned', p: null }
  if (smallestSignedRankP(test.n) >= ALPHA) return { ...base, outcome: 'too-few', p: null }
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
    questionId: q.id, cells, stratum, outcome: 'exact', factor: lo, ci95: [lo, hi], p: null, pairs: xs.length, configurations, ties: 0,
    runIds: xs.flatMap((x) => x.runIds), baseline: null, basis: null, breakdown: null,
    reason: q.id === 'memory' ? activationReason(xs, aBetter) : q.id === 'parameters' ? gateReason(cells) : null, caveat: null,
    pooledBackends: pooledOf(xs),
  }
}

/** The backends averaged into these pairs, when any pair averaged more than one. */
function pooledOf(xs: Analyzed[]): string[] | null {
  return xs.some((x) => x.backends.length > 1) ? [...new Set(xs.flatMap((x) => x.backends))].sort() : null
}

/** Whether each configuration's pairs all have one ratio: what makes a quantity exact. */
function sameForEverySeed(xs: Analyzed[]): boolean {
  return [...groupBy(xs, (x) => x.pair.configuration).values()].every((c) => c.every((x) => Math.abs(x.d - c[0].d) <= 1e-9))
}

const orient = <T>(aFirst: boolean, pair: [T, T]): [T, T] => (aFirst ? pair : [pair[1], pair[0]])

/** Did the cell on side `side` beat the baseline? Its median run must, by more than BASELINE_Z standard errors of the baseline. */
function baselineCheck(q: Question, xs: Analyzed[], side: 'a' | 'b'): BaselineCheck {
  const sides = xs.map((x) => ({ value: x.values[side], baseline: x.pair[side].figures.baseline }))
  const margin = (bl: (typeof sides)[number]['baseline']) => BASELINE_Z * (bl.standardError ?? BASELINE_FALLBACK_SHARE * Math.abs(bl.metric))
  const beats = (s: (typeof sides)[number]) => (q.lowerIsBetter ? s.value < s.baseline.metric - margin(s.baseline) : s.value > s.baseline.metric + margin(s.baseline))
  const beat = sides.filter(beats).length
  const baselines = sides.map((s) => s.baseline.metric)
  // The median run's distance past its own threshold (baseline ∓ margin): below 0, the cell beat it.
  const past = median(sides.map((s) => (q.lowerIsBetter ? s.value - (s.baseline.metric - margin(s.baseline)) : s.baseline.metric + margin(s.baseline) - s.value)))
  const classicals = xs.map((x) => ({ value: x.values[side], baseline: x.pair[side].figures.classical }))
  let classical: BaselineCheck['classical'] = null
  if (classicals.every((c) => c.baseline !== undefined)) {
    const cs = classicals as Array<{ value: number; baseline: NonNullable<(typeof classicals)[number]['baseline']> }>
    const pastClassical = median(cs.map((s) => (q.lowerIsBetter ? s.value - (s.baseline.metric - margin(s.baseline)) : s.baseline.metric + margin(s.baseline) - s.value)))
    const values = cs.map((s) => s.baseline.metric)
    classical = { beat: pastClassical < 0, value: [Math.min(...values), Math.max(...values)], description: cs[0].baseline.description }
  }
  return {
    learned: past < 0, beat, runs: sides.length, median: median(sides.map((s) => s.value)),
    baseline: [Math.min(...baselines), Math.max(...baselines)], baselineDescription: sides[0].baseline.description, classical,
  }
}

type Split = { kind: 'learned'; setting: PairSetting } | { kind: 'spread'; setting: PairSetting; breakdown: Breakdown }

/** Settings worth splitting by, in the order a reader asks about them. */
const SPLIT_ORDER: readonly PairSetting[] = ['task', 'seqLen', 'backend', 'hiddenSize', 'machine', ...PAIR_SETTINGS.filter((s) => !['task', 'seqLen', 'backend', 'hiddenSize', 'machine'].includes(s))]

/** The first setting along which either cell beats the baseline at some values and not at others. */
function learnedSplit(q: Question, xs: Analyzed[]): Split | null {
  for (const setting of SPLIT_ORDER) {
    const levels = groupBy(xs, (x) => x.pair.settings[setting])
    if (levels.size < 2) continue
    for (const side of ['a', 'b'] as const) {
      const statuses = new Set([...levels.values()].map((l) => baselineCheck(q, l, side).learned))
      if (statuses.size > 1) return { kind: 'learned', setting }
    }
  }
  return null
}

/**
 * The setting that explains the largest share (η²) of the spread of the configurations' mean log
 * ratios, when that share is at least SPLIT_SHARE and a permutation test of the share (values
 * reassigned to configurations at random, PERMUTATIONS times) puts it below SPLIT_ALPHA.
 */
function heterogeneity(xs: Analyzed[], seed: number): Split | null {
  const configs = [...groupBy(xs, (x) => x.pair.configuration).values()].map((c) => ({ d: c.reduce((s, x) => s + x.d, 0) / c.length, settings: c[0].pair.settings }))
  if (configs.length < 4) return null
  const grand = configs.reduce((s, c) => s + c.d, 0) / configs.length
  const total = configs.reduce((s, c) => s + (c.d - grand) ** 2, 0)
  if (!(total > 1e-12)) return null
  const share = (labels: string[], values: number[]) => {
    const sums = new Map<string, [number, number]>()
    labels.forEach((l, i) => { const s = sums.get(l) ?? [0, 0]; s[0] += values[i]; s[1]++; sums.set(l, s) })
    let between = 0
    for (const [sum, n] of sums.values()) between += n * (sum / n - grand) ** 2
    return between / total
  }
  let best: Breakdown | null = null
  const values = configs.map((c) => c.d)
  for (const setting of SPLIT_ORDER) {
    const labels = configs.map((c) => c.settings[setting])
    const levels = new Set(labels)
    if (levels.size < 2 || levels.size === configs.length) continue // a setting with one configuration per value explains everything and nothing
    const observed = share(labels, values)
    if (observed < SPLIT_SHARE || (best && observed <= best.share)) continue
    const rng = new Rng(seed + hash(setting))
    const shuffled = [...values]
    let atLeast = 0
    for (let k = 0; k < PERMUTATIONS; k++) {
      rng.shuffle(shuffled)
      if (share(labels, shuffled) >= observed - 1e-12) atLeast++
    }
    const p = (atLeast + 1) / (PERMUTATIONS + 1)
    if (p >= SPLIT_ALPHA) continue
    const byLevel = groupBy(configs, (c) => c.settings[setting])
    best = { setting, share: observed, p, levels: [...byLevel].map(([value, cs]) => ({ value, factor: Math.exp(cs.reduce((s, c) => s + c.d, 0) / cs.length), configurations: cs.length })) }
  }
  return best ? { kind: 'spread', setting: best.setting, breakdown: best } : null
}

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
 * What shared the machine while the compared runs were timed: a caveat when any ran with more
 * worker threads than cores or under a 1-minute load above the core count.
 */
function timingCaveat(xs: Analyzed[]): string | null {
  const runs = xs.flatMap((x) => [x.pair.a, x.pair.b])
  const fromWarmup = runs.filter((r) => r.figures.stepTimesFromWarmup).length
  const warmupNote = fromWarmup ? `${fromWarmup} of ${runs.length} runs ended on their time budget before any step past warm-up, so their step times include warm-up` : null
  const recorded = runs.filter((r) => typeof r.environment?.loadAvgStart === 'number')
  if (!recorded.length) return [warmupNote, 'the load while these runs were timed was not recorded'].filter(Boolean).join('; ')
  let crowded = 0, maxLoad = 0, maxWorkers = 0, cores = 0
  for (const r of recorded) {
    const e = r.environment!
    const c = Number(e.cores) || 1, workers = Number(e.workers) || 1
    const load = Math.max(Number(e.loadAvgStart) || 0, Number(e.loadAvgEnd) || 0)
    if (workers > c || load > c) crowded++
    maxLoad = Math.max(maxLoad, load); maxWorkers = Math.max(maxWorkers, workers); cores = Math.max(cores, c)
  }
  if (!crowded) return warmupNote
  return `${warmupNote ? `${warmupNote}; ` : ''}${crowded} of ${runs.length} runs were timed beside more runs than cores or under a load above the core count (up to ${maxWorkers} worker${maxWorkers === 1 ? '' : 's'}, load ${maxLoad.toFixed(1)}, on ${cores} core${cores === 1 ? '' : 's'}), so their step times include contention; \`rnnbench bench\` times one run alone`
}

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


/** FNV-1a: a stable seed from a name, so a report's intervals do not depend on the order of anything. */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0
  return h % 2_000_000_000
}
