#!/usr/bin/env node
// cpu-js's 4×4 kernel (src-shared/gemm.ts's inner loop, copied here) on the six products of one
// GRU training step at H=256 I=32 B=32 T=100: the TypeScript loop with B read in place (`cur`,
// the reference loop the app ran on every product until b2bc34f), B first packed into [K][4]
// panels (`packedB`), and A packed too, 4 rows at a time (`packedAB`); and the asm.js copy of
// the kernel the app now runs (src-shared/gemm-asm.js, loaded as gemm.ts loads it), on operands
// copied into its heap (`asm`, the app's path for A's k stride 1) and with both operands packed
// there (`asmPacked`, the app's path for the weight gradients), copies included in the time.
// GFLOP/s per product (the median of 5 runs) and the largest difference from `cur` (the sums are
// the same, in the same order: 0). docs/PERFORMANCE.md, "The JavaScript peers". Not part of npm
// test.
//
//   node bench/js-gemm-panels.mjs
import { readFileSync } from 'node:fs'

/** C[i, j] = Σ_k A(i, k)·B(k, j) for the 4×4 blocks of C[0:M4, 0:N4]; block j of B starts at
 *  bOff + j·bBlock, its columns bCol apart. */
function kernel(M4, N4, K, A, aOff, aRow, aK, B, bOff, bBlock, bCol, bK, C, cOff, ldc) {
  for (let i = 0; i < M4; i += 4) { const ai = aOff + i * aRow
    for (let j = 0; j < N4; j += 4) { const bj = bOff + j * bBlock
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
      let a = ai, b = bj
      for (let k = 0; k < K; k++, a += aK, b += bK) {
        const a0 = A[a], a1 = A[a + aRow], a2 = A[a + 2 * aRow], a3 = A[a + 3 * aRow]
        const b0 = B[b], b1 = B[b + bCol], b2 = B[b + 2 * bCol], b3 = B[b + 3 * bCol]
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
      const c = cOff + i * ldc + j
      C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + ldc] = c10; C[c + ldc + 1] = c11; C[c + ldc + 2] = c12; C[c + ldc + 3] = c13
      C[c + 2 * ldc] = c20; C[c + 2 * ldc + 1] = c21; C[c + 2 * ldc + 2] = c22; C[c + 2 * ldc + 3] = c23; C[c + 3 * ldc] = c30; C[c + 3 * ldc + 1] = c31; C[c + 3 * ldc + 2] = c32; C[c + 3 * ldc + 3] = c33 } } }

/** Columns [0, N4) of B(k, j) = B[bOff + j·bCol + k·bK] as [N4/4][K][4], in scratch `slot`
 *  (reused between calls, as the app's scratch would be). */
const scratch = [new Float32Array(0), new Float32Array(0)]
function panels(B, bOff, bCol, bK, N4, K, slot) {
  if (scratch[slot].length < N4 * K) scratch[slot] = new Float32Array(N4 * K)
  const P = scratch[slot]
  for (let j = 0; j < N4; j += 4)
    for (let k = 0, b = bOff + j * bCol, q = j * K; k < K; k++, b += bK, q += 4) {
      P[q] = B[b]; P[q + 1] = B[b + bCol]; P[q + 2] = B[b + 2 * bCol]; P[q + 3] = B[b + 3 * bCol] }
  return P
}

const cur = (M, N, K, A, aRow, aK, B, bCol, bK, C) => kernel(M, N, K, A, 0, aRow, aK, B, 0, bCol, bCol, bK, C, 0, N)
const packedB = (M, N, K, A, aRow, aK, B, bCol, bK, C) => kernel(M, N, K, A, 0, aRow, aK, panels(B, 0, bCol, bK, N, K, 0), 0, K, 1, 4, C, 0, N)
function packedAB(M, N, K, A, aRow, aK, B, bCol, bK, C) {
  const P = panels(B, 0, bCol, bK, N, K, 0)
  // A's rows i..i+3 as [K][4]: the panels of Aᵀ, whose k-stride is aK and column stride aRow
  for (let i = 0; i < M; i += 4) kernel(4, N, K, panels(A, i * aRow, aRow, aK, 4, K, 1), 0, 1, 4, P, 0, K, 1, 4, C, i * N, N)
}

// The asm.js kernel in a 64 MiB heap: operands copied in as blocksAsm (src-shared/gemm.ts) does.
const asmSource = readFileSync(new URL('../src-shared/gemm-asm.js', import.meta.url), 'utf8')
const heapBuffer = new ArrayBuffer(1 << 26), heap = new Float32Array(heapBuffer)
const asmKernel = new Function(`${asmSource}\nreturn asmGemmModule`)()(globalThis, null, heapBuffer)
function asmVia(pack) {
  return (M, N, K, A, aRow, aK, B, bCol, bK, C) => {
    if (!pack) {
      const aSpan = (M - 1) * aRow + (K - 1) * aK + 1, bSpan = (N - 1) * bCol + (K - 1) * bK + 1, hb = aSpan, hc = aSpan + bSpan
      heap.set(A.subarray(0, aSpan), 0)
      heap.set(B.subarray(0, bSpan), hb)
      asmKernel.blocks4x4(M, N, K, 0, 4 * aRow, 4 * aK, 4 * hb, 4 * bCol, 4 * bCol, 4 * bK, 4 * hc, N, 0)
      C.set(heap.subarray(hc, hc + M * N))
      return
    }
    // B's panels, then per block row A's panel and its 4 rows of C, gathered as the app does
    const hap = N * K, hc = hap + 4 * K
    const panel = (src, s, rowStride, kStride, d) => {
      for (let k = 0; k < K; k++, s += kStride, d += 4) {
        heap[d] = src[s]; heap[d + 1] = src[s + rowStride]; heap[d + 2] = src[s + 2 * rowStride]; heap[d + 3] = src[s + 3 * rowStride] }
    }
    for (let j = 0; j < N; j += 4) panel(B, j * bCol, bCol, bK, j * K)
    for (let i = 0; i < M; i += 4) {
      panel(A, i * aRow, aRow, aK, hap)
      asmKernel.blocks4x4(4, N, K, 4 * hap, 4, 16, 0, 4 * K, 4, 16, 4 * hc, N, 0)
      C.set(heap.subarray(hc, hc + 4 * N), i * N)
    }
  }
}
const asm = asmVia(false), asmPacked = asmVia(true)

const rnd = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5)
const cases = [
  // name, M, N, K, aRow, aK, bCol, bK, calls per step (all multiples of 4: no edges)
  ['xproj NT', 3200, 768, 32, 32, 1, 32, 1, 1],
  ['rec NT', 32, 768, 256, 256, 1, 256, 1, 100],
  ['dh NN', 32, 256, 768, 768, 1, 1, 256, 100],
  ['dWih TN', 768, 32, 3200, 1, 768, 1, 32, 1],
  ['dWhh TN', 768, 256, 3200, 1, 768, 1, 256, 1],
  ['dX NN', 3200, 32, 768, 768, 1, 1, 32, 1],
]
for (const [name, M, N, K, aRow, aK, bCol, bK, calls] of cases) {
  const A = rnd(M * K), B = rnd(N * K), C = new Float32Array(M * N), ref = new Float32Array(M * N)
  cur(M, N, K, A, aRow, aK, B, bCol, bK, ref)
  const line = [name]
  for (const [label, f] of Object.entries({ cur, packedB, packedAB, asm, asmPacked })) {
    f(M, N, K, A, aRow, aK, B, bCol, bK, C)
    let err = 0
    for (let i = 0; i < C.length; i++) err = Math.max(err, Math.abs(C[i] - ref[i]))
    const ms = []
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now()
      for (let q = 0; q < calls; q++) f(M, N, K, A, aRow, aK, B, bCol, bK, C)
      ms.push(performance.now() - t0)
    }
    ms.sort((a, b) => a - b)
    line.push(`${label} ${ms[2].toFixed(1)} ms ${((2 * M * N * K * calls) / ms[2] / 1e6).toFixed(2)} GFLOP/s (max diff ${err})`)
  }
  console.log(line.join(' | '))
}
