// Builds the plans of one model: where every tensor of a (T, B) shape lives in the arena, and the
// dispatches of a forward, a backward, the head, the loss and the optimizer, in the order a step
// runs them. The structure is the fast libraries' (docs/NUMERICS.md §4), the same as cpu-js/stack.ts:
//
//   forward, per layer and direction:   1 GEMM  gx = X·W_ihᵀ + b_ih            [T·B, GH]
//                                       T dispatches, one fused step each
//   backward, per layer and direction:  T dispatches, one fused step each
//                                       GEMMs  dW_ih = dGiᵀ·X, dW_hh = dGhᵀ·H_prev, dX += dGi·W_ih
//                                       column sums for the biases
//   plus a constant: W_hh transposes, head, loss, norm, clipping and optimizer.
//
// The hidden states of a layer-direction live in one buffer of T + 1 slots in time order (as
// cpu-js): forward, slot 0 = h0 and slot t + 1 = h_t; reverse, slot t = h_t and slot T = h0. So
// h_{t-1} of every timestep, in time order, is one contiguous [T·B, H] block starting at slot 0
// (forward) or slot 1 (reverse), and dW_hh is a single GEMM.
//
// Legend: L layers, D directions, H hidden, G gates, GH = G·H, DH = D·H, I input, O outputs,
// R head rows (B for a sequence-to-one head, T·B for a per-step head).

import type { ParamLayout } from '../layout'
import { directions, layerInputSize, suffix } from '../layout'
import { gateCount, type ModelConfig } from '../types'
import { TILE, gemmKernel } from './kernels/gemm'
import { backwardStepKernel, forwardStepKernel, stateGradKernel, UNITS_PER_WORKGROUP } from './kernels/cells'
import { colsumKernel, fillKernel, gradFlowKernel, mulKernel, transposeKernel } from './kernels/flat'
import { LOSS_CROSS_ENTROPY, LOSS_MSE, lossKernel } from './kernels/head'
import { NORM_WORKGROUPS, normKernel, optimizerKernel, sumSquaresKernel } from './kernels/optim'
import type { KernelArgs, KernelDef } from './kernel'
import type { Plan } from './plan'

/**
 * - train: forward with dropout, head, loss, backward, norm, clipping, optimizer
 * - forward / forward-backward: the bare stack (parity, bench), backward from an uploaded ∂L/∂y
 * - predict: forward without dropout, head
 */
/** A product's operands (offsets and strides); the sizes come separately, the flags default to off. */
type GemmArgs = KernelArgs<typeof gemmKernel>
type GemmOperands = Omit<GemmArgs, 'M' | 'N' | 'K' | 'accumulate' | 'bias_off' | 'has_bias'> & Partial<Pick<GemmArgs, 'accumulate' | 'bias_off' | 'has_bias'>>

export type PlanKind = 'train' | 'forward' | 'forward-backward' | 'predict'

export interface PlanRequest {
  kind: PlanKind
  T: number
  B: number
  gradFlow: boolean
}

/** Where the persistent state lives: [params | grads | optimizer moment 1 | moment 2], P floats each. */
export interface PersistentLayout {
  params: number
  grads: number
  m1: number
  m2: number
  /** First float after it: where plans allocate. */
  end: number
}

/** Offsets (floats) a caller uploads to or reads from. */
export interface PlanRegions {
  x: number                 // [T, B, I]
  h0: number[]              // per layer-direction: the initial-state slot [B, H]
  c0: number[]              // (LSTM)
  hn: number[]              // per layer-direction: the final-state slot [B, H]
  cn: number[]
  y: number                 // [T, B, DH] the top layer's output
  dy: number                // [T, B, DH] ∂L/∂y of the top layer
  dx: number                // [T, B, I]
  dh0: number               // [L·D, B, H]
  dc0: number
  masks: number[]           // per layer l ≥ 1: dropout scales [T, B, DH] (train with dropout)
  logits: number            // [R, O]
  targets: number           // mse [R, O], cross-entropy [R]
  result: number            // [loss, gradient norm, clip factor, 0]
  gradFlow: number          // [L·D, T]
  /** Index of the optimizer dispatch (its per-step arguments are patched), or −1. */
  optimizerDispatch: number
  /** Floats the forward keeps for the backward. */
  savedFloats: number
  /** First float past everything this plan uses. */
  end: number
}

/** Every kernel a model of this configuration may dispatch, to compile before building plans. */
export function kernelsFor(config: ModelConfig): KernelDef[] {
  const cell = config.network.cell
  return [gemmKernel, forwardStepKernel(cell), backwardStepKernel(cell), stateGradKernel(cell), colsumKernel, mulKernel,
    transposeKernel, gradFlowKernel, fillKernel, lossKernel, sumSquaresKernel, normKernel, optimizerKernel]
}

export function buildPlan(plan: Plan, config: ModelConfig, layout: ParamLayout, persist: PersistentLayout, req: PlanRequest, clipNorm: number): PlanRegions {
  const { T, B, kind } = req
  const net = config.network, head = config.head
  const L = net.numLayers, D = directions(net), H = net.hiddenSize, I = net.inputSize
  const G = gateCount(net.cell), GH = G * H, DH = D * H, TB = T * B
  const lstm = net.cell === 'lstm', gru = net.cell === 'gru'
  const training = kind === 'train'
  const backward = kind === 'train' || kind === 'forward-backward'
  const withHead = kind === 'train' || kind === 'predict'
  if (withHead && !head) throw new Error('this model has no head: build it with a head to train or predict')
  const dropout = training && net.dropout > 0 && L > 1

  let next = persist.end
  const alloc = (floats: number) => {
    const at = next
    next += Math.ceil(floats / 64) * 64 // 256-byte aligned, for coalesced reads
    return at
  }
  const P = (name: string) => persist.params + layout.byName.get(name)!.offset
  const dP = (name: string) => persist.grads + layout.byName.get(name)!.offset
  const unitGroups: [number, number] = [H / UNITS_PER_WORKGROUP, B]
  const gemm = (M: number, N: number, K: number, args: GemmOperands) =>
    plan.dispatch(gemmKernel, [N / TILE, M / TILE], { M, N, K, accumulate: 0, bias_off: 0, has_bias: 0, ...args })
  const flatGroups = (n: number) => Math.min(1024, Math.ceil(n / 1024)) // a few elements per invocation

  // ----- the arena for this shape ---------------------------------------------------------------
  const x = alloc(TB * I)
  const gx = alloc(TB * GH)
  const layerOut: number[] = [], layerIn: number[] = [], masks: number[] = []
  for (let l = 0; l < L; l++) {
    layerOut.push(alloc(TB * DH))
    const dropped = dropout && l > 0
    layerIn.push(dropped ? alloc(TB * DH) : l > 0 ? layerOut[l - 1] : x)
    masks.push(dropped ? alloc(TB * DH) : -1)
  }
  const whhT: number[] = [], hs: number[] = [], cs: number[] = [], cache: number[] = []
  for (let ld = 0; ld < L * D; ld++) {
    whhT.push(alloc(H * GH))
    hs.push(alloc((T + 1) * B * H))
    cs.push(lstm ? alloc((T + 1) * B * H) : 0)
    cache.push(lstm || gru ? alloc(TB * 4 * H) : 0)
  }
  const initSlot = (d: number) => (d === 0 ? 0 : T) * B * H
  const lastSlot = (d: number) => (d === 0 ? T : 0) * B * H
  const savedFloats = L * D * ((T + 1) * B * H * (lstm ? 2 : 1) + (lstm || gru ? TB * 4 * H : 0)) + (dropout ? 2 * (L - 1) * TB * DH : 0)

  const O = head?.outputSize ?? 0
  const R = head?.kind === 'last' ? B : TB
  const featsOff = head?.kind === 'last' ? (T - 1) * B * DH : 0
  const feats = layerOut[L - 1] + featsOff
  const logits = withHead ? alloc(R * O) : 0
  const dlogits = training ? alloc(R * O) : 0
  const targets = training ? alloc(head!.loss === 'mse' ? R * O : R) : 0
  const result = alloc(4)

  // ----- forward ---------------------------------------------------------------------------------
  plan.beginPass('forward')
  for (let l = 0; l < L; l++) {
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d), ld = l * D + d
      plan.dispatch(transposeKernel, [flatGroups(GH * H)], { rows: GH, cols: H, src: P(`weight_hh_${s}`), dst: whhT[ld] })
    }
  }
  for (let l = 0; l < L; l++) {
    const In = layerInputSize(net, l)
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d), ld = l * D + d
      // gx = X·W_ihᵀ + b_ih for every timestep at once                                 [T·B, GH]
      gemm(TB, GH, In, { a_off: layerIn[l], a_si: In, a_sk: 1, b_off: P(`weight_ih_${s}`), b_sk: 1, b_sj: In, c_off: gx, c_ld: GH, bias_off: P(`bias_ih_${s}`), has_bias: 1 })
      const step = forwardStepKernel(net.cell)
      for (let st = 0; st < T; st++) {
        const t = d === 0 ? st : T - 1 - st
        const prev = (d === 0 ? t : t + 1) * B * H, cur = (d === 0 ? t + 1 : t) * B * H
        plan.dispatch(step, unitGroups, {
          H, B, gx: gx + t * B * GH, whh_t: whhT[ld], bhh: P(`bias_hh_${s}`),
          hprev: hs[ld] + prev, h: hs[ld] + cur, y: layerOut[l] + t * B * DH + d * H, y_ld: DH,
          cprev: cs[ld] + prev, c: cs[ld] + cur, cache: cache[ld] + t * B * 4 * H,
        })
      }
    }
    if (l + 1 < L && dropout) {
      plan.dispatch(mulKernel, [flatGroups(TB * DH)], { n: TB * DH, src: layerOut[l], mask: masks[l + 1], dst: layerIn[l + 1] })
    }
  }
  if (withHead) {
    // logits = feats·W_headᵀ + b_head                                                   [R, O]
    gemm(R, O, DH, { a_off: feats, a_si: DH, a_sk: 1, b_off: P('head.weight'), b_sk: 1, b_sj: DH, c_off: logits, c_ld: O, bias_off: P('head.bias'), has_bias: 1 })
  }
  if (training) {
    plan.dispatch(lossKernel, [1], { R, O, kind: head!.loss === 'mse' ? LOSS_MSE : LOSS_CROSS_ENTROPY, logits, targets, dlogits, out: result })
  }

  const regions: PlanRegions = {
    x, h0: [], c0: [], hn: [], cn: [], y: layerOut[L - 1], dy: 0, dx: 0, dh0: 0, dc0: 0, masks,
    logits, targets, result, gradFlow: 0, optimizerDispatch: -1, savedFloats, end: 0,
  }
  for (let ld = 0; ld < L * D; ld++) {
    const d = ld % D
    regions.h0.push(hs[ld] + initSlot(d)); regions.hn.push(hs[ld] + lastSlot(d))
    if (lstm) { regions.c0.push(cs[ld] + initSlot(d)); regions.cn.push(cs[ld] + lastSlot(d)) }
  }
  if (!backward) {
    regions.end = next
    return regions
  }

  // ----- backward --------------------------------------------------------------------------------
  const dgi = alloc(TB * GH)
  const dgh = gru ? alloc(TB * GH) : dgi // the GRU's hidden-side n gradient differs (× r)
  const carry = alloc(B * H)
  const dhs = alloc(TB * H)
  const dy = alloc(TB * DH)
  const dLayerOut: number[] = []
  for (let l = 0; l < L; l++) dLayerOut.push(l === L - 1 ? dy : alloc(TB * DH))
  const stack = kind === 'forward-backward'
  const dx = stack ? alloc(TB * I) : -1
  const dh0 = stack ? alloc(L * D * B * H) : 0
  const dc0 = stack && lstm ? alloc(L * D * B * H) : 0
  const gradFlow = req.gradFlow ? alloc(L * D * T) : 0
  const partial = training ? alloc(NORM_WORKGROUPS) : 0

  plan.beginPass('backward')
  if (training) {
    const hw = dP('head.weight'), hb = dP('head.bias')
    // dW_head = dlogitsᵀ·feats [O, DH];  db_head = Σ_rows dlogits;  ∂L/∂feats = dlogits·W_head [R, DH]
    gemm(O, DH, R, { a_off: dlogits, a_si: 1, a_sk: O, b_off: feats, b_sk: DH, b_sj: 1, c_off: hw, c_ld: DH })
    plan.dispatch(colsumKernel, [O / 64], { R, N: O, src: dlogits, ld: O, out: hb, accumulate: 0 })
    // A sequence-to-one head sends gradient only into the last timestep.
    if (featsOff > 0) plan.dispatch(fillKernel, [flatGroups(featsOff)], { n: featsOff, dst: dy, value: 0 })
    gemm(R, DH, O, { a_off: dlogits, a_si: O, a_sk: 1, b_off: P('head.weight'), b_sk: DH, b_sj: 1, c_off: dy + featsOff, c_ld: DH })
  }
  for (let l = L - 1; l >= 0; l--) {
    const In = layerInputSize(net, l)
    const dIn = l > 0 ? dLayerOut[l - 1] : dx
    for (let d = 0; d < D; d++) {
      const s = suffix(l, d), ld = l * D + d
      const step = backwardStepKernel(net.cell)
      for (let st = 0; st < T; st++) {
        const t = d === 0 ? T - 1 - st : st
        const tNext = d === 0 ? t + 1 : t - 1
        const prev = (d === 0 ? t : t + 1) * B * H, cur = (d === 0 ? t + 1 : t) * B * H
        plan.dispatch(step, unitGroups, {
          H, B, dy: dLayerOut[l] + t * B * DH + d * H, y_ld: DH,
          has_next: st > 0 ? 1 : 0, dgh_next: dgh + (st > 0 ? tNext : 0) * B * GH, whh: P(`weight_hh_${s}`),
          h: hs[ld] + cur, hprev: hs[ld] + prev, c: cs[ld] + cur, cprev: cs[ld] + prev, cache: cache[ld] + t * B * 4 * H,
          dgi: dgi + t * B * GH, dgh: dgh + t * B * GH, carry, dhs: dhs + t * B * H,
        })
      }
      if (stack) {
        // ∂L/∂h0 (and ∂L/∂c0) from the last step processed: t = 0 forward, t = T − 1 reverse.
        const tLast = d === 0 ? 0 : T - 1
        plan.dispatch(stateGradKernel(net.cell), unitGroups, {
          H, B, dgh: dgh + tLast * B * GH, whh: P(`weight_hh_${s}`), carry, dh0: dh0 + ld * B * H, dc0: dc0 + ld * B * H,
        })
      }
      if (req.gradFlow) plan.dispatch(gradFlowKernel, [T / 64], { T, block: B * H, src: dhs, out: gradFlow + ld * T })
      // Weight gradients of all timesteps at once: dW_ih = dGiᵀ·X [GH, In], dW_hh = dGhᵀ·H_prev [GH, H]
      gemm(GH, In, TB, { a_off: dgi, a_si: 1, a_sk: GH, b_off: layerIn[l], b_sk: In, b_sj: 1, c_off: dP(`weight_ih_${s}`), c_ld: In })
      plan.dispatch(colsumKernel, [GH / 64], { R: TB, N: GH, src: dgi, ld: GH, out: dP(`bias_ih_${s}`), accumulate: 0 })
      const hPrev = hs[ld] + (d === 0 ? 0 : B * H)
      gemm(GH, H, TB, { a_off: dgh, a_si: 1, a_sk: GH, b_off: hPrev, b_sk: H, b_sj: 1, c_off: dP(`weight_hh_${s}`), c_ld: H })
      plan.dispatch(colsumKernel, [GH / 64], { R: TB, N: GH, src: dgh, ld: GH, out: dP(`bias_hh_${s}`), accumulate: 0 })
      // ∂L/∂X (+)= dGi·W_ih                                                              [T·B, In]
      if (dIn >= 0) {
        gemm(TB, In, GH, { a_off: dgi, a_si: GH, a_sk: 1, b_off: P(`weight_ih_${s}`), b_sk: In, b_sj: 1, c_off: dIn, c_ld: In, accumulate: d > 0 ? 1 : 0 })
      }
    }
    if (l > 0 && dropout) {
      plan.dispatch(mulKernel, [flatGroups(TB * DH)], { n: TB * DH, src: dIn, mask: masks[l], dst: dIn })
    }
  }
  if (training) {
    const n = layout.total
    const parts = Math.min(NORM_WORKGROUPS, Math.ceil(n / 4096))
    plan.dispatch(sumSquaresKernel, [parts], { n, src: persist.grads, partial })
    plan.dispatch(normKernel, [1], { parts, partial, out: result + 1, clip: clipNorm })
    regions.optimizerDispatch = plan.dispatch(optimizerKernel, [flatGroups(n)], {
      n, params: persist.params, grads: persist.grads, m1: persist.m1, m2: persist.m2, scale: result + 2,
      kind: 0, update: 0, first: 0, nesterov: 0, lr: 0, momentum: 0, weight_decay: 0, beta1: 0, beta2: 0, eps: 0, step_size: 0, bc2_sqrt: 1,
    })
  }
  Object.assign(regions, { dy, dx: Math.max(dx, 0), dh0, dc0, gradFlow, end: next })
  return regions
}
