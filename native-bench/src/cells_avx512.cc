// The cell kernels compiled for AVX-512F. Only called after cpu_has_avx512() said yes.
#if defined(__x86_64__) || defined(_M_X64)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx2,fma"))), apply_to = function)
#else
#pragma GCC target("avx512f,avx2,fma")
#endif
#include "cells_impl.h"
#include "vec_avx512.h"

namespace rb {
const CellKernels* cell_kernels_avx512() {
  static const CellKernels k = impl::make_kernels<VecAvx512>();
  return &k;
}
}  // namespace rb
#if defined(__clang__)
#pragma clang attribute pop
#endif
#endif
