// Each product of one LSTM training step (H=256, I=256, B=32, T=100), timed alone on one thread:
// where the micro-kernel reaches the core's peak and where it does not.
//   make -C native-bench shapes && native-bench/build/gemm_shapes [xproj|rec|dh|dX|dW|packT|packP]
// Prints the median of 20 runs of each (after 2 warm-ups) and its GFLOP/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>
#include <string>
#include "../src/gemm.h"
using namespace rb;
using clk = std::chrono::steady_clock;
template <class F> double best(F f, int reps) { std::vector<double> v; for (int r = 0; r < reps + 2; r++) { auto t0 = clk::now(); f(); double s = std::chrono::duration<double>(clk::now() - t0).count(); if (r >= 2) v.push_back(s); } std::sort(v.begin(), v.end()); return v[v.size()/2]; }
int main(int argc, char** argv) { const char* only = argc > 1 ? argv[1] : nullptr;
  const std::string names = " xproj rec dh dX dW packT packP ";
  if (only && names.find(" " + std::string(only) + " ") == std::string::npos) {
    std::fprintf(stderr, "gemm_shapes: unknown product '%s'; valid:%s\n", only, names.c_str());
    return 2;
  }
  const int H = 256, I = 256, B = 32, T = 100, G = 4, GH = G * H, TB = T * B;
  std::vector<float> X((size_t)TB * I), W((size_t)GH * H), dG((size_t)TB * GH), C((size_t)TB * GH), Hs((size_t)TB * H), dW((size_t)GH * H), cs(GH);
  for (auto* v : {&X, &W, &dG, &Hs}) for (size_t i = 0; i < v->size(); i++) (*v)[i] = (i % 97) * 1e-3f - 0.05f;
  PackedB wt, wp; pack_transposed(wt, W.data(), GH, H, H); pack_plain(wp, W.data(), GH, H, H);
  auto rep = [&](const char* n, double flops, double s) { if (only && std::string(only) != n) return; if (flops > 0) std::printf("%-10s %7.3f ms  %6.1f GFLOP/s\n", n, s * 1e3, flops / s / 1e9); else std::printf("%-10s %7.3f ms\n", n, s * 1e3); };
  double f = 2.0 * TB * I * GH;
  if (!only || std::string(only) == "xproj") rep("xproj", f, best([&] { gemm(TB, X.data(), I, 1, wt, C.data(), GH, false, nullptr); }, 20));
  if (!only || std::string(only) == "rec") rep("rec", f, best([&] { for (int t = 0; t < T; t++) gemm(B, Hs.data() + (size_t)t * B * H, H, 1, wt, C.data() + (size_t)t * B * GH, GH, false, nullptr); }, 20));
  if (!only || std::string(only) == "dh") rep("dh", f, best([&] { for (int t = 0; t < T; t++) gemm(B, dG.data() + (size_t)t * B * GH, GH, 1, wp, Hs.data() + (size_t)t * B * H, H, false, nullptr); }, 20));
  if (!only || std::string(only) == "dX") rep("dX", f, best([&] { gemm(TB, dG.data(), GH, 1, wp, X.data(), I, true, nullptr); }, 20));
  if (!only || std::string(only) == "dW") rep("dW", f, best([&] { gemm_tn(GH, H, TB, dG.data(), GH, Hs.data(), H, dW.data(), H, false, nullptr, cs.data()); }, 20));
  if (!only || std::string(only) == "packT") rep("packT", 0, best([&] { pack_transposed(wt, W.data(), GH, H, H); }, 20));
  if (!only || std::string(only) == "packP") rep("packP", 0, best([&] { pack_plain(wp, W.data(), GH, H, H); }, 20));
}
