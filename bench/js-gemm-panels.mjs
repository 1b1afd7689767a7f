#!/usr/bin/env node
// cpu-js's 4×4 kernel (src-shared/gemm.ts, copied here as `cur`) on the six products of one GRU
// training step at H=256 I=32 B=32 T=100, beside the same kernel reading B from [K][4] panels
// packed first (`packedB`) and with A packed too (`packedAB`): GFLOP/s per product, the median of
// 5 runs, and the largest difference from `cur` (the sums are the same, in the same order).
// docs/PERFORMANCE.md, "The JavaScript peers". Not part of npm test.
//
//   node bench/js-gemm-panels.mjs
// strided 4x4 (the current kernel)
function cur(M, N, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc) {
  const M4 = M - (M % 4), N4 = N - (N % 4)
  for (let i = 0; i < M4; i += 4) { const ai = aOff + i * aRow
    for (let j = 0; j < N4; j += 4) { const bj = bOff + j * bCol
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

// packed: B panel [K][4] per j-block packed once per call (scratch), A read strided
let scratch = new Float32Array(0)
function packedB(M, N, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc) {
  const M4 = M - (M % 4), N4 = N - (N % 4)
  if (scratch.length < N4 * K) scratch = new Float32Array(N4 * K)
  const P = scratch
  for (let j = 0; j < N4; j += 4) { const bj = bOff + j * bCol, base = j * K
    for (let k = 0, b = bj; k < K; k++, b += bK) { const q = base + 4 * k; P[q] = B[b]; P[q + 1] = B[b + bCol]; P[q + 2] = B[b + 2 * bCol]; P[q + 3] = B[b + 3 * bCol] } }
  const aRow2 = 2 * aRow, aRow3 = 3 * aRow
  for (let i = 0; i < M4; i += 4) { const ai = aOff + i * aRow
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
      let a = ai, q = j * K
      const qEnd = q + 4 * K
      for (; q < qEnd; q += 4, a += aK) {
        const a0 = A[a], a1 = A[a + aRow], a2 = A[a + aRow2], a3 = A[a + aRow3]
        const b0 = P[q], b1 = P[q + 1], b2 = P[q + 2], b3 = P[q + 3]
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
      const c = cOff + i * ldc + j
      C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + ldc] = c10; C[c + ldc + 1] = c11; C[c + ldc + 2] = c12; C[c + ldc + 3] = c13
      C[c + 2 * ldc] = c20; C[c + 2 * ldc + 1] = c21; C[c + 2 * ldc + 2] = c22; C[c + 2 * ldc + 3] = c23; C[c + 3 * ldc] = c30; C[c + 3 * ldc + 1] = c31; C[c + 3 * ldc + 2] = c32; C[c + 3 * ldc + 3] = c33 } } }

// both packed: A panel [K][4] per i-block too
let scratchA = new Float32Array(0)
function packedAB(M, N, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc) {
  const M4 = M - (M % 4), N4 = N - (N % 4)
  if (scratch.length < N4 * K) scratch = new Float32Array(N4 * K)
  if (scratchA.length < 4 * K) scratchA = new Float32Array(4 * K)
  const P = scratch, Q = scratchA
  for (let j = 0; j < N4; j += 4) { const bj = bOff + j * bCol, base = j * K
    for (let k = 0, b = bj; k < K; k++, b += bK) { const q = base + 4 * k; P[q] = B[b]; P[q + 1] = B[b + bCol]; P[q + 2] = B[b + 2 * bCol]; P[q + 3] = B[b + 3 * bCol] } }
  for (let i = 0; i < M4; i += 4) { const ai = aOff + i * aRow
    for (let k = 0, a = ai; k < K; k++, a += aK) { Q[4 * k] = A[a]; Q[4 * k + 1] = A[a + aRow]; Q[4 * k + 2] = A[a + 2 * aRow]; Q[4 * k + 3] = A[a + 3 * aRow] }
    for (let j = 0; j < N4; j += 4) {
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
      let p = 0, q = j * K
      const pEnd = 4 * K
      for (; p < pEnd; p += 4, q += 4) {
        const a0 = Q[p], a1 = Q[p + 1], a2 = Q[p + 2], a3 = Q[p + 3]
        const b0 = P[q], b1 = P[q + 1], b2 = P[q + 2], b3 = P[q + 3]
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
      const c = cOff + i * ldc + j
      C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + ldc] = c10; C[c + ldc + 1] = c11; C[c + ldc + 2] = c12; C[c + ldc + 3] = c13
      C[c + 2 * ldc] = c20; C[c + 2 * ldc + 1] = c21; C[c + 2 * ldc + 2] = c22; C[c + 2 * ldc + 3] = c23; C[c + 3 * ldc] = c30; C[c + 3 * ldc + 1] = c31; C[c + 3 * ldc + 2] = c32; C[c + 3 * ldc + 3] = c33 } } }

const rnd = (n) => Float32Array.from({ length: n }, () => Math.random() - 0.5)
const cases = [
  // name, M, N, K, aRow, aK, bCol, bK, reps-per-step
  ['xproj NT', 3200, 768, 32, 32, 1, 32, 1, 1],
  ['rec NT', 32, 768, 256, 256, 1, 256, 1, 100],
  ['dh NN', 32, 256, 768, 768, 1, 1, 256, 100],
  ['dWih TN', 768, 32, 3200, 1, 768, 1, 32, 1],
  ['dWhh TN', 768, 256, 3200, 1, 768, 1, 256, 1],
  ['dX NN', 3200, 32, 768, 768, 1, 1, 32, 1],
]
const fns = { cur, packedB, packedAB }
for (const [name, M, N, K, aRow, aK, bCol, bK, reps] of cases) {
  const A = rnd(M * K), B = rnd(N * K), C = new Float32Array(M * N), C2 = new Float32Array(M * N)
  cur(M, N, K, A, 0, aRow, aK, B, 0, bCol, bK, C2, 0, N)
  const line = [name]
  for (const [fn, f] of Object.entries(fns)) {
    f(M, N, K, A, 0, aRow, aK, B, 0, bCol, bK, C, 0, N)
    let err = 0; for (let i = 0; i < C.length; i++) err = Math.max(err, Math.abs(C[i] - C2[i]))
    const ts = []
    for (let r = 0; r < 5; r++) { const t0 = performance.now(); for (let q = 0; q < reps; q++) f(M, N, K, A, 0, aRow, aK, B, 0, bCol, bK, C, 0, N); ts.push(performance.now() - t0) }
    ts.sort((a, b) => a - b)
    line.push(`${fn} ${ts[2].toFixed(1)}ms ${(2 * M * N * K * reps / ts[2] / 1e6).toFixed(2)}GF err${err.toExponential(0)}`)
  }
  console.log(line.join(' | '))
}
