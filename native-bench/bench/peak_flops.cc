// The fp32 FMA peak of one core, measured: 12 independent chains of FMAs on registers (no memory),
// enough to cover the FMA latency on both pipes. The ceiling every GEMM-bound step is held to:
// bench/compare.mjs divides each engine's GFLOP/s by it.
//   make -C native-bench peak && native-bench/build/peak_flops      → one JSON line
#include <chrono>
#include <cstdio>
#include <immintrin.h>

// Both bodies are the same loop over a register type; a macro, because a lambda or template
// called from a target("avx512f") function is not compiled for that target.
#define RB_CHAINS(V, SET1, FMA, LANES)                                        \
  V acc[12];                                                                  \
  for (int i = 0; i < 12; i++) acc[i] = SET1(0.5f + i * 1e-3f);               \
  const V a = SET1(0.9999f), b = SET1(1e-4f);                                 \
  const auto t0 = std::chrono::steady_clock::now();                           \
  for (long k = 0; k < iters; k++) {                                          \
    _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) acc[i] = FMA(acc[i], a, b); \
  }                                                                           \
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); \
  float sum = 0;                                                              \
  for (int i = 0; i < 12; i++) sum += ((float*)&acc[i])[0];                   \
  sink = sum; /* keeps the chains alive */                                    \
  return iters * 12.0 * LANES * 2 / s / 1e9;

static volatile float sink;
__attribute__((target("avx2,fma"))) static double avx2(long iters) { RB_CHAINS(__m256, _mm256_set1_ps, _mm256_fmadd_ps, 8) }
__attribute__((target("avx512f"))) static double avx512(long iters) { RB_CHAINS(__m512, _mm512_set1_ps, _mm512_fmadd_ps, 16) }

int main() {
  const long iters = 50000000;  // about 0.2 s per measurement
  double best2 = 0, best512 = 0;
  const bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), has512 = __builtin_cpu_supports("avx512f");
  for (int r = 0; r < 5; r++) {  // best of 5: the peak is what the core can do when not interrupted
    if (has2) { double g = avx2(iters); if (g > best2) best2 = g; }
    if (has512) { double g = avx512(iters); if (g > best512) best512 = g; }
  }
  const double peak = best512 > best2 ? best512 : best2;
  std::printf("{\"gflops_avx2\": %.1f, \"gflops_avx512\": %.1f, \"peak_gflops\": %.1f}\n", best2, best512, peak);
  return peak > 0 ? 0 : 1;
}
