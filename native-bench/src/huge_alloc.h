// An allocator for the stack's large buffers (activations, gate gradients): on Linux, buffers of
// 2 MB or more are aligned to 2 MB and offered to the kernel as transparent huge pages
// (madvise(MADV_HUGEPAGE), honoured where THP is "always" or "madvise"). The weight-gradient
// product reads the gate gradients down their columns, one row every G·H floats: with 4 KB pages,
// once a row is 4 KB (LSTM and GRU at H ≥ 256), every row it touches is on another page, 512
// pages per kernel call; with 2 MB pages its block of rows sits on a few (docs/PERFORMANCE.md,
// "Huge pages").
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace rb {

template <class T>
struct HugeAllocator {
  using value_type = T;
  static constexpr size_t kHuge = size_t(2) << 20;
  HugeAllocator() = default;
  template <class U>
  HugeAllocator(const HugeAllocator<U>&) {}
  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
#if defined(__linux__)
    if (bytes >= kHuge) {
      const size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
      void* p = std::aligned_alloc(kHuge, rounded);
      if (!p) throw std::bad_alloc();
      madvise(p, rounded, MADV_HUGEPAGE);  // advice only: a kernel without THP ignores it
      return static_cast<T*>(p);
    }
#endif
    void* p = std::malloc(bytes ? bytes : 1);
    if (!p) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t) { std::free(p); }
  template <class U>
  bool operator==(const HugeAllocator<U>&) const { return true; }
  template <class U>
  bool operator!=(const HugeAllocator<U>&) const { return false; }
};

/** A float buffer for the stack's large arrays. */
using Buffer = std::vector<float, HugeAllocator<float>>;

}  // namespace rb
