#include "cells_impl.h"
#include "gemm.h"

namespace rb {

const CellKernels& cell_kernels_portable() {
  static const CellKernels k = impl::make_kernels<VecScalar>();
  return k;
}

#if !(defined(__x86_64__) || defined(_M_X64))
const CellKernels* cell_kernels_avx2() { return nullptr; }
const CellKernels* cell_kernels_avx512() { return nullptr; }
#endif

const CellKernels& cell_kernels() {
  const CellKernels* best = cpu_has_avx512() ? cell_kernels_avx512() : cpu_has_avx2_fma() ? cell_kernels_avx2() : nullptr;
  return best ? *best : cell_kernels_portable();
}

}  // namespace rb
