// Small kernels over flat ranges of the arena: bias gradients, dropout masks, the per-step
// transpose of W_hh, and gradient-flow norms. Grid-stride loops, so a fixed number of workgroups
// covers any size.

import { defineKernel } from '../kernel'

/** out[j] (+)= Σ_{r < R} m[src + r·ld + j], j < N: the bias gradients of all timesteps. One invocation per column. */
export const colsumKernel = defineKernel({
  name: 'colsum',
  args: [['R', 'u32'], ['N', 'u32'], ['src', 'u32'], ['ld', 'u32'], ['out', 'u32'], ['accumulate', 'u32']],
  body: /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  if (j >= a.N) { return; }
  var s = 0.0;
  for (var r = 0u; r < a.R; r++) { s += m[a.src + r * a.ld + j]; }
  if (a.accumulate == 1u) { s += m[a.out + j]; }
  m[a.out + j] = s;
}
`,
})

/** dst[k] = src[k]·mask[k], k < n: dropout forward, and its backward in place (dst = src). */
export const mulKernel = defineKernel({
  name: 'mul',
  args: [['n', 'u32'], ['src', 'u32'], ['mask', 'u32'], ['dst', 'u32']],
  body: /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var k = gid.x; k < a.n; k += nw.x * 256u) { m[a.dst + k] = m[a.src + k] * m[a.mask + k]; }
}
`,
})

/** dst[c·rows + r] = src[r·cols + c]: W_hh [GH, H] → W_hhᵀ [H, GH], once per step after the update. */
export const transposeKernel = defineKernel({
  name: 'transpose',
  args: [['rows', 'u32'], ['cols', 'u32'], ['src', 'u32'], ['dst', 'u32']],
  body: /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let n = a.rows * a.cols;
  for (var k = gid.x; k < n; k += nw.x * 256u) {
    let r = k / a.cols; let c = k % a.cols;
    m[a.dst + c * a.rows + r] = m[a.src + k];
  }
}
`,
})

/** out[t] = ‖dhs[t]‖₂ over the [B, H] block of each timestep t < T. */
export const gradFlowKernel = defineKernel({
  name: 'grad_flow',
  args: [['T', 'u32'], ['block', 'u32'], ['src', 'u32'], ['out', 'u32']],
  body: /* wgsl */ `
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let t = gid.x;
  if (t >= a.T) { return; }
  var s = 0.0;
  for (var k = 0u; k < a.block; k++) { let v = m[a.src + t * a.block + k]; s += v * v; }
  m[a.out + t] = sqrt(s);
}
`,
})

/** dst[k] = value, k < n: the rows of ∂L/∂y a sequence-to-one head leaves without gradient. */
export const fillKernel = defineKernel({
  name: 'fill',
  args: [['n', 'u32'], ['dst', 'u32'], ['value', 'f32']],
  body: /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  for (var k = gid.x; k < a.n; k += nw.x * 256u) { m[a.dst + k] = a.value; }
}
`,
})
