// oneDNN's RNN primitives (Debian libdnnl-dev 2.6), timed the way `rnnbench bench` times a step:
// forward_training over the whole sequence, then the full backward with weight gradients.
// Weights are in the layouts the primitives choose (reordered once, outside the timing), as a
// framework that keeps them packed would. GRU is lbr_gru, PyTorch's formulation.
//   g++ -O2 -std=c++17 bench/onednn_rnn.cc -ldnnl -o build/onednn_rnn
//   OMP_NUM_THREADS=1 build/onednn_rnn lstm H I B T REPEATS    → one JSON line
#include <oneapi/dnnl/dnnl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <unordered_map>
#include <vector>

using namespace dnnl;
using dt = memory::data_type;
using tag = memory::format_tag;

static void fill(memory& m, float v) {
  float* p = static_cast<float*>(m.get_data_handle());
  const size_t n = m.get_desc().get_size() / sizeof(float);
  for (size_t i = 0; i < n; i++) p[i] = v * (float)((i * 2654435761u) % 1000) / 1000.f;
}

int main(int argc, char** argv) {
  if (argc < 7) { std::fprintf(stderr, "usage: onednn_rnn lstm|gru|rnn_tanh H I B T REPEATS\n"); return 2; }
  const std::string cell = argv[1];
  const int H = std::atoi(argv[2]), I = std::atoi(argv[3]), B = std::atoi(argv[4]), T = std::atoi(argv[5]), R = std::atoi(argv[6]);
  const bool lstm = cell == "lstm", gru = cell == "gru";
  const int G = lstm ? 4 : gru ? 3 : 1;
  engine eng(engine::kind::cpu, 0);
  stream s(eng);
  auto md = [](memory::dims d, tag t) { return memory::desc(d, dt::f32, t); };
  const auto dir = rnn_direction::unidirectional_left2right;
  auto src_layer = md({T, B, I}, tag::tnc), dst_layer = md({T, B, H}, tag::tnc);
  auto iter = md({1, 1, B, H}, tag::ldnc);
  auto wl = md({1, 1, I, G, H}, tag::any), wi = md({1, 1, H, G, H}, tag::any);
  auto bias = md({1, 1, G + (gru ? 1 : 0), H}, tag::ldgo);

  primitive fwd, bwd;
  memory::desc ws_md, fwl, fwi, bwl, bwi, dwl, dwi;
  if (lstm) {
    lstm_forward::primitive_desc fpd(lstm_forward::desc(prop_kind::forward_training, dir, src_layer, iter, iter, wl, wi, bias, dst_layer, iter, iter), eng);
    lstm_backward::primitive_desc bpd(lstm_backward::desc(prop_kind::backward, dir, src_layer, iter, iter, wl, wi, bias, dst_layer, iter, iter,
                                                          src_layer, iter, iter, wl, wi, bias, dst_layer, iter, iter), eng, fpd);
    fwd = lstm_forward(fpd); bwd = lstm_backward(bpd);
    ws_md = fpd.workspace_desc(); fwl = fpd.weights_layer_desc(); fwi = fpd.weights_iter_desc();
    bwl = bpd.weights_layer_desc(); bwi = bpd.weights_iter_desc(); dwl = bpd.diff_weights_layer_desc(); dwi = bpd.diff_weights_iter_desc();
  } else if (gru) {
    lbr_gru_forward::primitive_desc fpd(lbr_gru_forward::desc(prop_kind::forward_training, dir, src_layer, iter, wl, wi, bias, dst_layer, iter), eng);
    lbr_gru_backward::primitive_desc bpd(lbr_gru_backward::desc(prop_kind::backward, dir, src_layer, iter, wl, wi, bias, dst_layer, iter,
                                                                src_layer, iter, wl, wi, bias, dst_layer, iter), eng, fpd);
    fwd = lbr_gru_forward(fpd); bwd = lbr_gru_backward(bpd);
    ws_md = fpd.workspace_desc(); fwl = fpd.weights_layer_desc(); fwi = fpd.weights_iter_desc();
    bwl = bpd.weights_layer_desc(); bwi = bpd.weights_iter_desc(); dwl = bpd.diff_weights_layer_desc(); dwi = bpd.diff_weights_iter_desc();
  } else {
    vanilla_rnn_forward::primitive_desc fpd(vanilla_rnn_forward::desc(prop_kind::forward_training, algorithm::eltwise_tanh, dir, src_layer, iter, wl, wi, bias, dst_layer, iter), eng);
    vanilla_rnn_backward::primitive_desc bpd(vanilla_rnn_backward::desc(prop_kind::backward, algorithm::eltwise_tanh, dir, src_layer, iter, wl, wi, bias, dst_layer, iter,
                                                                        src_layer, iter, wl, wi, bias, dst_layer, iter), eng, fpd);
    fwd = vanilla_rnn_forward(fpd); bwd = vanilla_rnn_backward(bpd);
    ws_md = fpd.workspace_desc(); fwl = fpd.weights_layer_desc(); fwi = fpd.weights_iter_desc();
    bwl = bpd.weights_layer_desc(); bwi = bpd.weights_iter_desc(); dwl = bpd.diff_weights_layer_desc(); dwi = bpd.diff_weights_iter_desc();
  }
  memory x(src_layer, eng), h0(iter, eng), c0(iter, eng), y(dst_layer, eng), hn(iter, eng), cn(iter, eng), b(bias, eng), ws(ws_md, eng);
  memory w_l(fwl, eng), w_i(fwi, eng), bw_l(bwl, eng), bw_i(bwi, eng), dw_l(dwl, eng), dw_i(dwi, eng), db(bias, eng);
  memory dx(src_layer, eng), dh0(iter, eng), dc0(iter, eng), dy(dst_layer, eng), dhn(iter, eng), dcn(iter, eng);
  for (memory* m : {&x, &h0, &c0, &b, &w_l, &w_i, &dy, &dhn, &dcn}) fill(*m, 0.1f);
  reorder(w_l, bw_l).execute(s, w_l, bw_l);
  reorder(w_i, bw_i).execute(s, w_i, bw_i);

  std::unordered_map<int, memory> fargs = {{DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0}, {DNNL_ARG_WEIGHTS_LAYER, w_l},
      {DNNL_ARG_WEIGHTS_ITER, w_i}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, y}, {DNNL_ARG_DST_ITER, hn}, {DNNL_ARG_WORKSPACE, ws}};
  std::unordered_map<int, memory> bargs = {{DNNL_ARG_SRC_LAYER, x}, {DNNL_ARG_SRC_ITER, h0}, {DNNL_ARG_WEIGHTS_LAYER, bw_l},
      {DNNL_ARG_WEIGHTS_ITER, bw_i}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST_LAYER, y}, {DNNL_ARG_DST_ITER, hn}, {DNNL_ARG_WORKSPACE, ws},
      {DNNL_ARG_DIFF_SRC_LAYER, dx}, {DNNL_ARG_DIFF_SRC_ITER, dh0}, {DNNL_ARG_DIFF_WEIGHTS_LAYER, dw_l}, {DNNL_ARG_DIFF_WEIGHTS_ITER, dw_i},
      {DNNL_ARG_DIFF_BIAS, db}, {DNNL_ARG_DIFF_DST_LAYER, dy}, {DNNL_ARG_DIFF_DST_ITER, dhn}};
  if (lstm) {
    fargs.insert({{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, cn}});
    bargs.insert({{DNNL_ARG_SRC_ITER_C, c0}, {DNNL_ARG_DST_ITER_C, cn}, {DNNL_ARG_DIFF_SRC_ITER_C, dc0}, {DNNL_ARG_DIFF_DST_ITER_C, dcn}});
  }
  std::vector<double> ms, fms, bms;
  for (int r = 0; r < R + 3; r++) {
    const auto t0 = std::chrono::steady_clock::now();
    fwd.execute(s, fargs);
    s.wait();
    const auto t1 = std::chrono::steady_clock::now();
    bwd.execute(s, bargs);
    s.wait();
    const auto t2 = std::chrono::steady_clock::now();
    if (r >= 3) {
      ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
      fms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      bms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    }
  }
  for (auto* v : {&ms, &fms, &bms}) std::sort(v->begin(), v->end());
  std::printf("{\"engine\":\"onednn\",\"cell\":\"%s\",\"ms_median\":%.3f,\"ms_min\":%.3f,\"forward_ms_median\":%.3f,\"backward_ms_median\":%.3f,\"workspace_bytes\":%zu}\n",
              cell.c_str(), ms[ms.size() / 2], ms[0], fms[fms.size() / 2], bms[bms.size() / 2], ws_md.get_size());
  return 0;
}
