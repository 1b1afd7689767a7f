#include "gemm.h"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define RB_X86 1
#endif

namespace rb {

void pack_transposed(PackedB& out, const float* W, int N, int K, long ldw) {
  out.K = K; out.N = N; out.panels = (N + NR - 1) / NR;
  out.data.assign((size_t)out.panels * K * NR, 0.f);
  for (int p = 0; p < out.panels; p++) {
    float* dst = out.data.data() + (size_t)p * K * NR;
    int cols = std::min(NR, N - p * NR);
    for (int j = 0; j < cols; j++) {
      const float* src = W + (long)(p * NR + j) * ldw;
      for (int k = 0; k < K; k++) dst[k * NR + j] = src[k];
    }
  }
}

void pack_plain(PackedB& out, const float* W, int K, int N, long ldw) {
  out.K = K; out.N = N; out.panels = (N + NR - 1) / NR;
  out.data.assign((size_t)out.panels * K * NR, 0.f);
  for (int p = 0; p < out.panels; p++) {
    float* dst = out.data.data() + (size_t)p * K * NR;
    int cols = std::min(NR, N - p * NR);
    for (int k = 0; k < K; k++) std::memcpy(dst + k * NR, W + k * ldw + p * NR, cols * sizeof(float));
  }
}

// ----------------------------------------------------------------------------------------------
// Micro-kernels: acc[R][NR] = Σ_k A(i, k) · Bp[k][j] for a tile of R ≤ MR rows. R is a template
// parameter, so edge tiles cost exactly their rows and the hot loop is fully unrolled.

using Kernel = void (*)(int K, const float* A, long sai, long sak, const float* Bp, float* acc);

template <int R>
static void kernel_portable(int K, const float* A, long sai, long sak, const float* Bp, float* acc) {
  float c[R][NR] = {};
  for (int k = 0; k < K; k++) {
    const float* b = Bp + k * NR;
    for (int i = 0; i < R; i++) {
      const float a = A[i * sai + k * sak];
      for (int j = 0; j < NR; j++) c[i][j] += a * b[j];
    }
  }
  std::memcpy(acc, c, sizeof c);
}

#ifdef RB_X86
// R = 6: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers.
template <int R>
__attribute__((target("avx2,fma")))
static void kernel_avx2(int K, const float* A, long sai, long sak, const float* Bp, float* acc) {
  __m256 c0[R], c1[R];
#pragma GCC unroll 6
  for (int i = 0; i < R; i++) { c0[i] = _mm256_setzero_ps(); c1[i] = _mm256_setzero_ps(); }
  for (int k = 0; k < K; k++, Bp += NR) {
    const __m256 b0 = _mm256_loadu_ps(Bp), b1 = _mm256_loadu_ps(Bp + 8);
    const float* a = A + k * sak;
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
      const __m256 ai = _mm256_broadcast_ss(a + i * sai);
      c0[i] = _mm256_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm256_fmadd_ps(ai, b1, c1[i]);
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < R; i++) { _mm256_storeu_ps(acc + i * NR, c0[i]); _mm256_storeu_ps(acc + i * NR + 8, c1[i]); }
}
#endif

bool cpu_has_avx2_fma() {
#ifdef RB_X86
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

const char* kernel_isa() { return cpu_has_avx2_fma() ? "avx2-fma" : "portable"; }

/** kernels[R - 1] computes R rows. */
static const Kernel* pick_kernels() {
  static const Kernel portable[MR] = {kernel_portable<1>, kernel_portable<2>, kernel_portable<3>, kernel_portable<4>, kernel_portable<5>, kernel_portable<6>};
#ifdef RB_X86
  static const Kernel avx2[MR] = {kernel_avx2<1>, kernel_avx2<2>, kernel_avx2<3>, kernel_avx2<4>, kernel_avx2<5>, kernel_avx2<6>};
  if (cpu_has_avx2_fma()) return avx2;
#endif
  return portable;
}

// Rows are blocked so that a block of A stays in cache while every B panel passes over it.
constexpr int MC = 48;

void gemm(int M, const float* A, long sai, long sak, const PackedB& B, float* C, long ldc, bool accumulate, ThreadPool* pool) {
  static const Kernel* const kernels = pick_kernels();
  const int K = B.K, N = B.N;
  if (M <= 0 || N <= 0) return;
  if (K == 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::fill(C + i * ldc, C + i * ldc + N, 0.f);
    return;
  }
  auto work = [&](int p0, int p1) {
    alignas(32) float acc[MR * NR];
    for (int i0 = 0; i0 < M; i0 += MC) {
      const int i1 = std::min(M, i0 + MC);
      for (int p = p0; p < p1; p++) {
        const float* Bp = B.panel(p);
        const int j0 = p * NR, cols = std::min(NR, N - j0);
        for (int i = i0; i < i1; i += MR) {
          const int rows = std::min(MR, i1 - i);
          kernels[rows - 1](K, A + (long)i * sai, sai, sak, Bp, acc);
          for (int r = 0; r < rows; r++) {
            float* c = C + (long)(i + r) * ldc + j0;
            const float* a = acc + r * NR;
            if (accumulate) for (int j = 0; j < cols; j++) c[j] += a[j];
            else for (int j = 0; j < cols; j++) c[j] = a[j];
          }
        }
      }
    }
  };
  if (pool && pool->size() > 1 && B.panels > 1) pool->parallel_for(B.panels, work);
  else work(0, B.panels);
}

}  // namespace rb
