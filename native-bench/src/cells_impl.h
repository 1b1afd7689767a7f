// The cell kernels as templates over a vector type V (vec.h); included by cells_portable.cc and
// cells_avx2.cc, which compile them for their instruction sets. Each body is a generic lambda run
// over lanes of V and then over the scalar tail, so every equation is written once.
#pragma once
#include "cells.h"
#include "vec.h"

namespace rb {
namespace impl {

template <class V, class Body>
inline void for_each_lane(int H, Body&& body) {
  int j = 0;
  for (; j + V::W <= H; j += V::W) body(V{}, j);
  for (; j < H; j++) body(VecScalar{}, j);
}

// RNN: h = act(gx + b_ih + gh + b_hh)
template <class V>
void rnn_forward(bool relu, int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh, float* h, long ldh) {
  for (int b = b0; b < b1; b++) {
    const float *x = gx + (long)b * H, *r = gh + (long)b * H;
    float* out = h + b * ldh;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      auto a = T::add(T::add(T::load(x + j), T::load(bih + j)), T::add(T::load(r + j), T::load(bhh + j)));
      T::store(out + j, relu ? T::relu(a) : T::tanh(a));
    });
  }
}

template <class V>
void rnn_backward(bool relu, int b0, int b1, int H, const float* h, long ldh, const float* dh, float* dg, long ldg) {
  for (int b = b0; b < b1; b++) {
    const float *y = h + b * ldh, *d = dh + (long)b * H;
    float* g = dg + b * ldg;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      auto yj = T::load(y + j), dj = T::load(d + j);
      T::store(g + j, relu ? T::where_positive(yj, dj) : T::mul(dj, T::sub(T::set1(1.f), T::mul(yj, yj))));
    });
  }
}

// LSTM (gates i, f, g, o): c = f·c_prev + i·g, h = o·tanh(c)
template <class V>
void lstm_forward(int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh,
                  const float* cprev, float* c, float* h, long ldh, float* gates) {
  const long G = 4L * H;
  for (int b = b0; b < b1; b++) {
    const float *x = gx + b * G, *r = gh + b * G, *cp = cprev + (long)b * H;
    float *cb = c + (long)b * H, *hb = h + b * ldh, *q = gates + b * G;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      auto pre = [&](long k) { return T::add(T::add(T::load(x + k), T::load(bih + k)), T::add(T::load(r + k), T::load(bhh + k))); };
      auto i = T::sigmoid(pre(j)), f = T::sigmoid(pre(H + j)), g = T::tanh(pre(2 * H + j)), o = T::sigmoid(pre(3 * H + j));
      auto ct = T::fmadd(f, T::load(cp + j), T::mul(i, g));
      T::store(cb + j, ct);
      T::store(hb + j, T::mul(o, T::tanh(ct)));
      T::store(q + j, i); T::store(q + H + j, f); T::store(q + 2 * H + j, g); T::store(q + 3 * H + j, o);
    });
  }
}

template <class V>
void lstm_backward(int b0, int b1, int H, const float* gates, const float* c, const float* cprev, const float* dh, float* dc, float* dg, long ldg) {
  const long G = 4L * H;
  for (int b = b0; b < b1; b++) {
    const float *q = gates + b * G, *cb = c + (long)b * H, *cp = cprev + (long)b * H, *d = dh + (long)b * H;
    float *dcb = dc + (long)b * H, *g = dg + b * ldg;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      const auto one = T::set1(1.f);
      auto i = T::load(q + j), f = T::load(q + H + j), gg = T::load(q + 2 * H + j), o = T::load(q + 3 * H + j);
      auto tc = T::tanh(T::load(cb + j));
      auto dht = T::load(d + j);
      auto dct = T::fmadd(T::mul(dht, o), T::sub(one, T::mul(tc, tc)), T::load(dcb + j));
      T::store(g + j, T::mul(T::mul(dct, gg), T::mul(i, T::sub(one, i))));
      T::store(g + H + j, T::mul(T::mul(dct, T::load(cp + j)), T::mul(f, T::sub(one, f))));
      T::store(g + 2 * H + j, T::mul(T::mul(dct, i), T::sub(one, T::mul(gg, gg))));
      T::store(g + 3 * H + j, T::mul(T::mul(dht, tc), T::mul(o, T::sub(one, o))));
      T::store(dcb + j, T::mul(dct, f));
    });
  }
}

// GRU (gates r, z, n): n = tanh(gx_n + b_in + r·(gh_n + b_hn)), h = (1 − z)·n + z·h_prev
template <class V>
void gru_forward(int b0, int b1, int H, const float* gx, const float* gh, const float* bih, const float* bhh,
                 const float* hprev, long ldhp, float* h, long ldh, float* cache) {
  const long G = 3L * H;
  for (int b = b0; b < b1; b++) {
    const float *x = gx + b * G, *r = gh + b * G, *hp = hprev + b * ldhp;
    float *hb = h + b * ldh, *q = cache + 4L * H * b;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      auto rr = T::sigmoid(T::add(T::add(T::load(x + j), T::load(bih + j)), T::add(T::load(r + j), T::load(bhh + j))));
      auto z = T::sigmoid(T::add(T::add(T::load(x + H + j), T::load(bih + H + j)), T::add(T::load(r + H + j), T::load(bhh + H + j))));
      auto ghn = T::add(T::load(r + 2 * H + j), T::load(bhh + 2 * H + j));
      auto n = T::tanh(T::fmadd(rr, ghn, T::add(T::load(x + 2 * H + j), T::load(bih + 2 * H + j))));
      T::store(hb + j, T::fmadd(z, T::sub(T::load(hp + j), n), n));
      T::store(q + j, rr); T::store(q + H + j, z); T::store(q + 2 * H + j, n); T::store(q + 3 * H + j, ghn);
    });
  }
}

// The gate gradients in one row of 4H: [n (for W_ih) | r | z | r·n (for W_hh)]. The ones for W_ih
// are the first 3H (n first), those for W_hh the last 3H (in PyTorch's order r, z, n), and the
// two share r and z.
template <class V>
void gru_backward(int b0, int b1, int H, const float* cache, const float* hprev, long ldhp, float* dh, float* dg, long ldg) {
  for (int b = b0; b < b1; b++) {
    const float *q = cache + 4L * H * b, *hp = hprev + b * ldhp;
    float *d = dh + (long)b * H, *g = dg + b * ldg;
    for_each_lane<V>(H, [&](auto v, int j) {
      using T = decltype(v);
      const auto one = T::set1(1.f);
      auto r = T::load(q + j), z = T::load(q + H + j), n = T::load(q + 2 * H + j), ghn = T::load(q + 3 * H + j);
      auto dht = T::load(d + j);
      auto dan = T::mul(T::mul(dht, T::sub(one, z)), T::sub(one, T::mul(n, n)));
      auto dar = T::mul(T::mul(dan, ghn), T::mul(r, T::sub(one, r)));
      auto daz = T::mul(T::mul(dht, T::sub(T::load(hp + j), n)), T::mul(z, T::sub(one, z)));
      T::store(g + j, dan); T::store(g + H + j, dar); T::store(g + 2 * H + j, daz); T::store(g + 3 * H + j, T::mul(dan, r));
      T::store(d + j, T::mul(dht, z));
    });
  }
}

template <class V>
CellKernels make_kernels() {
  return {rnn_forward<V>, rnn_backward<V>, lstm_forward<V>, lstm_backward<V>, gru_forward<V>, gru_backward<V>};
}

}  // namespace impl
}  // namespace rb
