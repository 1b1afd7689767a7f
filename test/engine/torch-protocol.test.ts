// The PyTorch pipe's one contract, stated on both ends: src-main/engine/torch/protocol.ts and the
// OPS table of rnnbench_torch.py must name the same ops, fields and arrays. Needs no Python: the
// Python table is JSON between two markers, read here as text.

import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { protocolBreach, TORCH_OPS } from '../../src-main/engine/torch/protocol'
import { repoRoot } from '../helpers/cli'

function pythonTable(source: string): unknown {
  const m = /# protocol table begins\nOPS = json\.loads\('''([\s\S]*?)'''\)\n# protocol table ends/.exec(source)
  if (!m) throw new Error('rnnbench_torch.py has no protocol table between its markers')
  return JSON.parse(m[1])
}

describe('the PyTorch pipe protocol', () => {
  const source = readFileSync(join(repoRoot, 'src-main/engine/torch/rnnbench_torch.py'), 'utf8')

  it('is the same table in TypeScript and in Python', () => {
    expect(pythonTable(source)).toEqual(JSON.parse(JSON.stringify(TORCH_OPS)))
  })

  it('has every op the Python side dispatches, and no other', () => {
    const dispatched = [...source.matchAll(/op == '(\w+)'/g)].map((m) => m[1])
    expect(new Set(dispatched)).toEqual(new Set(Object.keys(TORCH_OPS)))
  })

  it('names what a frame lacks or carries beyond the table', () => {
    expect(protocolBreach('trainStep', 'request', { model: 1, T: 2, B: 3, gradFlow: false, dropoutSeed: 0, update: true }, ['x', 'targets'])).toBeNull()
    expect(protocolBreach('trainStep', 'request', { model: 1, T: 2, B: 3, gradFlow: false, dropoutSeed: 0 }, ['x', 'targets'])).toBe('the trainStep request lacks its update field')
    expect(protocolBreach('runStack', 'reply', { forwardMs: 1, backwardMs: 0, totalMs: 1 }, ['y'])).toBe('the runStack reply lacks its hn array')
    expect(protocolBreach('predict', 'request', { model: 1, T: 1, B: 1 }, ['x', 'dy'])).toBe('the predict request carries an array "dy" the protocol does not name')
    expect(protocolBreach('fly', 'request', {}, [])).toMatch(/^unknown op "fly"/)
  })

  it('would catch a table that drifted between the two ends', () => {
    const drifted = source.replace('"stepMs", "activationBytes"', '"stepMs"')
    expect(pythonTable(drifted)).not.toEqual(JSON.parse(JSON.stringify(TORCH_OPS)))
  })
})
