// The CLI's conventions, as a script piping each command would check them: usage and errors on
// standard error, every option a command takes in its --help (an unknown one answered with the
// valid ones), read-only commands never creating a database, a progress bar that fits the
// terminal, and progress kept in a log file with --log. (SIGTERM: exit 143, runs interrupted, in
// concurrency.test.ts.)

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fitTo, ProgressReporter } from '../../src-main/cli/progress'
import { COMMANDS } from '../../src-main/cli/run'
import { rnnbench } from '../helpers/cli'

const dir = mkdtempSync(join(tmpdir(), 'rnnbench-conventions-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the CLI\'s conventions', () => {
  it('prints the usage on standard error, exit 2, when no command is given; on standard output for --help', () => {
    const none = rnnbench([])
    expect([none.code, none.stdout]).toEqual([2, ''])
    expect(none.stderr).toMatch(/^rnnbench .*\n\nUsage: rnnbench COMMAND/)
    const help = rnnbench(['--help'])
    expect([help.code, help.stderr]).toEqual([0, ''])
    expect(help.stdout).toContain('Usage: rnnbench COMMAND')
  })

  it.each(COMMANDS.map((c) => c.name))('%s: lists every option it takes in --help, and names them when given an unknown one', (name) => {
    const wrong = rnnbench([name, '--no-such-option'])
    expect(wrong.code).toBe(2)
    const line = wrong.stderr.trim()
    expect(line.split('\n')).toHaveLength(1)
    const valid = /valid: ([^;]+);/.exec(line)![1].split(', ')
    expect(valid).toContain('--help')
    const help = rnnbench([name, '--help']).stdout
    for (const option of valid) expect(help, `${name} ${option}`).toMatch(new RegExp(`(^|\\s|\\[)${option}\\b`))
  })

  it.each([['runs'], ['sweeps'], ['verdicts'], ['export', '--format', 'csv', '-o', '-']])('%s on a database that is not there: exit 2, and no database left behind', (...args) => {
    const db = join(dir, `typo-${args[0]}.sqlite`)
    const r = rnnbench([...args, '--db', db])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/no database at/)
    expect(existsSync(db)).toBe(false)
  })

  it('keeps the redrawn progress bar within the terminal\'s width', () => {
    const written: string[] = []
    const io = { out: () => {}, err: (t: string) => { written.push(t) }, isTty: true, columns: 50 }
    const progress = new ProgressReporter(io, 1000, () => 'a run')
    progress.runStarted({ id: 1 })
    progress.stop()
    const bars = written.filter((t) => t.startsWith('['))
    expect(bars.length).toBeGreaterThan(0)
    for (const bar of bars) expect(bar.length).toBeLessThanOrEqual(49)
    expect(fitTo('x'.repeat(100), 20)).toBe(`${'x'.repeat(19)}…`)
  })

  it('appends the progress lines and the summary to --log FILE, without the bar or escapes', () => {
    const spec = join(dir, 'tiny.json'), log = join(dir, 'sweep.log'), db = join(dir, 'log.sqlite')
    writeFileSync(spec, JSON.stringify({ name: 'tiny', settings: { task: 'adding', seqLen: 6, hiddenSize: 4, batchSize: 4 }, axes: { cell: ['lstm', 'gru'] }, budget: { steps: 10 } }))
    const r = rnnbench(['sweep', spec, '--db', db, '--log', log])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('')
    const text = readFileSync(log, 'utf8')
    expect(text).toMatch(/^sweep #1 "tiny": 2 runs/)
    expect(text).toMatch(/\[1\/2\] done {6}#\d /)
    expect(text).toMatch(/sweep #1 "tiny": 2 done, .* of 2\nsee the results with: rnnbench runs --sweep 1 --db /)
    expect(text).not.toMatch(/\x1b|\r/)
    const bad = rnnbench(['sweep', spec, '--db', db, '--log', join(dir, 'no', 'such', 'folder', 'x.log')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^rnnbench: --log: cannot write .*: no such folder\n$/)
  })
})
