// Verdicts in plain words. Every sentence says what was compared, at equal what, with how many
// matched pairs, and says "no significant difference", "too few matched pairs to tell" or
// "neither beat the baseline" when that is what the data say. The app's verdict panel, the HTML
// and Markdown reports and `rnnbench verdicts` all print these sentences.

import type { CellKind } from '../engine/types'
import { formatBytes, formatValue } from '../../src-shared/format'
import { PARAMS_RATIO_LIMIT, type Matching, type PairSetting } from './matching'
import type { Question } from './questions'
import { smallestSignedRankP } from './stats'
import { ALPHA } from './verdict-rules'
import type { BaselineCheck, Verdict } from '../model/verdicts'
import { CELLS } from '../../src-shared/names'

export const cellName = (c: CellKind): string => CELLS[c].label

/** "on cpu-native", "at T=100", "at H=64": where a split verdict holds. */
export function levelText(setting: PairSetting, value: string): string {
  switch (setting) {
    case 'backend': case 'task': case 'machine': return `on ${value}`
    case 'seqLen': return `at T=${value}`
    case 'hiddenSize': return `at H=${value}`
    case 'batchSize': return `at B=${value}`
    case 'numLayers': return `with ${value} layer${value === '1' ? '' : 's'}`
    default: return `at ${setting}=${value}`
  }
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
const times = (f: number) => `${formatFactor(f)}×`
/** "1.32–1.48", or one value where both ends read the same. */
const span = (lo: string, hi: string) => (lo === hi ? lo : `${lo}–${hi}`)
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

export function writeSentence(q: Question, v: Verdict, matching: Matching): string {
  const [better, worse] = v.cells.map(cellName)
  const where = matchingText(matching)
  const prefix = v.stratum ? `${capitalize(levelText(v.stratum.setting, v.stratum.value))}: ` : ''
  const short = q.measure.split(' (')[0]
  // Engines that compute the same network from the same seed count once (verdicts.ts, poolEngines).
  const pooled = v.pooledBackends ? `, one per network and seed (its runs on ${v.pooledBackends.join(' and ')} count once)` : ''
  const count = `${plural(v.pairs, 'matched pair')}${v.configurations !== v.pairs ? ` in ${plural(v.configurations, 'configuration')}` : ''}${pooled}`
  const ci = v.ci95 ? `95% CI ${formatFactor(v.ci95[0])}–${formatFactor(v.ci95[1])}` : ''
  // A p that would pass alone but not after Holm's correction: say so, so that "no significant difference" is not read as "equal".
  const beforeHolm = v.p !== null && v.pAdjusted !== null && v.p < ALPHA && v.pAdjusted >= ALPHA ? ` (${pEquals(v.p)} before Holm's correction for ${v.family} comparisons)` : ''
  const stats = `${ci}; ${pEquals(v.pAdjusted ?? v.p ?? NaN)}${beforeHolm}, ${count}`
  const training = basisText(v)
  const caveat = v.caveat ? ` Caveat: ${v.caveat}.` : ''
  const breakdown = v.breakdown ? `; by ${v.breakdown.setting}, ${v.breakdown.levels.map((l) => `${times(l.factor)} ${levelText(v.breakdown!.setting, l.value)}`).join(', ')}` : ''

  switch (v.outcome) {
    case 'exact': return prefix + exactSentence(q, v, better, worse, where)
    case 'not-learned': {
      const [a, b] = v.baseline!
      return `${prefix}Neither ${better} nor ${worse} beat the baseline on ${q.task} (${baselineText(a, q)}): they reached ${formatValue(a.median)} and ${formatValue(b.median)}, medians of ${plural(a.runs, 'run')} each${pooled}${training ? `, ${training}` : ''}; not ranked.`
    }
    case 'too-few': {
      const n = v.pairs - v.ties
      return `${prefix}Too few matched pairs to tell ${better} and ${worse} apart on ${short} ${where}${training ? `, ${training}` : ''}: n = ${n}${v.ties ? ` (after ${plural(v.ties, 'tie')})` : ''}${pooled}, and the smallest p that ${plural(n, 'pair')} can give is ${formatP(smallestSignedRankP(n))}; add repeats or configurations.${learnedNote(v, q)}${classicalNote(v, q)}${caveat}`
    }
    case 'no-difference':
      return `${prefix}No significant difference in ${short} between ${better} and ${worse} ${where}${training ? `, ${training}` : ''}: factor ${times(v.factor!)}, ${stats}${breakdown}.${learnedNote(v, q)}${classicalNote(v, q)}${caveat}`
    case 'better': {
      if (q.id === 'step-time') return `${prefix}${better} trains ${times(v.factor!)} faster per step than ${worse} ${where} (${stats})${breakdown}.${caveat}`
      if (q.id === 'memory') return `${prefix}${better} needs ${times(v.factor!)} less memory than ${worse} ${where} (measured; it varies from seed to seed: ${stats})${breakdown}.`
      if (q.id === 'parameters') return `${prefix}${better} has ${times(v.factor!)} fewer parameters than ${worse} ${where} (${stats})${breakdown}.`
      const direction = q.lowerIsBetter ? 'lower' : 'higher'
      return `${prefix}${better} reaches a ${direction} ${short} than ${worse} ${training}, by a factor of ${formatFactor(v.factor!)} (${stats})${breakdown}.${learnedNote(v, q)}${classicalNote(v, q)}`
    }
  }
}

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

/** "predict the mean target (0.999), MSE 0.165". */
function baselineText(c: BaselineCheck, q: Question): string {
  const value = c.baseline[0] === c.baseline[1] ? formatValue(c.baseline[0]) : `${formatValue(c.baseline[0])}–${formatValue(c.baseline[1])}`
  return `${c.baselineDescription}, ${metricName(q)} ${value}`
}

const metricName = (q: Question) => q.measure.split(' (')[0].split(' ').slice(1).join(' ')

/** When exactly one of the two cells beat the baseline, say so. */
function learnedNote(v: Verdict, q: Question): string {
  if (!v.baseline) return ''
  const [a, b] = v.baseline
  if (a.learned === b.learned) return ''
  const [yes, no] = a.learned ? [v.cells[0], v.cells[1]] : [v.cells[1], v.cells[0]]
  const noCheck = a.learned ? b : a
  return ` ${cellName(yes)} beat the baseline; ${cellName(no)} did not (${metricName(q)} ${formatValue(noCheck.median)}, median of ${plural(noCheck.runs, 'run')}, against the baseline's ${formatValue(noCheck.baseline[1])}: ${noCheck.baselineDescription}).`
}

/**
 * Which of the two cells also beat the classical baseline (by its median run, past the same margin
 * of standard errors): whether a recurrent network was worth it here at all.
 */
function classicalNote(v: Verdict, q: Question): string {
  if (!v.baseline) return ''
  const [a, b] = v.baseline
  if (!a.classical || !b.classical) return ''
  const c = a.classical
  const value = c.value[0] === c.value[1] ? formatValue(c.value[0]) : `${formatValue(c.value[0])}–${formatValue(c.value[1])}`
  const what = `the classical baseline (${c.description.split(' (')[0]}, ${metricName(q)} ${value})`
  const [x, y] = v.cells.map(cellName)
  if (a.classical.beat && b.classical.beat) return ` Both beat ${what}.`
  if (!a.classical.beat && !b.classical.beat) return ` Neither beat ${what}.`
  return ` Only ${a.classical.beat ? x : y} beat ${what}.`
}

function exactSentence(q: Question, v: Verdict, better: string, worse: string, where: string): string {
  const [lo, hi] = v.ci95!
  const same = Math.abs(hi - 1) < 1e-9
  const factor = `${span(formatFactor(lo), formatFactor(hi))}×`
  const over = plural(v.configurations, 'configuration')
  const reason = v.reason ? `: ${v.reason}` : ''
  if (lo < 1 && hi > 1) {
    // The order flips between configurations (sizes matched by parameter count can land either side).
    const what = q.id === 'parameters' ? 'parameters' : 'memory'
    return `${better} and ${worse} take turns: ${worse} has ${formatFactor(lo)}–${formatFactor(hi)}× the ${what} of ${better} ${where} depending on the configuration (exact, the same for every seed; ${over}).`
  }
  if (q.id === 'parameters') {
    if (same) return `${better} and ${worse} have the same number of parameters ${where} (${over}).`
    return `${better} has ${factor} fewer parameters than ${worse} ${where}, exactly (counted, the same for every seed; ${over})${reason}.`
  }
  if (same) return `${better} and ${worse} need the same memory ${where} (${over}).`
  return `${better} needs ${factor} less memory than ${worse} ${where}, exactly (the same for every seed: weights, gradients and optimizer state counted, activations as the engine keeps them for BPTT; ${over})${reason}.`
}

/** A value of a question's unit, as tables show it. */
export function formatQuestionValue(unit: Question['unit'], v: number): string {
  return unit === 'ms' ? `${formatValue(v)} ms` : unit === 'bytes' ? formatBytes(v) : unit === 'count' ? Math.round(v).toLocaleString('en-US') : formatValue(v)
}
