#!/usr/bin/env node
// cpu-js's GEMM in V8, and the variants tried to speed it up (docs/PERFORMANCE.md, "The
// JavaScript peers"). Not part of npm test. Part 1 times the 4×4 strided kernel of
// src-shared/gemm.ts (copied here, as `cur`) on the products one training step makes at
// LSTM H=256 B=32 T=100, and the same kernel with its two outer loops swapped. Part 2 times 4×4,
// 2×4 and 3×4 register blocks on a contiguous A·Bᵀ, f32 and f64 operands.
//
//   node bench/js-gemm.mjs
// Part 1: the current kernel (i outer), and j outer
function cur(M, N, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc) {
  for (let i = 0; i + 4 <= M; i += 4) { const ai = aOff + i * aRow
    for (let j = 0; j + 4 <= N; j += 4) { const bj = bOff + j * bCol
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
function jouter(M, N, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc) {
  for (let j = 0; j + 4 <= N; j += 4) { const bj = bOff + j * bCol
    for (let i = 0; i + 4 <= M; i += 4) { const ai = aOff + i * aRow
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
const rnd = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5)
function time(f, args, reps) { f(...args); const t0 = performance.now(); for (let r = 0; r < reps; r++) f(...args); return (performance.now() - t0) / reps }
const cases = [
  // name, M, N, K, aRow, aK, bCol, bK (A size M*K, B size N*K)
  ['fwd NT B=32 GH=1024 H=256', 32, 1024, 256, 256, 1, 256, 1],
  ['bwd NN B=32 H=256 K=GH=1024', 32, 256, 1024, 1024, 1, 1, 256],
  ['dW TN GH=1024 H=256 K=3200', 1024, 256, 3200, 1, 1024, 1, 256],
  ['fwd NT B=32 GH=512 H=128', 32, 512, 128, 128, 1, 128, 1],
]
for (const [name, M, N, K, aRow, aK, bCol, bK] of cases) {
  const A = rnd(M * K), B = rnd(N * K), C = new Float32Array(M * N)
  const args = [M, N, K, A, 0, aRow, aK, B, 0, bCol, bK, C, 0, N]
  const reps = Math.max(1, Math.round(2e8 / (M * N * K)))
  const res = []
  for (let round = 0; round < 3; round++) for (const [n, f] of [['cur', cur], ['jouter', jouter]]) res.push([n, time(f, args, reps)])
  const best = (n) => Math.min(...res.filter((r) => r[0] === n).map((r) => r[1]))
  console.log(name, 'cur', best('cur').toFixed(2), 'ms', (2 * M * N * K / best('cur') / 1e6).toFixed(2), 'GF/s; jouter', best('jouter').toFixed(2), (2 * M * N * K / best('jouter') / 1e6).toFixed(2))
}

// Part 2: register blocks
// NT only: A[M,K] rows contiguous, B[N,K] rows contiguous
function k44(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 4) for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
    const a0o = i * K, a1o = a0o + K, a2o = a1o + K, a3o = a2o + K, b0o = j * K, b1o = b0o + K, b2o = b1o + K, b3o = b2o + K
    for (let k = 0; k < K; k++) {
      const a0 = A[a0o + k], a1 = A[a1o + k], a2 = A[a2o + k], a3 = A[a3o + k]
      const b0 = B[b0o + k], b1 = B[b1o + k], b2 = B[b2o + k], b3 = B[b3o + k]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23; C[c + 3 * N] = c30; C[c + 3 * N + 1] = c31; C[c + 3 * N + 2] = c32; C[c + 3 * N + 3] = c33 } }
function k24(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 2) for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
    const a0o = i * K, a1o = a0o + K, b0o = j * K, b1o = b0o + K, b2o = b1o + K, b3o = b2o + K
    for (let k = 0; k < K; k++) {
      const a0 = A[a0o + k], a1 = A[a1o + k]
      const b0 = B[b0o + k], b1 = B[b1o + k], b2 = B[b2o + k], b3 = B[b3o + k]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13 } }
function k34(M, N, K, A, B, C) {
  for (let i = 0; i + 3 <= M; i += 3) for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0
    const a0o = i * K, a1o = a0o + K, a2o = a1o + K, b0o = j * K, b1o = b0o + K, b2o = b1o + K, b3o = b2o + K
    for (let k = 0; k < K; k++) {
      const a0 = A[a0o + k], a1 = A[a1o + k], a2 = A[a2o + k]
      const b0 = B[b0o + k], b1 = B[b1o + k], b2 = B[b2o + k], b3 = B[b3o + k]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23 } }
// f64 copies of operands: no cvtss2sd per load

const M = 36, N = 1024, K = 256
for (const [label, mk] of [['f32', (n) => rnd(n)], ['f64', (n) => Float64Array.from(rnd(n))]]) {
  const A = mk(M * K), B = mk(N * K), C = new Float32Array(M * N)
  for (const [n, f] of [['4x4', k44], ['2x4', k24], ['3x4', k34]]) {
    let best = Infinity
    for (let r = 0; r < 5; r++) best = Math.min(best, time(f, [M, N, K, A, B, C], 20))
    console.log(label, n, best.toFixed(3), 'ms', (2 * M * N * K / best / 1e6).toFixed(2), 'GF/s')
  }
}
function k44u(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 4) for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
    let a0o = i * K; const a1o = K, a2o = 2 * K, a3o = 3 * K; let b0o = j * K
    for (let k = 0; k < K; k++, a0o++, b0o++) {
      const a0 = A[a0o], a1 = A[a0o + a1o], a2 = A[a0o + a2o], a3 = A[a0o + a3o]
      let b = B[b0o]; c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b
      b = B[b0o + a1o]; c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b
      b = B[b0o + a2o]; c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b
      b = B[b0o + a3o]; c03 += a0 * b; c13 += a1 * b; c23 += a2 * b; c33 += a3 * b }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23; C[c + 3 * N] = c30; C[c + 3 * N + 1] = c31; C[c + 3 * N + 2] = c32; C[c + 3 * N + 3] = c33 } }
{
  const A = rnd(M * K), B = rnd(N * K), C = new Float32Array(M * N)
  for (const [n, f] of [['4x4', k44], ['4x4 b-streamed', k44u], ['3x4', k34]]) {
    let best = Infinity
    for (let r = 0; r < 5; r++) best = Math.min(best, time(f, [M, N, K, A, B, C], 20))
    console.log('again', n, best.toFixed(3), 'ms', (2 * M * N * K / best / 1e6).toFixed(2), 'GF/s')
  }
}
