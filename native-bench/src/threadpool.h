// A small fork-join pool for work inside one training step. Workers spin briefly before sleeping,
// because a step hands out work every timestep (hundreds of times per step) and a futex wake-up
// per timestep would cost more than the work at small sizes.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rb {

class ThreadPool {
 public:
  explicit ThreadPool(int threads) : n_(threads < 1 ? 1 : threads) {
    for (int i = 1; i < n_; i++) workers_.emplace_back([this, i] { loop(i); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_.fetch_add(1);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return n_; }

  // Calls fn(part, parts) on every thread (part 0 on the caller) and waits for all.
  void run(const std::function<void(int, int)>& fn) {
    if (n_ == 1) { fn(0, 1); return; }
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = &fn;
      pending_.store(n_ - 1);
      generation_.fetch_add(1, std::memory_order_release);
    }
    cv_.notify_all();
    fn(0, n_);
    while (pending_.load(std::memory_order_acquire) != 0) { /* spin: the others finish within microseconds */ }
  }

  // Splits [0, count) into contiguous chunks, one per thread.
  template <class F>
  void parallel_for(int count, F&& f) {
    if (n_ == 1 || count < 2) { f(0, count); return; }
    run([&](int part, int parts) {
      int begin = (int)((long)count * part / parts), end = (int)((long)count * (part + 1) / parts);
      if (begin < end) f(begin, end);
    });
  }

 private:
  void loop(int index) {
    // Generation 0 is the pool's state at construction, not what this thread happens to read when
    // it starts: a thread the OS starts late, after the first run() has already moved the
    // generation on, would otherwise take that run for seen and sleep while the caller spins.
    unsigned seen = 0;
    for (;;) {
      // Spin for about a millisecond (inside a step the next parallel region is microseconds away,
      // and a futex wake-up costs tens of them), then sleep until the next step.
      int spins = 0;
      while (generation_.load(std::memory_order_acquire) == seen && spins < 1000000) { spins++; }
      if (generation_.load(std::memory_order_acquire) == seen) {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return generation_.load() != seen; });
      }
      seen = generation_.load(std::memory_order_acquire);
      if (stop_) return;
      (*job_)(index, n_);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }

  int n_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<unsigned> generation_{0};
  std::atomic<int> pending_{0};
  const std::function<void(int, int)>* job_ = nullptr;
  bool stop_ = false;
};

}  // namespace rb
