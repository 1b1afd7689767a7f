// cpu-js's GEMM: the asm.js copy of the 4×4 block loop gives bit for bit the TypeScript loop's
// results (so cpu-js's numbers, checked against PyTorch by parity.test.ts, do not depend on
// which one ran), V8 does validate it as asm.js (otherwise it runs as slow plain JavaScript,
// silently), and the three product forms with their edges match a plain triple loop.

import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { blocksAsm, blocksPlain, gemmNN, gemmNT, gemmTN, releaseAsmHeap } from '../../src-shared/gemm'
import { Rng } from '../../src-main/engine/rng'
import { repoRoot } from '../helpers/cli'

const rng = new Rng(7)
const random = (n: number) => Float32Array.from({ length: n }, () => rng.normal())

/** The first index where a and b differ bit for bit (NaN counts as equal to NaN), or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length)
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i]) return i
  return -1
}

describe('the asm.js block loop', () => {
  // [M4, N4, K, aRow, aK, bCol, bK, ldc]: the product forms cpu-js uses, with offsets and leading
  // dimensions wider than the block (a slice of a larger matrix), and with A's k stride ≠ 1 (the
  // packed path).
  const cases: Array<[string, number, number, number, number, number, number, number, number]> = [
    ['NT', 32, 48, 40, 44, 1, 40, 1, 52],   // x·Wᵀ: A rows, B rows, both contiguous in k
    ['NN', 16, 24, 36, 40, 1, 1, 28, 24],   // dG·W: B's k stride is its row
    ['TN', 40, 20, 64, 1, 44, 1, 24, 20],   // dGᵀ·X: A read down columns, packed first
    ['TN wide', 8, 12, 300, 1, 8, 1, 12, 16],
    ['k = 1', 8, 8, 1, 1, 1, 1, 1, 8],
  ]
  for (const [name, M4, N4, K, aRow, aK, bCol, bK, ldc] of cases) {
    for (const accumulate of [false, true]) {
      it(`gives the TypeScript loop's results bit for bit: ${name}${accumulate ? ', accumulating' : ''}`, () => {
        const aOff = 3, bOff = 5, cOff = 7
        const A = random(aOff + (M4 - 1) * aRow + (K - 1) * aK + 1 + 4), B = random(bOff + (N4 - 1) * bCol + (K - 1) * bK + 1 + 4)
        const C0 = random(cOff + M4 * ldc + 4)
        const plain = C0.slice(), asm = C0.slice()
        blocksPlain(M4, N4, K, A, aOff, aRow, aK, B, bOff, bCol, bK, plain, cOff, ldc, accumulate)
        expect(blocksAsm(M4, N4, K, A, aOff, aRow, aK, B, bOff, bCol, bK, asm, cOff, ldc, accumulate)).toBe(true)
        expect(firstDifference(plain, asm)).toBe(-1)
        // and it did write the blocks (the C outside them, between rows and past them, is kept)
        expect(firstDifference(plain, C0)).toBe(cOff)
        for (let i = 0; i < M4; i++) for (let j = N4; j < ldc; j++) expect(asm[cOff + i * ldc + j]).toBe(C0[cOff + i * ldc + j])
      })
    }
  }

  it('declines, doing nothing, a product larger than its heap', () => {
    // The arrays are small: the sizes are checked before anything is read.
    const A = random(8), B = random(8), C = new Float32Array(16).fill(2)
    // Read in place (A's k stride 1): four rows of A 2²⁵ floats apart span over 128 MiB.
    expect(blocksAsm(4, 4, 2, A, 0, 1 << 25, 1, B, 0, 1, 4, C, 0, 4, false)).toBe(false)
    // Packed (A's k stride ≠ 1): B's panels for K = 2²³ take 4·2²³ floats, past the 128 MiB heap.
    expect(blocksAsm(4, 4, 1 << 23, A, 0, 1, 4, B, 0, 1, 4, C, 0, 4, false)).toBe(false)
    expect([...C]).toEqual(new Array(16).fill(2))
  })

  it('runs a product whose A passes its heap in chunks of rows, with the whole product\'s results', () => {
    // A's span: 1028 rows 32 784 floats apart, 134.8 MB, past the 128 MiB heap (as dX's dG is at
    // H = 512, B = 64, T = 250); only the K floats of each row that are read hold data.
    const M4 = 1028, N4 = 8, K = 12, aRow = 32784, ldc = 12, cOff = 2
    const A = new Float32Array((M4 - 1) * aRow + K)
    for (let i = 0; i < M4; i++) A.set(random(K), i * aRow)
    const B = random(N4 * K), C0 = random(cOff + M4 * ldc)
    try {
      for (const accumulate of [false, true]) {
        const plain = C0.slice(), asm = C0.slice()
        blocksPlain(M4, N4, K, A, 0, aRow, 1, B, 0, K, 1, plain, cOff, ldc, accumulate)
        expect(blocksAsm(M4, N4, K, A, 0, aRow, 1, B, 0, K, 1, asm, cOff, ldc, accumulate)).toBe(true)
        expect(firstDifference(plain, asm)).toBe(-1)
        expect(firstDifference(plain, C0)).toBe(cOff) // it wrote, from the first row
        expect(asm[cOff + (M4 - 1) * ldc]).not.toBe(C0[cOff + (M4 - 1) * ldc]) // to the last
      }
    } finally {
      releaseAsmHeap()
    }
  })

  it('steps aside where eval is forbidden (a strict CSP): the TypeScript loop runs, with the same results', async () => {
    vi.resetModules()
    vi.stubGlobal('Function', function forbidden() { throw new EvalError('Refused to evaluate a string as JavaScript (CSP)') })
    try {
      const fresh = await import('../../src-shared/gemm')
      const M = 16, N = 16, K = 80, A = random(M * K), B = random(N * K), C = new Float32Array(M * N), expected = new Float32Array(M * N)
      expect(fresh.blocksAsm(M, N, K, A, 0, K, 1, B, 0, K, 1, C, 0, N, false)).toBe(false)
      fresh.gemmNT(M, N, K, A, 0, K, B, 0, K, C, 0, N, false)
      blocksPlain(M, N, K, A, 0, K, 1, B, 0, K, 1, expected, 0, N, false)
      expect(firstDifference(C, expected)).toBe(-1)
    } finally {
      vi.unstubAllGlobals()
    }
  })

  it('is validated by V8 as asm.js (else it would run, slowly, as plain JavaScript)', () => {
    // Loaded as gemm.ts loads it: its text through new Function.
    const script = `const source = require('node:fs').readFileSync(${JSON.stringify(join(repoRoot, 'src-shared', 'gemm-asm.js'))}, 'utf8')
const asmGemmModule = new Function(source + '\\nreturn asmGemmModule')()
asmGemmModule(globalThis, null, new ArrayBuffer(1 << 24))
console.log(%IsAsmWasmCode(asmGemmModule))`
    const r = spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { encoding: 'utf8' })
    expect(r.stderr).not.toMatch(/asm\.js/)
    expect(r.stdout.trim()).toBe('true')
  })
})

describe('gemmNT, gemmNN and gemmTN', () => {
  // M and N not multiples of 4 (the edges), large enough for the asm.js path.
  const M = 37, N = 30, K = 45
  const naive = (a: (i: number, k: number) => number, b: (k: number, j: number) => number, C: Float32Array, acc: boolean) => {
    const out = new Float64Array(M * N)
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let s = 0
      for (let k = 0; k < K; k++) s += a(i, k) * b(k, j)
      out[i * N + j] = (acc ? C[i * N + j] : 0) + s
    }
    return out
  }
  for (const accumulate of [false, true]) {
    it(`match a triple loop${accumulate ? ', accumulating' : ''}`, () => {
      const X = random(M * K), W = random(N * K), Wkn = random(K * N), Xt = random(K * M), C0 = random(M * N)
      const forms: Array<[string, (C: Float32Array) => void, Float64Array]> = [
        ['NT', (C) => gemmNT(M, N, K, X, 0, K, W, 0, K, C, 0, N, accumulate), naive((i, k) => X[i * K + k], (k, j) => W[j * K + k], C0, accumulate)],
        ['NN', (C) => gemmNN(M, N, K, X, 0, K, Wkn, 0, N, C, 0, N, accumulate), naive((i, k) => X[i * K + k], (k, j) => Wkn[k * N + j], C0, accumulate)],
        ['TN', (C) => gemmTN(M, N, K, Xt, 0, M, Wkn, 0, N, C, 0, N, accumulate), naive((i, k) => Xt[k * M + i], (k, j) => Wkn[k * N + j], C0, accumulate)],
      ]
      for (const [form, run, expected] of forms) {
        const C = C0.slice()
        run(C)
        let worst = 0
        for (let q = 0; q < C.length; q++) worst = Math.max(worst, Math.abs(C[q] - expected[q]) / (1 + Math.abs(expected[q])))
        expect(worst, form).toBeLessThan(1e-6)
      }
    })
  }
})
