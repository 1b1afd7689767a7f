// Row-major matrix products on flat typed arrays, addressed by (array, offset, leading dimension)
// so that callers can work on slices of one big buffer without creating views inside a step.
//
// Three forms cover every product an RNN needs (W is stored [out, in] as in PyTorch):
//   gemmNT: C[M,N] (+)= A[M,K] · B[N,K]ᵀ   x·Wᵀ, the forward projections
//   gemmNN: C[M,N] (+)= A[M,K] · B[K,N]    dG·W, the gradients of inputs and hidden states
//   gemmTN: C[M,N] (+)= A[K,M]ᵀ · B[K,N]   dGᵀ·x, the weight gradients summed over rows
// Each is blocked 4 rows at a time so that one load of B feeds four accumulators (about 4× fewer
// loads than the naive loop); this is the reference backend, clarity first, but not wasteful.

export type FloatArray = Float32Array | Float64Array

export function gemmNT(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, lda: number,
  B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  let i = 0
  for (; i + 4 <= M; i += 4) {
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
    for (let j = 0; j < N; j++) {
      const b = bOff + j * ldb
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0
      for (let k = 0; k < K; k++) {
        const bk = B[b + k]
        s0 += A[a0 + k] * bk
        s1 += A[a1 + k] * bk
        s2 += A[a2 + k] * bk
        s3 += A[a3 + k] * bk
      }
      const c = cOff + i * ldc + j
      if (accumulate) {
        C[c] += s0; C[c + ldc] += s1; C[c + 2 * ldc] += s2; C[c + 3 * ldc] += s3
      } else {
        C[c] = s0; C[c + ldc] = s1; C[c + 2 * ldc] = s2; C[c + 3 * ldc] = s3
      }
    }
  }
  for (; i < M; i++) {
    const a = aOff + i * lda
    for (let j = 0; j < N; j++) {
      const b = bOff + j * ldb
      let s = 0
      for (let k = 0; k < K; k++) s += A[a + k] * B[b + k]
      const c = cOff + i * ldc + j
      C[c] = accumulate ? C[c] + s : s
    }
  }
}

export function gemmNN(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, lda: number,
  B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (!accumulate) zeroRows(C, cOff, ldc, M, N)
  let i = 0
  for (; i + 4 <= M; i += 4) {
    const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
    const a0 = aOff + i * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
    for (let k = 0; k < K; k++) {
      const x0 = A[a0 + k], x1 = A[a1 + k], x2 = A[a2 + k], x3 = A[a3 + k]
      const b = bOff + k * ldb
      for (let j = 0; j < N; j++) {
        const bj = B[b + j]
        C[c0 + j] += x0 * bj
        C[c1 + j] += x1 * bj
        C[c2 + j] += x2 * bj
        C[c3 + j] += x3 * bj
      }
    }
  }
  for (; i < M; i++) {
    const c = cOff + i * ldc, a = aOff + i * lda
    for (let k = 0; k < K; k++) {
      const x = A[a + k]
      const b = bOff + k * ldb
      for (let j = 0; j < N; j++) C[c + j] += x * B[b + j]
    }
  }
}

export function gemmTN(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, lda: number,
  B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  if (!accumulate) zeroRows(C, cOff, ldc, M, N)
  // Walk the shared dimension K outermost: row k of A and row k of B are both contiguous.
  for (let k = 0; k < K; k++) {
    const a = aOff + k * lda, b = bOff + k * ldb
    let i = 0
    for (; i + 4 <= M; i += 4) {
      const x0 = A[a + i], x1 = A[a + i + 1], x2 = A[a + i + 2], x3 = A[a + i + 3]
      const c0 = cOff + i * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc
      for (let j = 0; j < N; j++) {
        const bj = B[b + j]
        C[c0 + j] += x0 * bj
        C[c1 + j] += x1 * bj
        C[c2 + j] += x2 * bj
        C[c3 + j] += x3 * bj
      }
    }
    for (; i < M; i++) {
      const x = A[a + i], c = cOff + i * ldc
      for (let j = 0; j < N; j++) C[c + j] += x * B[b + j]
    }
  }
}

/** C[M,N] = broadcast of row vector v[N] (or += when accumulate). */
export function addRowVector(M: number, N: number, v: FloatArray, vOff: number, C: FloatArray, cOff: number, ldc: number): void {
  for (let i = 0; i < M; i++) {
    const c = cOff + i * ldc
    for (let j = 0; j < N; j++) C[c + j] += v[vOff + j]
  }
}

/** out[N] (+)= Σ_i A[i, :] — the bias gradient of a [M,N] block of row gradients. */
export function sumRows(M: number, N: number, A: FloatArray, aOff: number, lda: number, out: FloatArray, oOff: number, accumulate: boolean): void {
  if (!accumulate) out.fill(0, oOff, oOff + N)
  for (let i = 0; i < M; i++) {
    const a = aOff + i * lda
    for (let j = 0; j < N; j++) out[oOff + j] += A[a + j]
  }
}

function zeroRows(C: FloatArray, cOff: number, ldc: number, M: number, N: number): void {
  if (ldc === N) { C.fill(0, cOff, cOff + M * N); return }
  for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N)
}

/** dst[dOff .. dOff+n) = src[sOff .. sOff+n), without creating views. */
export function copyRange(src: FloatArray, sOff: number, dst: FloatArray, dOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k]
}
