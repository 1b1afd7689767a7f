// The linear head on top of the stack and the losses, forward and backward side by side.
// Legend: R = rows (B for a sequence-to-one head, T·B for a per-step head), F = D·H features,
//         O = outputs (regression targets or classes).

import { gemmNN, gemmNT, gemmTN, addRowVector, sumRows, type FloatArray } from './gemm'

/** out[R, O] = feats[R, F]·Wᵀ + b */
export function linearForward(
  R: number, F: number, O: number,
  out: FloatArray,                                  // out [R, O]
  feats: FloatArray, featsOff: number,              // [R, F]
  P: FloatArray, wOff: number, bOff: number,        // W [O, F], b [O]
): void {
  gemmNT(R, O, F, feats, featsOff, F, P, wOff, F, out, 0, O, false)
  addRowVector(R, O, P, bOff, out, 0, O)
}

/** dW = doutᵀ·feats, db = Σ dout, dfeats = dout·W (written, not accumulated). */
export function linearBackward(
  R: number, F: number, O: number,
  dP: FloatArray, dwOff: number, dbOff: number,     // out dW [O, F], db [O]
  dfeats: FloatArray, dfeatsOff: number,            // out [R, F]
  dout: FloatArray,                                 // [R, O]
  feats: FloatArray, featsOff: number,              // [R, F]
  P: FloatArray, wOff: number,                      // W [O, F]
): void {
  gemmTN(O, F, R, dout, 0, O, feats, featsOff, F, dP, dwOff, F, false)
  sumRows(R, O, dout, 0, O, dP, dbOff, false)
  gemmNN(R, F, O, dout, 0, O, P, wOff, F, dfeats, dfeatsOff, F, false)
}

/** Mean squared error over all n values (torch's reduction='mean'); writes ∂loss/∂pred unless dpred is null (evaluation). */
export function mseLoss(n: number, dpred: FloatArray | null, pred: FloatArray, target: ArrayLike<number>): number {
  let sum = 0
  for (let k = 0; k < n; k++) {
    const e = pred[k] - target[k]
    sum += e * e
    if (dpred) dpred[k] = (2 * e) / n
  }
  return sum / n
}

/** Softmax cross-entropy averaged over rows (torch's F.cross_entropy); writes ∂loss/∂logits unless dlogits is null (evaluation). */
export function crossEntropyLoss(R: number, O: number, dlogits: FloatArray | null, logits: FloatArray, target: ArrayLike<number>): number {
  let total = 0
  for (let r = 0; r < R; r++) {
    const o = r * O
    let max = -Infinity
    for (let k = 0; k < O; k++) if (logits[o + k] > max) max = logits[o + k]
    let sum = 0
    for (let k = 0; k < O; k++) sum += Math.exp(logits[o + k] - max)
    const logSum = max + Math.log(sum)
    const cls = target[r]
    total += logSum - logits[o + cls]
    if (dlogits) for (let k = 0; k < O; k++) dlogits[o + k] = (Math.exp(logits[o + k] - logSum) - (k === cls ? 1 : 0)) / R
  }
  return total / R
}
