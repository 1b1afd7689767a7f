#!/bin/bash
# Alternating A/B of two builds of the standalone benchmark (native-bench/build/bench_stack), for
# kernel changes: the two binaries run in turn, ROUNDS times, the first of the pair alternating
# between rounds, so that the noise of a shared machine falls on both alike. Prints each one's
# minimum and median total step time, the median of the per-round old/new time ratios, and in how
# many rounds the new build was faster, with a two-sided sign test: on this host a 1% change needs
# about twenty rounds to tell from noise.
#   make -C native-bench bench && cp native-bench/build/bench_stack /tmp/old   # before the change
#   make -C native-bench bench                                                 # after it
#   bench/ab.sh /tmp/old native-bench/build/bench_stack 20 lstm 256 256 32 100 1 9
set -euo pipefail
if [ $# -lt 8 ]; then echo "usage: bench/ab.sh OLD NEW ROUNDS CELL H I B T [THREADS] [REPEATS]" >&2; exit 2; fi
old=$1; new=$2; rounds=$3; shift 3
for b in "$old" "$new"; do [ -x "$b" ] || { echo "bench/ab.sh: $b is not an executable (make -C native-bench bench builds bench_stack; npm run build:native removes it)" >&2; exit 2; }; done
total() { "$1" "${@:2}" | sed 's/.*total \([0-9.]*\) ms.*/\1/'; }
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then o=$(total "$old" "$@"); n=$(total "$new" "$@"); else n=$(total "$new" "$@"); o=$(total "$old" "$@"); fi
  echo "$o $n"
done | awk '
  { old[NR] = $1; new[NR] = $2; ratio[NR] = $1 / $2; if ($2 < $1) wins++; if ($2 > $1) losses++ }
  function median(x, m,   i, j, t, a) {
    for (i = 1; i <= m; i++) a[i] = x[i]
    for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    lo = a[1]; return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
  }
  # Two-sided sign test over the rounds that differ: P(a split at least this uneven | a fair coin).
  function sign_p(k, m,   i, c, tail, lo_k) {
    lo_k = k < m - k ? k : m - k; c = 1; tail = 0
    for (i = 0; i <= lo_k; i++) { tail += c; c = c * (m - i) / (i + 1) }
    tail = 2 * tail / 2 ^ m; return tail > 1 ? 1 : tail
  }
  END {
    m = NR; mo = median(old, m); lo_old = lo; mn = median(new, m); lo_new = lo
    printf "old: min %.2f ms, median %.2f ms\nnew: min %.2f ms, median %.2f ms\n", lo_old, mo, lo_new, mn
    printf "old/new per round: median %.4f (> 1: new faster); new faster in %d of %d rounds, slower in %d (sign test p = %.2g)\n", median(ratio, m), wins, m, losses, sign_p(wins + 0, wins + losses)
  }'
