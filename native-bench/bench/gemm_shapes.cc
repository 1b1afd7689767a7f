// Each product of one LSTM training step (H=256, I=256, B=32, T=100), timed alone on one thread:
// where the micro-kernel reaches the core's peak and where it does not (docs/PERFORMANCE.md).
//   make -C native-bench shapes && native-bench/build/gemm_shapes [xproj|rec|dh|dX|dW|dW2|packT|packP|all] [H B T]
// Prints, for each product (or the one named), the median of 20 calls after 2 warm-ups, and its GFLOP/s.
// I = H throughout; H B T default to 256 32 100.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../src/gemm.h"
#include "../src/huge_alloc.h"

using namespace rb;

template <class F>
static double median_seconds(F call, int calls) {
  std::vector<double> s;
  for (int r = 0; r < calls + 2; r++) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    if (r >= 2) s.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(s.begin(), s.end());
  return s[s.size() / 2];
}

int main(int argc, char** argv) {
  const std::string names = " xproj rec dh dX dW dW2 packT packP ", only = argc > 1 && std::string(argv[1]) != "all" ? argv[1] : "";
  if (!only.empty() && names.find(" " + only + " ") == std::string::npos) {
    std::fprintf(stderr, "gemm_shapes: unknown product '%s'; valid:%s\n", only.c_str(), names.c_str());
    return 2;
  }
  if (argc != 1 && argc != 2 && argc != 5) {
    std::fprintf(stderr, "gemm_shapes: give the sizes as all three of H B T, after the product (or all)\n");
    return 2;
  }
  const int H = argc == 5 ? std::atoi(argv[2]) : 256, B = argc == 5 ? std::atoi(argv[3]) : 32, T = argc == 5 ? std::atoi(argv[4]) : 100;
  if (H <= 0 || B <= 0 || T <= 0) { std::fprintf(stderr, "gemm_shapes: H, B and T must be positive integers\n"); return 2; }
  const int I = H, GH = 4 * H, TB = T * B;
  const long ldg = padded_stride(GH);  // dG's row stride, as the stack lays it out
  // X [T·B, I], W [G·H, H] (W_ih and W_hh alike, since I = H), dG the gate gradients
  // [T·B, G·H] in rows of ldg floats, Hs the hidden states [T·B, H], C the gate pre-activations [T·B, G·H].
  Buffer dG((size_t)TB * ldg);
  std::vector<float> X((size_t)TB * I), W((size_t)GH * H), C((size_t)TB * GH), Hs((size_t)TB * H),
      dW((size_t)GH * H), dW2((size_t)GH * H), colsum(GH);
  for (auto* v : {&X, &W, &Hs})
    for (size_t i = 0; i < v->size(); i++) (*v)[i] = (i % 97) * 1e-3f - 0.05f;
  for (size_t i = 0; i < dG.size(); i++) dG[i] = (i % 97) * 1e-3f - 0.05f;
  PackedB w_t, w_plain;
  pack_transposed(w_t, W.data(), GH, H, H);  // forward: C = A·Wᵀ
  pack_plain(w_plain, W.data(), GH, H, H);   // backward: dA = dG·W
  const double flops = 2.0 * TB * I * GH;    // every product here has this many
  auto time = [&](const char* name, bool counts_flops, auto call, int products = 1) {
    if (!only.empty() && only != name) return;
    const double s = median_seconds(call, 20) / products;
    if (counts_flops) std::printf("%-6s %7.3f ms  %6.1f GFLOP/s\n", name, s * 1e3, flops / s / 1e9);
    else std::printf("%-6s %7.3f ms\n", name, s * 1e3);
  };
  time("xproj", true, [&] { gemm(TB, X.data(), I, 1, w_t, C.data(), GH, false, nullptr); });
  time("rec", true, [&] {
    for (int t = 0; t < T; t++) gemm(B, Hs.data() + (size_t)t * B * H, H, 1, w_t, C.data() + (size_t)t * B * GH, GH, false, nullptr);
  });
  time("dh", true, [&] {
    for (int t = 0; t < T; t++) gemm(B, dG.data() + (size_t)t * B * ldg, ldg, 1, w_plain, Hs.data() + (size_t)t * B * H, H, false, nullptr);
  });
  time("dX", true, [&] { gemm(TB, dG.data(), ldg, 1, w_plain, X.data(), I, true, nullptr); });
  // dGᵀ·Hs alone, then dW_ih and dW_hh in one pass over dG as the stack takes them for RNN and LSTM (per product)
  {
    const TnB hs{H, Hs.data(), H};
    const TnProduct one{0, GH, colsum.data(), 1, {{0, dW.data(), H}}};
    time("dW", true, [&] { gemm_tn(TB, dG.data(), ldg, &hs, 1, &one, 1, false, nullptr); });
    const TnB bs[2] = {{I, X.data(), I}, {H, Hs.data(), H, -(long)B, nullptr, H, 0, B}};
    const TnProduct both{0, GH, colsum.data(), 2, {{0, dW.data(), I}, {1, dW2.data(), H}}};
    time("dW2", true, [&] { gemm_tn(TB, dG.data(), ldg, bs, 2, &both, 1, false, nullptr); }, 2);
  }
  time("packT", false, [&] { pack_transposed(w_t, W.data(), GH, H, H); });
  time("packP", false, [&] { pack_plain(w_plain, W.data(), GH, H, H); });
  return 0;
}
