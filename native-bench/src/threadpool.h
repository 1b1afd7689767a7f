// A small fork-join pool for work inside one training step. A parallel region is cut into a few
// chunks per thread. Each thread first runs the chunks of its own contiguous share (the same share
// every timestep, so the weight panels it reads stay in its core's cache), then takes unclaimed
// chunks of the others' shares: a thread the VM has not scheduled (or has preempted) never holds
// the region up, and the caller waits only for chunks that were actually claimed. Workers spin
// briefly before sleeping, because a step opens a region every timestep (hundreds per step) and a
// futex wake-up per timestep would cost more than the work at small sizes.
#pragma once
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>
#ifdef __linux__
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rb {

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : n_(threads < 1 ? 1 : threads) {
    for (int i = 0; i < n_; i++) claims_.emplace_back(0);
    for (int i = 1; i < n_; i++) workers_.emplace_back([this, i] { loop(i); });
#ifdef __linux__
    // Each worker has said its id before the pool is used: a step's first reading finds them all.
    std::unique_lock<std::mutex> lock(mu_);
    started_.wait(lock, [&] { return (int)tids_.size() == n_ - 1; });
#endif
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      wake_.fetch_add(1);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return n_; }

  // The kernel's ids of the worker threads (Linux; empty elsewhere and for a pool of one): the
  // caller reads each one's scheduler statistics (/proc/self/task/<tid>/schedstat) around a step
  // to tell whether the step lost the CPU. A worker not yet started is left out.
  std::vector<long> thread_ids() {
    std::lock_guard<std::mutex> lock(mu_);
    return tids_;
  }

  // Calls f(begin, end) over contiguous chunks covering [0, count) exactly once, on whichever
  // threads claim them, and returns when all are done. By default four chunks per thread: small
  // enough that a late thread's share is taken by the others, few enough that claiming (one atomic
  // each) costs nothing next to the chunk. Work that runs best in as few pieces as possible (a
  // thread's rows of the batch through many timesteps) asks for one.
  template <class F>
  void parallel_for(int count, F&& f, int chunks_per_thread = 4) {
    if (n_ == 1 || count < 2) { if (count > 0) f(0, count); return; }
    const std::function<void(int, int)> job = [&](int begin, int end) { f(begin, end); };
    const int chunks = std::min({count, std::max(1, chunks_per_thread) * n_, 0xFFFF});
    job_.store(&job, std::memory_order_relaxed);
    count_.store(count, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    const uint32_t gen = wake_.load(std::memory_order_relaxed) + 1;  // only this thread moves it
    // publishes the fields above
    for (auto& c : claims_) c.value.store((uint64_t)gen << 32 | (uint64_t)chunks << 16, std::memory_order_release);
    {
      std::lock_guard<std::mutex> lock(mu_);
      wake_.store(gen, std::memory_order_release);
    }
    cv_.notify_all();
    const int mine = work(gen, 0, false);
    // Every chunk was claimed when work() returned; wait for those the other threads still run.
    if (mine < chunks) while (done_.load(std::memory_order_acquire) != chunks - mine) { /* spin: microseconds */ }
  }

 private:
  // Claims and runs chunks of region `gen`, its own share first, until none is left; returns how
  // many it ran. A worker counts each of its chunks in done_, for the caller to wait on.
  int work(uint32_t gen, int self, bool worker) {
    int ran = 0;
    for (int k = 0; k < n_; k++) {
      const int share = (self + k) % n_;
      std::atomic<uint64_t>& claim = claims_[share].value;
      for (;;) {
        uint64_t state = claim.load(std::memory_order_acquire);
        if ((uint32_t)(state >> 32) != gen) return ran;  // a later region: this one is over
        // The chunk count comes in the same word as the region: while the caller opens the next
        // region, a share may still hold this one's word, and a separate field would already
        // hold the next region's count.
        const int chunks = (int)(state >> 16 & 0xFFFF);
        const int chunk = (int)((long)chunks * share / n_) + (int)(state & 0xFFFF);
        if (chunk >= (int)((long)chunks * (share + 1) / n_)) break;  // this share is all claimed
        if (!claim.compare_exchange_weak(state, state + 1, std::memory_order_acq_rel)) continue;
        // Won: a chunk of `gen` was left, so the caller is still in this region and count_ and
        // job_ are still its own.
        const int count = count_.load(std::memory_order_relaxed);
        const int begin = (int)((long)count * chunk / chunks), end = (int)((long)count * (chunk + 1) / chunks);
        if (begin < end) (*job_.load(std::memory_order_relaxed))(begin, end);
        ran++;
        if (worker) done_.fetch_add(1, std::memory_order_release);
      }
    }
    return ran;
  }

  void loop(int self) {
#ifdef __linux__
    {
      std::lock_guard<std::mutex> lock(mu_);
      tids_.push_back((long)syscall(SYS_gettid));
    }
    started_.notify_all();
#endif
    // Region 0 is the pool's state at construction, not what this thread happens to read when it
    // starts: a thread the OS starts late must still see the regions opened before it ran.
    uint32_t seen = 0;
    for (;;) {
      // Spin for about a millisecond (inside a step the next region is microseconds away, and a
      // futex wake-up costs tens of them), then sleep until the next region.
      int spins = 0;
      while (wake_.load(std::memory_order_acquire) == seen && spins < 1000000) { spins++; }
      if (wake_.load(std::memory_order_acquire) == seen) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return wake_.load() != seen; });
      }
      seen = wake_.load(std::memory_order_acquire);
      if (stop_.load()) return;
      work(seen, self, true);
    }
  }

  int n_;
  std::vector<std::thread> workers_;
  std::vector<long> tids_;  // guarded by mu_
  std::condition_variable started_;  // a worker's id is in tids_
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<uint32_t> wake_{0};  // the newest region, for the workers to wake on
  // Per share of the chunks: region << 32 | chunks << 16 | next chunk of the share to claim. Each
  // on its own cache line, so that threads claiming in their own shares do not contend.
  struct alignas(64) Claim {
    explicit Claim(uint64_t v) : value(v) {}
    Claim(Claim&& o) noexcept : value(o.value.load()) {}
    std::atomic<uint64_t> value;
  };
  std::vector<Claim> claims_;
  std::atomic<int> count_{0}, done_{0};  // done_: chunks finished by workers
  std::atomic<const std::function<void(int, int)>*> job_{nullptr};
  std::atomic<bool> stop_{false};
};

}  // namespace rb
