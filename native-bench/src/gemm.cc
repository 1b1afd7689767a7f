#include "gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define RB_X86 1
#endif

namespace rb {

// Panels are independent, so packing splits across the pool; the buffer is reused between calls
// (resized only when the shape changes) and the zero padding is written once.
static void prepare(PackedB& out, int K, int N) {
  const int panels = (N + NR - 1) / NR;
  if (out.K != K || out.N != N) out.data.assign((size_t)panels * K * NR, 0.f);
  out.K = K; out.N = N; out.panels = panels;
}

void pack_transposed(PackedB& out, const float* W, int N, int K, long ldw, ThreadPool* pool) {
  prepare(out, K, N);
  auto work = [&](int p0, int p1) {
    for (int p = p0; p < p1; p++) {
      float* dst = out.data.data() + (size_t)p * K * NR;
      const int cols = std::min(NR, N - p * NR);
      for (int j = 0; j < cols; j++) {
        const float* src = W + (long)(p * NR + j) * ldw;
        for (int k = 0; k < K; k++) dst[k * NR + j] = src[k];
      }
    }
  };
  if (pool && pool->size() > 1) pool->parallel_for(out.panels, work); else work(0, out.panels);
}

void pack_plain(PackedB& out, const float* W, int K, int N, long ldw, ThreadPool* pool) {
  prepare(out, K, N);
  auto work = [&](int p0, int p1) {
    for (int p = p0; p < p1; p++) {
      float* dst = out.data.data() + (size_t)p * K * NR;
      const int cols = std::min(NR, N - p * NR);
      for (int k = 0; k < K; k++) std::memcpy(dst + k * NR, W + k * ldw + p * NR, cols * sizeof(float));
    }
  };
  if (pool && pool->size() > 1) pool->parallel_for(out.panels, work); else work(0, out.panels);
}

// ----------------------------------------------------------------------------------------------
// Micro-kernels: C[R rows][cols] (+)= Σ_k A(i, k) · Bp[k][j] for a tile of R ≤ MR rows, written
// straight from registers. R is a template parameter, so edge tiles cost exactly their rows and
// the hot loop is fully unrolled.

using Kernel = void (*)(int K, const float* A, long sai, long sak, const float* Bp, float* C, long ldc, int cols, bool add);

static inline void write_row(float* c, const float* v, int cols, bool add) {
  if (add) for (int j = 0; j < cols; j++) c[j] += v[j];
  else for (int j = 0; j < cols; j++) c[j] = v[j];
}

template <int R>
static void kernel_portable(int K, const float* A, long sai, long sak, const float* Bp, float* C, long ldc, int cols, bool add) {
  float c[R][NR] = {};
  for (int k = 0; k < K; k++) {
    const float* b = Bp + k * NR;
    for (int i = 0; i < R; i++) {
      const float a = A[i * sai + k * sak];
      for (int j = 0; j < NR; j++) c[i][j] += a * b[j];
    }
  }
  for (int i = 0; i < R; i++) write_row(C + i * ldc, c[i], cols, add);
}

#ifdef RB_X86
// R = 6: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers.
template <int R>
__attribute__((target("avx2,fma")))
static void kernel_avx2(int K, const float* A, long sai, long sak, const float* Bp, float* C, long ldc, int cols, bool add) {
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
  if (cols == NR) {
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) {
      float* c = C + i * ldc;
      if (add) { c0[i] = _mm256_add_ps(c0[i], _mm256_loadu_ps(c)); c1[i] = _mm256_add_ps(c1[i], _mm256_loadu_ps(c + 8)); }
      _mm256_storeu_ps(c, c0[i]);
      _mm256_storeu_ps(c + 8, c1[i]);
    }
    return;
  }
  // Every loop over the accumulators is unrolled: one indexed by a run-time i would force them out
  // of registers into memory for the whole k loop (2.5× slower, measured).
  alignas(32) float row[NR];
#pragma GCC unroll 6
  for (int i = 0; i < R; i++) {
    _mm256_store_ps(row, c0[i]);
    _mm256_store_ps(row + 8, c1[i]);
    write_row(C + i * ldc, row, cols, add);
  }
}

// The same 6×16 tile with AVX-512: one zmm accumulator per row, the A broadcast folded into the
// FMA's memory operand, edge columns by mask. A third of the AVX2 kernel's instructions for the
// same FLOPs: 10–20% faster training steps at H = 128–256 on this Zen 4 (whose 512-bit FMAs are
// double-pumped, so the gain is the front end and the loads, not wider arithmetic); see
// docs/PERFORMANCE.md.
template <int R>
__attribute__((target("avx512f")))
static void kernel_avx512(int K, const float* A, long sai, long sak, const float* Bp, float* C, long ldc, int cols, bool add) {
  __m512 c[R];
#pragma GCC unroll 6
  for (int i = 0; i < R; i++) c[i] = _mm512_setzero_ps();
  for (int k = 0; k < K; k++, Bp += NR) {
    const __m512 b = _mm512_loadu_ps(Bp);
    const float* a = A + k * sak;
#pragma GCC unroll 6
    for (int i = 0; i < R; i++) c[i] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * sai]), b, c[i]);
  }
  const __mmask16 m = cols == NR ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
#pragma GCC unroll 6
  for (int i = 0; i < R; i++) {
    float* ci = C + i * ldc;
    if (add) c[i] = _mm512_add_ps(c[i], _mm512_maskz_loadu_ps(m, ci));
    _mm512_mask_storeu_ps(ci, m, c[i]);
  }
}
#endif

/** RNNBENCH_NATIVE_ISA=portable|avx2 caps the kernels, so that the paths of older CPUs (and arm64) are tested on this one too. */
static bool isa_capped_at(const char* name) {
  const char* isa = std::getenv("RNNBENCH_NATIVE_ISA");
  return isa && std::strcmp(isa, name) == 0;
}

bool cpu_has_avx2_fma() {
#ifdef RB_X86
  static const bool yes = !isa_capped_at("portable") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

bool cpu_has_avx512() {
#ifdef RB_X86
  static const bool yes = cpu_has_avx2_fma() && !isa_capped_at("avx2") && __builtin_cpu_supports("avx512f");
  return yes;
#else
  return false;
#endif
}

const char* kernel_isa() { return cpu_has_avx512() ? "avx512" : cpu_has_avx2_fma() ? "avx2-fma" : "portable"; }

/** kernels[R - 1] computes R rows. */
static const Kernel* pick_kernels() {
  static const Kernel portable[MR] = {kernel_portable<1>, kernel_portable<2>, kernel_portable<3>, kernel_portable<4>, kernel_portable<5>, kernel_portable<6>};
#ifdef RB_X86
  static const Kernel avx2[MR] = {kernel_avx2<1>, kernel_avx2<2>, kernel_avx2<3>, kernel_avx2<4>, kernel_avx2<5>, kernel_avx2<6>};
  static const Kernel avx512[MR] = {kernel_avx512<1>, kernel_avx512<2>, kernel_avx512<3>, kernel_avx512<4>, kernel_avx512<5>, kernel_avx512<6>};
  if (cpu_has_avx512()) return avx512;
  if (cpu_has_avx2_fma()) return avx2;
#endif
  return portable;
}

// Blocking: KC rows of k per pass keep a B panel slice (KC·NR floats, 16 KB) in L1; MC rows of A
// per block keep that block in L2 while every B panel passes over it.
constexpr int KC = 256;
constexpr int MC = 96;

/** Rows of the next tile: 6, except that a remainder of 7 or 8 rows becomes 4 + 3 or 4 + 4. */
static inline int tile_rows(int remaining) {
  return remaining == 7 || remaining == 8 ? 4 : std::min(MR, remaining);
}

void gemm(int M, const float* A, long sai, long sak, const PackedB& B, float* C, long ldc, bool accumulate, ThreadPool* pool) {
  static const Kernel* const kernels = pick_kernels();
  const int K = B.K, N = B.N;
  if (M <= 0 || N <= 0) return;
  if (K == 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::fill(C + i * ldc, C + i * ldc + N, 0.f);
    return;
  }
  if (M >= 2 * MC) {
    // Many rows (the all-timestep products): each row block of A is packed once per block of k
    // into 6-row panels, so the kernel reads it contiguously while every B panel passes over it.
    // Threads take whole row blocks.
    const int row_blocks = (M + MC - 1) / MC;
    auto work = [&](int r0, int r1) {
      thread_local std::vector<float> packed;  // this thread's: the lambda runs on it
      packed.resize((size_t)MC * KC);
      float* Ap = packed.data();
      for (int rb = r0; rb < r1; rb++) {
        const int i0 = rb * MC, i1 = std::min(M, i0 + MC);
        for (int k0 = 0; k0 < K; k0 += KC) {
          const int kc = std::min(KC, K - k0);
          const bool add = accumulate || k0 > 0;
          for (int i = i0, t = 0; i < i1; i += MR, t++) {
            const int rows = std::min(MR, i1 - i);
            float* dst = Ap + (size_t)t * kc * MR;
            for (int r = 0; r < MR; r++) {
              const float* src = A + (long)(i + std::min(r, rows - 1)) * sai + (long)k0 * sak;
              for (int k = 0; k < kc; k++) dst[k * MR + r] = src[k * sak];
            }
          }
          for (int p = 0; p < B.panels; p++) {
            const int j0 = p * NR, cols = std::min(NR, N - j0);
            const float* Bp = B.panel(p) + (long)k0 * NR;
            for (int i = i0, t = 0; i < i1; i += MR, t++) {
              const int rows = std::min(MR, i1 - i);
              kernels[rows - 1](kc, Ap + (size_t)t * kc * MR, 1, MR, Bp, C + (long)i * ldc + j0, ldc, cols, add);
            }
          }
        }
      }
    };
    if (pool && pool->size() > 1) pool->parallel_for(row_blocks, work);
    else work(0, row_blocks);
    return;
  }
  // Few rows (one timestep's batch): A is tiny and stays in L1, so it is read in place; work
  // items are (row block, panel) pairs and a thread takes a contiguous range of them.
  const int row_blocks = (M + MC - 1) / MC;
  auto work = [&](int w0, int w1) {
    for (int k0 = 0; k0 < K; k0 += KC) {
      const int kc = std::min(KC, K - k0);
      const bool add = accumulate || k0 > 0;
      for (int w = w0; w < w1; w++) {
        const int i0 = (w / B.panels) * MC, p = w % B.panels;
        const int i1 = std::min(M, i0 + MC), j0 = p * NR, cols = std::min(NR, N - j0);
        const float* Bp = B.panel(p) + (long)k0 * NR;
        for (int i = i0, rows; i < i1; i += rows) {
          rows = tile_rows(i1 - i);
          kernels[rows - 1](kc, A + (long)i * sai + (long)k0 * sak, sai, sak, Bp, C + (long)i * ldc + j0, ldc, cols, add);
        }
      }
    }
  };
  const int items = row_blocks * B.panels;
  if (pool && pool->size() > 1 && items > 1) pool->parallel_for(items, work);
  else work(0, items);
}

void gemm_tn(int M, int N, int K, const float* A, long lda, const float* B, long ldb, float* C, long ldc, bool accumulate, ThreadPool* pool) {
  static const Kernel* const kernels = pick_kernels();
  if (M <= 0 || N <= 0) return;
  if (K == 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::fill(C + i * ldc, C + i * ldc + N, 0.f);
    return;
  }
  const int a_panels = (M + MR - 1) / MR, b_panels = (N + NR - 1) / NR;
  // Per block of k: A as [a_panels][kc][MR] and B as [b_panels][kc][NR], both contiguous in k.
  // The calling thread's scratch; pool threads must use these pointers, not their own thread_locals.
  thread_local std::vector<float> a_scratch, b_scratch;
  a_scratch.resize((size_t)a_panels * KC * MR);
  b_scratch.resize((size_t)b_panels * KC * NR);
  float* const Ap = a_scratch.data();
  float* const Bp = b_scratch.data();
  for (int k0 = 0; k0 < K; k0 += KC) {
    const int kc = std::min(KC, K - k0);
    const bool add = accumulate || k0 > 0;
    auto pack = [&](int q0, int q1) {
      for (int q = q0; q < q1; q++) {
        if (q < a_panels) {
          // This part's share of A's panels, written row by row of k: every row of A is read
          // once and contiguously (reading panel by panel revisits each cache line 16/6 times).
          const int q_end = std::min(q1, a_panels);
          for (int k = 0; k < kc; k++) {
            const float* src = A + (long)(k0 + k) * lda;
            for (int qq = q; qq < q_end; qq++) {
              float* dst = Ap + (size_t)qq * kc * MR + (size_t)k * MR;
              const int i0 = qq * MR, rows = std::min(MR, M - i0);
              int r = 0;
              for (; r < rows; r++) dst[r] = src[i0 + r];
              for (; r < MR; r++) dst[r] = 0.f;
            }
          }
          q = q_end - 1;
        } else {
          const int p = q - a_panels, j0 = p * NR, cols = std::min(NR, N - j0);
          float* dst = Bp + (size_t)p * kc * NR;
          for (int k = 0; k < kc; k++) {
            const float* src = B + (long)(k0 + k) * ldb + j0;
            int j = 0;
            for (; j < cols; j++) dst[k * NR + j] = src[j];
            for (; j < NR; j++) dst[k * NR + j] = 0.f;
          }
        }
      }
    };
    if (pool && pool->size() > 1) pool->parallel_for(a_panels + b_panels, pack);
    else pack(0, a_panels + b_panels);
    auto work = [&](int q0, int q1) {
      for (int q = q0; q < q1; q++) {
        const int i0 = q * MR, rows = std::min(MR, M - i0);
        const float* a = Ap + (size_t)q * kc * MR;
        for (int p = 0; p < b_panels; p++) {
          const int j0 = p * NR, cols = std::min(NR, N - j0);
          kernels[rows - 1](kc, a, 1, MR, Bp + (size_t)p * kc * NR, C + (long)i0 * ldc + j0, ldc, cols, add);
        }
      }
    };
    if (pool && pool->size() > 1) pool->parallel_for(a_panels, work);
    else work(0, a_panels);
  }
}

}  // namespace rb
