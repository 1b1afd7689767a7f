// Stress test of the thread pool (threadpool.h), run by test/engine/native-threadpool.test.ts: many
// parallel regions of random sizes, some chunks slow, on more threads than cores, so that threads
// are preempted mid-region and late for regions. Every index must run exactly once per region,
// and the program must finish (a lost chunk deadlocks the caller, which the test's timeout catches).
//   g++ -O2 -std=c++17 -pthread native-bench/bench/pool_stress.cc -o pool_stress && ./pool_stress THREADS REGIONS
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "../src/threadpool.h"

int main(int argc, char** argv) {
  if (argc < 3) { std::fprintf(stderr, "usage: pool_stress THREADS REGIONS\n"); return 2; }
  const int threads = std::atoi(argv[1]);
  const long regions = std::atol(argv[2]), pools = 50;
  std::vector<std::atomic<int>> hits(512);
  unsigned seed = 7;
  for (long p = 0; p < pools; p++) {
    rb::ThreadPool pool(threads);  // fresh pools too: their threads start late
    for (long r = 0; r < regions / pools; r++) {
      seed = seed * 1664525u + 1013904223u;
      const int count = (int)((seed >> 8) % 300);
      const bool slow = (seed & 7) == 0;
      for (int i = 0; i < count; i++) hits[i].store(0);
      pool.parallel_for(count, [&](int begin, int end) {
        for (int i = begin; i < end; i++) hits[i].fetch_add(1);
        if (slow) { volatile int x = 0; for (int k = 0; k < 2000; k++) x = x + k; }
      });
      for (int i = 0; i < count; i++) {
        if (hits[i].load() != 1) {
          std::printf("region %ld of pool %ld: index %d of %d ran %d times\n", r, p, i, count, hits[i].load());
          return 1;
        }
      }
    }
  }
  std::printf("ok\n");
  return 0;
}
