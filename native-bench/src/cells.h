// One timestep of each cell over rows [b0, b1), forward and backward side by side; the same
// equations as src-main/engine/cpu-js/cells.ts (docs/NUMERICS.md §1). The biases are added here, so
// the matrix products never need a separate bias pass.
//
// Legend: H = hidden size, G = gates (RNN 1, GRU 3, LSTM 4), GH = G·H.
//   gx    [B, GH]  x_t·W_ihᵀ (bias not included)       bih, bhh [GH]
//   gh    [B, GH]  h_{t-1}·W_hhᵀ (bias not included)
//   h     rows of ldh floats (the layer output, D·H wide: h is stored only there)
//   dg    rows of ldg floats (the gate gradients; padded_stride(GH) in gemm.h says why; the GRU's
//         are 4H wide)
// Saved for the backward, per timestep and batch row (docs/NUMERICS.md §4's minimum):
//   RNN h (1·H); LSTM h, c, and i f g o (6·H); GRU h, and r z n and W_hn h + b_hn (5·H).
#pragma once

namespace rb {

struct CellKernels {
  void (*rnn_forward)(bool relu, int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh, float* h, long ldh);
  void (*rnn_backward)(bool relu, int b0, int b1, int H, const float* h, long ldh, const float* dh, float* dg, long ldg);
  void (*lstm_forward)(int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh,
                       const float* cprev, float* c, float* h, long ldh, float* gates);
  void (*lstm_backward)(int b0, int b1, int H, const float* gates, const float* c, const float* cprev, const float* dh, float* dc, float* dg, long ldg);
  void (*gru_forward)(int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh,
                      const float* hprev, long ldhp, float* h, long ldh, float* cache);
  // dg: rows of 4H, [n | r | z | r·n] (cells_impl.h)
  void (*gru_backward)(int b0, int b1, int H, const float* cache, const float* hprev, long ldhp, float* dh, float* dg, long ldg);
};

const CellKernels& cell_kernels_portable();
const CellKernels* cell_kernels_avx2();    // null where not compiled (non-x86)
const CellKernels* cell_kernels_avx512();  // null where not compiled (non-x86)
const CellKernels& cell_kernels();       // the best for this CPU

}  // namespace rb
