#include "cells_impl.h"
#include "gemm.h"

namespace rb {

const CellKernels& cell_kernels_portable() {
  static const CellKernels k = impl::make_kernels<VecScalar>();
  return k;
}

#if !(defined(__x86_64__) || defined(_M_X64))
const CellKernels* cell_kernels_avx2() { return nullptr; }
#endif

const CellKernels& cell_kernels() {
  const CellKernels* avx2 = cpu_has_avx2_fma() ? cell_kernels_avx2() : nullptr;
  return avx2 ? *avx2 : cell_kernels_portable();
}

}  // namespace rb
