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
  // One more zero panel when the count is odd: a kernel that takes panels in pairs may then read
  // the pair of the last one (its columns are masked off) without a separate edge kernel.
  if (out.K != K || out.N != N) out.data.assign((size_t)(panels + panels % 2) * K * NR, 0.f);
  out.K = K; out.N = N; out.panels = panels;
}

#ifdef RB_X86
// dst[k·ld + r] = src[r][k] for k < kc, r < 8: eight rows into eight columns, 8 × 8 blocks at a
// time in registers (the scalar loop costs a load and a store per float). For A's 8-row tiles
// (ld = 8) and for W's panels in pack_transposed (two calls of ld = NR); CPUs with AVX2 only.
__attribute__((target("avx2,fma")))
static void transpose_rows8(const float* const* src, int kc, float* dst, long ld = 8) {
  int k = 0;
  for (; k + 8 <= kc; k += 8) {
    __m256 r[8], t[8], s[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src[i] + k);
    for (int i = 0; i < 8; i += 2) { t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]); t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]); }
    // per 128-bit lane: s[0] = column 0 of rows 0–3 (and column 4 in the high lane), s[1] column 1, ...
    for (int h = 0; h < 8; h += 4) {
      s[h + 0] = _mm256_shuffle_ps(t[h + 0], t[h + 2], _MM_SHUFFLE(1, 0, 1, 0));
      s[h + 1] = _mm256_shuffle_ps(t[h + 0], t[h + 2], _MM_SHUFFLE(3, 2, 3, 2));
      s[h + 2] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(1, 0, 1, 0));
      s[h + 3] = _mm256_shuffle_ps(t[h + 1], t[h + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int j = 0; j < 4; j++) {
      _mm256_storeu_ps(dst + (k + j) * ld, _mm256_permute2f128_ps(s[j], s[j + 4], 0x20));
      _mm256_storeu_ps(dst + (k + j + 4) * ld, _mm256_permute2f128_ps(s[j], s[j + 4], 0x31));
    }
  }
  for (; k < kc; k++)
    for (int r = 0; r < 8; r++) dst[k * ld + r] = src[r][k];
}
#endif

void pack_transposed(PackedB& out, const float* W, int N, int K, long ldw, ThreadPool* pool) {
  prepare(out, K, N);
  auto work = [&](int p0, int p1) {
    for (int p = p0; p < p1; p++) {
      float* dst = out.data.data() + (size_t)p * K * NR;
      const int cols = std::min(NR, N - p * NR);
#ifdef RB_X86
      if (cols == NR && cpu_has_avx2_fma()) {
        for (int h = 0; h < NR; h += 8) {
          const float* src[8];
          for (int r = 0; r < 8; r++) src[r] = W + (long)(p * NR + h + r) * ldw;
          transpose_rows8(src, K, dst + h, NR);
        }
        continue;
      }
#endif
      for (int j = 0; j < cols; j++) {
        const float* src = W + (long)(p * NR + j) * ldw;
        for (int k = 0; k < K; k++) dst[k * NR + j] = src[k];
      }
    }
  };
  if (pool && pool->size() > 1) pool->parallel_for(out.panels, work); else work(0, out.panels);
}

void pack_plain(PackedB& out, const float* W, int K, int N, long ldw, ThreadPool* pool, int rotate) {
  prepare(out, K, N);
  auto work = [&](int p0, int p1) {
    for (int p = p0; p < p1; p++) {
      float* dst = out.data.data() + (size_t)p * K * NR;
      const int cols = std::min(NR, N - p * NR);
      for (int k = 0; k < K; k++) std::memcpy(dst + k * NR, W + (long)((k + rotate) % K) * ldw + p * NR, cols * sizeof(float));
    }
  };
  if (pool && pool->size() > 1) pool->parallel_for(out.panels, work); else work(0, out.panels);
}

// ----------------------------------------------------------------------------------------------
// Micro-kernels: C[R rows][cols] (+)= Σ_k A(i, k) · B(k, j) for a tile of R rows and up to
// np·NR columns, B read from np consecutive panels (pstride floats apart), written straight from
// registers. R is a template parameter, so edge tiles cost exactly their rows and the hot loop is
// fully unrolled.

using Kernel = void (*)(int K, const float* A, long sai, long sak, const float* Bp, long pstride, float* C, long ldc, int cols, bool add);

/** A kernel family: tiles of up to mr rows × np panels; kernels[r - 1] computes r rows. */
struct Tiling {
  int mr, np;
  const Kernel* kernels;
};

static inline void write_row(float* c, const float* v, int cols, bool add) {
  if (add) for (int j = 0; j < cols; j++) c[j] += v[j];
  else for (int j = 0; j < cols; j++) c[j] = v[j];
}

template <int R>
static void kernel_portable(int K, const float* A, long sai, long sak, const float* Bp, long, float* C, long ldc, int cols, bool add) {
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

// The AVX-512 kernel asks for its C tile this many steps of k before its last (about 16 cycles
// each), so that the adds and stores after the loop find it in L1. In the weight gradients, whose
// C (8 MB at H = 512) is read and written once per block of k, the code after the loop had 6.4%
// of the kernel's samples when gemm_tn fetched the tile before the call, and 3.1% with this
// (perf annotate, gemm_shapes dW2 512 64 50): the call streams 96 KB of A and B through the
// 32 KB L1 in between. On the AVX2 kernel the same fetch measured level, and it is left out.
// It is a branch in the k loop rather than the loop split in two around it: GCC compiled the
// split form 5-9% slower on every product (gemm_shapes all 512 64 50, three alternating runs).
constexpr int C_AHEAD = 32;
static inline void prefetch_c(const float* p, bool add) {
  if (add) __builtin_prefetch(p, 0, 3); else __builtin_prefetch(p, 1, 3);
}

#ifdef RB_X86
// 6 rows × 1 panel: 12 accumulators + 2 B vectors + 1 broadcast = 15 of the 16 ymm registers.
template <int R>
__attribute__((target("avx2,fma")))
static void kernel_avx2(int K, const float* A, long sai, long sak, const float* Bp, long, float* C, long ldc, int cols, bool add) {
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

// 8 rows × 2 panels with AVX-512: 16 zmm accumulators + 2 B vectors + 1 broadcast of the 32
// registers; each broadcast of A feeds two FMAs and each B load eight, and the 16 independent
// accumulators keep both FMA pipes busy past their 4-cycle latency. Edge columns by mask (a
// panel past N is zero padding, see prepare()).
template <int R>
__attribute__((target("avx512f")))
static void kernel_avx512(int K, const float* A, long sai, long sak, const float* Bp, long pstride, float* C, long ldc, int cols, bool add) {
  __m512 c0[R], c1[R];
#pragma GCC unroll 8
  for (int i = 0; i < R; i++) { c0[i] = _mm512_setzero_ps(); c1[i] = _mm512_setzero_ps(); }
  const float* Bq = Bp + pstride;
  const int k_pf = std::max(0, K - C_AHEAD);
  for (int k = 0; k < K; k++) {
    const __m512 b0 = _mm512_loadu_ps(Bp + k * NR), b1 = _mm512_loadu_ps(Bq + k * NR);
    const float* a = A + k * sak;
#pragma GCC unroll 8
    for (int i = 0; i < R; i++) {
      const __m512 ai = _mm512_set1_ps(a[i * sai]);
      c0[i] = _mm512_fmadd_ps(ai, b0, c0[i]);
      c1[i] = _mm512_fmadd_ps(ai, b1, c1[i]);
    }
    if (__builtin_expect(k == k_pf, 0))
#pragma GCC unroll 8
      for (int i = 0; i < R; i++) {
        prefetch_c(C + i * ldc, add);
        if (cols > NR) prefetch_c(C + i * ldc + NR, add);
      }
  }
  const __mmask16 m0 = cols >= NR ? (__mmask16)0xFFFF : (__mmask16)((1u << cols) - 1);
  const __mmask16 m1 = cols >= 2 * NR ? (__mmask16)0xFFFF : cols <= NR ? (__mmask16)0 : (__mmask16)((1u << (cols - NR)) - 1);
#pragma GCC unroll 8
  for (int i = 0; i < R; i++) {
    float* ci = C + i * ldc;
    if (add) {
      c0[i] = _mm512_add_ps(c0[i], _mm512_maskz_loadu_ps(m0, ci));
      c1[i] = _mm512_add_ps(c1[i], _mm512_maskz_loadu_ps(m1, ci + NR));
    }
    _mm512_mask_storeu_ps(ci, m0, c0[i]);
    _mm512_mask_storeu_ps(ci + NR, m1, c1[i]);
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

static const Tiling& pick_tiling() {
  static const Kernel portable[6] = {kernel_portable<1>, kernel_portable<2>, kernel_portable<3>, kernel_portable<4>, kernel_portable<5>, kernel_portable<6>};
  static const Tiling portable_tiling{6, 1, portable};
#ifdef RB_X86
  static const Kernel avx2[6] = {kernel_avx2<1>, kernel_avx2<2>, kernel_avx2<3>, kernel_avx2<4>, kernel_avx2<5>, kernel_avx2<6>};
  static const Kernel avx512[8] = {kernel_avx512<1>, kernel_avx512<2>, kernel_avx512<3>, kernel_avx512<4>,
                                   kernel_avx512<5>, kernel_avx512<6>, kernel_avx512<7>, kernel_avx512<8>};
  static const Tiling avx2_tiling{6, 1, avx2}, avx512_tiling{8, 2, avx512};
  if (cpu_has_avx512()) return avx512_tiling;
  if (cpu_has_avx2_fma()) return avx2_tiling;
#endif
  return portable_tiling;
}

// Blocking: KC rows of k per pass in gemm()'s many-row path (the input projection's chunks of
// timesteps), so that K up to 512 (I = 512) runs in one pass, with C written once instead of read
// back and added to; the B slice of one kernel call (32 KB per panel, 64 KB for the AVX-512 pair)
// then streams from L2. MC rows of A per block (a multiple of every tiling's mr) keep that block,
// packed, in L2 while every B panel passes over it.
// The few-rows path (one timestep's batch: the recurrent product, dh and dX) reads A in place and
// has no packed block to fit in L2: KC_FEW = 2048 runs the backward's per-step products (K = G·H,
// 2048 for an LSTM at H = 512) in one pass instead of four.
// 512 rows against 256, when KC served both paths, on a Zen 4 core (L1 32 KB, L2 1 MB),
// alternating bench_stack runs, new/old median: LSTM H=512 B=64 T=50 0.972, H=256 B=32 0.996
// (its dh and dX products, K = 1024, then took two passes instead of four).
// gemm_tn takes its long k (the T·B rows) KC_TN rows per pass: every pass reads and writes all of
// C (the weight gradients: G·H × (I + H) floats, 8 MB for an LSTM at H = 512, past L2), so fewer
// passes move less. 512 rather than 256, gemm_shapes dW2 at H=512 B=64 T=50, three alternating
// runs: 98-99 -> 104-106 GFLOP/s (H=256 level). 1600 rather than 512, in chunks of 4 tiles
// rather than 8 (A's chunk and a B slice, 200 KB each, stay in L2): dW2 108.1-108.7 -> 111.2-111.5.
// With KC_FEW, 20 alternating rounds of bench_stack (docs/PERFORMANCE.md): LSTM H=512 B=64 T=50
// 1.35% faster (18 rounds of 20), eight other shapes of bench/compare.mjs level (0.993-1.007).
constexpr int KC = 512;
constexpr int KC_FEW = 2048;
constexpr int KC_TN = 1600;
constexpr int MC = 96;
// Tiles of A per chunk in gemm_tn: 4 × 8 columns × KC_TN rows, 200 KB of A in L2.
constexpr int QC_TN = 4;
static_assert(MC % 6 == 0 && MC % 8 == 0, "a row block of A is packed as whole tiles of every tiling");

static inline void prefetch_l2(const float* p) {
#ifdef RB_X86
  _mm_prefetch((const char*)p, _MM_HINT_T1);
#else
  __builtin_prefetch(p, 0, 2);
#endif
}

/** Rows of the next tile: mr, except that a remainder a little over mr is split in two halves
 *  (6 + 2 rows would leave a tile with too few accumulators to hide the FMA latency). */
static inline int tile_rows(int remaining, int mr) {
  return remaining > mr && remaining < mr + 4 ? (remaining + 1) / 2 : std::min(mr, remaining);
}

void gemm(int M, const float* A, long sai, long sak, const PackedB& B, float* C, long ldc, bool accumulate, ThreadPool* pool) {
  static const Tiling& tl = pick_tiling();
  const int K = B.K, N = B.N, mr = tl.mr, np = tl.np;
  const long pstride = (long)K * NR;
  if (M <= 0 || N <= 0) return;
  if (K == 0) {
    if (!accumulate) for (int i = 0; i < M; i++) std::fill(C + i * ldc, C + i * ldc + N, 0.f);
    return;
  }
  const int groups = (B.panels + np - 1) / np;  // np panels per kernel call
  if (M >= 2 * MC) {
    // Many rows (the all-timestep products): each row block of A is packed once per block of k
    // into mr-row panels, so the kernel reads it contiguously while every B panel passes over it.
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
          for (int i = i0, t = 0; i < i1; i += mr, t++) {
            const int rows = std::min(mr, i1 - i);
            float* dst = Ap + (size_t)t * kc * mr;
            const float* src[8];
            for (int r = 0; r < mr; r++) src[r] = A + (long)(i + std::min(r, rows - 1)) * sai + (long)k0 * sak;
#ifdef RB_X86
            if (mr == 8 && sak == 1) { transpose_rows8(src, kc, dst); continue; }
#endif
            for (int r = 0; r < mr; r++)
              for (int k = 0; k < kc; k++) dst[k * mr + r] = src[r][k * sak];
          }
          for (int q = 0; q < groups; q++) {
            const int j0 = q * np * NR, cols = std::min(np * NR, N - j0);
            const float* Bp = B.panel(q * np) + (long)k0 * NR;
            for (int i = i0, t = 0; i < i1; i += mr, t++) {
              const int rows = std::min(mr, i1 - i);
              tl.kernels[rows - 1](kc, Ap + (size_t)t * kc * mr, 1, mr, Bp, pstride, C + (long)i * ldc + j0, ldc, cols, add);
            }
          }
        }
      }
    };
    if (pool && pool->size() > 1) pool->parallel_for(row_blocks, work);
    else work(0, row_blocks);
    return;
  }
  // Few rows (one timestep's batch): A is tiny and stays in cache, so it is read in place; work
  // items are (row block, panel group) pairs and a thread takes a contiguous range of them.
  const int row_blocks = (M + MC - 1) / MC;
  auto work = [&](int w0, int w1) {
    for (int k0 = 0; k0 < K; k0 += KC_FEW) {
      const int kc = std::min(KC_FEW, K - k0);
      const bool add = accumulate || k0 > 0;
      for (int w = w0; w < w1; w++) {
        const int i0 = (w / groups) * MC, q = w % groups;
        const int i1 = std::min(M, i0 + MC), j0 = q * np * NR, cols = std::min(np * NR, N - j0);
        const float* Bp = B.panel(q * np) + (long)k0 * NR;
        for (int i = i0, rows; i < i1; i += rows) {
          rows = tile_rows(i1 - i, mr);
          tl.kernels[rows - 1](kc, A + (long)i * sai + (long)k0 * sak, sai, sak, Bp, pstride, C + (long)i * ldc + j0, ldc, cols, add);
        }
      }
    }
  };
  const int items = row_blocks * groups;
  if (pool && pool->size() > 1 && items > 1) pool->parallel_for(items, work);
  else work(0, items);
}

/** sums[i] += Σ_k A[k·lda + i] for i < width, k < kc. */
#ifdef RB_X86
__attribute__((target("avx2,fma")))
static void add_row_sums8(const float* A, long lda, int kc, float* sums) {
  // Four partial sums, so that the adds are not one chain of kc dependent latencies.
  __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
  int k = 0;
  for (; k + 4 <= kc; k += 4) {
    s0 = _mm256_add_ps(s0, _mm256_loadu_ps(A + k * lda));
    s1 = _mm256_add_ps(s1, _mm256_loadu_ps(A + (k + 1) * lda));
    s2 = _mm256_add_ps(s2, _mm256_loadu_ps(A + (k + 2) * lda));
    s3 = _mm256_add_ps(s3, _mm256_loadu_ps(A + (k + 3) * lda));
  }
  for (; k < kc; k++) s0 = _mm256_add_ps(s0, _mm256_loadu_ps(A + k * lda));
  _mm256_storeu_ps(sums, _mm256_add_ps(_mm256_loadu_ps(sums), _mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3))));
}
#endif

static void add_row_sums(const float* A, long lda, int kc, int width, float* sums) {
#ifdef RB_X86
  if (width == 8 && cpu_has_avx2_fma()) { add_row_sums8(A, lda, kc, sums); return; }
#endif
  for (int k = 0; k < kc; k++)
    for (int i = 0; i < width; i++) sums[i] += A[k * lda + i];
}

void gemm_tn(int K, const float* A, long lda, const TnB* bs, int nb, const TnProduct* ps, int nps, bool accumulate,
             ThreadPool* pool) {
  static const Tiling& tl = pick_tiling();
  const int mr = tl.mr, np = tl.np, width = np * NR;
  // Each B's columns in groups of np panels (one kernel call's width): B b's groups are
  // grp[first[b] .. first[b + 1]), group g computing columns [j0, j0 + cols).
  struct Group { int b, j0, cols; };
  std::vector<Group> grp;
  std::vector<int> first(nb + 1);
  for (int b = 0; b < nb; b++) {
    first[b] = (int)grp.size();
    for (int j0 = 0; j0 < bs[b].N; j0 += width) grp.push_back({b, j0, std::min(width, bs[b].N - j0)});
  }
  first[nb] = (int)grp.size();
  // The bias gradients are summed tile by tile in each product's first panel group's pass, from
  // the rows its kernel call has just brought into L1, instead of a pass of their own over all of
  // A (T·B·G·H floats); docs/PERFORMANCE.md has the A/B. They start from zero here.
  if (!accumulate)
    for (int p = 0; p < nps; p++) {
      const TnProduct& P = ps[p];
      if (P.colsum) std::fill(P.colsum, P.colsum + P.M, 0.f);
      if (K == 0)  // no pass follows: the products are zero
        for (int o = 0; o < P.nout; o++)
          for (int i = 0; i < P.M; i++) std::fill(P.out[o].C + i * P.out[o].ldc, P.out[o].C + i * P.out[o].ldc + bs[P.out[o].b].N, 0.f);
    }
  if (K == 0) return;
  // A needs no packing: Aᵀ's tile of mr rows at step k is mr consecutive floats of A's row k, so
  // the kernel reads A in place (element stride 1, k stride lda). Copying A into panels cost more
  // than the product's saving on the largest operand here (the gate gradients, [T·B, G·H]).
  // Work comes in chunks of QC_TN tiles of one product's columns of A.
  struct Chunk { int p, q0, q1; };
  std::vector<Chunk> chunks;
  for (int p = 0; p < nps; p++) {
    const int tiles = (ps[p].M + mr - 1) / mr;
    for (int q0 = 0; q0 < tiles; q0 += QC_TN) chunks.push_back({p, q0, std::min(tiles, q0 + QC_TN)});
  }
  const int groups = (int)grp.size(), b_panels = groups * np;
  // Per block of k: every B as [b_panels][kc][NR], contiguous in k, panels pstride floats apart.
  // Packed a row of B at a time (its reads then stream along the row); the one line of padding
  // between panels keeps row k of every panel out of a single L1 set (a panel is 100 KB).
  const long pstride = (long)KC_TN * NR + NR;
  // The calling thread's scratch; pool threads must use this pointer, not their own thread_locals.
  thread_local std::vector<float> b_scratch;
  b_scratch.resize((size_t)b_panels * pstride);
  float* const Bp = b_scratch.data();
  for (int k0 = 0; k0 < K; k0 += KC_TN) {
    const int kc = std::min(KC_TN, K - k0);
    const bool add = accumulate || k0 > 0;
    auto pack = [&](int r0, int r1) {
      for (int k = r0; k < r1; k++)
        for (int b = 0; b < nb; b++) {
          const float* src = bs[b].row(k0 + k);  // null: a row of zeros
          for (int pi = first[b] * np; pi < first[b + 1] * np; pi++) {
            const int j0 = grp[pi / np].j0 + (pi % np) * NR, cols = std::max(0, std::min(NR, bs[b].N - j0));
            float* dst = Bp + pi * pstride + (long)k * NR;
            if (cols == NR && src) { std::memcpy(dst, src + j0, NR * sizeof(float)); continue; }
            if (src && cols > 0) std::memcpy(dst, src + j0, cols * sizeof(float));
            std::fill(dst + (src ? cols : 0), dst + NR, 0.f);
          }
        }
    };
    if (pool && pool->size() > 1) pool->parallel_for(kc, pack);
    else pack(0, kc);
    // Every B panel group of the chunk's outputs passes over the chunk (its slice staying in L2
    // across the chunk), and the next chunk this thread takes (here, else its first in the next
    // block of k) is fetched into L2 a few rows per kernel call: its rows are a page apart, where
    // no hardware prefetcher follows.
    auto work = [&](int c0, int c1) {
      for (int c = c0; c < c1; c++) {
        const Chunk& ch = chunks[c];
        const TnProduct& P = ps[ch.p];
        const bool here = c + 1 < c1;
        const Chunk& nx = chunks[here ? c + 1 : c0];
        const int nk0 = here ? k0 : k0 + KC_TN, nrows = std::max(0, std::min(KC_TN, K - nk0));
        const int ni0 = ps[nx.p].a0 + nx.q0 * mr, nwidth = std::min(ps[nx.p].M, nx.q1 * mr) - nx.q0 * mr;
        int calls = 0;
        for (int o = 0; o < P.nout; o++) calls += (first[P.out[o].b + 1] - first[P.out[o].b]) * (ch.q1 - ch.q0);
        const int per_call = (nrows + calls - 1) / std::max(1, calls);
        const float* next_row = A + (long)nk0 * lda + ni0;
        int fetched = 0;
        bool sums = P.colsum != nullptr;  // in the first panel group's pass only
        for (int o = 0; o < P.nout; o++) {
          const TnProduct::Out& out = P.out[o];
          for (int g = first[out.b]; g < first[out.b + 1]; g++) {
            const int j0 = grp[g].j0, cols = grp[g].cols;
            for (int q = ch.q0; q < ch.q1; q++) {
              const int i0 = q * mr, rows = std::min(mr, P.M - i0);
              const float* At = A + (long)k0 * lda + P.a0 + i0;
              float* Ct = out.C + (long)i0 * out.ldc + j0;
              tl.kernels[rows - 1](kc, At, 1, lda, Bp + g * np * pstride, pstride, Ct, out.ldc, cols, add);
              if (sums) add_row_sums(At, lda, kc, rows, P.colsum + i0);
              for (int n = 0; n < per_call && fetched < nrows; n++, fetched++, next_row += lda)
                for (int i = 0; i < nwidth; i += 16) prefetch_l2(next_row + i);
            }
            sums = false;
          }
        }
      }
    };
    const int nchunks = (int)chunks.size();
    if (pool && pool->size() > 1) pool->parallel_for(nchunks, work);
    else work(0, nchunks);
  }
}

}  // namespace rb
