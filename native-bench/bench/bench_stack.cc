// Standalone benchmark of the native stack (no Node), for profiling with perf or valgrind:
//   make -C native-bench bench && native-bench/build/bench_stack lstm 256 256 32 100 [threads] [repeats]
// Prints the median forward and backward time of one training step and its GFLOP/s.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "../src/gemm.h"
#include "../src/stack.h"

int main(int argc, char** argv) {
  if (argc < 6) { std::fprintf(stderr, "usage: bench_stack rnn_tanh|rnn_relu|lstm|gru H I B T [threads] [repeats]\n"); return 2; }
  const std::string name = argv[1];
  const int H = std::atoi(argv[2]), I = std::atoi(argv[3]), B = std::atoi(argv[4]), T = std::atoi(argv[5]);
  const int threads = argc > 6 ? std::atoi(argv[6]) : 1, repeats = argc > 7 ? std::atoi(argv[7]) : 10;
  const rb::Cell cell = name == "lstm" ? rb::Cell::Lstm : name == "gru" ? rb::Cell::Gru : name == "rnn_relu" ? rb::Cell::RnnRelu : rb::Cell::RnnTanh;
  const int G = cell == rb::Cell::Lstm ? 4 : cell == rb::Cell::Gru ? 3 : 1;
  rb::Stack stack({cell, I, H, 1, false, 0.f, threads});
  std::vector<float> params(stack.parameter_count()), grads(params.size()), x((size_t)T * B * I), y((size_t)T * B * H), dy(y.size()),
      hn((size_t)B * H), cn(hn.size()), dx(x.size()), dh0(hn.size()), dc0(hn.size());
  unsigned s = 1;
  auto rnd = [&] { s = s * 1664525u + 1013904223u; return ((s >> 8) / 16777216.f - 0.5f) * 0.2f; };
  for (auto* v : {&params, &x, &dy}) for (auto& e : *v) e = rnd();
  std::vector<double> fwd, bwd;
  for (int r = 0; r < repeats + 3; r++) {
    auto t0 = std::chrono::steady_clock::now();
    stack.forward(params.data(), {x.data(), T, B, nullptr, nullptr, true, 1, y.data(), hn.data(), cn.data()});
    auto t1 = std::chrono::steady_clock::now();
    stack.backward(params.data(), grads.data(), {dy.data(), dx.data(), dh0.data(), dc0.data(), nullptr});
    auto t2 = std::chrono::steady_clock::now();
    if (r >= 3) {
      fwd.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      bwd.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
  }
  auto median = [](std::vector<double> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; };
  const double f = median(fwd), b = median(bwd), flops = 3.0 * 2 * G * H * (double)(I + H) * B * T;
  std::printf("%s H=%d I=%d B=%d T=%d threads=%d isa=%s | fwd %.2f ms | bwd %.2f ms | total %.2f ms | %.1f GFLOP/s\n",
              name.c_str(), H, I, B, T, threads, rb::kernel_isa(), f, b, f + b, flops / ((f + b) * 1e6));
  return 0;
}
