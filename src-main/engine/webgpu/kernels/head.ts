// The loss over the head's outputs, forward and backward in one kernel (the same arithmetic as
// src-shared/head.ts): one workgroup; each invocation takes rows r ≡ lane (mod 256), writes their
// ∂loss/∂logits and adds their loss; the workgroup sums the partial losses.
//   mse:           loss = Σ (p − y)² / n,             ∂/∂p = 2(p − y)/n,       n = R·O
//   cross_entropy: loss = Σ_r (logsumexp − p[y_r]) / R, ∂/∂p = (softmax − onehot)/R

import { defineKernel } from '../kernel'

export const LOSS_MSE = 0
export const LOSS_CROSS_ENTROPY = 1

export const lossKernel = defineKernel({
  name: 'loss',
  args: [
    ['R', 'u32'], ['O', 'u32'], ['kind', 'u32'],
    ['logits', 'u32'],   // [R, O]
    ['targets', 'u32'],  // mse [R, O]; cross_entropy [R] class indices stored as floats
    ['dlogits', 'u32'],  // out [R, O]
    ['out', 'u32'],      // out: the loss
  ],
  body: /* wgsl */ `
var<workgroup> partial: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(local_invocation_id) lid: vec3u) {
  let R = a.R; let O = a.O;
  var s = 0.0;
  for (var r = lid.x; r < R; r += 256u) {
    let o = a.logits + r * O; let d = a.dlogits + r * O;
    if (a.kind == 0u) {
      let n = f32(R * O);
      for (var k = 0u; k < O; k++) {
        let e = m[o + k] - m[a.targets + r * O + k];
        s += e * e;
        m[d + k] = 2.0 * e / n;
      }
    } else {
      var mx = m[o];
      for (var k = 1u; k < O; k++) { mx = max(mx, m[o + k]); }
      var sum = 0.0;
      for (var k = 0u; k < O; k++) { sum += exp(m[o + k] - mx); }
      let lse = mx + log(sum);
      let cls = u32(m[a.targets + r]);
      s += lse - m[o + cls];
      for (var k = 0u; k < O; k++) { m[d + k] = (exp(m[o + k] - lse) - select(0.0, 1.0, k == cls)) / f32(R); }
    }
  }
  partial[lid.x] = s;
  workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (lid.x < w) { partial[lid.x] += partial[lid.x + w]; }
    workgroupBarrier();
  }
  if (lid.x == 0u) { m[a.out] = partial[0] / select(f32(R), f32(R * O), a.kind == 0u); }
}
`,
})
