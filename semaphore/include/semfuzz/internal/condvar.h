// The portable fallback: a token count guarded by a mutex, with a condition variable.
//
// Synchronisation: tokens_ is guarded by mutex_; the mutex gives the release -> acquire
// ordering. release() notifies while still holding the mutex (QTBUG-120762: notifying after
// unlocking lets a woken acquirer destroy the condition variable first). After the unlock that
// ends release(), the object is not touched again.
#ifndef SEMFUZZ_INTERNAL_CONDVAR_H_
#define SEMFUZZ_INTERNAL_CONDVAR_H_

#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "semfuzz/internal/limits.h"

namespace semfuzz::internal {

template <class P>
class condvar_core {
 public:
  using clock = typename P::clock;
  using time_point = typename clock::time_point;

  // Requires initial <= kMaxTokens.
  explicit condvar_core(std::uint32_t initial) noexcept : tokens_(initial) {}

  condvar_core(const condvar_core&) = delete;
  condvar_core& operator=(const condvar_core&) = delete;

  // See split64_core for the contracts of these members; they are the same.
  bool try_acquire(std::uint32_t n) {
    std::lock_guard<typename P::mutex> lock(mutex_);
    if (tokens_ < n) return false;
    tokens_ -= n;
    return true;
  }

  bool acquire_slow(std::uint32_t n, const time_point* deadline) {
    std::unique_lock<typename P::mutex> lock(mutex_);
    while (tokens_ < n) {
      if (deadline == nullptr) {
        ready_.wait(lock);
      } else if (ready_.wait_until(lock, *deadline) == std::cv_status::timeout && tokens_ < n) {
        return false;
      }
    }
    tokens_ -= n;
    return true;
  }

  void release(std::uint32_t n) {
    std::lock_guard<typename P::mutex> lock(mutex_);
    if (n > kMaxTokens - tokens_) throw_release_overflow(tokens_, n);
    tokens_ += n;
    ready_.notify_all();
  }

  std::uint32_t available() const {
    std::lock_guard<typename P::mutex> lock(mutex_);
    return tokens_;
  }

 private:
  mutable typename P::mutex mutex_;
  typename P::condition_variable ready_;
  std::uint32_t tokens_;  // guarded by mutex_
};

}  // namespace semfuzz::internal

#endif  // SEMFUZZ_INTERNAL_CONDVAR_H_
