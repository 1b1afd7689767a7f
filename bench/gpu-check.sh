#!/usr/bin/env bash
# The GPU check, for the day a machine with a GPU is lent: under 5 minutes, it
#   1. finds Node (on PATH, else unpacks .gpu/kit.tar.xz made by bench/gpu-kit.sh) and a Vulkan
#      loader (Dawn needs libvulkan.so.1; the device README says how to carry one),
#   2. says which adapter webgpu gets (`rnnbench doctor`): a real GPU, not SwiftShader,
#   3. runs every webgpu parity case against PyTorch's golden outputs,
#   4. times training steps (forward + full backward) at T=100 over H 256–2048 and B 32–128, on
#      webgpu, on cpu-native (every core) and on torch-cuda where PyTorch sees the GPU, and prints
#      the table, with each engine's time, GFLOP/s and webgpu's ratio to the others.
# Each step is checked by parity first, so the timed shapes skip bench's cpu-js check (--no-check).
#
#   bash bench/gpu-check.sh     # GPU_CHECK_SMALL=1: tiny shapes, to try it on a CPU; GPU_CHECK_KIT=1: use .gpu/ even with Node here
set -uo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
out="${OUT:-/tmp/gpu-check}"
mkdir -p "$out"

# 1. Node and the app
if [ "${GPU_CHECK_KIT:-}" != 1 ] && command -v node >/dev/null 2>&1 && [ -f out/main/cli.js ] && [ -d node_modules/webgpu ]; then
  NODE=node; APP=.; CASES=test/fixtures/parity
elif [ -f .gpu/kit.tar.xz ]; then
  rm -rf /tmp/rnnbench-kit && mkdir -p /tmp/rnnbench-kit && tar -C /tmp/rnnbench-kit -xJf .gpu/kit.tar.xz
  NODE=/tmp/rnnbench-kit/kit/node/bin/node; APP=/tmp/rnnbench-kit/kit/app; CASES=$APP/parity-cases
else
  echo "gpu-check: no Node here and no .gpu/kit.tar.xz: run bench/gpu-kit.sh on a machine with Node and carry .gpu"; exit 1
fi
rnnbench() { "$NODE" "$APP/bin/rnnbench.mjs" "$@"; }
ldconfig -p 2>/dev/null | grep -q libvulkan.so.1 || echo "gpu-check: no libvulkan.so.1 on this machine: webgpu will be unavailable (see the device README: carry libvulkan1)"
if command -v nvidia-smi >/dev/null 2>&1; then nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; fi
# PyTorch for torch-cuda: rnnbench finds the python3 that has it (docs/TORCH.md); RNNBENCH_PYTHON overrides.

# 2. The backends
rnnbench doctor | tee "$out/doctor.txt"
grep -q '^webgpu  *available' "$out/doctor.txt" || { echo "gpu-check: webgpu is unavailable here; nothing to measure"; exit 1; }
grep -q '^webgpu .*software' "$out/doctor.txt" && echo "gpu-check: webgpu found only a software adapter (SwiftShader): the figures below are not a GPU's"
torch_cuda=0; grep -q '^torch-cuda *available' "$out/doctor.txt" && torch_cuda=1

# 3. Parity
pass=0; fail=0
for c in "$CASES"/*.case.json; do
  if rnnbench parity --backend webgpu "$c" --expect "${c%.case.json}.out.json" -o /dev/null > /dev/null 2>"$out/parity-last.err"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL $(basename "$c"): $(tail -1 "$out/parity-last.err")"; fi
done
echo "parity: webgpu $pass passed, $fail failed, against PyTorch's float64 outputs (tolerance 2e-4 + 2e-3·|want|)"

# 4. Training steps
if [ "${GPU_CHECK_SMALL:-}" = 1 ]; then sizes="32:8"; cells="lstm"; repeats=2; else sizes="256:32 256:128 1024:32 1024:128 2048:32 2048:128"; cells="lstm gru"; repeats=5; fi
cores=$(nproc)
step() { # backend cell H B [threads] → ms median, or "–"
  local r; r=$(rnnbench bench --backend "$1" --cell "$2" --hidden "$3" --batch "$4" --seq 100 --threads "${5:-1}" --repeats "$repeats" --no-check --json 2>>"$out/bench.err") || { echo "–"; return; }
  echo "$r" | "$NODE" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).ms_median.toFixed(2)))'
}
gflops() { "$NODE" -e "const [c,H,B,ms]=process.argv.slice(1);const G={lstm:4,gru:3,rnn_tanh:1}[c];console.log(ms==='–'?'–':(6*G*H*2*H*B*100/(ms*1e6)).toFixed(1))" "$@"; }
ratio() { "$NODE" -e "const [a,b]=process.argv.slice(1);console.log(a==='–'||b==='–'?'–':(b/a).toFixed(2))" "$@"; }
{
  echo "| shape (T=100, I=H) | webgpu ms | GFLOP/s | cpu-native ms ($cores threads) | GFLOP/s | torch-cuda ms | GFLOP/s | cpu-native ÷ webgpu | torch-cuda ÷ webgpu |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for cell in $cells; do for s in $sizes; do
    H=${s%:*}; B=${s#*:}
    g=$(step webgpu "$cell" "$H" "$B"); n=$(step cpu-native "$cell" "$H" "$B" "$cores")
    t="–"; [ "$torch_cuda" = 1 ] && t=$(step torch-cuda "$cell" "$H" "$B")
    echo "| $cell H=$H B=$B | $g | $(gflops "$cell" "$H" "$B" "$g") | $n | $(gflops "$cell" "$H" "$B" "$n") | $t | $(gflops "$cell" "$H" "$B" "$t") | $(ratio "$g" "$n") | $(ratio "$g" "$t") |"
    if [ $(( $(date +%s) - started )) -gt 270 ]; then echo "(stopped here: the check keeps under 5 minutes)"; break 2; fi
  done; done
} | tee "$out/steps.md"
echo "ratios above 1: webgpu takes less time. Each figure is the median of $repeats steps after 3 warm-ups, as the backend times it (webgpu: GPU timestamps where the adapter has them). $(( $(date +%s) - started )) s in all."
