// Matrix products for the recurrent stack: C[M,N] (+)= A·B with A read through strides and B
// pre-packed into panels of 16 columns (the weights are packed once per pass and reused by every
// timestep). A register-blocked micro-kernel computes one tile: 8 rows × 32 columns with AVX-512,
// 6 × 16 with AVX2/FMA (chosen at run time), 6 × 16 in portable C++ elsewhere (and on arm64).
#pragma once
#include <cstddef>
#include <vector>
#include "huge_alloc.h"
#include "threadpool.h"

namespace rb {

constexpr int NR = 16;  // columns per packed panel

struct PackedB {
  int K = 0, N = 0, panels = 0;
  Buffer data;  // [panels][K][NR], zero-padded past N
  const float* panel(int p) const { return data.data() + (size_t)p * K * NR; }
};

// B(k, n) = W[n * ldw + k]: W stored [N, K] (PyTorch's [out, in]); C = A·Wᵀ.
void pack_transposed(PackedB& out, const float* W, int N, int K, long ldw, ThreadPool* pool = nullptr);
// B(k, n) = W[k' * ldw + n] with k' = (k + rotate) mod K: W stored [K, N]; C = A·W, A's columns
// taken rotate rows of W later (the GRU's gate gradients for W_ih come n first, then r and z).
void pack_plain(PackedB& out, const float* W, int K, int N, long ldw, ThreadPool* pool = nullptr, int rotate = 0);

// C[i*ldc + j] (+)= Σ_k A[i*sai + k*sak] · B(k, j), for i < M, j < B.N, k < B.K.
void gemm(int M, const float* A, long sai, long sak, const PackedB& B, float* C, long ldc, bool accumulate, ThreadPool* pool);

/** One B operand of the weight-gradient products: N columns; row k is B + (k + shift)·ldb, except
 *  the rows k in [alt0, alt0 + altn), which are alt + (k − alt0)·alt_ld (zeros when alt is
 *  null): the hidden states h_{t-1} are the layer output one timestep away, but the first step's
 *  come from h0. */
struct TnB {
  int N;
  const float* B; long ldb; long shift = 0;
  const float* alt = nullptr; long alt_ld = 0, alt0 = 0, altn = 0;
  const float* row(long k) const {
    if (k >= alt0 && k < alt0 + altn) return alt ? alt + (k - alt0) * alt_ld : nullptr;
    return B + (k + shift) * ldb;
  }
};

/** One product of gemm_tn: A's columns [a0, a0 + M) against each listed B operand, into that
 *  output's C ([M, N] in rows of ldc floats); colsum, when given, gets Σ_k A(k, a0 + i). */
struct TnProduct {
  int a0, M;
  float* colsum;
  struct Out { int b; float* C; long ldc; };
  int nout;
  Out out[2];
};

// The weight gradients: for each product and each of its outputs,
//   C[i*ldc + j] (+)= Σ_k A[k*lda + a0 + i] · B(k, j),   i < M, j < B.N, k < K,
// and colsum (+)= Σ_k A[k*lda + a0 + i] (the bias gradients, from the same pass). A is stored
// k-major, as the gate gradients are (k runs over the T·B rows), and read in place; each B is
// packed once per block of k, whichever products use it. The outputs of one product take one
// pass over its columns of A: dW_ih and dW_hh share the gate gradients (all of them for RNN and
// LSTM, the r and z gates for the GRU).
void gemm_tn(int K, const float* A, long lda, const TnB* bs, int nb, const TnProduct* ps, int nps, bool accumulate,
             ThreadPool* pool);

/** A row stride for a matrix of n-float rows: whole cache lines, and never a multiple of 1 KB.
 *  Rows 4 KB apart fall in one L1 set, so reading down a column of them (gemm_tn reads its A
 *  that way, mr floats per row) evicts each line before its neighbour tile comes for it. */
inline long padded_stride(long n) {
  const long s = (n + 15) / 16 * 16;
  return s % 256 == 0 ? s + 16 : s;
}

bool cpu_has_avx2_fma();
/** AVX-512F, for the GEMM micro-kernel and the cell kernels (cells_avx512.cc). */
bool cpu_has_avx512();
const char* kernel_isa();  // "avx512", "avx2-fma" or "portable"

}  // namespace rb
