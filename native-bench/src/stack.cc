#include "stack.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace rb {

Stack::Stack(const StackConfig& config)
    : cfg_(config), D_(config.bidirectional ? 2 : 1),
      G_(config.cell == Cell::Lstm ? 4 : config.cell == Cell::Gru ? 3 : 1),
      pool_(new ThreadPool(config.threads)), k_(cell_kernels()) {
  const int H = cfg_.hidden;
  long at = 0;
  for (int l = 0; l < cfg_.layers; l++) {
    const int in = l == 0 ? cfg_.input : D_ * H;
    for (int d = 0; d < D_; d++) {
      Offsets o;
      o.in = in;
      o.wih = at; at += (long)G_ * H * in;
      o.whh = at; at += (long)G_ * H * H;
      o.bih = at; at += G_ * H;
      o.bhh = at; at += G_ * H;
      off_.push_back(o);
    }
  }
  total_params_ = (int)at;
  wih_t_.resize(off_.size());
  whh_t_.resize(off_.size());
}

// Timesteps per chunk of the input projection: about 384 rows, four of the GEMM's 96-row blocks
// (so two threads split them evenly, and past its packed-A threshold of 192). The chunk's gx
// (1.5 MB at G·H = 1024) is still in cache when the cell kernels read it; gx for all T·B rows at
// once was written out to memory and read back (13 MB at T = 100, B = 32).
static int steps_per_chunk(int T, int B) { return std::min(T, std::max(1, (384 + B - 1) / B)); }

Stack::Workspace& Stack::workspace(int T, int B) {
  auto key = std::make_pair(T, B);
  auto found = workspaces_.find(key);
  if (found != workspaces_.end()) return found->second;
  if (workspaces_.size() >= 4) workspaces_.erase(workspaces_.begin());
  Workspace& w = workspaces_[key];
  const int H = cfg_.hidden, L = cfg_.layers;
  const long TB = (long)T * B, GH = (long)G_ * H;
  const bool dropout = cfg_.dropout > 0 && L > 1;
  double saved = 0;
  auto kept = [&](Buffer& v, size_t n) { v.assign(n, 0.f); saved += n * sizeof(float); };
  w.T = T; w.B = B;
  w.out.resize(L); w.in.resize(L); w.mask.resize(L);
  w.cs.resize(L * D_); w.gates.resize(L * D_);
  for (int l = 0; l < L; l++) {
    kept(w.out[l], TB * D_ * H);
    if (l > 0 && dropout) { kept(w.in[l], TB * D_ * H); kept(w.mask[l], TB * D_ * H); }
    for (int d = 0; d < D_; d++) {
      if (cfg_.cell == Cell::Lstm) kept(w.cs[l * D_ + d], (T + 1) * (size_t)B * H);
      if (cfg_.cell == Cell::Lstm || cfg_.cell == Cell::Gru) kept(w.gates[l * D_ + d], TB * 4 * (size_t)H);
    }
  }
  w.chunk = steps_per_chunk(T, B);
  w.gx.assign((size_t)w.chunk * B * GH, 0.f);
  w.gh.assign((size_t)B * GH, 0.f);
  w.ldg = padded_stride(cfg_.cell == Cell::Gru ? 4L * H : GH);
  w.dg.assign(TB * w.ldg, 0.f);
  w.dh.assign((size_t)B * H, 0.f);
  w.dc.assign((size_t)B * H, 0.f);
  w.zeros.assign((size_t)B * H, 0.f);
  const long widest = std::max<long>(cfg_.input, (long)D_ * H);
  w.d_a.assign(TB * widest, 0.f);
  w.d_b.assign(TB * widest, 0.f);
  w.saved_bytes = saved;
  return w;
}

const float* Stack::layer_input(int l, const float* x) const {
  if (l == 0) return x;
  return ws_->in[l].empty() ? ws_->out[l - 1].data() : ws_->in[l].data();
}

void Stack::pack_forward_weights(const float* params) {
  const int H = cfg_.hidden;
  for (size_t ld = 0; ld < off_.size(); ld++) {
    pack_transposed(wih_t_[ld], params + off_[ld].wih, G_ * H, off_[ld].in, off_[ld].in, pool_.get());
    pack_transposed(whh_t_[ld], params + off_[ld].whh, G_ * H, H, H, pool_.get());
  }
}

// Runs steps(b0, b1, inner) over the whole batch. With a tile of rows per thread (8 or more), each
// thread takes its own rows through all of the steps (one parallel region) and inner is null;
// otherwise one call takes every row, and inner = pool splits each step's product and cell kernels
// across the threads (two regions per step forward, three backward). The rows of a batch are
// independent until the weight gradients, so the split changes no result; its cost is that each
// thread reads all of W_hh every step instead of its share of the columns.
template <class F>
static void over_batch(ThreadPool* pool, int B, F&& steps) {
  if (pool->size() > 1 && B >= 8 * pool->size()) pool->parallel_for(B, [&](int b0, int b1) { steps(b0, b1, nullptr); }, 1);
  else steps(0, B, pool);
}

// f(c0, c1) over the rows [b0, b1): split across `inner`, or all on this thread where it is null.
template <class F>
static void over_rows(ThreadPool* inner, int b0, int b1, F&& f) {
  if (inner) inner->parallel_for(b1 - b0, [&](int c0, int c1) { f(b0 + c0, b0 + c1); });
  else f(b0, b1);
}

double Stack::forward(const float* params, const Forward& f) {
  const int T = f.T, B = f.B, H = cfg_.hidden, L = cfg_.layers, DH = D_ * H;
  const long GH = (long)G_ * H;
  ws_ = &workspace(T, B);
  Workspace& w = *ws_;
  last_ = f;
  pack_forward_weights(params);
  ThreadPool* pool = pool_.get();
  for (int l = 0; l < L; l++) {
    const float* X = layer_input(l, f.x);
    float* out = w.out[l].data();
    for (int d = 0; d < D_; d++) {
      const int ld = l * D_ + d;
      const Offsets& o = off_[ld];
      const float *bih = params + o.bih, *bhh = params + o.bhh;
      const float* h0 = f.h0 ? f.h0 + (long)ld * B * H : w.zeros.data();
      float* cs = cfg_.cell == Cell::Lstm ? w.cs[ld].data() : nullptr;
      // c lives in [T+1, B, H] with c0 in the slot before the first processed step.
      const int init_slot = d == 0 ? 0 : T;
      if (cs) {
        if (f.c0) std::memcpy(cs + (long)init_slot * B * H, f.c0 + (long)ld * B * H, sizeof(float) * B * H);
        else std::fill(cs + (long)init_slot * B * H, cs + (long)(init_slot + 1) * B * H, 0.f);
      }
      // The steps s0 … s1−1 (in processing order) for the batch rows [b0, b1), whose gx is in
      // w.gx from timestep t_lo on. `inner` splits each step's product and cell kernels across the
      // pool; null runs them on this thread (over_batch says which).
      auto run_steps = [&](int s0, int s1, int t_lo, int b0, int b1, ThreadPool* inner) {
        for (int s = s0; s < s1; s++) {
          const int t = d == 0 ? s : T - 1 - s;
          const bool first = s == 0;
          const int tprev = d == 0 ? t - 1 : t + 1;
          const float* hprev = first ? h0 : out + (long)tprev * B * DH + d * H;
          const long ldhp = first ? H : DH;
          // gh = h_{t-1}·W_hhᵀ                                                     [b1−b0, G·H]
          gemm(b1 - b0, hprev + (long)b0 * ldhp, ldhp, 1, whh_t_[ld], w.gh.data() + (long)b0 * GH, GH, false, inner);
          const float* gx = w.gx.data() + (long)(t - t_lo) * B * GH;
          float* h = out + (long)t * B * DH + d * H;
          const int cur = d == 0 ? t + 1 : t, prv = d == 0 ? t : t + 1;
          auto cells = [&](int c0, int c1) {
            switch (cfg_.cell) {
              case Cell::RnnTanh: case Cell::RnnRelu:
                k_.rnn_forward(cfg_.cell == Cell::RnnRelu, c0, c1, H, gx, w.gh.data(), bih, bhh, h, DH); break;
              case Cell::Lstm:
                k_.lstm_forward(c0, c1, H, gx, w.gh.data(), bih, bhh, cs + (long)prv * B * H, cs + (long)cur * B * H, h, DH,
                                w.gates[ld].data() + (long)t * B * 4 * H); break;
              case Cell::Gru:
                k_.gru_forward(c0, c1, H, gx, w.gh.data(), bih, bhh, hprev, ldhp, h, DH, w.gates[ld].data() + (long)t * B * 4 * H); break;
            }
          };
          over_rows(inner, b0, b1, cells);
        }
      };
      for (int s0 = 0; s0 < T; s0 += w.chunk) {
        // gx = X·W_ihᵀ for the chunk's timesteps at once                          [steps·B, G·H]
        const int steps = std::min(w.chunk, T - s0);
        const int t_lo = d == 0 ? s0 : T - s0 - steps;  // the chunk's first timestep in time
        gemm(steps * B, X + (long)t_lo * B * o.in, o.in, 1, wih_t_[ld], w.gx.data(), GH, false, pool);
        over_batch(pool, B, [&](int b0, int b1, ThreadPool* inner) { run_steps(s0, s0 + steps, t_lo, b0, b1, inner); });
      }
      // Final states: forward direction ends at t = T−1, reverse at t = 0.
      const int tlast = d == 0 ? T - 1 : 0;
      for (int b = 0; b < B; b++) {
        std::memcpy(f.hn + ((long)ld * B + b) * H, out + ((long)tlast * B + b) * DH + d * H, sizeof(float) * H);
      }
      if (cs && f.cn) std::memcpy(f.cn + (long)ld * B * H, cs + (long)(d == 0 ? T : 0) * B * H, sizeof(float) * B * H);
    }
    if (l + 1 < L && !w.in[l + 1].empty()) {
      // Dropout between layers (training only): mask of 0 or 1/(1−p), from a per-call seed.
      float* m = w.mask[l + 1].data();
      float* dst = w.in[l + 1].data();
      const long n = (long)T * B * DH;
      if (!f.training) {
        std::fill(m, m + n, 1.f);
        std::memcpy(dst, out, sizeof(float) * n);
      } else {
        uint64_t state = f.dropout_seed * 0x9E3779B97F4A7C15ull + (uint64_t)(l + 1);
        const float keep = 1.f / (1.f - cfg_.dropout);
        for (long k = 0; k < n; k++) {
          state += 0x9E3779B97F4A7C15ull;  // splitmix64
          uint64_t z = state;
          z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
          z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
          z ^= z >> 31;
          m[k] = (double)(z >> 11) * 0x1.0p-53 < cfg_.dropout ? 0.f : keep;
          dst[k] = out[k] * m[k];
        }
      }
    }
  }
  std::memcpy(f.y, w.out[L - 1].data(), sizeof(float) * T * B * DH);
  return w.saved_bytes;
}

void Stack::backward(const float* params, float* grads, const Backward& bw) {
  if (!ws_) throw std::runtime_error("backward() before forward()");
  Workspace& w = *ws_;
  const int T = w.T, B = w.B, H = cfg_.hidden, L = cfg_.layers, DH = D_ * H;
  const long GH = (long)G_ * H, TB = (long)T * B, ldg = w.ldg;
  ThreadPool* pool = pool_.get();
  const float* dOut = bw.dy;
  for (int l = L - 1; l >= 0; l--) {
    const float* X = layer_input(l, last_.x);
    const int In = off_[l * D_].in;
    float* dIn = l == 0 ? bw.dx : (dOut == w.d_a.data() ? w.d_b.data() : w.d_a.data());
    // No zero fill: the first direction writes every row of dIn, the second adds to it.
    const float* out = w.out[l].data();
    for (int d = 0; d < D_; d++) {
      const int ld = l * D_ + d;
      const Offsets& o = off_[ld];
      // The gate gradients as W_ih's product takes them (dgx) and as W_hh's does (dgh): the same
      // for RNN and LSTM; for the GRU, one row [n | r | z | r·n] of which dgx is the first 3H
      // (W_ih packed n first to match) and dgh the last 3H.
      const bool gru = cfg_.cell == Cell::Gru;
      float* dg = w.dg.data();
      const float* dgx = dg;
      const float* dgh = gru ? dg + H : dg;
      float *dh = w.dh.data(), *dc = w.dc.data();
      std::fill(w.dh.begin(), w.dh.end(), 0.f);
      std::fill(w.dc.begin(), w.dc.end(), 0.f);
      const float* h0 = last_.h0 ? last_.h0 + (long)ld * B * H : w.zeros.data();
      const float* cs = cfg_.cell == Cell::Lstm ? w.cs[ld].data() : nullptr;
      pack_plain(w_plain_, params + o.whh, G_ * H, H, H, pool);         // W_hh as [K = G·H, N = H]
      pack_plain(w_plain_ih_, params + o.wih, (int)GH, In, In, pool, gru ? 2 * H : 0);  // W_ih as [K = G·H, N = In]
      // ‖dh_t‖² of each batch row, for the gradient-flow picture when asked
      if (bw.grad_flow) w.row_sq.assign((size_t)T * B, 0.0);
      // The steps s0 … s1−1 (in processing order) for the batch rows [b0, b1); `inner` as in the
      // forward.
      auto run_steps = [&](int s0, int s1, int b0, int b1, ThreadPool* inner) {
        for (int s = s0; s < s1; s++) {
          const int t = d == 0 ? T - 1 - s : s;
          const bool first = d == 0 ? t == 0 : t == T - 1;
          const int tprev = d == 0 ? t - 1 : t + 1;
          const float* hprev = first ? h0 : out + (long)tprev * B * DH + d * H;
          const long ldhp = first ? H : DH;
          const long g = (long)t * B * ldg;
          const int cur = d == 0 ? t + 1 : t, prv = d == 0 ? t : t + 1;
          auto cells = [&](int c0, int c1) {
            // dh += ∂L/∂y[t, :, d·H:(d+1)·H]
            for (int b = c0; b < c1; b++) {
              const float* src = dOut + ((long)t * B + b) * DH + d * H;
              float* dst = dh + (long)b * H;
              for (int j = 0; j < H; j++) dst[j] += src[j];
              if (bw.grad_flow) {
                double sq = 0;
                for (int j = 0; j < H; j++) sq += (double)dst[j] * dst[j];
                w.row_sq[(size_t)t * B + b] = sq;
              }
            }
            switch (cfg_.cell) {
              case Cell::RnnTanh: case Cell::RnnRelu:
                k_.rnn_backward(cfg_.cell == Cell::RnnRelu, c0, c1, H, out + (long)t * B * DH + d * H, DH, dh, dg + g, ldg); break;
              case Cell::Lstm:
                k_.lstm_backward(c0, c1, H, w.gates[ld].data() + (long)t * B * 4 * H, cs + (long)cur * B * H, cs + (long)prv * B * H, dh, dc, dg + g, ldg); break;
              case Cell::Gru:
                k_.gru_backward(c0, c1, H, w.gates[ld].data() + (long)t * B * 4 * H, hprev, ldhp, dh, dg + g, ldg); break;
            }
          };
          over_rows(inner, b0, b1, cells);
          const long r0 = (long)b0 * ldg;
          // ∂L/∂h_{t-1} = dgh_t·W_hh (+ z·dh, left in dh by the GRU kernel)          [b1−b0, H]
          gemm(b1 - b0, dgh + g + r0, ldg, 1, w_plain_, dh + (long)b0 * H, H, gru, inner);
          // ∂L/∂x_t (+)= dgx_t·W_ih, while dgx_t is in cache: over all timesteps at once after
          // the loop, the product read T·B·G·H floats back from memory and packed them first  [b1−b0, In]
          gemm(b1 - b0, dgx + g + r0, ldg, 1, w_plain_ih_, dIn + ((long)t * B + b0) * In, In, d > 0, inner);
        }
      };
      over_batch(pool, B, [&](int b0, int b1, ThreadPool* inner) { run_steps(0, T, b0, b1, inner); });
      if (bw.grad_flow) {
        for (int t = 0; t < T; t++) {
          double sq = 0;
          for (int b = 0; b < B; b++) sq += w.row_sq[(size_t)t * B + b];
          bw.grad_flow[(long)ld * T + t] = (float)std::sqrt(sq);
        }
      }
      std::memcpy(bw.dh0 + (long)ld * B * H, dh, sizeof(float) * B * H);
      if (bw.dc0 && cs) std::memcpy(bw.dc0 + (long)ld * B * H, dc, sizeof(float) * B * H);

      // Weight gradients of all timesteps at once, the bias gradients (column sums of the gate
      // gradients) on the same pass.
      float *gbih = grads + o.bih, *gbhh = grads + o.bhh, *gwih = grads + o.wih, *gwhh = grads + o.whh;
      // The two B operands, X [T·B, In] and H_prev [T·B, H]. H_prev's row k is the layer output
      // one timestep back (d = 0) or ahead (d = 1), except the step that starts from h0 (zeros
      // without one).
      const TnB b_ops[2] = {{In, X, In},
                            {H, out + d * H, DH, d == 0 ? -(long)B : (long)B, last_.h0 ? h0 : nullptr, H, d == 0 ? 0 : (long)(T - 1) * B, B}};
      if (!gru) {
        // RNN and LSTM: dW_ih = dgᵀ·X and dW_hh = dgᵀ·H_prev in one pass over dg   [G·H, In], [G·H, H]
        const TnProduct both{0, (int)GH, gbih, 2, {{0, gwih, In}, {1, gwhh, H}}};
        gemm_tn((int)TB, dg, ldg, b_ops, 2, &both, 1, false, pool);
        std::memcpy(gbhh, gbih, sizeof(float) * GH);  // db_hh = db_ih
      } else {
        // GRU, dg = [n | r | z | r·n]: the r and z columns once for both products, then n for
        // W_ih and r·n for W_hh.
        const TnProduct p[3] = {{H, 2 * H, gbih, 2, {{0, gwih, In}, {1, gwhh, H}}},
                                {0, H, gbih + 2 * H, 1, {{0, gwih + 2L * H * In, In}}},
                                {3 * H, H, gbhh + 2 * H, 1, {{1, gwhh + 2L * H * H, H}}}};
        gemm_tn((int)TB, dg, ldg, b_ops, 2, p, 3, false, pool);
        std::memcpy(gbhh, gbih, sizeof(float) * 2 * H);  // db_hr, db_hz = db_ir, db_iz
      }
    }
    if (l > 0 && !w.mask[l].empty()) {
      const float* m = w.mask[l].data();
      for (long k = 0; k < TB * DH; k++) dIn[k] *= m[k];
    }
    dOut = dIn;
  }
}

}  // namespace rb
