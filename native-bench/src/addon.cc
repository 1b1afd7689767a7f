// N-API binding of the native stack. Plain C N-API (ABI-stable): the same binary loads in Node,
// in worker threads and in Electron without a rebuild. Buffers are the caller's Float32Arrays,
// read and written in place: nothing is copied across the boundary.
#include <node_api.h>

#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>

#include "gemm.h"
#include "stack.h"

namespace {

struct Failure : std::runtime_error { using std::runtime_error::runtime_error; };

void check(napi_env env, napi_status s, const char* what) {
  if (s != napi_ok) throw Failure(std::string("N-API call failed: ") + what);
}

napi_value arg_or_throw(napi_value* argv, size_t argc, size_t i) {
  if (i >= argc) throw Failure("missing argument " + std::to_string(i));
  return argv[i];
}

double number(napi_env env, napi_value v, const char* name) {
  double out;
  if (napi_get_value_double(env, v, &out) != napi_ok) throw Failure(std::string(name) + " must be a number");
  return out;
}

bool boolean(napi_env env, napi_value v, const char* name) {
  bool out;
  if (napi_get_value_bool(env, v, &out) != napi_ok) throw Failure(std::string(name) + " must be a boolean");
  return out;
}

/** A Float32Array's data, with its length checked; null for JS null/undefined when optional. */
float* floats(napi_env env, napi_value v, size_t expected, const char* name, bool optional = false) {
  napi_valuetype type;
  check(env, napi_typeof(env, v, &type), "typeof");
  if (optional && (type == napi_null || type == napi_undefined)) return nullptr;
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed) throw Failure(std::string(name) + " must be a Float32Array");
  napi_typedarray_type ta_type;
  size_t length;
  void* data;
  check(env, napi_get_typedarray_info(env, v, &ta_type, &length, &data, nullptr, nullptr), "typedarray info");
  if (ta_type != napi_float32_array) throw Failure(std::string(name) + " must be a Float32Array");
  if (length != expected) throw Failure(std::string(name) + ": expected " + std::to_string(expected) + " floats, got " + std::to_string(length));
  return static_cast<float*>(data);
}

struct Handle {
  rb::Stack stack;
  rb::StackConfig config;
  int T = 0, B = 0;  // of the last forward
};

Handle* handle(napi_env env, napi_value v) {
  void* data = nullptr;
  if (napi_get_value_external(env, v, &data) != napi_ok || !data) throw Failure("not a native stack handle");
  return static_cast<Handle*>(data);
}

template <class F>
napi_value guarded(napi_env env, F&& body) {
  try {
    return body();
  } catch (const std::exception& e) {
    napi_throw_error(env, nullptr, e.what());
    return nullptr;
  }
}

// cpuInfo() → { isa, hardwareThreads }
napi_value CpuInfo(napi_env env, napi_callback_info) {
  return guarded(env, [&] {
    napi_value out, isa, threads;
    check(env, napi_create_object(env, &out), "object");
    check(env, napi_create_string_utf8(env, rb::kernel_isa(), NAPI_AUTO_LENGTH, &isa), "string");
    check(env, napi_create_uint32(env, std::thread::hardware_concurrency(), &threads), "uint32");
    check(env, napi_set_named_property(env, out, "isa", isa), "set");
    check(env, napi_set_named_property(env, out, "hardwareThreads", threads), "set");
    return out;
  });
}

// createStack(cell, input, hidden, layers, bidirectional, dropout, threads) → handle
napi_value CreateStack(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t argc = 7;
    napi_value argv[7];
    check(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "args");
    rb::StackConfig c;
    const int cell = (int)number(env, arg_or_throw(argv, argc, 0), "cell");
    if (cell < 0 || cell > 3) throw Failure("cell must be 0..3");
    c.cell = static_cast<rb::Cell>(cell);
    c.input = (int)number(env, arg_or_throw(argv, argc, 1), "input");
    c.hidden = (int)number(env, arg_or_throw(argv, argc, 2), "hidden");
    c.layers = (int)number(env, arg_or_throw(argv, argc, 3), "layers");
    c.bidirectional = boolean(env, arg_or_throw(argv, argc, 4), "bidirectional");
    c.dropout = (float)number(env, arg_or_throw(argv, argc, 5), "dropout");
    c.threads = (int)number(env, arg_or_throw(argv, argc, 6), "threads");
    if (c.input < 1 || c.hidden < 1 || c.layers < 1 || c.threads < 1) throw Failure("sizes and threads must be positive");
    auto* h = new Handle{rb::Stack(c), c};
    napi_value out;
    check(env, napi_create_external(env, h, [](napi_env, void* data, void*) { delete static_cast<Handle*>(data); }, nullptr, &out), "external");
    return out;
  });
}

// forward(handle, params, x, T, B, h0|null, c0|null, training, dropoutSeed, y, hn, cn|null) → saved bytes
napi_value Forward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t argc = 12;
    napi_value argv[12];
    check(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "args");
    if (argc != 12) throw Failure("forward takes 12 arguments");
    Handle* h = handle(env, argv[0]);
    const auto& c = h->config;
    const int T = (int)number(env, argv[3], "T"), B = (int)number(env, argv[4], "B");
    if (T < 1 || B < 1) throw Failure("T and B must be positive");
    const int D = c.bidirectional ? 2 : 1;
    const size_t state = (size_t)c.layers * D * B * c.hidden;
    const bool lstm = c.cell == rb::Cell::Lstm;
    rb::Stack::Forward f;
    const float* params = floats(env, argv[1], h->stack.parameter_count(), "params");
    f.x = floats(env, argv[2], (size_t)T * B * c.input, "x");
    f.T = T; f.B = B;
    f.h0 = floats(env, argv[5], state, "h0", true);
    f.c0 = lstm ? floats(env, argv[6], state, "c0", true) : nullptr;
    f.training = boolean(env, argv[7], "training");
    f.dropout_seed = (uint64_t)number(env, argv[8], "dropoutSeed");
    f.y = floats(env, argv[9], (size_t)T * B * D * c.hidden, "y");
    f.hn = floats(env, argv[10], state, "hn");
    f.cn = lstm ? floats(env, argv[11], state, "cn", true) : nullptr;
    const double saved = h->stack.forward(params, f);
    h->T = T; h->B = B;
    napi_value out;
    check(env, napi_create_double(env, saved, &out), "double");
    return out;
  });
}

// backward(handle, params, grads, dy, dx, dh0, dc0|null, gradFlow|null)
napi_value Backward(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t argc = 8;
    napi_value argv[8];
    check(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "args");
    if (argc != 8) throw Failure("backward takes 8 arguments");
    Handle* h = handle(env, argv[0]);
    if (h->T == 0) throw Failure("backward() before forward()");
    const auto& c = h->config;
    const int D = c.bidirectional ? 2 : 1, T = h->T, B = h->B;
    const size_t state = (size_t)c.layers * D * B * c.hidden;
    const float* params = floats(env, argv[1], h->stack.parameter_count(), "params");
    float* grads = floats(env, argv[2], h->stack.parameter_count(), "grads");
    rb::Stack::Backward b;
    b.dy = floats(env, argv[3], (size_t)T * B * D * c.hidden, "dy");
    b.dx = floats(env, argv[4], (size_t)T * B * c.input, "dx");
    b.dh0 = floats(env, argv[5], state, "dh0");
    b.dc0 = c.cell == rb::Cell::Lstm ? floats(env, argv[6], state, "dc0", true) : nullptr;
    b.grad_flow = floats(env, argv[7], (size_t)c.layers * D * T, "gradFlow", true);
    h->stack.backward(params, grads, b);
    return (napi_value) nullptr;
  });
}

// threadIds(handle) → the Linux thread ids of the stack's pool workers ([] for one thread, or
// off Linux): with the caller's own thread, every thread a step runs on.
napi_value ThreadIds(napi_env env, napi_callback_info info) {
  return guarded(env, [&] {
    size_t argc = 1;
    napi_value argv[1];
    check(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr), "args");
    Handle* h = handle(env, arg_or_throw(argv, argc, 0));
    const std::vector<long> ids = h->stack.thread_ids();
    napi_value out;
    check(env, napi_create_array_with_length(env, ids.size(), &out), "array");
    for (size_t i = 0; i < ids.size(); i++) {
      napi_value v;
      check(env, napi_create_double(env, (double)ids[i], &v), "double");
      check(env, napi_set_element(env, out, (uint32_t)i, v), "set");
    }
    return out;
  });
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"cpuInfo", nullptr, CpuInfo, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"createStack", nullptr, CreateStack, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"forward", nullptr, Forward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"backward", nullptr, Backward, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"threadIds", nullptr, ThreadIds, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
