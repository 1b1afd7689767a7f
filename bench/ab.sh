#!/bin/bash
# Alternating A/B of two builds of the standalone benchmark (native-bench/build/bench_stack), for
# kernel changes: the two binaries run in turn, ROUNDS times, so that the noise of a shared machine
# falls on both alike; prints each one's minimum and median total step time and the ratios.
#   make -C native-bench bench && cp native-bench/build/bench_stack /tmp/old   # before the change
#   make -C native-bench bench                                                 # after it
#   bench/ab.sh /tmp/old native-bench/build/bench_stack 6 lstm 256 256 32 100 1 10
set -euo pipefail
if [ $# -lt 8 ]; then echo "usage: bench/ab.sh OLD NEW ROUNDS CELL H I B T [THREADS] [REPEATS]" >&2; exit 2; fi
old=$1; new=$2; rounds=$3; shift 3
for _ in $(seq "$rounds"); do
  echo "old $("$old" "$@" | sed 's/.*total \([0-9.]*\) ms.*/\1/')"
  echo "new $("$new" "$@" | sed 's/.*total \([0-9.]*\) ms.*/\1/')"
done | awk '
  { v[$1, ++n[$1]] = $2 }
  function med(k,   i, j, t, a, m) {
    m = n[k]; for (i = 1; i <= m; i++) a[i] = v[k, i]
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  END {
    mo = med("old"); lo_old = lo; mn = med("new"); lo_new = lo
    printf "old: min %.2f ms, median %.2f ms\nnew: min %.2f ms, median %.2f ms\nnew/old: median %.3f, min %.3f\n", lo_old, mo, lo_new, mn, mn / mo, lo_new / lo_old
  }'
