#!/usr/bin/env node
// cpu-js's GEMM kernel shapes on packed operands, each variant in a process of its own so that
// V8 compiles it for Float32Array alone (docs/PERFORMANCE.md, "The JavaScript peers"). A and B
// are laid out as [M/mr][K][mr] and [N/nr][K][nr] panels, the layout a packing step would give,
// and one product of M=96, N=768, K=256 (a GRU step's recurrent product at H=256, three batches
// of 32) is timed: GFLOP/s, the median of 9 runs of 20 calls after 20 warm-up calls. The
// variants: 4×4 (cpu-js's register block), the same with int32 index arithmetic (`| 0`), with k
// unrolled by two, 2×6 with B loaded one value at a time, 3×4, and 4×4 on Float64Array operands.
// Not part of npm test.
//
//   node bench/js-gemm-tiles.mjs
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const variants = {
k44(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 4) { for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
    let a = i * K, b = j * K
    for (let k = 0; k < K; k++, a += 4, b += 4) {
      const a0 = A[a], a1 = A[a + 1], a2 = A[a + 2], a3 = A[a + 3]
      const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23; C[c + 3 * N] = c30; C[c + 3 * N + 1] = c31; C[c + 3 * N + 2] = c32; C[c + 3 * N + 3] = c33 } } },
k44int32(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 4) { for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
    let a = i * K | 0, b = j * K | 0
    const aEnd = (a + 4 * K) | 0
    for (; a < aEnd; a = (a + 4) | 0, b = (b + 4) | 0) {
      const a0 = A[a], a1 = A[(a + 1) | 0], a2 = A[(a + 2) | 0], a3 = A[(a + 3) | 0]
      const b0 = B[b], b1 = B[(b + 1) | 0], b2 = B[(b + 2) | 0], b3 = B[(b + 3) | 0]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23; C[c + 3 * N] = c30; C[c + 3 * N + 1] = c31; C[c + 3 * N + 2] = c32; C[c + 3 * N + 3] = c33 } } },
// k unrolled by two (K even)
k44unroll2(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 4) { for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
    let a = i * K, b = j * K
    for (let k = 0; k < K; k += 2, a += 8, b += 8) {
      let a0 = A[a], a1 = A[a + 1], a2 = A[a + 2], a3 = A[a + 3]
      let b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
      a0 = A[a + 4]; a1 = A[a + 5]; a2 = A[a + 6]; a3 = A[a + 7]
      b0 = B[b + 4]; b1 = B[b + 5]; b2 = B[b + 6]; b3 = B[b + 7]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
      c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23; C[c + 3 * N] = c30; C[c + 3 * N + 1] = c31; C[c + 3 * N + 2] = c32; C[c + 3 * N + 3] = c33 } } },
// 2×6, B loaded one value at a time
k26(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 2) { for (let j = 0; j < N; j += 6) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0
    let a = i * K, b = j * K
    for (let k = 0; k < K; k++, a += 2, b += 6) {
      const a0 = A[a], a1 = A[a + 1]
      let bb = B[b]; c00 += a0 * bb; c10 += a1 * bb
      bb = B[b + 1]; c01 += a0 * bb; c11 += a1 * bb
      bb = B[b + 2]; c02 += a0 * bb; c12 += a1 * bb
      bb = B[b + 3]; c03 += a0 * bb; c13 += a1 * bb
      bb = B[b + 4]; c04 += a0 * bb; c14 += a1 * bb
      bb = B[b + 5]; c05 += a0 * bb; c15 += a1 * bb }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + 4] = c04; C[c + 5] = c05
    C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13; C[c + N + 4] = c14; C[c + N + 5] = c15 } } },
// 3×4
k34(M, N, K, A, B, C) {
  for (let i = 0; i < M; i += 3) { for (let j = 0; j < N; j += 4) {
    let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0, c20 = 0, c21 = 0, c22 = 0, c23 = 0
    let a = i * K, b = j * K
    for (let k = 0; k < K; k++, a += 3, b += 4) {
      const a0 = A[a], a1 = A[a + 1], a2 = A[a + 2]
      const b0 = B[b], b1 = B[b + 1], b2 = B[b + 2], b3 = B[b + 3]
      c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
      c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
      c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3 }
    const c = i * N + j
    C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03; C[c + N] = c10; C[c + N + 1] = c11; C[c + N + 2] = c12; C[c + N + 3] = c13
    C[c + 2 * N] = c20; C[c + 2 * N + 1] = c21; C[c + 2 * N + 2] = c22; C[c + 2 * N + 3] = c23 } } },
}

const [variant, type] = process.argv.slice(2)
if (!variant) {
  const self = fileURLToPath(import.meta.url)
  for (const [v, t] of [...Object.keys(variants).map((v) => [v, 'f32']), ['k44', 'f64']])
    process.stdout.write(execFileSync(process.execPath, [self, v, t], { encoding: 'utf8' }))
} else {
  const T = type === 'f64' ? Float64Array : Float32Array
  const f = variants[variant]
  const M = 96, N = 768, K = 256
  const rnd = (n) => T.from({ length: n }, () => Math.random() - 0.5)
  const A = rnd(M * K), B = rnd(N * K), C = new T(M * N)
  for (let w = 0; w < 20; w++) f(M, N, K, A, B, C)
  const ts = []
  for (let r = 0; r < 9; r++) { const t0 = performance.now(); for (let w = 0; w < 20; w++) f(M, N, K, A, B, C); ts.push(performance.now() - t0) }
  ts.sort((x, y) => x - y)
  console.log(`${variant} ${T.name}: ${(2 * M * N * K * 20 / ts[4] / 1e6).toFixed(2)} GFLOP/s`)
}
