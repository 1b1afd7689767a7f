// Row-major matrix products on flat typed arrays, addressed by (array, offset, leading dimension)
// so that callers can work on slices of one big buffer without creating views inside a step.
//
// Three forms cover every product an RNN needs (W is stored [out, in] as in PyTorch):
//   gemmNT: C[M,N] (+)= A[M,K] · B[N,K]ᵀ   x·Wᵀ, the forward projections
//   gemmNN: C[M,N] (+)= A[M,K] · B[K,N]    dG·W, the gradients of inputs and hidden states
//   gemmTN: C[M,N] (+)= A[K,M]ᵀ · B[K,N]   dGᵀ·x, the weight gradients summed over rows
// All three are one strided kernel with different strides.

import asmGemmSource from './gemm-asm.js?raw'

export type FloatArray = Float32Array | Float64Array

export function gemmNT(
  M: number, N: number, K: number, A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number, accumulate: boolean,
): void {
  gemmStrided(M, N, K, A, aOff, lda, 1, B, bOff, ldb, 1, C, cOff, ldc, accumulate)
}

export function gemmNN(
  M: number, N: number, K: number, A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number, accumulate: boolean,
): void {
  gemmStrided(M, N, K, A, aOff, lda, 1, B, bOff, 1, ldb, C, cOff, ldc, accumulate)
}

export function gemmTN(
  M: number, N: number, K: number, A: FloatArray, aOff: number, lda: number, B: FloatArray, bOff: number, ldb: number,
  C: FloatArray, cOff: number, ldc: number, accumulate: boolean,
): void {
  gemmStrided(M, N, K, A, aOff, 1, lda, B, bOff, 1, ldb, C, cOff, ldc, accumulate)
}

/**
 * The one kernel: C[M,N] (+)= Σ_k A(i,k)·B(k,j) with A(i,k) = A[aOff + i·aRow + k·aK] and
 * B(k,j) = B[bOff + j·bCol + k·bK]. Blocked 4×4: per k, 4 loads of A and 4 of B feed 16
 * multiply-adds held in locals (registers), about 3× the throughput of a plain triple loop in V8.
 * On float32 operands the blocks run in the asm.js copy of that loop (gemm-asm.js), with the same
 * results; the edges, and float64 operands, run here.
 */
function gemmStrided(
  M: number, N: number, K: number,
  A: FloatArray, aOff: number, aRow: number, aK: number,
  B: FloatArray, bOff: number, bCol: number, bK: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  const M4 = M - (M % 4), N4 = N - (N % 4)
  const inAsm = A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array && M4 * N4 * K >= ASM_MIN_PRODUCT &&
    blocksAsm(M4, N4, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc, accumulate)
  if (!inAsm) blocksPlain(M4, N4, K, A, aOff, aRow, aK, B, bOff, bCol, bK, C, cOff, ldc, accumulate)
  // Edges: the last M % 4 rows (all columns) and the last N % 4 columns (of the blocked rows).
  const edge = (i: number, j: number) => {
    let s = 0
    for (let k = 0, a = aOff + i * aRow, b = bOff + j * bCol; k < K; k++, a += aK, b += bK) s += A[a] * B[b]
    const c = cOff + i * ldc + j
    C[c] = accumulate ? C[c] + s : s
  }
  for (let i = 0; i < M4; i++) for (let j = N4; j < N; j++) edge(i, j)
  for (let i = M4; i < M; i++) for (let j = 0; j < N; j++) edge(i, j)
}

/** The 4×4 blocks of C[0:M4, 0:N4] (M4, N4 multiples of 4) in TypeScript: the reference loop. */
export function blocksPlain(
  M4: number, N4: number, K: number,
  A: FloatArray, aOff: number, aRow: number, aK: number,
  B: FloatArray, bOff: number, bCol: number, bK: number,
  C: FloatArray, cOff: number, ldc: number,
  accumulate: boolean,
): void {
  for (let i = 0; i < M4; i += 4) {
    const ai = aOff + i * aRow
    for (let j = 0; j < N4; j += 4) {
      const bj = bOff + j * bCol
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0
      let a = ai, b = bj
      for (let k = 0; k < K; k++, a += aK, b += bK) {
        const a0 = A[a], a1 = A[a + aRow], a2 = A[a + 2 * aRow], a3 = A[a + 3 * aRow]
        const b0 = B[b], b1 = B[b + bCol], b2 = B[b + 2 * bCol], b3 = B[b + 3 * bCol]
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
      }
      const c = cOff + i * ldc + j
      if (accumulate) {
        C[c] += c00; C[c + 1] += c01; C[c + 2] += c02; C[c + 3] += c03
        C[c + ldc] += c10; C[c + ldc + 1] += c11; C[c + ldc + 2] += c12; C[c + ldc + 3] += c13
        C[c + 2 * ldc] += c20; C[c + 2 * ldc + 1] += c21; C[c + 2 * ldc + 2] += c22; C[c + 2 * ldc + 3] += c23
        C[c + 3 * ldc] += c30; C[c + 3 * ldc + 1] += c31; C[c + 3 * ldc + 2] += c32; C[c + 3 * ldc + 3] += c33
      } else {
        C[c] = c00; C[c + 1] = c01; C[c + 2] = c02; C[c + 3] = c03
        C[c + ldc] = c10; C[c + ldc + 1] = c11; C[c + ldc + 2] = c12; C[c + ldc + 3] = c13
        C[c + 2 * ldc] = c20; C[c + 2 * ldc + 1] = c21; C[c + 2 * ldc + 2] = c22; C[c + 2 * ldc + 3] = c23
        C[c + 3 * ldc] = c30; C[c + 3 * ldc + 1] = c31; C[c + 3 * ldc + 2] = c32; C[c + 3 * ldc + 3] = c33
      }
    }
  }
}

// --- the asm.js path ---------------------------------------------------------------------------
// asm.js reads only its own heap, one ArrayBuffer. Each product copies the spans of A and B that
// it reads into the heap (memcpy; a per-timestep product copies its G·H × H weights every time,
// against B·G·H·H multiply-adds) or packs them there, runs the blocks and copies C's blocks back.
// The heap grows to the largest product seen, in powers of two from 64 KiB, and stops at 128 MiB:
// a product past it runs in chunks of rows that fit (asmRowChunks), or, where not even four rows
// do, in blocksPlain, with the same results at the plain loop's speed.
// A model lets go of it when disposed (releaseAsmHeap), so that each run's measured memory holds
// its own heap.

/** Below this many multiply-adds, the copies and calls cost more than the faster loop saves. */
const ASM_MIN_PRODUCT = 1 << 14
const ASM_HEAP_MIN_BYTES = 1 << 16, ASM_HEAP_MAX_BYTES = 1 << 27
/** gemm-asm.js's functions; addresses and strides in bytes. */
interface AsmGemm {
  blocks4x4(M4: number, N4: number, K: number, a: number, aRow: number, aK: number, b: number, bBlock: number, bCol: number, bK: number, c: number, ldc: number, accumulate: number): void
}
type AsmGemmModule = (stdlib: typeof globalThis, foreign: null, heap: ArrayBuffer) => AsmGemm
// gemm-asm.js's text, bundled as a string (see there why), compiled once per thread on first use;
// null where it cannot be (a page whose CSP forbids eval, as the renderer's does): the plain loop
// runs there.
let asmGemmModule: AsmGemmModule | null | undefined
function compiledAsmGemm(): AsmGemmModule | null {
  if (asmGemmModule === undefined) {
    try {
      asmGemmModule = new Function(`${asmGemmSource}\nreturn asmGemmModule`)() as AsmGemmModule
    } catch {
      asmGemmModule = null
    }
  }
  return asmGemmModule
}
interface AsmHeap { f32: Float32Array; kernel: AsmGemm }
let asmHeap: AsmHeap | null = null

function asmHeapFor(floats: number): AsmHeap | null {
  const asmModule = compiledAsmGemm()
  if (!asmModule || floats * 4 > ASM_HEAP_MAX_BYTES) return null
  if (!asmHeap || asmHeap.f32.length < floats) {
    let bytes = ASM_HEAP_MIN_BYTES
    while (bytes < floats * 4) bytes *= 2
    const buffer = new ArrayBuffer(bytes)
    asmHeap = { f32: new Float32Array(buffer), kernel: asmModule(globalThis, null, buffer) }
  }
  return asmHeap
}

/** Drops this thread's asm.js heap; the next product allocates one again. */
export function releaseAsmHeap(): void {
  asmHeap = null
}

/**
 * The 4×4 blocks of C[0:M4, 0:N4] in the asm.js kernel; false, with nothing done, when the
 * operands do not fit its heap or the kernel cannot be compiled here. Where A's k stride is not
 * 1 (the weight gradients: A = dGᵀ, read down columns T·B rows long), B's column quadruples and
 * each block row's four rows of A are packed into [K][4] panels read in order: read in place,
 * those products ran at two thirds of the others' rate (`node bench/js-gemm-panels.mjs`).
 */
export function blocksAsm(
  M4: number, N4: number, K: number,
  A: Float32Array, aOff: number, aRow: number, aK: number,
  B: Float32Array, bOff: number, bCol: number, bK: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate: boolean,
): boolean {
  if (M4 === 0 || N4 === 0 || K === 0) return false
  const acc = accumulate ? 1 : 0
  if (aK === 1) {
    // Heap (floats): A's span, B's span, C's blocks.
    const aSpan = (M4 - 1) * aRow + K, bSpan = (N4 - 1) * bCol + (K - 1) * bK + 1
    const ha = 0, hb = aSpan, hc = hb + bSpan
    const heap = asmHeapFor(hc + M4 * N4)
    if (!heap) return asmRowChunks(M4, N4, K, A, aOff, aRow, B, bOff, bCol, bK, C, cOff, ldc, accumulate, bSpan)
    const { f32, kernel } = heap
    f32.set(A.subarray(aOff, aOff + aSpan), ha)
    f32.set(B.subarray(bOff, bOff + bSpan), hb)
    if (accumulate) copyRows(C, cOff, ldc, f32, hc, N4, M4, N4)
    kernel.blocks4x4(M4, N4, K, 4 * ha, 4 * aRow, 4, 4 * hb, 4 * bCol, 4 * bCol, 4 * bK, 4 * hc, N4, acc)
    copyRows(f32, hc, N4, C, cOff, ldc, M4, N4)
    return true
  }
  // Heap (floats): B's N4/4 panels, then per block row A's panel and its 4 rows of C. The panels
  // are gathered straight from the operands, so A (all T·B rows of dG) is never copied whole.
  const hbp = 0, hap = N4 * K, hc = hap + 4 * K
  const heap = asmHeapFor(hc + 4 * N4)
  if (!heap) return false
  const { f32, kernel } = heap
  for (let j = 0; j < N4; j += 4) packPanel(B, bOff + j * bCol, bCol, bK, K, f32, hbp + j * K)
  for (let i = 0; i < M4; i += 4) {
    packPanel(A, aOff + i * aRow, aRow, aK, K, f32, hap)
    if (accumulate) copyRows(C, cOff + i * ldc, ldc, f32, hc, N4, 4, N4)
    kernel.blocks4x4(4, N4, K, 4 * hap, 4, 16, 4 * hbp, 4 * K, 4, 16, 4 * hc, N4, acc)
    copyRows(f32, hc, N4, C, cOff + i * ldc, ldc, 4, N4)
  }
  return true
}

/**
 * A product whose A (all T·B rows of the gate gradients, for dX at H = 512, B = 64, T = 250) passes
 * the heap's limit, run as chunks of rows that fit beside B: each row of C depends on its row of
 * A alone, so the results are the whole product's. False, with nothing done, when not even four
 * rows fit.
 */
function asmRowChunks(
  M4: number, N4: number, K: number,
  A: Float32Array, aOff: number, aRow: number,
  B: Float32Array, bOff: number, bCol: number, bK: number,
  C: Float32Array, cOff: number, ldc: number,
  accumulate: boolean, bSpan: number,
): boolean {
  if (!compiledAsmGemm()) return false
  // r rows take (r − 1)·aRow + K floats of A and r·N4 of C, at most r·rowFloats
  const rowFloats = Math.max(aRow, K) + N4
  const rows = Math.floor((ASM_HEAP_MAX_BYTES / 4 - bSpan) / rowFloats / 4) * 4
  if (rows < 4 || rows >= M4) return false
  for (let i = 0; i < M4; i += rows) {
    const done = blocksAsm(Math.min(rows, M4 - i), N4, K, A, aOff + i * aRow, aRow, 1, B, bOff, bCol, bK, C, cOff + i * ldc, ldc, accumulate)
    if (!done) throw new Error(`asm.js GEMM: a chunk of ${rows} rows did not fit its heap`) // (a bug: chunks are sized to fit)
  }
  return true
}

/** dst[d + 4k + r] = src[s + r·rowStride + k·kStride] for k < K, r < 4: four rows (or columns)
 *  of an operand as one [K][4] panel, in the order blocks4x4 reads it. */
function packPanel(src: Float32Array, s: number, rowStride: number, kStride: number, K: number, dst: Float32Array, d: number): void {
  const r2 = 2 * rowStride, r3 = 3 * rowStride
  for (let k = 0; k < K; k++, s += kStride, d += 4) {
    dst[d] = src[s]; dst[d + 1] = src[s + rowStride]; dst[d + 2] = src[s + r2]; dst[d + 3] = src[s + r3]
  }
}

/** rows × n floats from src (rows sStride apart) to dst (rows dStride apart). */
function copyRows(src: Float32Array, sOff: number, sStride: number, dst: Float32Array, dOff: number, dStride: number, rows: number, n: number): void {
  if (sStride === n && dStride === n) { dst.set(src.subarray(sOff, sOff + rows * n), dOff); return }
  for (let i = 0; i < rows; i++) dst.set(src.subarray(sOff + i * sStride, sOff + i * sStride + n), dOff + i * dStride)
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


/** dst[dOff .. dOff+n) = src[sOff .. sOff+n), without creating views. */
export function copyRange(src: FloatArray, sOff: number, dst: FloatArray, dOff: number, n: number): void {
  for (let k = 0; k < n; k++) dst[dOff + k] = src[sOff + k]
}
