// The end of a training step: the global gradient norm (two passes: per-workgroup sums of squares,
// then one workgroup), clipping, and the optimizer, all on the device (torch.optim's arithmetic, as
// optim.ts; here in float32). The clip factor never leaves the GPU: `norm` writes it to the arena
// and `optimizer` reads it there.

import { defineKernel } from '../kernel'

export const NORM_WORKGROUPS = 64

/** partial[wg] = Σ src[k]² over this workgroup's grid-stride share of k < n. */
export const sumSquaresKernel = defineKernel({
  name: 'sum_squares',
  args: [['n', 'u32'], ['src', 'u32'], ['partial', 'u32']],
  body: /* wgsl */ `
var<workgroup> part: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nw: vec3u) {
  var s = 0.0;
  for (var k = gid.x; k < a.n; k += nw.x * 256u) { let v = m[a.src + k]; s += v * v; }
  part[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (lid.x < w) { part[lid.x] += part[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { m[a.partial + wg.x] = part[0]; }
}
`,
})

/** out[0] = ‖g‖ = √Σ partial; out[1] = the clip factor min(1, clip/(‖g‖ + 1e-6)), 1 when clip = 0. */
export const normKernel = defineKernel({
  name: 'norm',
  args: [['parts', 'u32'], ['partial', 'u32'], ['out', 'u32'], ['clip', 'f32']],
  body: /* wgsl */ `
@compute @workgroup_size(1)
fn main() {
  var s = 0.0;
  for (var k = 0u; k < a.parts; k++) { s += m[a.partial + k]; }
  let norm = sqrt(s);
  m[a.out] = norm;
  var scale = 1.0;
  if (a.clip > 0.0) { scale = min(1.0, a.clip / (norm + 1e-6)); }
  m[a.out + 1u] = scale;
}
`,
})

export const OPT_SGD = 0
export const OPT_ADAM = 1

/**
 * g ← g·scale (written back, as clip_grad_norm_ does), then, when `update`, one SGD or Adam step.
 * Per-step values (first, step_size, bc2_sqrt) are patched into the arguments before each submit.
 */
export const optimizerKernel = defineKernel({
  name: 'optimizer',
  args: [
    ['n', 'u32'], ['params', 'u32'], ['grads', 'u32'], ['m1', 'u32'], ['m2', 'u32'], ['scale', 'u32'],
    ['kind', 'u32'], ['update', 'u32'], ['first', 'u32'], ['nesterov', 'u32'],
    ['lr', 'f32'], ['momentum', 'f32'], ['weight_decay', 'f32'],
    ['beta1', 'f32'], ['beta2', 'f32'], ['eps', 'f32'], ['step_size', 'f32'], ['bc2_sqrt', 'f32'],
  ],
  body: /* wgsl */ `
@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nw: vec3u) {
  let scale = m[a.scale];
  for (var k = gid.x; k < a.n; k += nw.x * 256u) {
    let g = m[a.grads + k] * scale;
    m[a.grads + k] = g;
    if (a.update == 0u) { continue; }
    let p = m[a.params + k];
    let d = g + a.weight_decay * p;
    if (a.kind == 1u) {
      let m1 = a.beta1 * m[a.m1 + k] + (1.0 - a.beta1) * d;
      let m2 = a.beta2 * m[a.m2 + k] + (1.0 - a.beta2) * d * d;
      m[a.m1 + k] = m1; m[a.m2 + k] = m2;
      m[a.params + k] = p - a.step_size * m1 / (sqrt(m2) / a.bc2_sqrt + a.eps);
    } else if (a.momentum != 0.0) {
      let buf = select(a.momentum * m[a.m1 + k] + d, d, a.first == 1u);
      m[a.m1 + k] = buf;
      m[a.params + k] = p - a.lr * select(buf, d + a.momentum * buf, a.nesterov == 1u);
    } else {
      m[a.params + k] = p - a.lr * d;
    }
  }
}
`,
})
