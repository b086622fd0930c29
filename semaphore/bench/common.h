// What every benchmark case shares: the implementations behind one interface, the options,
// and small helpers for the threaded cases. See semaphore_bench.cc for the cases.
#ifndef SEMFUZZ_BENCH_COMMON_H_
#define SEMFUZZ_BENCH_COMMON_H_

#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <mutex>
#include <semaphore>
#include <stdexcept>
#include <thread>

#include "semfuzz/semaphore.h"

namespace semfuzz_bench {

using std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// The implementations, behind one interface: acquire(), try_acquire(), try_acquire_1s(),
// release(n).

template <class S>
struct ours {
  explicit ours(int initial) : s(initial) {}
  void acquire() { s.acquire(); }
  bool try_acquire() { return s.try_acquire(); }
  bool try_acquire_1s() { return s.try_acquire_for(std::chrono::seconds(1)); }
  void release(int n = 1) { s.release(n); }
  S s;
};

// An experiment, not a peer (semaphore_bench --semfuzz_padded): semfuzz's semaphore S whose
// release() is followed by one cheap system call (getppid), as every sem_post is by a FUTEX_WAKE
// while a waiter is registered. It tells whether a row's difference to sem_t comes from that call's
// cost on the releasing thread rather than from the algorithm.
template <class S>
struct padded : ours<S> {
  using ours<S>::ours;
  void release(int n = 1) {
    ours<S>::release(n);
    syscall(SYS_getppid);
  }
};

struct glibc_sem {
  explicit glibc_sem(int initial) { sem_init(&s, 0, static_cast<unsigned>(initial)); }
  ~glibc_sem() { sem_destroy(&s); }
  void acquire() {
    while (sem_wait(&s) != 0) {
    }
  }
  bool try_acquire() { return sem_trywait(&s) == 0; }
  bool try_acquire_1s() {  // sem_t takes an absolute deadline: the clock read is the API's cost
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 1;
    for (;;) {
      if (sem_clockwait(&s, CLOCK_MONOTONIC, &deadline) == 0) return true;
      if (errno != EINTR) return false;
    }
  }
  void release(int n = 1) {
    for (int i = 0; i < n; ++i) sem_post(&s);
  }
  sem_t s;
};

struct std_counting {
  explicit std_counting(int initial) : s(initial) {}
  void acquire() { s.acquire(); }
  bool try_acquire() { return s.try_acquire(); }
  bool try_acquire_1s() { return s.try_acquire_for(std::chrono::seconds(1)); }
  void release(int n = 1) { s.release(n); }
  std::counting_semaphore<INT_MAX> s;
};

// The textbook semaphore: a count under a mutex, one condition variable, notify after unlocking
// (notify_one for one token, notify_all for more).
struct mutex_cv {
  explicit mutex_cv(int initial) : count(initial) {}
  void acquire() {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return count > 0; });
    --count;
  }
  bool try_acquire() {
    std::lock_guard<std::mutex> lock(m);
    if (count == 0) return false;
    --count;
    return true;
  }
  bool try_acquire_1s() {
    std::unique_lock<std::mutex> lock(m);
    if (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return count > 0; })) return false;
    --count;
    return true;
  }
  void release(int n = 1) {
    {
      std::lock_guard<std::mutex> lock(m);
      count += n;
    }
    if (n == 1) {
      cv.notify_one();
    } else {
      cv.notify_all();
    }
  }
  std::mutex m;
  std::condition_variable cv;
  long count;
};

// Which implementations count their own futex calls (semfuzz::futex_syscall_count()).
template <class I>
constexpr bool kCountsOwnFutexCalls = false;
template <>
constexpr bool kCountsOwnFutexCalls<ours<semfuzz::split64_semaphore>> = true;
template <>
constexpr bool kCountsOwnFutexCalls<ours<semfuzz::word32_semaphore>> = true;

// Rescue for a stalled case (stall_watchdog.h): takes what tokens it can, then releases them
// and `extra` more in one call, so that even an implementation that notifies sleepers only on a
// release from 0 (libstdc++ 12's std::counting_semaphore) wakes them. Never throws.
template <class I>
void flood(I& s, long long extra) {
  long long taken = 0;
  while (taken < extra && s.try_acquire()) ++taken;
  try {
    s.release(static_cast<int>(std::min<long long>(taken + extra, INT_MAX / 4)));
  } catch (const std::exception&) {  // ours: past max(); the tokens already there do
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

inline bool g_quick = false;
inline bool g_padded = false;  // --semfuzz_padded: also the experiment `padded` (word32_padded)

inline double pair_min_time() { return g_quick ? 0.05 : 0.1; }
inline double threaded_min_time() { return g_quick ? 0.1 : 0.3; }

// --semfuzz_pin: pin the two threads of pingpong and pc_ring* to CPUs 0 and 1 (as the anchors in
// shared/reference/semaphores.md section 5 were measured). Off by default: on a machine that other
// work shares, a pinned thread waits for its one CPU and the figures measure the other load.
inline bool g_pin = false;

// Pins the calling thread to one CPU (modulo the CPUs there are) if g_pin; false if not pinned.
inline bool pin_to(unsigned cpu) {
  if (!g_pin) return false;
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % cpus, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Restores the calling thread's CPU mask when it goes out of scope.
class affinity_guard {
 public:
  affinity_guard() {
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
  }
  ~affinity_guard() {
    if (saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  affinity_guard(const affinity_guard&) = delete;
  affinity_guard& operator=(const affinity_guard&) = delete;

 private:
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

// Partners arrive and wait; the main thread opens the gate once all of them run and only then
// starts the clock, so that thread creation and start-up latency are not timed.
class start_gate {
 public:
  explicit start_gate(int partners) : partners_(partners) {}
  void arrive_and_wait() {
    ready_.fetch_add(1, std::memory_order_relaxed);
    while (!go_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  void open() {
    while (ready_.load(std::memory_order_relaxed) < partners_) std::this_thread::yield();
    go_.store(true, std::memory_order_release);
  }

 private:
  const int partners_;
  std::atomic<int> ready_{0};
  std::atomic<bool> go_{false};
};

// Counts the times the calling thread blocked (voluntary context switches: a futex wait that
// slept, a mutex or condition-variable wait) from construction to destruction, and adds them to
// `total`. Covers every implementation without trapping anything, so the timed pass uses it:
// on an otherwise idle virtual machine each such sleep hands the CPU to the idle loop and the
// wake that ends it costs tens of microseconds, which is what sets the threaded cases' figures
// there (see semaphore_bench.cc).
class sleep_tally {
 public:
  explicit sleep_tally(std::atomic<long>& total) : total_(total), start_(voluntary_switches()) {}
  ~sleep_tally() { total_.fetch_add(voluntary_switches() - start_, std::memory_order_relaxed); }
  sleep_tally(const sleep_tally&) = delete;
  sleep_tally& operator=(const sleep_tally&) = delete;

 private:
  static long voluntary_switches() {
    rusage usage;
    return getrusage(RUSAGE_THREAD, &usage) == 0 ? usage.ru_nvcsw : 0;
  }
  std::atomic<long>& total_;
  const long start_;
};

inline double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

template <class I>
std::uint64_t own_futex_calls() {
  if constexpr (kCountsOwnFutexCalls<I>) {
    return semfuzz::futex_syscall_count();
  } else {
    return 0;
  }
}

template <class I>
void report_own_futex_calls(benchmark::State& state, std::uint64_t before) {
  if constexpr (kCountsOwnFutexCalls<I>) {
    state.counters["futex_syscalls"] = static_cast<double>(semfuzz::futex_syscall_count() - before);
  }
}

}  // namespace semfuzz_bench

#endif  // SEMFUZZ_BENCH_COMMON_H_
