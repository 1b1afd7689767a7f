// The recurrent stack on the CPU in TypeScript: stacked, bidirectional, with dropout between
// layers and optional initial states; forward over a whole sequence and hand-written
// backpropagation through time. This is the reference every other backend is checked against.
//
// Legend: T = timesteps, B = batch rows, I = input features, H = hidden size, G = gates,
//         L = layers, D = directions (1 or 2), In = input width of the current layer (I or D·H).
// Tensors are sequence-first and flat: x [T, B, I], y [T, B, D·H], h0/hn [L·D, B, H].
//
// Structure (the one the fast libraries use, docs/NUMERICS.md §4):
//   forward,  per layer and direction: gx = X·W_ihᵀ + b_ih for all T at once (one GEMM), then per
//             step one recurrent GEMM h_{t-1}·W_hhᵀ + b_hh and the cell's elementwise kernel;
//   backward, per step: the cell's backward kernel and one GEMM dgh·W_hh for ∂L/∂h_{t-1}; then the
//             weight gradients of all steps as single GEMMs over T·B rows, and ∂L/∂X likewise.
// Hidden states are kept in [T+1, B, H] per layer and direction with the initial state in the
// slot before the first processed step (slot 0 forward, slot T reverse), so that "h_{t-1} for
// every t" is one contiguous block and dW_hh is a single GEMM.

import { gemmNN, gemmNT, gemmTN, addRowVector, copyRange, sumRows, type FloatArray } from '../../../src-shared/gemm'
import { gruBackward, gruForward, lstmBackward, lstmForward, rnnBackward, rnnForward } from './cells'
import { directions, layerInputSize, networkLayout, suffix, type ParamLayout } from '../layout'
import { gateCount, type NetworkConfig, type Precision } from '../types'
import type { Rng } from '../rng'

type ArrayCtor = Float32ArrayConstructor | Float64ArrayConstructor

export function arrayFor(precision: Precision): ArrayCtor {
  return precision === 'f64' ? Float64Array : Float32Array
}

/** Offsets of one layer-direction's four tensors inside the parameter buffer. */
interface CellParams { wih: number; whh: number; bih: number; bhh: number; inSize: number }

/** Every buffer one forward/backward pass needs at a given (T, B), allocated once and reused. */
class Workspace {
  readonly layerOut: FloatArray[] = []   // [L] of [T, B, D·H], each layer's output before dropout
  readonly layerIn: FloatArray[] = []    // [L] of [T, B, D·H]; index 0 unused (x is the input)
  readonly masks: FloatArray[] = []      // [L] of [T, B, D·H] dropout scale per element; 0 unused
  readonly hs: FloatArray[] = []         // [L·D] of [T+1, B, H]
  readonly cs: FloatArray[] = []         // [L·D] of [T+1, B, H] (LSTM)
  readonly caches: FloatArray[] = []     // [L·D] of [T, B, 4H] (LSTM, GRU)
  readonly dLayerOut: FloatArray[] = []  // [L-1] of [T, B, D·H]: ∂L/∂(layer output)
  readonly gx: FloatArray                // [T, B, G·H] scratch, reused per layer-direction
  readonly gh: FloatArray                // [B, G·H]
  readonly dgx: FloatArray               // [T, B, G·H]
  readonly dgh: FloatArray               // [T, B, G·H], the same array as dgx unless GRU
  readonly dh: FloatArray                // [B, H]
  readonly dc: FloatArray                // [B, H]
  readonly dx: FloatArray                // [T, B, I]
  readonly hn: FloatArray                // [L·D, B, H]
  readonly cn: FloatArray                // [L·D, B, H]
  readonly dh0: FloatArray               // [L·D, B, H]
  readonly dc0: FloatArray               // [L·D, B, H]
  /** Bytes of what the forward keeps for the backward (the BPTT activation memory). */
  readonly savedBytes: number

  constructor(net: NetworkConfig, readonly T: number, readonly B: number, F: ArrayCtor, dropout: boolean) {
    const { hiddenSize: H, numLayers: L, inputSize: I } = net
    const D = directions(net), G = gateCount(net.cell)
    let saved = 0
    const alloc = (n: number, kept = false) => {
      if (kept) saved += n * F.BYTES_PER_ELEMENT
      return new F(n)
    }
    for (let l = 0; l < L; l++) {
      this.layerOut.push(alloc(T * B * D * H, true))
      const dropped = l > 0 && dropout
      this.layerIn.push(dropped ? alloc(T * B * D * H, true) : this.layerOut[Math.max(0, l - 1)])
      this.masks.push(dropped ? alloc(T * B * D * H, true) : new F(0))
      if (l < L - 1) this.dLayerOut.push(alloc(T * B * D * H))
      for (let d = 0; d < D; d++) {
        this.hs.push(alloc((T + 1) * B * H, true))
        this.cs.push(alloc(net.cell === 'lstm' ? (T + 1) * B * H : 0, true))
        const cacheWidth = net.cell === 'lstm' || net.cell === 'gru' ? 4 * H : 0
        this.caches.push(alloc(T * B * cacheWidth, true))
      }
    }
    this.gx = alloc(T * B * G * H)
    this.gh = alloc(B * G * H)
    this.dgx = alloc(T * B * G * H)
    this.dgh = net.cell === 'gru' ? alloc(T * B * G * H) : this.dgx
    this.dh = alloc(B * H)
    this.dc = alloc(B * H)
    this.dx = alloc(T * B * I)
    this.hn = alloc(L * D * B * H)
    this.cn = alloc(L * D * B * H)
    this.dh0 = alloc(L * D * B * H)
    this.dc0 = alloc(L * D * B * H)
    this.savedBytes = saved
  }
}

export interface StackForwardInput {
  x: FloatArray               // [T, B, I]
  T: number
  B: number
  h0?: FloatArray | null      // [L·D, B, H]
  c0?: FloatArray | null      // [L·D, B, H] (LSTM)
  training: boolean
  rng?: Rng                   // dropout masks; required when training with dropout > 0
}

export class RecurrentStack {
  readonly layout: ParamLayout
  private readonly cellParams: CellParams[] = []
  private readonly F: ArrayCtor
  /** One workspace per (T, B) seen, so that alternating training and evaluation batches reallocate nothing. */
  private readonly workspaces = new Map<string, Workspace>()
  private ws: Workspace | null = null
  private lastInput: StackForwardInput | null = null

  /**
   * @param params buffer holding this stack's parameters at `offset` (PyTorch order)
   * @param grads  buffer of the same layout receiving the gradients at the same offset
   */
  constructor(
    readonly net: NetworkConfig,
    private readonly params: FloatArray,
    private readonly grads: FloatArray,
    offset: number,
    precision: Precision,
  ) {
    this.F = arrayFor(precision)
    this.layout = networkLayout(net)
    for (let l = 0; l < net.numLayers; l++) {
      for (let d = 0; d < directions(net); d++) {
        const at = (n: string) => offset + this.layout.byName.get(`${n}_${suffix(l, d)}`)!.offset
        this.cellParams.push({
          wih: at('weight_ih'), whh: at('weight_hh'), bih: at('bias_ih'), bhh: at('bias_hh'),
          inSize: layerInputSize(net, l),
        })
      }
    }
  }

  /** The workspace for (T, B), allocated the first time that shape is seen (never inside a step). */
  workspace(T: number, B: number): Workspace {
    const key = `${T}x${B}`
    let ws = this.workspaces.get(key)
    if (!ws) {
      if (this.workspaces.size >= 4) this.workspaces.delete(this.workspaces.keys().next().value!)
      ws = new Workspace(this.net, T, B, this.F, this.net.dropout > 0 && this.net.numLayers > 1)
      this.workspaces.set(key, ws)
    }
    this.ws = ws
    return ws
  }

  /** Output sequence [T, B, D·H] of the last forward. */
  get output(): FloatArray { return this.ws!.layerOut[this.net.numLayers - 1] }
  get hn(): FloatArray { return this.ws!.hn }
  get cn(): FloatArray { return this.ws!.cn }
  get dx(): FloatArray { return this.ws!.dx }
  get dh0(): FloatArray { return this.ws!.dh0 }
  get dc0(): FloatArray { return this.ws!.dc0 }
  /** What the last forward kept for the backward, in bytes. */
  get savedBytes(): number { return this.ws?.savedBytes ?? 0 }

  forward(input: StackForwardInput): FloatArray {
    const { T, B } = input
    const net = this.net, H = net.hiddenSize, D = directions(net), GH = gateCount(net.cell) * H
    const ws = this.workspace(T, B)
    const P = this.params
    this.lastInput = input
    for (let l = 0; l < net.numLayers; l++) {
      const X = l === 0 ? input.x : ws.layerIn[l]
      for (let d = 0; d < D; d++) {
        const ld = l * D + d, p = this.cellParams[ld], In = p.inSize
        const hs = ws.hs[ld], cs = ws.cs[ld], cache = ws.caches[ld], gx = ws.gx, gh = ws.gh
        // gx = X·W_ihᵀ + b_ih for every timestep at once                       [T·B, G·H]
        gemmNT(T * B, GH, In, X, 0, In, P, p.wih, In, gx, 0, GH, false)
        addRowVector(T * B, GH, P, p.bih, gx, 0, GH)
        const initSlot = d === 0 ? 0 : T
        copyState(input.h0, ld, B * H, hs, initSlot * B * H)
        if (net.cell === 'lstm') copyState(input.c0, ld, B * H, cs, initSlot * B * H)
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? s : T - 1 - s
          const prev = (d === 0 ? t : t + 1) * B * H, cur = (d === 0 ? t + 1 : t) * B * H
          // gh = h_{t-1}·W_hhᵀ + b_hh                                          [B, G·H]
          gemmNT(B, GH, H, hs, prev, H, P, p.whh, H, gh, 0, GH, false)
          addRowVector(B, GH, P, p.bhh, gh, 0, GH)
          const gxOff = t * B * GH
          switch (net.cell) {
            case 'rnn_tanh': rnnForward(B, H, false, hs, cur, gx, gxOff, gh); break
            case 'rnn_relu': rnnForward(B, H, true, hs, cur, gx, gxOff, gh); break
            case 'lstm': lstmForward(B, H, hs, cur, cs, cur, cache, t * B * 4 * H, gx, gxOff, gh, cs, prev); break
            case 'gru': gruForward(B, H, hs, cur, cache, t * B * 4 * H, gx, gxOff, gh, hs, prev); break
          }
          // y[t, :, d·H:(d+1)·H] = h_t
          const out = ws.layerOut[l]
          for (let b = 0; b < B; b++) {
            const src = cur + b * H, dst = (t * B + b) * D * H + d * H
            for (let j = 0; j < H; j++) out[dst + j] = hs[src + j]
          }
        }
        const last = (d === 0 ? T : 0) * B * H
        copyRange(hs, last, ws.hn, ld * B * H, B * H)
        if (net.cell === 'lstm') copyRange(cs, last, ws.cn, ld * B * H, B * H)
      }
      if (l + 1 < net.numLayers && ws.masks[l + 1].length > 0) {
        this.applyDropout(ws.layerOut[l], ws.layerIn[l + 1], ws.masks[l + 1], input)
      }
    }
    return ws.layerOut[net.numLayers - 1]
  }

  /**
   * Backpropagation through time from ∂L/∂y. Overwrites this stack's gradients, dx, dh0 and dc0.
   * @param gradFlow optional [L·D, T]: receives ‖∂L/∂h_t‖₂ per layer-direction and timestep (the
   *                 total gradient reaching h_t, from above and from step t+1)
   */
  backward(dy: FloatArray, gradFlow?: FloatArray): void {
    const input = this.lastInput
    if (!input || !this.ws) throw new Error('backward() called before forward()')
    const { T, B } = input
    const net = this.net, H = net.hiddenSize, D = directions(net), GH = gateCount(net.cell) * H, L = net.numLayers
    const ws = this.ws, P = this.params, dP = this.grads
    for (let l = L - 1; l >= 0; l--) {
      const X = l === 0 ? input.x : ws.layerIn[l]
      const dOut = l === L - 1 ? dy : ws.dLayerOut[l]
      const dIn = l === 0 ? ws.dx : ws.dLayerOut[l - 1]      // ∂L/∂X, summed over directions
      const In = this.cellParams[l * D].inSize
      dIn.fill(0, 0, T * B * In)
      for (let d = 0; d < D; d++) {
        const ld = l * D + d, p = this.cellParams[ld]
        const hs = ws.hs[ld], cs = ws.cs[ld], cache = ws.caches[ld]
        const { dgx, dgh, dh, dc } = ws
        dh.fill(0); dc.fill(0)
        for (let s = 0; s < T; s++) {
          const t = d === 0 ? T - 1 - s : s
          const prev = (d === 0 ? t : t + 1) * B * H, cur = (d === 0 ? t + 1 : t) * B * H
          // dh += ∂L/∂y[t, :, d·H:(d+1)·H]
          let sq = 0
          for (let b = 0; b < B; b++) {
            const src = (t * B + b) * D * H + d * H
            for (let j = 0; j < H; j++) {
              const v = (dh[b * H + j] += dOut[src + j])
              sq += v * v
            }
          }
          if (gradFlow) gradFlow[ld * T + t] = Math.sqrt(sq)
          const gOff = t * B * GH
          switch (net.cell) {
            case 'rnn_tanh': rnnBackward(B, H, false, dgx, gOff, hs, cur, dh); break
            case 'rnn_relu': rnnBackward(B, H, true, dgx, gOff, hs, cur, dh); break
            case 'lstm': lstmBackward(B, H, dgx, gOff, dc, cache, t * B * 4 * H, cs, cur, cs, prev, dh); break
            case 'gru': gruBackward(B, H, dgx, gOff, dgh, gOff, dh, cache, t * B * 4 * H, hs, prev); break
          }
          // ∂L/∂h_{t-1} = dgh_t·W_hh (+ z ⊙ dh already left in dh by the GRU)     [B, H]
          gemmNN(B, H, GH, dgh, gOff, GH, P, p.whh, H, dh, 0, H, net.cell === 'gru')
        }
        ws.dh0.set(dh, ld * B * H)
        if (net.cell === 'lstm') ws.dc0.set(dc, ld * B * H)
        // Weight gradients of all timesteps at once.
        // dW_ih = dgxᵀ·X    [G·H, In];  dW_hh = dghᵀ·H_prev    [G·H, H]
        gemmTN(GH, p.inSize, T * B, dgx, 0, GH, X, 0, p.inSize, dP, p.wih, p.inSize, false)
        sumRows(T * B, GH, dgx, 0, GH, dP, p.bih, false)
        const hPrevStart = d === 0 ? 0 : B * H
        gemmTN(GH, H, T * B, dgh, 0, GH, hs, hPrevStart, H, dP, p.whh, H, false)
        sumRows(T * B, GH, dgh, 0, GH, dP, p.bhh, false)
        // ∂L/∂X += dgx·W_ih    [T·B, In]
        gemmNN(T * B, p.inSize, GH, dgx, 0, GH, P, p.wih, p.inSize, dIn, 0, p.inSize, true)
      }
      if (l > 0 && ws.masks[l].length > 0) {
        const m = ws.masks[l], g = ws.dLayerOut[l - 1]
        for (let k = 0; k < g.length; k++) g[k] *= m[k]
      }
    }
  }

  private applyDropout(src: FloatArray, dst: FloatArray, mask: FloatArray, input: StackForwardInput): void {
    const p = this.net.dropout
    if (!input.training) {
      mask.fill(1)
      dst.set(src)
      return
    }
    if (!input.rng) throw new Error('training with dropout needs a random generator')
    const keep = 1 / (1 - p)
    for (let k = 0; k < src.length; k++) {
      mask[k] = input.rng.uniform() < p ? 0 : keep
      dst[k] = src[k] * mask[k]
    }
  }
}

function copyState(from: FloatArray | null | undefined, index: number, size: number, to: FloatArray, at: number): void {
  if (from) copyRange(from, index * size, to, at, size)
  else to.fill(0, at, at + size)
}
