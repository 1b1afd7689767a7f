// The recurrent stack in C++: the same computation as src-main/engine/cpu-js/stack.ts, organised
// for speed. Legend: T timesteps, B batch rows, I inputs, H hidden, G gates, L layers,
// D directions; tensors sequence-first and flat: x [T,B,I], y [T,B,D·H], h0/hn [L·D,B,H].
// Parameters and gradients are flat in PyTorch's state_dict order and owned by the caller.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <vector>
#include "cells.h"
#include "gemm.h"
#include "huge_alloc.h"
#include "threadpool.h"

namespace rb {

enum class Cell { RnnTanh = 0, RnnRelu = 1, Lstm = 2, Gru = 3 };

struct StackConfig {
  Cell cell;
  int input, hidden, layers;
  bool bidirectional;
  float dropout;
  int threads;
};

class Stack {
 public:
  explicit Stack(const StackConfig& config);
  int parameter_count() const { return total_params_; }
  /** The Linux thread ids of the pool's workers (the caller's own thread is not among them). */
  std::vector<long> thread_ids() const { return pool_->thread_ids(); }

  struct Forward {
    const float* x; int T, B;
    const float* h0;  // may be null
    const float* c0;  // may be null (LSTM)
    bool training; uint64_t dropout_seed;
    float* y; float* hn; float* cn;  // cn may be null
  };
  /** Returns the bytes kept for the backward (activations, dropout masks). */
  double forward(const float* params, const Forward& f);

  struct Backward {
    const float* dy;
    float* dx; float* dh0; float* dc0;  // dc0 may be null
    float* grad_flow;                   // [L·D, T] or null
  };
  void backward(const float* params, float* grads, const Backward& b);

 private:
  struct Offsets { long wih, whh, bih, bhh; int in; };
  struct Workspace {
    int T = 0, B = 0;
    // Buffers of 2 MB or more in huge pages where the kernel allows (huge_alloc.h).
    std::vector<Buffer> out;                // [L] of [T, B, D·H]: h lives here only
    std::vector<Buffer> in;                 // [L] dropped-out inputs of layers > 0 (dropout only)
    std::vector<Buffer> mask;               // [L] dropout scales (dropout only)
    std::vector<Buffer> cs;                 // [L·D] of [T+1, B, H] (LSTM)
    std::vector<Buffer> gates;              // [L·D] of [T, B, 4H] (LSTM, GRU)
    int chunk = 0;                          // timesteps per input-projection chunk
    Buffer gx;                              // [chunk·B, G·H] that chunk's x·W_ihᵀ
    Buffer gh, dh, dc, zeros, d_a, d_b;
    Buffer dg;                              // [T·B] rows of ldg floats: the gate gradients
    long ldg = 0;                           // padded_stride(G·H; 4H for the GRU, cells_impl.h)
    std::vector<double> row_sq;             // [T, B] ‖dh‖² per row (gradient flow only)
    double saved_bytes = 0;
  };
  Workspace& workspace(int T, int B);
  const float* layer_input(int l, const float* x) const;
  void pack_forward_weights(const float* params);

  StackConfig cfg_;
  int D_, G_, total_params_;
  std::vector<Offsets> off_;  // [L·D]
  std::unique_ptr<ThreadPool> pool_;
  const CellKernels& k_;
  std::vector<PackedB> wih_t_, whh_t_;  // forward: W_ihᵀ, W_hhᵀ per layer-direction
  PackedB w_plain_, w_plain_ih_;         // backward: W_hh and W_ih packed as [K = G·H, N]
  std::map<std::pair<int, int>, Workspace> workspaces_;
  Workspace* ws_ = nullptr;
  Forward last_{};
};

}  // namespace rb
