#!/usr/bin/env bash
# The speed verdict quiet and beside bursts of other work (docs/REPORTS.md, "Step time on a busy
# machine"): the sweep bench/busy-machine.json (adding T=50, B=32, LSTM and GRU at H = 64, 128,
# 256, 2 repeats, 60 steps, cpu-native) run N times on a quiet machine and N times beside one core
# busy in bursts (bench/burst.mjs: 3 s busy, 2 s idle), alternating, then M times with both cores
# bursting. Prints each sweep's step-time verdict, GRU/LSTM factor and the share of steps that lost
# the CPU. Usage: bash bench/busy-machine.sh [N=5] [M=3] [OUT_DIR=/tmp/rnnbench-busy]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-5} M=${2:-3} OUT=${3:-/tmp/rnnbench-busy}
mkdir -p "$OUT"
bursts() { for _ in $(seq "$1"); do node bench/burst.mjs 3000 2000 >/dev/null 2>&1 & done; }
sweep() { # $1: name, $2: bursting cores
  rm -f "$OUT/$1.db"*
  bursts "$2"
  node bin/rnnbench.mjs sweep bench/busy-machine.json --db "$OUT/$1.db" > "$OUT/$1.log" 2>&1
  [ "$2" -gt 0 ] && kill $(jobs -p) 2>/dev/null; wait 2>/dev/null || true
  node bin/rnnbench.mjs verdicts --db "$OUT/$1.db" --json | node -e '
    const r = JSON.parse(require("fs").readFileSync(0, "utf8")), q = r.questions.find((q) => q.id === "step-time"), v = q.verdicts[0], c = v.contention
    console.log(`${process.argv[1].padEnd(8)} ${v.outcome.padEnd(13)} ${v.factor === null ? "-" : `${v.cells[0]} ${v.factor.toFixed(3)}x`}  pairs ${v.pairs}${c.leftOut ? ` (${c.leftOut} left out)` : ""}  steps that lost the CPU ${Math.round(100 * c.lostShare)}%`)' "$1"
}
for i in $(seq "$N"); do sweep "quiet$i" 0; sweep "burst$i" 1; done
for i in $(seq "$M"); do sweep "both$i" 2; done
