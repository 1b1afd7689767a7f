// The few vector operations the cell kernels need, so that each kernel is written once and
// compiled for each instruction set. VecScalar is one float (the portable path and every tail).
#pragma once
#include <cmath>

namespace rb {

struct VecScalar {
  using R = float;
  static constexpr int W = 1;
  static R load(const float* p) { return *p; }
  static void store(float* p, R v) { *p = v; }
  static R set1(float x) { return x; }
  static R add(R a, R b) { return a + b; }
  static R sub(R a, R b) { return a - b; }
  static R mul(R a, R b) { return a * b; }
  static R fmadd(R a, R b, R c) { return a * b + c; }
  static R relu(R x) { return x > 0.f ? x : 0.f; }
  /** v where x > 0, else 0 (ReLU's derivative applied to v). */
  static R where_positive(R x, R v) { return x > 0.f ? v : 0.f; }
  static R sigmoid(R x) { return 1.f / (1.f + std::exp(-x)); }
  static R tanh(R x) { return std::tanh(x); }
};

}  // namespace rb
