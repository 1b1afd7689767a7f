// One timestep of each cell as one dispatch, forward and backward side by side (docs/NUMERICS.md §1,
// PyTorch's equations and gate order; the same arithmetic as cpu-js/cells.ts).
//
// One invocation per hidden unit and batch row: global id x = j < H, y = b < B; workgroups of 64
// units share a batch row, so the vector the recurrent product reads (h_{t-1}[b] forward,
// ∂L/∂gates_{t+1}[b] backward) is the same for the whole workgroup at every iteration.
//
// Forward, fused: gh = h_{t-1}·W_hhᵀ + b_hh for the unit's G gates, then the nonlinearities and the
// state update. W_hh is read transposed ([H, G·H], made once per step by `transpose`), so
// neighbouring units read neighbouring words. gx = x_t·W_ihᵀ + b_ih comes from the all-timestep
// GEMM. What the forward keeps for the backward (as cpu-js): RNN h_t; LSTM c_t and i, f, g, o;
// GRU r, z, n and gh_n = W_hn·h + b_hn.
//
// Backward, fused: dh = ∂L/∂y_t + (∂L/∂gates_{t+1})·W_hh + the cell's direct path, then the gate
// gradients of step t. The direct path is per unit, so it is carried in the unit's own slot of
// `carry` from one step to the next: the LSTM's ∂L/∂c_t·f, the GRU's ∂L/∂h_t·z. `state_grad`
// finishes the sequence: ∂L/∂h0 and ∂L/∂c0.
//
// Legend: G = gates (RNN 1, LSTM 4, GRU 3), GH = G·H; offsets are into the arena, in floats.

import type { CellKind } from '../../types'
import { defineKernel, type KernelDef } from '../kernel'
import { gateCount } from '../../../../src-shared/names'

export const UNITS_PER_WORKGROUP = 64

const FORWARD_ARGS = [
  ['H', 'u32'], ['B', 'u32'],
  ['gx', 'u32'],      // [B, GH]  x_t·W_ihᵀ + b_ih
  ['whh_t', 'u32'],   // [H, GH]  W_hhᵀ
  ['bhh', 'u32'],     // [GH]
  ['hprev', 'u32'],   // [B, H]
  ['h', 'u32'],       // out [B, H]
  ['y', 'u32'], ['y_ld', 'u32'],  // out: y[t, b, d·H + j] = m[y + b·y_ld + j]
  ['cprev', 'u32'], ['c', 'u32'], // LSTM [B, H]
  ['cache', 'u32'],   // out [B, 4H]: LSTM i, f, g, o; GRU r, z, n, gh_n
] as const

const BACKWARD_ARGS = [
  ['H', 'u32'], ['B', 'u32'],
  ['dy', 'u32'], ['y_ld', 'u32'], // ∂L/∂y[t, b, d·H + j] = m[dy + b·y_ld + j]
  ['has_next', 'u32'],            // 0 at the first step processed: nothing from step t+1
  ['dgh_next', 'u32'],            // [B, GH] gate gradients (hidden side) of the step after
  ['whh', 'u32'],                 // [GH, H]
  ['h', 'u32'],                   // [B, H] h_t (RNN)
  ['hprev', 'u32'],               // [B, H] h_{t-1} (GRU)
  ['c', 'u32'], ['cprev', 'u32'], // [B, H] c_t, c_{t-1} (LSTM)
  ['cache', 'u32'],               // [B, 4H]
  ['dgi', 'u32'],                 // out [B, GH] for W_ih, b_ih and x
  ['dgh', 'u32'],                 // out [B, GH] for W_hh, b_hh and h_{t-1} (GRU; the others share dgi)
  ['carry', 'u32'],               // in/out [B, H] the direct path to step t−1
  ['dhs', 'u32'],                 // out [B, H] dh itself, for gradient-flow norms
] as const

const STATE_GRAD_ARGS = [
  ['H', 'u32'], ['B', 'u32'],
  ['dgh', 'u32'],    // [B, GH] gate gradients of the last step processed (the first in time order)
  ['whh', 'u32'],    // [GH, H]
  ['carry', 'u32'],  // [B, H]
  ['dh0', 'u32'],    // out [B, H]
  ['dc0', 'u32'],    // out [B, H] (LSTM)
] as const

const gates = gateCount

/**
 * Σ_k v[k]·W[k·w_k + g·w_g] for every gate g. Every unit of a workgroup reads the same v[k] in
 * the same iteration: one broadcast load from cache. (Staging v through workgroup memory instead
 * costs two barriers per 64 values: on SwiftShader a whole LSTM H=64 B=16 T=20 step took 616 ms
 * median that way and 494 ms this way, `rnnbench bench --backend webgpu`.)
 */
const RECURRENT_PRODUCT = /* wgsl */ `
fn product(acc: ptr<function, array<f32, G>>, v: u32, len: u32, w: u32, w_k: u32, w_g: u32) {
  for (var k = 0u; k < len; k++) {
    let vk = m[v + k];
    let row = w + k * w_k;
    for (var g = 0u; g < G; g++) { (*acc)[g] = fma(vk, m[row + g * w_g], (*acc)[g]); }
  }
}
`

/** One output per unit: Σ_{r < len} v[r]·W[r·w_r]. */
const PRODUCT_T = /* wgsl */ `
fn productT(v: u32, len: u32, w: u32, w_r: u32) -> f32 {
  var s = 0.0;
  for (var r = 0u; r < len; r++) { s = fma(m[v + r], m[w + r * w_r], s); }
  return s;
}
`

// ---------------------------------------------------------------------------------------------
// The cell-specific part of each step. In scope: j, b, H, acc (forward: gh per gate; backward:
// nothing yet), u = b·H + j, gx row x = a.gx + b·GH, cache row q = a.cache + b·4H.

const FORWARD_CELL: Record<CellKind, string> = {
  rnn_tanh: /* wgsl */ `
    let h = tanh_(m[x + j] + acc[0]);`,
  rnn_relu: /* wgsl */ `
    let h = max(m[x + j] + acc[0], 0.0);`,
  lstm: /* wgsl */ `
    let i = sigmoid(m[x + j] + acc[0]);
    let f = sigmoid(m[x + H + j] + acc[1]);
    let g = tanh_(m[x + 2u * H + j] + acc[2]);
    let o = sigmoid(m[x + 3u * H + j] + acc[3]);
    let c = f * m[a.cprev + u] + i * g;
    m[a.c + u] = c;
    let h = o * tanh_(c);
    m[q + j] = i; m[q + H + j] = f; m[q + 2u * H + j] = g; m[q + 3u * H + j] = o;`,
  gru: /* wgsl */ `
    let r = sigmoid(m[x + j] + acc[0]);
    let z = sigmoid(m[x + H + j] + acc[1]);
    let ghn = acc[2];
    let n = tanh_(m[x + 2u * H + j] + r * ghn);
    let h = (1.0 - z) * n + z * m[a.hprev + u];
    m[q + j] = r; m[q + H + j] = z; m[q + 2u * H + j] = n; m[q + 3u * H + j] = ghn;`,
}

// In scope: dh (total ∂L/∂h_t), u, q, gi = a.dgi + b·GH, gh = a.dgh + b·GH, has_next.
const BACKWARD_CELL: Record<CellKind, string> = {
  rnn_tanh: /* wgsl */ `
    let y = m[a.h + u];
    m[gi + j] = dh * (1.0 - y * y);`,
  rnn_relu: /* wgsl */ `
    m[gi + j] = select(0.0, dh, m[a.h + u] > 0.0);`,
  lstm: /* wgsl */ `
    let i = m[q + j]; let f = m[q + H + j]; let g = m[q + 2u * H + j]; let o = m[q + 3u * H + j];
    let tc = tanh_(m[a.c + u]);
    let dc = select(0.0, m[a.carry + u], has_next) + dh * o * (1.0 - tc * tc);
    m[gi + j] = dc * g * i * (1.0 - i);
    m[gi + H + j] = dc * m[a.cprev + u] * f * (1.0 - f);
    m[gi + 2u * H + j] = dc * i * (1.0 - g * g);
    m[gi + 3u * H + j] = dh * tc * o * (1.0 - o);
    m[a.carry + u] = dc * f;`,
  gru: /* wgsl */ `
    let r = m[q + j]; let z = m[q + H + j]; let n = m[q + 2u * H + j]; let ghn = m[q + 3u * H + j];
    let dan = dh * (1.0 - z) * (1.0 - n * n);
    let dar = dan * ghn * r * (1.0 - r);
    let daz = dh * (m[a.hprev + u] - n) * z * (1.0 - z);
    m[gi + j] = dar; m[gi + H + j] = daz; m[gi + 2u * H + j] = dan;
    m[gh + j] = dar; m[gh + H + j] = daz; m[gh + 2u * H + j] = dan * r;
    m[a.carry + u] = dh * z;`,
}

/**
 * A kernel of one invocation per unit (j < H) and batch row (b < B). Its body sees j, b, H,
 * GH = G·H and u = b·H + j, and both recurrent products; invocations past H return at once (no
 * kernel here uses a barrier).
 */
function unitKernel(cell: CellKind, name: string, args: KernelDef['args'], body: string): KernelDef {
  return defineKernel({
    name: `${cell}_${name}`,
    args,
    body: `const G: u32 = ${gates(cell)}u;
${RECURRENT_PRODUCT}
${PRODUCT_T}
@compute @workgroup_size(${UNITS_PER_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x; let b = gid.y; let H = a.H; let GH = G * H;
  if (j >= H) { return; }
  let u = b * H + j;
${body}
}
`,
  })
}

export function forwardStepKernel(cell: CellKind): KernelDef {
  return unitKernel(cell, 'forward_step', FORWARD_ARGS, `
  // gh = h_{t-1}[b]·W_hhᵀ + b_hh for this unit's gates                        W_hhᵀ [H, GH]
  var acc: array<f32, G>;
  for (var g = 0u; g < G; g++) { acc[g] = m[a.bhh + g * H + j]; }
  product(&acc, a.hprev + b * H, H, a.whh_t + j, GH, H);
  let x = a.gx + b * GH; let q = a.cache + b * 4u * H;
  ${FORWARD_CELL[cell]}
  m[a.h + u] = h;
  m[a.y + b * a.y_ld + j] = h;`)
}

export function backwardStepKernel(cell: CellKind): KernelDef {
  return unitKernel(cell, 'backward_step', BACKWARD_ARGS, `
  let has_next = a.has_next == 1u;
  // (∂L/∂gates_{t+1})·W_hh for unit j: Σ_r dgh_next[b, r]·W_hh[r, j]              W_hh [GH, H]
  var from_next = 0.0;
  if (has_next) { from_next = productT(a.dgh_next + b * GH, GH, a.whh + j, H); }
  let q = a.cache + b * 4u * H; let gi = a.dgi + b * GH; let gh = a.dgh + b * GH;
  var dh = m[a.dy + b * a.y_ld + j] + from_next;
  ${cell === 'gru' ? 'if (has_next) { dh += m[a.carry + u]; }' : ''}
  m[a.dhs + u] = dh;
  ${BACKWARD_CELL[cell]}`)
}

export function stateGradKernel(cell: CellKind): KernelDef {
  return unitKernel(cell, 'state_grad', STATE_GRAD_ARGS, `
  // ∂L/∂h0 = (∂L/∂gates of the first step in time)·W_hh (+ the GRU's direct path); ∂L/∂c0 (LSTM)
  let from_first = productT(a.dgh + b * GH, GH, a.whh + j, H);
  m[a.dh0 + u] = from_first${cell === 'gru' ? ' + m[a.carry + u]' : ''};
  ${cell === 'lstm' ? 'm[a.dc0 + u] = m[a.carry + u];' : ''}`)
}
