// Verdicts in plain words. Every sentence says what was compared, at equal what, with how many
// matched pairs and which way they fell, names its test and Holm's adjustment, and says "no
// significant difference", "too few matched pairs to tell" or "neither learned" when that is what
// the data say. The app's verdict panel, the HTML
// and Markdown reports and `rnnbench verdicts` all print these sentences.

import type { CellKind } from '../engine/types'
import { formatBytes, formatValue, plural } from '../../src-shared/format'
import { PARAMS_RATIO_LIMIT, type Matching, type PairSetting } from './matching'
import type { Question } from './questions'
import { smallestPairedP } from './stats'
import { ALPHA } from './verdict-rules'
import type { BaselineCheck, BaselineStanding, TunedView, Verdict, VerdictFamily } from '../model/verdicts'
import { CELLS } from '../../src-shared/names'
import { SETTING_LABELS, type SettingName } from '../../src-shared/settings'
import { MIN_CLEAN_SHARE, MIN_CLEAN_STEPS } from '../../src-shared/lost-cpu'

export const cellName = (c: CellKind): string => CELLS[c].label

/** "cpu-native", "T=100", "2 layers": one value of a setting, with the registry's short label. */
export function levelName(setting: PairSetting, value: string): string {
  if (setting === 'backend' || setting === 'task' || setting === 'machine') return value
  if (setting === 'numLayers') return `${value} layer${value === '1' ? '' : 's'}`
  // A value drawn from a range (0.021252249558017872) reads to three significant digits.
  const n = Number(value)
  const shown = value.trim() !== '' && Number.isFinite(n) && !Number.isInteger(n) ? formatValue(n) : value
  return `${SETTING_LABELS[setting as SettingName] ?? setting}=${shown}`
}

/** "on cpu-native", "at T=100", "with 2 layers": where a verdict holds. */
export function levelText(setting: PairSetting, value: string): string {
  const preposition = setting === 'backend' || setting === 'task' || setting === 'machine' ? 'on' : setting === 'numLayers' ? 'with' : 'at'
  return `${preposition} ${levelName(setting, value)}`
}

export function matchingText(matching: Matching): string {
  return matching === 'hidden' ? 'at equal hidden size' : `at about equal parameter count (within ${PARAMS_RATIO_LIMIT}×)`
}

/** "p = 0.41", "p < 0.001". */
export function pEquals(p: number): string {
  const text = formatP(p)
  return text.startsWith('<') ? `p ${text}` : `p = ${text}`
}

export function formatP(p: number): string {
  if (!Number.isFinite(p)) return 'n/a'
  return p < 0.001 ? '< 0.001' : p.toFixed(p < 0.1 ? 3 : 2)
}

/** A factor as read: 1.43, 12.4, 1,182. */
export function formatFactor(f: number): string {
  if (!Number.isFinite(f)) return 'n/a'
  return f < 10 ? f.toFixed(2) : f < 100 ? f.toFixed(1) : Math.round(f).toLocaleString('en-US')
}
/** A phrase after a cell's name: a space before it, none before a tuned sentence's ", each at its own …". */
const spaced = (phrase: string) => (phrase.startsWith(',') ? phrase : ` ${phrase}`)
const times = (f: number) => `${formatFactor(f)}×`
/** "1.32–1.48", or one value where both ends read the same. */
const span = (lo: string, hi: string) => (lo === hi ? lo : `${lo}–${hi}`)
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/** "95", "99.67": a confidence as a percentage, with one digit past the first that keeps it below 100. */
export function confidenceText(c: number): string {
  const gap = 100 - c * 100
  if (!(gap > 0)) return '100'
  return String(Number((c * 100).toFixed(Math.max(0, Math.ceil(-Math.log10(gap))) + 1)))
}

/** "exact Wilcoxon signed-rank test, p = 0.004 after Holm over the 15 comparisons of 5 questions (p = 0.0003 alone)". */
export function testText(v: Pick<Verdict, 'p' | 'pAdjusted' | 'exact'>, family: VerdictFamily): string {
  const test = v.exact ? 'exact Wilcoxon signed-rank test' : 'Wilcoxon signed-rank test (normal approximation)'
  if (v.p === null || v.pAdjusted === null) return test
  if (family.tests <= 1) return `${test}, ${pEquals(v.p)} (the only test of the report)`
  return `${test}, ${pEquals(v.pAdjusted)} after Holm over the ${family.tests} comparisons of ${plural(family.questions, 'question')}${pEquals(v.pAdjusted) !== pEquals(v.p) ? ` (${pEquals(v.p)} alone)` : ''}`
}

/** "99.7% CI 1.28–1.37×", at the level Holm decided the test at; or why there is none. */
function intervalText(v: Verdict): string {
  const level = confidenceText(v.confidence ?? 0.95)
  if (!v.interval) return `too few pairs for a ${level}% interval`
  return `${level}% CI ${intervalBound(v.interval[0])}–${intervalBound(v.interval[1])}×`
}

/** An interval's end as a factor, with the digits that keep an end near 1 from reading as 1 when it is not (1.004, not 1.00). */
function intervalBound(x: number): string {
  if (!(Math.abs(x - 1) < 0.005) || x === 1) return formatFactor(x)
  let digits = 3
  while (digits < 8 && Number(x.toFixed(digits)) === 1) digits++
  return x.toFixed(digits)
}

/** "34 of 36 pairs favour GRU (1 tie)". */
function favourText(v: Verdict): string {
  const ties = v.ties ? ` (${plural(v.ties, 'tie')})` : ''
  return `${v.favour[0]} of ${v.pairs} favour ${cellName(v.cells[0])}${ties}`
}

/**
 * Where a tuned verdict holds: "each cell at its own best of 20 trials on validation (GRU at
 * lr=0.00713, H=64; LSTM at lr=0.0121, H=64), on the test split".
 */
export function tunedText(q: Question, cells: [CellKind, CellKind]): string {
  const t = q.tuned!
  const settings = cells.map((c) => `${cellName(c)} at ${t.chosen[c] ?? 'its chosen settings'}`).join('; ')
  return q.unit === 'metric'
    ? `, each at its own best of ${plural(t.trials, 'trial')} on validation (${settings}), judged on the test split`
    : `, each at its own best of ${plural(t.trials, 'trial')} on validation (${settings})`
}

/**
 * What a tuned question adds above its verdicts: each cell's chosen trial and what it scored on
 * validation, where the budget curves cross, and what they leave out.
 */
export function tunedLines(view: Omit<TunedView, 'lines'>): string[] {
  const cells = (Object.keys(view.chosen) as CellKind[])
  const m = view.metric.name.toUpperCase()
  const chosen = cells.map((c) => { const x = view.chosen[c]!; return `${cellName(c)} trial ${x.trial} of ${view.trials[c]} (${x.settings}), validation ${m} ${formatValue(x.validation)}` })
  const diverged = cells.filter((c) => view.diverged[c]).map((c) => `${plural(view.diverged[c]!, 'diverged trial')} of ${cellName(c)}`)
  const steps = cells.map((c) => `${cellName(c)} ${formatValue(view.chosen[c]!.stepMs)} ms`)
  return [
    `Chosen on validation, then re-run with ${plural(view.seeds, 'fresh seed')} each and judged on the test split: ${chosen.join('; ')}.`,
    `A training step at those settings takes (median of the re-runs; described, not tested): ${steps.join(', ')}.`,
    view.crossing,
    ...(diverged.length ? [`Left out of the budget curves (never chosen): ${diverged.join(', ')}.`] : []),
    'The trials themselves are compared on speed and size only: their validation set chose each cell\'s best, so their metric is no longer an untouched answer.',
  ].filter(Boolean)
}

/** Where a verdict's pairs came from, when the runs compare several sweeps: "Pairs: 8 of LSTM from sweep #1 against GRU from #2." */
export function sweepsText(v: Pick<Verdict, 'cells' | 'pairSweeps'>): string {
  if (!v.pairSweeps) return ''
  const [a, b] = v.cells.map(cellName)
  const parts = v.pairSweeps.map(({ sweeps: [sa, sb], pairs }) => (sa === sb ? `${pairs} within sweep #${sa}` : `${pairs} of ${a} from sweep #${sa} against ${b} from #${sb}`))
  return ` Pairs by sweep: ${parts.join('; ')}.`
}

export function writeSentence(q: Question, v: Verdict, matching: Matching, family: VerdictFamily): string {
  return oneSentence(q, v, matching, family) + sweepsText(v)
}

function oneSentence(q: Question, v: Verdict, matching: Matching, family: VerdictFamily): string {
  const [better, worse] = v.cells.map(cellName)
  const where = q.tuned ? tunedText(q, v.cells) : matchingText(matching)
  const prefix = v.stratum ? `${capitalize(levelText(v.stratum.setting, v.stratum.value))}: ` : ''
  const short = q.measure.split(' (')[0]
  // Engines that compute the same network from the same seed count once (verdicts.ts, poolEngines).
  const pooled = v.pooledBackends ? `; a network trained on ${v.pooledBackends.join(' and ')} counts once` : ''
  const count = q.tuned ? `${plural(v.pairs, 'pair')} of re-runs (seed i of each cell)` : `${plural(v.pairs, 'matched pair')}${v.configurations !== v.pairs ? ` in ${plural(v.configurations, 'configuration')}` : ''}`
  const training = basisText(v)
  const at = `${where}${training ? `, ${training}` : ''}`
  const caveat = v.caveat ? ` Caveat: ${v.caveat}.` : ''
  const described = breakdownText(v)
  const learned = baselineNotes(v, q)
  const stats = `Hodges–Lehmann estimate, ${intervalText(v)}; ${count}, ${favourText(v)}${pooled}; ${testText(v, family)}`
  const c = v.contention
  const leftOut = c?.leftOut ? ` ${c.leftOut} of ${plural(c.of, 'matched pair')} ${c.leftOut === 1 ? 'was' : 'were'} left out: a run of each had too few steps that kept the CPU to judge.` : ''

  switch (v.outcome) {
    case 'exact': return prefix + exactSentence(q, v, better, worse, where)
    case 'too-few':
      if (c?.leftOut) {
        const lost = c.lostShare === null ? '' : ` ${Math.round(100 * c.lostShare)}% of the timed steps of these runs lost the CPU;`
        const rest = v.pairs ? ` The ${plural(v.pairs, 'pair')} left cannot reach p < ${ALPHA} (the smallest p an exact signed-rank test of ${plural(v.pairs, 'pair')} gives is ${formatP(smallestPairedP(v.pairs))}).` : ''
        return `${prefix}Timed under contention:${lost} step time not judged for ${better} against ${worse}${spaced(at)}. ${c.leftOut} of ${plural(c.of, 'matched pair')} ${c.leftOut === 1 ? 'has' : 'have'} a run with too few steps that kept the CPU (${MIN_CLEAN_STEPS}, and ${Math.round(100 * MIN_CLEAN_SHARE)}% of its timed steps, needed).${rest} Run the sweep again when the machine is quieter.${caveat}`
      }
      return `${prefix}Too few matched pairs to tell ${better} and ${worse} apart on ${short} ${at}: ${v.favour[0]} of ${v.pairs} favour ${better}${v.ties ? ` (${plural(v.ties, 'tie')})` : ''}, ${times(v.factor!)}${pooled}; ${plural(v.pairs, 'pair')} cannot reach p < ${ALPHA} (the smallest p an exact signed-rank test of ${plural(v.pairs, 'pair')} gives is ${formatP(smallestPairedP(v.pairs))}), so this is not tested; add repeats or configurations.${described}${learned}${caveat}`
    case 'no-difference':
      return `${prefix}No significant difference in ${short} between ${better} and ${worse}${spaced(at)}: factor ${times(v.factor!)} (${stats}).${leftOut}${described}${learned}${caveat}`
    case 'better': {
      if (q.unit === 'ms') return `${prefix}${better} trains ${times(v.factor!)} faster per step than ${worse}${spaced(at)} (${stats}).${leftOut}${described}${caveat}`
      if (q.unit === 'bytes') return `${prefix}${better} needs ${times(v.factor!)} less memory than ${worse}${spaced(at)} (measured; it varies from seed to seed: ${stats}).${described}`
      if (q.id === 'parameters') return `${prefix}${better} has ${times(v.factor!)} fewer parameters than ${worse}${spaced(at)} (${stats}).${described}`
      const direction = q.lowerIsBetter ? 'lower' : 'higher'
      // One search per cell: the seeds measure the chosen settings, not the luck that chose them.
      const chosenOnly = q.tuned && q.tuned.chosen[v.cells[0]] !== q.tuned.chosen[v.cells[1]]
        ? ` This holds for the settings each search chose; with one search per cell, another search could have chosen others.`
        : ''
      return `${prefix}${better} reaches a ${direction} ${short} than ${worse}${spaced(at)}: ${times(v.factor!)} ${direction} (${stats}).${chosenOnly}${described}${learned}`
    }
  }
}

/** The descriptive breakdown: "Described, not tested: the factor ranges 1.10× (H=16) to 1.60× (H=64) over H." */
function breakdownText(v: Verdict): string {
  if (!v.breakdowns.length) return ''
  const parts = v.breakdowns.slice(0, 3).map((b) => {
    const sorted = [...b.levels].sort((x, y) => x.factor - y.factor)
    const lo = sorted[0], hi = sorted.at(-1)!
    return `${times(lo.factor)} (${levelName(b.setting, lo.value)}) to ${times(hi.factor)} (${levelName(b.setting, hi.value)}) over ${settingName(b.setting)}`
  })
  const flips = v.breakdowns.some((b) => b.levels.some((l) => l.factor < 1))
  return ` Described, not tested: the factor ranges ${parts.join('; ')}${flips ? ` (below 1× ${cellName(v.cells[1])} was ahead)` : ''}.`
}

/** "over H", "over tasks": the registry's short label, or the plural of what is not a setting of a run. */
const settingName = (s: PairSetting) => SETTING_LABELS[s as SettingName] ?? ({ task: 'tasks', machine: 'machines', backend: 'backends', threads: 'threads' } as Record<string, string>)[s] ?? s

/** After how much training a metric was compared. */
function basisText(v: Verdict): string {
  const b = v.basis
  if (!b) return ''
  const range = (r: [number, number], unit: string, fmt: (x: number) => string) => `${span(fmt(r[0]), fmt(r[1]))} ${unit}`
  const steps = b.steps ? range(b.steps, 'steps', (x) => x.toLocaleString('en-US')) : ''
  switch (b.kind) {
    case 'final': return b.steps && b.steps[0] === b.steps[1] ? `after ${steps} each` : `at the end of training (${steps}, within 10% in each pair)`
    case 'common-step': return b.steps && b.steps[0] === b.steps[1] ? `after ${steps} each (the last evaluation both runs of a pair reached)` : `at equal steps (${steps}: the last evaluation both runs of a pair reached)`
    case 'mixed': return `at equal steps (${steps}: each pair's last common evaluation)`
    case 'equal-time': return `in equal wall time (${b.seconds ? range(b.seconds, 's', (x) => x.toFixed(1)) : 'the shorter run\'s'})`
  }
}

const metricName = (q: Question) => q.measure.split(' (')[0].split(' ').slice(1).join(' ')
const valueRange = (r: [number, number]) => (formatValue(r[0]) === formatValue(r[1]) ? formatValue(r[0]) : `${formatValue(r[0])}–${formatValue(r[1])}`)

/**
 * Each cell against the baselines, beside the comparison: the share of the baseline's error
 * removed (error metrics), then "k of n runs beat it" with the bar and the test each run had.
 */
function baselineNotes(v: Verdict, q: Question): string {
  if (!v.baseline) return ''
  const [a, b] = v.baseline
  const [x, y] = v.cells.map(cellName)
  const m = metricName(q)
  const removed = a.removed !== null && b.removed !== null && (a.removed > 0 || b.removed > 0)
    ? ` Of the baseline's ${m}, ${x}'s median run removes ${share(a.removed)}, ${y}'s ${share(b.removed)}.`
    : ''
  const method = a.method ?? b.method
  const past = q.lowerIsBetter ? 'below' : 'above'
  const against = (sa: BaselineStanding, sb: BaselineStanding, classical: boolean) => {
    const what = classical ? `the classical baseline (${sa.description.split(' (')[0]}` : `the baseline (${sa.description}`
    const lo = Math.min(...[sa.bar, sb.bar].flatMap((r) => (r ? [r[0]] : []))), hi = Math.max(...[sa.bar, sb.bar].flatMap((r) => (r ? [r[1]] : [])))
    const bar = sa.bar || sb.bar
      ? classical || !method ? `; bar ${valueRange([lo, hi])}` : `; a run beats it ${past} its bar, ${m} ${valueRange([lo, hi])}, from a ${methodText(method)}, one-sided p ≤ 0.05`
      : ''
    // A bar of 0 on an error metric: that run's errors were so spread that no value could have passed.
    const unreachable = q.lowerIsBetter && (sa.bar || sb.bar) && lo <= 0 ? `; a bar of 0 means a run's errors were too spread for any ${m} to pass` : ''
    const untested = sa.tested < sa.runs || sb.tested < sb.runs ? `; ${sa.runs - sa.tested + sb.runs - sb.tested} runs recorded before paired tests count by their ${m} alone` : ''
    const neither = sa.beat === 0 && sb.beat === 0 ? (classical ? ' Neither beat the classical baseline:' : ' Neither learned:') : ''
    return `${neither} ${neither ? 'against' : 'Against'} ${what}, ${m} ${valueRange(sa.value)}${bar}${unreachable}${untested}): ${x} ${sa.beat} of ${plural(sa.runs, 'run')}, ${y} ${sb.beat} of ${sb.runs}.`
  }
  return `${removed}${against(a.trivial, b.trivial, false)}${a.classical && b.classical ? against(a.classical, b.classical, true) : ''}`
}

/** "paired bootstrap of its errors against the baseline's on the same 512 validation sequences". */
function methodText(m: NonNullable<BaselineCheck['method']>): string {
  const how = m.kind === 'block-bootstrap' ? `moving-block bootstrap (blocks of ${m.block})` : 'paired bootstrap'
  return `${how} of its errors against the baseline's on the same ${m.items} ${m.unit}`
}

/** "99%", "99.6%", or "none (2% more)" for a run worse than the baseline. */
const share = (r: number) => (r <= -0.005 ? `none (${Math.round(-r * 100)}% more)` : r < 0.005 ? 'none' : r >= 0.995 && r < 1 ? `${(r * 100).toFixed(1)}%` : `${Math.round(r * 100)}%`)

function exactSentence(q: Question, v: Verdict, better: string, worse: string, where: string): string {
  const [lo, hi] = v.interval!
  const same = Math.abs(hi - 1) < 1e-9
  const factor = `${span(formatFactor(lo), formatFactor(hi))}×`
  const over = plural(v.configurations, 'configuration')
  const reason = v.reason ? `: ${v.reason}` : ''
  if (lo < 1 && hi > 1) {
    // The order flips between configurations (sizes matched by parameter count can land either side).
    const what = q.id === 'parameters' ? 'parameters' : 'memory'
    return `${better} and ${worse} take turns: ${worse} has ${formatFactor(lo)}–${formatFactor(hi)}× the ${what} of ${better}${spaced(where)} depending on the configuration (exact, the same for every seed; ${over}).`
  }
  if (q.id === 'parameters') {
    if (same) return `${better} and ${worse} have the same number of parameters ${where} (${over}).`
    return `${better} has ${factor} fewer parameters than ${worse}${spaced(where)}, exactly (counted, the same for every seed; ${over})${reason}.`
  }
  if (same) return `${better} and ${worse} need the same memory ${where} (${over}).`
  return `${better} needs ${factor} less memory than ${worse}${spaced(where)}, exactly (the same for every seed: weights, gradients and optimizer state counted, activations as the engine keeps them for BPTT; ${over})${reason}.`
}

/** A value of a question's unit, as tables show it. */
export function formatQuestionValue(unit: Question['unit'], v: number): string {
  return unit === 'ms' ? `${formatValue(v)} ms` : unit === 'bytes' ? formatBytes(v) : unit === 'count' ? Math.round(v).toLocaleString('en-US') : formatValue(v)
}
