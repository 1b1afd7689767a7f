import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { compareNested, type Nested } from '../helpers/compare'
import { backendsUnderTest, skipUnavailable } from '../helpers/backends'
import { rnnbench } from '../helpers/cli'

const fixtures = join(__dirname, '..', 'fixtures', 'parity')
const fixture = (name: string) => join(fixtures, name)
const tmp = mkdtempSync(join(tmpdir(), 'rnnbench-cli-'))

describe('rnnbench parity', () => {
  it.each(['lstm_bidir2_h0', 'gru_long50', 'rnn_relu_stacked3'])('reproduces PyTorch for %s on standard output', (name) => {
    const r = rnnbench(['parity', fixture(`${name}.case.json`)])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const want = JSON.parse(readFileSync(fixture(`${name}.out.json`), 'utf8')) as Nested
    const c = compareNested(JSON.parse(r.stdout), want)
    expect(c.count).toBeGreaterThan(100)
    expect(c.failures, JSON.stringify(c.worst)).toBe(0)
  })

  it('writes -o FILE and reads the case from standard input with -', () => {
    const out = join(tmp, 'out.json')
    const r = rnnbench(['parity', '-', '-o', out, '--backend', 'cpu-js'], { input: readFileSync(fixture('gru_h0.case.json'), 'utf8') })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('')
    const got = JSON.parse(readFileSync(out, 'utf8'))
    expect(Object.keys(got).sort()).toEqual(['dh0', 'dx', 'grads', 'hn', 'y'])
  })

  it('--expect passes on PyTorch output and fails, exit 1, on a perturbed one', () => {
    const ok = rnnbench(['parity', fixture('lstm_h0.case.json'), '--expect', fixture('lstm_h0.out.json')])
    expect(ok.code).toBe(0)
    expect(ok.stderr).toMatch(/^PASS cpu-js: (\d+)\/\1 values within/)
    const want = JSON.parse(readFileSync(fixture('lstm_h0.out.json'), 'utf8'))
    want.grads.weight_hh_l0[2][3] += 0.01
    const wrong = join(tmp, 'wrong.json')
    writeFileSync(wrong, JSON.stringify(want))
    const bad = rnnbench(['parity', fixture('lstm_h0.case.json'), '--expect', wrong])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^FAIL cpu-js: .*worst grads\.weight_hh_l0\[2\]\[3\]/)
  })
})

const [webgpu] = await backendsUnderTest(['webgpu'])

describe('rnnbench parity --backend webgpu', () => {
  if (skipUnavailable(webgpu)) return
  it.each(['lstm_bidir2_h0', 'gru_stacked3', 'rnn_tanh_bidir3_long'])('passes --expect on PyTorch output for %s', (name) => {
    const r = rnnbench(['parity', fixture(`${name}.case.json`), '--backend', 'webgpu', '--expect', fixture(`${name}.out.json`)])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^PASS webgpu: (\d+)\/\1 values within/m)
  })
})

describe('bad input: one line naming the field, exit 2, no stack trace', () => {
  const base = JSON.parse(readFileSync(fixture('gru_basic.case.json'), 'utf8'))
  const variant = (edit: (c: any) => void) => {
    const c = structuredClone(base)
    edit(c)
    return JSON.stringify(c)
  }
  const cases: Array<[string, string[], string | undefined, RegExp]> = [
    ['a missing file', ['parity', 'no-such-case.json'], undefined, /^rnnbench: CASE: cannot read no-such-case\.json: no such file$/],
    ['malformed JSON', ['parity', '-'], '{"cell": "gru",', /not valid JSON/],
    ['a JSON array', ['parity', '-'], '[1, 2]', /a parity case is a JSON object/],
    ['an unknown cell', ['parity', '-'], variant((c) => { c.cell = 'transformer' }), /^rnnbench: cell: must be one of rnn_tanh, rnn_relu, lstm, gru; got "transformer"$/],
    ['a zero hidden size', ['parity', '-'], variant((c) => { c.hidden_size = 0 }), /^rnnbench: hidden_size: must be a positive integer; got 0$/],
    ['a missing weight', ['parity', '-'], variant((c) => { delete c.weights.weight_hh_l0 }), /^rnnbench: weights\.weight_hh_l0: missing; a 1-layer gru needs weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0$/],
    ['a weight of the wrong shape', ['parity', '-'], variant((c) => { c.weights.weight_ih_l0.pop() }), /^rnnbench: weights\.weight_ih_l0: expected length 15/],
    ['a weight the network does not have', ['parity', '-'], variant((c) => { c.weights.weight_ih_l1 = [[0]] }), /^rnnbench: weights\.weight_ih_l1: not a parameter of this network/],
    ['x with the wrong input size', ['parity', '-'], variant((c) => { c.input_size = 4 }), /^rnnbench: x: expected shape \[T\]\[B\]\[4\] \(input_size 4\)/],
    ['a non-number in x', ['parity', '-'], variant((c) => { c.x[0][1][2] = 'NaN' }), /^rnnbench: x\[0\]\[1\]\[2\]: expected a finite number; got "NaN"$/],
    ['dy of the wrong shape', ['parity', '-'], variant((c) => { c.dy.pop() }), /^rnnbench: dy: expected length 7/],
    ['h0 of the wrong shape', ['parity', '-'], variant((c) => { c.h0 = [[[0, 0, 0, 0, 0]]] }), /^rnnbench: h0\[0\]: expected length 2 \(h0 has shape \[1\]\[2\]\[5\]/],
    ['c0 on a GRU', ['parity', '-'], variant((c) => { c.c0 = [] }), /^rnnbench: c0: only an lstm has a cell state/],
    ['batch_first', ['parity', '-'], variant((c) => { c.batch_first = true }), /^rnnbench: batch_first: the parity format is sequence-first/],
    ['an unknown backend', ['parity', fixture('gru_basic.case.json'), '--backend', 'cuda'], undefined, /^rnnbench: --backend: unknown backend "cuda"; valid: cpu-js, cpu-native, webgpu, torch-cpu, torch-cuda, torch-mps$/],
    ['an unknown option', ['parity', fixture('gru_basic.case.json'), '--fast'], undefined, /^rnnbench: Unknown option '--fast'; valid: --backend, --out, --expect, --help; see `rnnbench parity --help`$/],
    ['two case files', ['parity', 'a.json', 'b.json'], undefined, /^rnnbench: CASE: expected exactly one case file/],
    ['an unwritable output', ['parity', fixture('gru_basic.case.json'), '-o', '/nonexistent-dir/out.json'], undefined, /^rnnbench: --out: cannot write \/nonexistent-dir\/out\.json: ENOENT$/],
    ['an unknown command', ['trian'], undefined, /^rnnbench: COMMAND: unknown command "trian"; valid: /],
  ]
  it.each(cases)('%s', (_, args, input, message) => {
    const r = rnnbench(args, { input })
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trimEnd().split('\n')
    expect(lines, r.stderr).toHaveLength(1)
    expect(lines[0]).toMatch(message)
  })
})
