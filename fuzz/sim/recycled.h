// Storage recycled across runs on one OS thread. A run's containers keep the capacity the
// previous run grew, so a run allocates nothing once the first one has. Under ASan every
// allocation is fresh memory until its quarantine has filled: filled with 0xbe and soon
// page-faulted, a cost that dominated one execution (docs/performance.md, "Where the time goes").
//
// recycled<T> holds a T taken from this OS thread's spare (what the last recycled<T> destroyed on
// it left) and puts it back when destroyed. What it holds is as the previous user left it, so
// its user clears or assigns it before use. Two alive at once on one thread are correct too:
// the second one starts empty, and the spare keeps whichever is destroyed last.
//
// Synchronisation: none needed; the spare is thread_local.
#ifndef SEMFUZZ_FUZZ_SIM_RECYCLED_H_
#define SEMFUZZ_FUZZ_SIM_RECYCLED_H_

#include <utility>

namespace semfuzz::sim {

template <class T>
class recycled {
 public:
  recycled() : value_(std::move(spare())) {}
  ~recycled() { spare() = std::move(value_); }
  recycled(const recycled&) = delete;
  recycled& operator=(const recycled&) = delete;

  T& operator*() { return value_; }
  const T& operator*() const { return value_; }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }

 private:
  static T& spare() {
    static thread_local T s;
    return s;
  }

  T value_;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_RECYCLED_H_
