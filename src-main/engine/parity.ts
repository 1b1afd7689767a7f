// The parity case format of docs/PARITY.md: read a case, run one forward and one backward pass of
// the stack it describes on a backend, and write the result in the same nested-array layout.
// Validation is strict and names the field, because a case usually comes from someone's own
// script and the mistake is usually a shape.

import type { Backend, StackResult } from './backend'
import { InputError, describeValue } from './errors'
import { directions, networkLayout, networkTooLarge } from './layout'
import { CELL_KINDS, type CellKind, type NetworkConfig } from './types'

export interface ParityCase {
  network: NetworkConfig
  T: number
  B: number
  /** Flat, in PyTorch state_dict order. */
  weights: Float64Array
  x: Float64Array
  h0: Float64Array | null
  c0: Float64Array | null
  dy: Float64Array
}

import type { Nested } from './compare'

export interface ParityOutput {
  y: Nested
  hn: Nested
  cn?: Nested
  grads: Record<string, Nested>
  dx: Nested
  dh0?: Nested
  dc0?: Nested
}

/** Parse and validate a case from JSON text. Throws InputError naming the field. */
export function parseParityCase(text: string): ParityCase {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new InputError('', `not valid JSON: ${(err as Error).message}`)
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new InputError('', `a parity case is a JSON object with cell, input_size, hidden_size, num_layers, weights, x and dy; got ${describeValue(doc)}`)
  }
  const c = doc as Record<string, unknown>
  const cell = c.cell
  if (typeof cell !== 'string' || !(CELL_KINDS as readonly string[]).includes(cell)) {
    throw new InputError('cell', `must be one of ${CELL_KINDS.join(', ')}; got ${describeValue(cell)}`)
  }
  const network: NetworkConfig = {
    cell: cell as CellKind,
    inputSize: positiveInt(c.input_size, 'input_size'),
    hiddenSize: positiveInt(c.hidden_size, 'hidden_size'),
    numLayers: c.num_layers === undefined ? 1 : positiveInt(c.num_layers, 'num_layers'),
    bidirectional: c.bidirectional === undefined ? false : bool(c.bidirectional, 'bidirectional'),
    dropout: 0,
  }
  // PyTorch options the format does not express: refuse them rather than misread the tensors.
  if (c.batch_first === true) throw new InputError('batch_first', 'the parity format is sequence-first: give x as [T][B][I] and dy as [T][B][D·H], and drop batch_first')
  if (c.bias === false) throw new InputError('bias', 'only networks with biases are supported (bias: true or absent)')
  if (c.proj_size !== undefined && c.proj_size !== 0) throw new InputError('proj_size', 'LSTM projections are not supported (proj_size: 0 or absent)')
  if (c.dropout !== undefined && c.dropout !== 0) {
    throw new InputError('dropout', 'must be 0 or absent: dropout is random, so a parity case cannot use it')
  }
  const { inputSize: I, hiddenSize: H, numLayers: L } = network
  // Before any tensor is read or allocated: a network too large to build is refused by its size.
  const T0 = Array.isArray(c.x) ? c.x.length : 1, B0 = Array.isArray(c.x) && Array.isArray(c.x[0]) ? (c.x[0] as unknown[]).length : 1
  const tooLarge = networkTooLarge(network, Math.max(1, B0), Math.max(1, T0))
  if (tooLarge) throw new InputError('hidden_size', tooLarge)
  const D = directions(network)

  const { dims: [T, B], data: x } = readShapedTensor(c.x, 'x', [null, null, I], `[T][B][${I}] (input_size ${I})`)
  const dy = readTensor(c.dy, 'dy', [T, B, D * H], `[${T}][${B}][${D * H}] (T and B from x, ${D}·hidden_size)`)
  const stateShape = [L * D, B, H]
  const stateHint = `[${L * D}][${B}][${H}] (num_layers·directions, B from x, hidden_size)`
  const h0 = c.h0 === undefined || c.h0 === null ? null : readTensor(c.h0, 'h0', stateShape, stateHint)
  let c0: Float64Array | null = null
  if (c.c0 !== undefined && c.c0 !== null) {
    if (cell !== 'lstm') throw new InputError('c0', `only an lstm has a cell state; remove c0 for cell ${cell}`)
    c0 = readTensor(c.c0, 'c0', stateShape, stateHint)
  }

  const layout = networkLayout(network)
  const w = c.weights
  if (typeof w !== 'object' || w === null || Array.isArray(w)) {
    throw new InputError('weights', `must be an object of state_dict entries (${layout.entries.map((e) => e.name).join(', ')}); got ${describeValue(w)}`)
  }
  const given = w as Record<string, unknown>
  for (const name of Object.keys(given)) {
    if (!layout.byName.has(name)) {
      throw new InputError(`weights.${name}`, `not a parameter of this network; expected exactly ${layout.entries.map((e) => e.name).join(', ')}`)
    }
  }
  const weights = new Float64Array(layout.total)
  for (const e of layout.entries) {
    if (!(e.name in given)) throw new InputError(`weights.${e.name}`, `missing; a ${describeNetwork(network)} needs ${layout.entries.map((x) => x.name).join(', ')}`)
    weights.set(readTensor(given[e.name], `weights.${e.name}`, e.shape), e.offset)
  }
  return { network, T, B, weights, x, h0, c0, dy }
}

/** One forward and one backward pass on a backend, formatted as docs/PARITY.md's OUT. */
export async function runParity(backend: Backend, pc: ParityCase): Promise<ParityOutput> {
  const model = await backend.createModel({ network: pc.network })
  try {
    await model.setParameters(pc.weights)
    const r: StackResult = await model.runStack({
      T: pc.T, B: pc.B, x: Float32Array.from(pc.x), h0: f32(pc.h0), c0: f32(pc.c0), dy: Float32Array.from(pc.dy),
    })
    return formatOutput(pc, r, await model.getGradients())
  } finally {
    model.dispose()
  }
}

function formatOutput(pc: ParityCase, r: StackResult, grads: ArrayLike<number>): ParityOutput {
  const { network: net, T, B } = pc
  const D = directions(net), H = net.hiddenSize, L = net.numLayers
  const state = [L * D, B, H]
  const out: ParityOutput = {
    y: nest(r.y, [T, B, D * H]),
    hn: nest(r.hn, state),
    grads: {},
    dx: nest(r.dx!, [T, B, net.inputSize]),
  }
  if (net.cell === 'lstm') out.cn = nest(r.cn!, state)
  for (const e of networkLayout(net).entries) out.grads[e.name] = nest(grads, e.shape, e.offset)
  if (pc.h0) out.dh0 = nest(r.dh0!, state)
  if (pc.c0) out.dc0 = nest(r.dc0!, state)
  return out
}

function f32(a: Float64Array | null): Float32Array | null {
  return a ? Float32Array.from(a) : null
}

/** Flat array → nested arrays of the given shape. */
export function nest(flat: ArrayLike<number>, shape: number[], offset = 0): Nested {
  const build = (dim: number, at: number): Nested => {
    if (dim === shape.length) return flat[at]
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1)
    const out: Nested[] = []
    for (let i = 0; i < shape[dim]; i++) out.push(build(dim + 1, at + i * stride))
    return out
  }
  return build(0, offset)
}

/** A nested array whose shape is read from its first elements, checking the dims that are fixed (null: any length ≥ 1). */
function readShapedTensor(value: unknown, field: string, shape: Array<number | null>, hint: string): { dims: number[]; data: Float64Array } {
  const dims: number[] = []
  let v: unknown = value
  for (let d = 0; d < shape.length; d++) {
    if (!Array.isArray(v) || v.length === 0) {
      throw new InputError(field, `expected a nested array of shape ${hint}; ${d === 0 ? 'got' : `${field}${'[0]'.repeat(d)} is`} ${describeValue(v)}`)
    }
    dims.push(v.length)
    v = v[0]
  }
  shape.forEach((want, d) => {
    if (want !== null && dims[d] !== want) {
      throw new InputError(field, `expected shape ${hint}; dimension ${d} has length ${dims[d]}`)
    }
  })
  return { dims, data: readTensor(value, field, dims, hint) }
}

/** Nested array of exactly `shape` → flat Float64Array; every value a finite number. */
function readTensor(value: unknown, field: string, shape: number[], hint = `[${shape.join('][')}]`): Float64Array {
  const out = new Float64Array(shape.reduce((a, b) => a * b, 1))
  let k = 0
  const walk = (v: unknown, dim: number, path: string) => {
    if (dim === shape.length) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new InputError(path, `expected a finite number; got ${describeValue(v)}`)
      out[k++] = v
      return
    }
    if (!Array.isArray(v)) throw new InputError(path, `expected an array (${field} has shape ${hint}); got ${describeValue(v)}`)
    if (v.length !== shape[dim]) throw new InputError(path, `expected length ${shape[dim]} (${field} has shape ${hint}); got ${v.length}`)
    v.forEach((item, i) => walk(item, dim + 1, `${path}[${i}]`))
  }
  walk(value, 0, field)
  return out
}

function positiveInt(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InputError(field, `must be a positive integer; got ${describeValue(v)}`)
  return v
}

function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(field, `must be true or false; got ${describeValue(v)}`)
  return v
}

function describeNetwork(net: NetworkConfig): string {
  return `${net.numLayers}-layer ${net.bidirectional ? 'bidirectional ' : ''}${net.cell}`
}
