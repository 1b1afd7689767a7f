// The cell kernels compiled for AVX2/FMA. Only called after cpu_has_avx2_fma() said yes.
#if defined(__x86_64__) || defined(_M_X64)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx2,fma")
#endif
#include "cells_impl.h"
#include "vec_avx2.h"

namespace rb {
const CellKernels* cell_kernels_avx2() {
  static const CellKernels k = impl::make_kernels<VecAvx2>();
  return &k;
}
}  // namespace rb
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
