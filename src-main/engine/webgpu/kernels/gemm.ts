// The tiled matrix product every all-timestep operation uses: the input projection, the input
// gradient, the weight gradients of all timesteps, and the head. Operands are read through
// strides, so one kernel covers A·Bᵀ, A·B and Aᵀ·B without transposing anything in memory.
//
//   C[i, j] = Σ_k A[i, k]·B[k, j]  (+ C[i, j] when accumulate)  (+ bias[j] when has_bias)
//   A[i, k] = m[a_off + i·a_si + k·a_sk]       i < M, k < K
//   B[k, j] = m[b_off + k·b_sk + j·b_sj]       j < N
//   C[i, j] = m[c_off + i·c_ld + j]
//
// A 64×64 tile of C per workgroup of 16×16 threads, 4×4 outputs per thread (rows lid.y + 16r,
// columns lid.x + 16c, so neighbouring threads read neighbouring workgroup-memory words), k in
// slices of 16 staged through workgroup memory. Tiles are loaded along whichever index is
// contiguous in memory, so global reads coalesce for both layouts.

import { defineKernel } from '../kernel'

export const TILE = 64

export const gemmKernel = defineKernel({
  name: 'gemm',
  args: [
    ['M', 'u32'], ['N', 'u32'], ['K', 'u32'],
    ['a_off', 'u32'], ['a_si', 'u32'], ['a_sk', 'u32'],
    ['b_off', 'u32'], ['b_sk', 'u32'], ['b_sj', 'u32'],
    ['c_off', 'u32'], ['c_ld', 'u32'], ['accumulate', 'u32'],
    ['bias_off', 'u32'], ['has_bias', 'u32'],
  ],
  body: /* wgsl */ `
var<workgroup> As: array<f32, 1024>;  // [16 k][64 i]
var<workgroup> Bs: array<f32, 1024>;  // [16 k][64 j]

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i0 = wg.y * 64u;
  let j0 = wg.x * 64u;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < a.K; k0 += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let q = tid + e * 256u;
      // A: along k when k is contiguous, else along i.
      var ii = q % 64u; var kk = q / 64u;
      if (a.a_sk == 1u) { ii = q / 16u; kk = q % 16u; }
      var va = 0.0;
      if (i0 + ii < a.M && k0 + kk < a.K) { va = m[a.a_off + (i0 + ii) * a.a_si + (k0 + kk) * a.a_sk]; }
      As[kk * 64u + ii] = va;
      var jj = q % 64u; var kb = q / 64u;
      if (a.b_sj != 1u && a.b_sk == 1u) { jj = q / 16u; kb = q % 16u; }
      var vb = 0.0;
      if (j0 + jj < a.N && k0 + kb < a.K) { vb = m[a.b_off + (k0 + kb) * a.b_sk + (j0 + jj) * a.b_sj]; }
      Bs[kb * 64u + jj] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) { av[r] = As[kk * 64u + lid.y + 16u * r]; }
      for (var c = 0u; c < 4u; c++) { bv[c] = Bs[kk * 64u + lid.x + 16u * c]; }
      for (var r = 0u; r < 4u; r++) {
        for (var c = 0u; c < 4u; c++) { acc[r * 4u + c] = fma(av[r], bv[c], acc[r * 4u + c]); }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + lid.y + 16u * r;
    if (i >= a.M) { continue; }
    for (var c = 0u; c < 4u; c++) {
      let j = j0 + lid.x + 16u * c;
      if (j >= a.N) { continue; }
      var v = acc[r * 4u + c];
      if (a.has_bias == 1u) { v += m[a.bias_off + j]; }
      let at = a.c_off + i * a.c_ld + j;
      if (a.accumulate == 1u) { v += m[at]; }
      m[at] = v;
    }
  }
}
`,
})
