// One timestep of each cell, forward and backward side by side (docs/NUMERICS.md §1, PyTorch's
// equations and gate order exactly). The matrix products are done by the caller for all rows at
// once; these kernels do the elementwise part of one step over a batch.
//
// Legend: B = batch rows, H = hidden size, G = gates per unit (RNN 1, GRU 3, LSTM 4).
//   gx  [B, G·H]  row t of the input projection, x_t·W_ihᵀ + b_ih
//   gh  [B, G·H]  the recurrent projection,      h_{t-1}·W_hhᵀ + b_hh
// What the forward caches for its backward (floats per batch row, the theoretical minimum of
// docs/NUMERICS.md §4):
//   RNN  nothing beyond h_t (which is the output anyway)                          1·H
//   LSTM i, f, g, o after their nonlinearities, plus c_t                          6·H with h_t
//   GRU  r, z, n after their nonlinearities, plus the hidden part of n (W_hn h + b_hn),
//        which the reset gate multiplies and the backward needs                   5·H with h_t
// Backward kernels read dh = ∂L/∂h_t (total: from above and from step t+1) and write the
// gradients of the gate pre-activations: dgx for W_ih/b_ih/x and dgh for W_hh/b_hh/h_{t-1}. They
// are the same except in the GRU, where the reset gate scales the hidden half of n.

import type { FloatArray } from '../../../src-shared/gemm'

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v))

// ---------------------------------------------------------------------------------------------
// Vanilla RNN: h_t = act(gx + gh), act = tanh or ReLU.

export function rnnForward(
  B: number, H: number, relu: boolean,
  h: FloatArray, hOff: number,          // out [B, H]
  gx: FloatArray, gxOff: number,        // [B, H]
  gh: FloatArray,                       // [B, H]
): void {
  for (let k = 0; k < B * H; k++) {
    const a = gx[gxOff + k] + gh[k]
    h[hOff + k] = relu ? (a > 0 ? a : 0) : Math.tanh(a)
  }
}

export function rnnBackward(
  B: number, H: number, relu: boolean,
  dg: FloatArray, dgOff: number,        // out [B, H], dgx = dgh
  h: FloatArray, hOff: number,          // [B, H] the step's output, from the forward
  dh: FloatArray,                       // [B, H]
): void {
  for (let k = 0; k < B * H; k++) {
    const y = h[hOff + k]
    dg[dgOff + k] = relu ? (y > 0 ? dh[k] : 0) : dh[k] * (1 - y * y)
  }
}

// ---------------------------------------------------------------------------------------------
// LSTM, gates stacked i, f, g, o:
//   i, f, o = σ(·), g = tanh(·), c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t)

export function lstmForward(
  B: number, H: number,
  h: FloatArray, hOff: number,          // out [B, H]
  c: FloatArray, cOff: number,          // out [B, H]
  cache: FloatArray, cacheOff: number,  // out [B, 4H]  i, f, g, o
  gx: FloatArray, gxOff: number,        // [B, 4H]
  gh: FloatArray,                       // [B, 4H]
  cPrev: FloatArray, cPrevOff: number,  // [B, H]
): void {
  const G = 4 * H
  for (let b = 0; b < B; b++) {
    const x = gxOff + b * G, r = b * G, q = cacheOff + b * G
    for (let j = 0; j < H; j++) {
      const i = sigmoid(gx[x + j] + gh[r + j])
      const f = sigmoid(gx[x + H + j] + gh[r + H + j])
      const g = Math.tanh(gx[x + 2 * H + j] + gh[r + 2 * H + j])
      const o = sigmoid(gx[x + 3 * H + j] + gh[r + 3 * H + j])
      const ct = f * cPrev[cPrevOff + b * H + j] + i * g
      c[cOff + b * H + j] = ct
      h[hOff + b * H + j] = o * Math.tanh(ct)
      cache[q + j] = i
      cache[q + H + j] = f
      cache[q + 2 * H + j] = g
      cache[q + 3 * H + j] = o
    }
  }
}

export function lstmBackward(
  B: number, H: number,
  dg: FloatArray, dgOff: number,        // out [B, 4H], dgx = dgh
  dc: FloatArray,                       // in/out [B, H]: ∂L/∂c_t in, ∂L/∂c_{t-1} out
  cache: FloatArray, cacheOff: number,  // [B, 4H] i, f, g, o
  c: FloatArray, cOff: number,          // [B, H]  c_t
  cPrev: FloatArray, cPrevOff: number,  // [B, H]  c_{t-1}
  dh: FloatArray,                       // [B, H]
): void {
  const G = 4 * H
  for (let b = 0; b < B; b++) {
    const q = cacheOff + b * G, d = dgOff + b * G
    for (let j = 0; j < H; j++) {
      const i = cache[q + j], f = cache[q + H + j], g = cache[q + 2 * H + j], o = cache[q + 3 * H + j]
      const tc = Math.tanh(c[cOff + b * H + j])
      const dht = dh[b * H + j]
      const dct = dc[b * H + j] + dht * o * (1 - tc * tc)
      dg[d + j] = dct * g * i * (1 - i)
      dg[d + H + j] = dct * cPrev[cPrevOff + b * H + j] * f * (1 - f)
      dg[d + 2 * H + j] = dct * i * (1 - g * g)
      dg[d + 3 * H + j] = dht * tc * o * (1 - o)
      dc[b * H + j] = dct * f
    }
  }
}

// ---------------------------------------------------------------------------------------------
// GRU, gates stacked r, z, n:
//   r, z = σ(·), n = tanh(gx_n + r ⊙ gh_n), h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
// gh_n includes b_hn: the reset gate multiplies it, so b_in and b_hn are not interchangeable.

export function gruForward(
  B: number, H: number,
  h: FloatArray, hOff: number,          // out [B, H]
  cache: FloatArray, cacheOff: number,  // out [B, 4H]  r, z, n, gh_n
  gx: FloatArray, gxOff: number,        // [B, 3H]
  gh: FloatArray,                       // [B, 3H]
  hPrev: FloatArray, hPrevOff: number,  // [B, H]
): void {
  const G = 3 * H
  for (let b = 0; b < B; b++) {
    const x = gxOff + b * G, g = b * G, q = cacheOff + b * 4 * H
    for (let j = 0; j < H; j++) {
      const r = sigmoid(gx[x + j] + gh[g + j])
      const z = sigmoid(gx[x + H + j] + gh[g + H + j])
      const ghn = gh[g + 2 * H + j]
      const n = Math.tanh(gx[x + 2 * H + j] + r * ghn)
      h[hOff + b * H + j] = (1 - z) * n + z * hPrev[hPrevOff + b * H + j]
      cache[q + j] = r
      cache[q + H + j] = z
      cache[q + 2 * H + j] = n
      cache[q + 3 * H + j] = ghn
    }
  }
}

export function gruBackward(
  B: number, H: number,
  dgx: FloatArray, dgxOff: number,      // out [B, 3H]
  dgh: FloatArray, dghOff: number,      // out [B, 3H]
  dh: FloatArray,                       // in/out [B, H]: ∂L/∂h_t in, its direct path z ⊙ dh out
  cache: FloatArray, cacheOff: number,  // [B, 4H] r, z, n, gh_n
  hPrev: FloatArray, hPrevOff: number,  // [B, H]
): void {
  const G = 3 * H
  for (let b = 0; b < B; b++) {
    const q = cacheOff + b * 4 * H, x = dgxOff + b * G, y = dghOff + b * G
    for (let j = 0; j < H; j++) {
      const r = cache[q + j], z = cache[q + H + j], n = cache[q + 2 * H + j], ghn = cache[q + 3 * H + j]
      const dht = dh[b * H + j]
      const dan = dht * (1 - z) * (1 - n * n)
      const dar = dan * ghn * r * (1 - r)
      const daz = dht * (hPrev[hPrevOff + b * H + j] - n) * z * (1 - z)
      dgx[x + j] = dar
      dgx[x + H + j] = daz
      dgx[x + 2 * H + j] = dan
      dgh[y + j] = dar
      dgh[y + H + j] = daz
      dgh[y + 2 * H + j] = dan * r
      dh[b * H + j] = dht * z
    }
  }
}
