// cpu-js's 4×4 GEMM block loop (blocksPlain in gemm.ts) in asm.js, the subset of JavaScript that
// V8 validates and compiles ahead of time as WebAssembly. The multiply-adds are the TypeScript
// loop's, in the same order and in the same double precision, so the results are bit for bit the
// same (test/engine/gemm.test.ts); what changes is the machine code. V8's code for the TypeScript
// loop bounds-checks every load, reloads each typed array's length and data pointer every
// iteration and spills accumulators to the stack (docs/PERFORMANCE.md, "The JavaScript peers");
// here the heap is one ArrayBuffer and the compiler keeps the loop in registers: about 1.6× the
// plain loop's speed. Where asm.js is not validated, this runs as ordinary JavaScript with the
// same results.
//
// A script, not a module: gemm.ts imports its text (`?raw`) and compiles it with new Function.
// asm.js tells a double from an int by its literal (0.0 against 0), and the bundler reprints
// source it parses, 0.0 as 0; a string it leaves alone.
//
// Every address and stride below is in bytes (a float index × 4), as asm.js's heap views want.

function asmGemmModule(stdlib, foreign, heap) {
  'use asm'
  var F = new stdlib.Float32Array(heap)
  var imul = stdlib.Math.imul

  // C[i, j] (+)= Σ_k A(i, k)·B(k, j) for the 4×4 blocks of C[0:M4, 0:N4] (M4, N4 multiples of
  // 4), with A(i, k) at a + i·aRow + k·aK and C(i, j) at c + (i·ldc + j)·4. The block of columns
  // j..j+3 of B starts at b + j·bBlock + k·bK, its columns bCol apart: bBlock = bCol for a matrix
  // read in place; for B packed into [N/4][K][4] panels, bBlock = K·4 and bCol = 4. ldc is in
  // floats.
  function blocks4x4(M4, N4, K, a, aRow, aK, b, bBlock, bCol, bK, c, ldc, accumulate) {
    M4 = M4 | 0; N4 = N4 | 0; K = K | 0
    a = a | 0; aRow = aRow | 0; aK = aK | 0
    b = b | 0; bBlock = bBlock | 0; bCol = bCol | 0; bK = bK | 0
    c = c | 0; ldc = ldc | 0; accumulate = accumulate | 0
    var i = 0, j = 0, k = 0, ai = 0, bj = 0, p = 0, q = 0, ci = 0
    var aRow2 = 0, aRow3 = 0, bCol2 = 0, bCol3 = 0, ldc4 = 0
    var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0, b0 = 0.0, b1 = 0.0, b2 = 0.0, b3 = 0.0
    var c00 = 0.0, c01 = 0.0, c02 = 0.0, c03 = 0.0, c10 = 0.0, c11 = 0.0, c12 = 0.0, c13 = 0.0
    var c20 = 0.0, c21 = 0.0, c22 = 0.0, c23 = 0.0, c30 = 0.0, c31 = 0.0, c32 = 0.0, c33 = 0.0
    aRow2 = aRow << 1; aRow3 = (aRow2 + aRow) | 0
    bCol2 = bCol << 1; bCol3 = (bCol2 + bCol) | 0
    ldc4 = ldc << 2
    for (i = 0; (i | 0) < (M4 | 0); i = (i + 4) | 0) {
      ai = (a + (imul(i, aRow) | 0)) | 0
      for (j = 0; (j | 0) < (N4 | 0); j = (j + 4) | 0) {
        bj = (b + (imul(j, bBlock) | 0)) | 0
        c00 = 0.0; c01 = 0.0; c02 = 0.0; c03 = 0.0; c10 = 0.0; c11 = 0.0; c12 = 0.0; c13 = 0.0
        c20 = 0.0; c21 = 0.0; c22 = 0.0; c23 = 0.0; c30 = 0.0; c31 = 0.0; c32 = 0.0; c33 = 0.0
        p = ai; q = bj
        for (k = 0; (k | 0) < (K | 0); k = (k + 1) | 0) {
          a0 = +F[p >> 2]; a1 = +F[(p + aRow) >> 2]; a2 = +F[(p + aRow2) >> 2]; a3 = +F[(p + aRow3) >> 2]
          b0 = +F[q >> 2]; b1 = +F[(q + bCol) >> 2]; b2 = +F[(q + bCol2) >> 2]; b3 = +F[(q + bCol3) >> 2]
          c00 = c00 + a0 * b0; c01 = c01 + a0 * b1; c02 = c02 + a0 * b2; c03 = c03 + a0 * b3
          c10 = c10 + a1 * b0; c11 = c11 + a1 * b1; c12 = c12 + a1 * b2; c13 = c13 + a1 * b3
          c20 = c20 + a2 * b0; c21 = c21 + a2 * b1; c22 = c22 + a2 * b2; c23 = c23 + a2 * b3
          c30 = c30 + a3 * b0; c31 = c31 + a3 * b1; c32 = c32 + a3 * b2; c33 = c33 + a3 * b3
          p = (p + aK) | 0; q = (q + bK) | 0
        }
        // C[c] += s rounds C[c] + s once to float, as the TypeScript `C[c] += s` does.
        ci = (c + (((imul(i, ldc) | 0) + j) << 2)) | 0
        if (accumulate) { c00 = c00 + +F[ci >> 2]; c01 = c01 + +F[(ci + 4) >> 2]; c02 = c02 + +F[(ci + 8) >> 2]; c03 = c03 + +F[(ci + 12) >> 2] }
        F[ci >> 2] = c00; F[(ci + 4) >> 2] = c01; F[(ci + 8) >> 2] = c02; F[(ci + 12) >> 2] = c03
        ci = (ci + ldc4) | 0
        if (accumulate) { c10 = c10 + +F[ci >> 2]; c11 = c11 + +F[(ci + 4) >> 2]; c12 = c12 + +F[(ci + 8) >> 2]; c13 = c13 + +F[(ci + 12) >> 2] }
        F[ci >> 2] = c10; F[(ci + 4) >> 2] = c11; F[(ci + 8) >> 2] = c12; F[(ci + 12) >> 2] = c13
        ci = (ci + ldc4) | 0
        if (accumulate) { c20 = c20 + +F[ci >> 2]; c21 = c21 + +F[(ci + 4) >> 2]; c22 = c22 + +F[(ci + 8) >> 2]; c23 = c23 + +F[(ci + 12) >> 2] }
        F[ci >> 2] = c20; F[(ci + 4) >> 2] = c21; F[(ci + 8) >> 2] = c22; F[(ci + 12) >> 2] = c23
        ci = (ci + ldc4) | 0
        if (accumulate) { c30 = c30 + +F[ci >> 2]; c31 = c31 + +F[(ci + 4) >> 2]; c32 = c32 + +F[(ci + 8) >> 2]; c33 = c33 + +F[(ci + 12) >> 2] }
        F[ci >> 2] = c30; F[(ci + 4) >> 2] = c31; F[(ci + 8) >> 2] = c32; F[(ci + 12) >> 2] = c33
      }
    }
  }

  return { blocks4x4: blocks4x4 }
}
