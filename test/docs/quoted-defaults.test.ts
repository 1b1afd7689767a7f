// The figures and defaults the README and docs/ quote, read from the docs and held against the code
// that sets them or the measurement's recorded output. A default changed in the code, a preset
// grown or shrunk, or a new measurement recorded, fails here until the docs say the same.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expandSweep } from '../../src-main/engine/sweep/expand'
import { PRESET_NAMES, presetSpec, type PresetName } from '../../src-main/engine/sweep/presets'
import { defaultSweepName, sweepSize, tunedRuns } from '../../src-main/engine/sweep/spec'
import { defaultWorkerCount } from '../../src-main/workers/pool'
import type { BackendName } from '../../src-main/engine/backend'
import { repoRoot } from '../helpers/cli'

const read = (file: string): string => readFileSync(join(repoRoot, file), 'utf8')
const README = read('README.md')
const SPEC = read('docs/SWEEP-SPEC.md')
const REPORTS = read('docs/REPORTS.md')
const RESULTS = read('docs/RESULTS.md')

/** The one match of `re` in `text`, failing with what was looked for when there is none. */
function quote(text: string, re: RegExp, what: string): RegExpExecArray {
  const m = re.exec(text)
  expect(m, `${what}: not found (${re})`).not.toBeNull()
  return m!
}

/** The row of a markdown table whose first cell is `first`, as its cells. */
function row(text: string, first: string): string[] {
  const line = text.split('\n').find((l) => l.startsWith(`| ${first} |`))
  expect(line, `no table row starting "| ${first} |"`).toBeDefined()
  return line!.split('|').slice(1, -1).map((c) => c.trim())
}

/** The CPU backends every doc's run counts assume: rnnbench's own, as presets schedule them. */
const CPU_BACKENDS: BackendName[] = ['cpu-js', 'cpu-native']
const runsOf = (name: PresetName, backends: BackendName[]): number => {
  const spec = presetSpec(name, backends)
  return spec.tune ? sweepSize(spec) : expandSweep(spec).length
}

describe('the defaults docs/SWEEP-SPEC.md quotes', () => {
  it('names a sweep after its spec file without .json, as the CLI does', () => {
    const [, , cell] = row(SPEC, '`name`')
    expect(cell).toMatch(/default: the spec file's name without `\.json`/)
    const example = quote(cell, /`rnnbench sweep ([^`]+)` names it `([^`]+)`/, 'the name default\'s example')
    expect(defaultSweepName(example[1])).toBe(example[2])
    expect(defaultSweepName('/home/me/Sweeps/gru vs lstm.JSON')).toBe('gru vs lstm')
  })

  it('gives as many workers as it says, on any number of cores', () => {
    const [, , cell] = row(SPEC, '`workers`')
    expect(cell).toMatch(/default: one per core on one or two cores, one fewer than the cores above that/)
    for (let cores = 1; cores <= 128; cores++) expect(defaultWorkerCount(cores), `${cores} cores`).toBe(cores <= 2 ? cores : cores - 1)
  })

  it('lists every preset with the runs it expands to', () => {
    const presets = SPEC.slice(SPEC.indexOf('| preset | what | runs |'))
    const listed = PRESET_NAMES.map((name) => {
      const runs = row(presets, `\`${name}\``)[2]
      const perBackend = /^(\d+) per CPU backend\b/.exec(runs)
      const tuned = /^(\d+) trials \+ (\d+) re-runs\b/.exec(runs)
      const plain = /^(\d+)\b/.exec(runs)
      expect(perBackend ?? tuned ?? plain, `${name}'s runs: "${runs}"`).not.toBeNull()
      if (perBackend) expect(runsOf(name, ['cpu-native']), name).toBe(Number(perBackend[1]))
      else if (tuned) expect(tunedRuns(presetSpec(name, CPU_BACKENDS)), name).toEqual({ trials: Number(tuned[1]), final: Number(tuned[2]) })
      else expect(runsOf(name, CPU_BACKENDS), name).toBe(Number(plain![1]))
      return name
    })
    expect(listed).toEqual([...PRESET_NAMES])
  })
})

describe('the presets\' run counts the other docs quote', () => {
  it('says the quick preset\'s runs on the two CPU backends (REPORTS)', () => {
    const m = quote(REPORTS, /The quick preset \((\d+) runs: [^)]*cpu-js and cpu-native/, 'REPORTS\' quick preset')
    expect(runsOf('quick', CPU_BACKENDS)).toBe(Number(m[1]))
  })

  it('says each --preset command\'s runs (RESULTS)', () => {
    const commands = [...RESULTS.matchAll(/--preset ([a-z-]+) [^\n#]*# (\d+) runs/g)]
    expect(commands.length).toBeGreaterThanOrEqual(3)
    for (const [, name, runs] of commands) expect(runsOf(name as PresetName, CPU_BACKENDS), name).toBe(Number(runs))
  })
})

describe('the verdicts\' false-positive rate, as bench/verdict-null.mjs recorded it', () => {
  // Recorded by: node bench/verdict-null.mjs --db null.sqlite --copies 500 --out bench/results/verdict-null.json
  const recorded = JSON.parse(read('bench/results/verdict-null.json')) as {
    copies: number; anyBetter: { k: number; n: number; ci95: [number, number] }
    questions: Record<string, { k: number; n: number; text: string }>
  }
  const pct = (x: number) => (100 * x).toFixed(1)
  const { k, n, ci95 } = recorded.anyBetter

  it('is quoted in README with its interval', () => {
    const m = quote(README, /any false "better" in ([\d.]+)% of reports \(95% CI ([\d.]+)–([\d.]+)%[;)]/, 'README\'s false-positive rate')
    expect([m[1], m[2], m[3]]).toEqual([pct(k / n), pct(ci95[0]), pct(ci95[1])])
  })

  it('is quoted in docs/REPORTS.md with its counts and interval', () => {
    const m = quote(REPORTS, /\*\*any "better" in the report\*\* \| \*\*([\d.]+)% \((\d+) of (\d+); 95% CI ([\d.]+)–([\d.]+)%\)\*\*/, 'REPORTS\' false-positive row')
    expect([m[1], Number(m[2]), Number(m[3]), m[4], m[5]]).toEqual([pct(k / n), k, n, pct(ci95[0]), pct(ci95[1])])
    expect(n).toBe(recorded.copies)
  })

  it('is quoted per question in docs/REPORTS.md\'s re-measured table', () => {
    const rows: Record<string, string> = {
      'step-time': 'step time', 'metric-adding': 'adding MSE at equal steps', 'metric-time-adding': 'adding MSE in equal wall time',
      'metric-airline': 'airline RMSE at equal steps', 'metric-time-airline': 'airline RMSE in equal wall time',
    }
    const table = REPORTS.slice(REPORTS.indexOf('**Re-measured**'))
    expect(Object.keys(recorded.questions).sort()).toEqual(Object.keys(rows).sort())
    for (const [id, label] of Object.entries(rows)) expect(row(table, label)[1], id).toBe(recorded.questions[id].text)
  })

  it('is at or below the 5% the design promises', () => {
    expect(k / n).toBeLessThanOrEqual(0.05)
  })
})
