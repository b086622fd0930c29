// The simulated platform: the semaphore's platform seam (semfuzz/platform/platform.h) routed
// through the deterministic scheduler. Every atomic operation, futex call, clock read, mutex and
// condition-variable operation is a scheduling point; time is virtual. Every load reads the latest
// store unless the weak-memory model is on (fuzz/sim/memory_model.h: then the chooser picks among
// the stores the C++ model allows); the memory order each operation asks for goes to the
// scheduler's happens-before checker (fuzz/sim/happens_before.h), with the mutex's unlock -> lock
// edges, so a release or acquire that is missing shows in the clocks.
//
// Objects of this platform must live inside a scheduler::scope. Used from the scheduler's side
// (between steps, e.g. by an oracle reading available()), operations do not yield and mutexes
// are not taken: no simulated thread runs at that moment, and every step is atomic.
#ifndef SEMFUZZ_FUZZ_SIM_SIM_PLATFORM_H_
#define SEMFUZZ_FUZZ_SIM_SIM_PLATFORM_H_

#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <type_traits>

#include "fuzz/sim/scheduler.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::sim {

// The virtual steady clock. Outside a simulation it reads kStartTime.
struct sim_clock {
  using rep = std::int64_t;
  using period = std::nano;
  using duration = std::chrono::duration<rep, period>;
  using time_point = std::chrono::time_point<sim_clock>;
  static constexpr bool is_steady = true;
  static time_point now() {
    scheduler* s = scheduler::current();
    return time_point(duration(s ? s->read_clock() : kStartTime));
  }
};

namespace detail {
[[noreturn]] inline void no_simulation(const char* what) {
  std::fprintf(stderr, "semfuzz: simulated %s used outside a scheduler scope\n", what);
  std::abort();
}
inline scheduler& sched(const char* what) {
  scheduler* s = scheduler::current();
  if (s == nullptr) no_simulation(what);
  return *s;
}
}  // namespace detail

// An atomic whose every operation is a scheduling point. The value is the first (only) member,
// so futex addresses inside it are addresses of its own bytes.
template <class T>
class sim_atomic {
  static_assert(std::is_integral_v<T> && std::is_unsigned_v<T>);

 public:
  explicit sim_atomic(T v = T()) noexcept : value_(v) {
    detail::sched("atomic").register_word(this, sizeof(T));
  }
  ~sim_atomic() {
    if (scheduler* s = scheduler::current()) s->unregister_word(this);
  }
  sim_atomic(const sim_atomic&) = delete;
  sim_atomic& operator=(const sim_atomic&) = delete;

  T load(std::memory_order order = std::memory_order_seq_cst) const {
    scheduler& s = detail::sched("atomic");
    s.point_load(this);
    int stale = 0;
    const T v = static_cast<T>(s.load_value(this, order, value_, &stale));
    s.event(ev::load, this, v, static_cast<std::uint64_t>(stale));
    return v;
  }
  void store(T v, std::memory_order order = std::memory_order_seq_cst) {
    scheduler& s = step();
    if (happens_before* hb = s.ordering()) hb->store(s.running_thread(), this, order, value_, v);
    s.event(ev::store, this, value_, v);
    value_ = v;
  }
  T exchange(T v, std::memory_order order = std::memory_order_seq_cst) {
    return rmw(ev::exchange, v, order, [](T, T x) { return x; });
  }
  bool compare_exchange_strong(T& expected, T desired, std::memory_order success,
                               std::memory_order failure) {
    scheduler& s = step();
    const bool ok = value_ == expected;
    if (happens_before* hb = s.ordering()) {
      hb->cas(s.running_thread(), this, ok, success, failure, value_, desired);
    }
    s.event(ok ? ev::cas_ok : ev::cas_fail, this, value_, expected, desired);
    if (ok) {
      value_ = desired;
    } else {
      expected = value_;
    }
    return ok;
  }
  // The one-order form: the failure order is derived as std::atomic does.
  bool compare_exchange_strong(T& expected, T desired,
                               std::memory_order order = std::memory_order_seq_cst) {
    return compare_exchange_strong(expected, desired, order, failure_order(order));
  }
  // Never fails spuriously here: a spurious failure is indistinguishable from losing a race,
  // which the scheduler already explores.
  bool compare_exchange_weak(T& expected, T desired, std::memory_order success,
                             std::memory_order failure) {
    return compare_exchange_strong(expected, desired, success, failure);
  }
  bool compare_exchange_weak(T& expected, T desired,
                             std::memory_order order = std::memory_order_seq_cst) {
    return compare_exchange_strong(expected, desired, order, failure_order(order));
  }
  T fetch_add(T v, std::memory_order order = std::memory_order_seq_cst) {
    return rmw(ev::fetch_add, v, order, [](T a, T x) { return static_cast<T>(a + x); });
  }
  T fetch_sub(T v, std::memory_order order = std::memory_order_seq_cst) {
    return rmw(ev::fetch_sub, v, order, [](T a, T x) { return static_cast<T>(a - x); });
  }
  T fetch_or(T v, std::memory_order order = std::memory_order_seq_cst) {
    return rmw(ev::fetch_or, v, order, [](T a, T x) { return static_cast<T>(a | x); });
  }
  T fetch_and(T v, std::memory_order order = std::memory_order_seq_cst) {
    return rmw(ev::fetch_and, v, order, [](T a, T x) { return static_cast<T>(a & x); });
  }

 private:
  static scheduler& step() {
    scheduler& s = detail::sched("atomic");
    s.point();
    return s;
  }
  static constexpr std::memory_order failure_order(std::memory_order order) {
    if (order == std::memory_order_acq_rel) return std::memory_order_acquire;
    if (order == std::memory_order_release) return std::memory_order_relaxed;
    return order;
  }
  template <class F>
  T rmw(ev what, T operand, std::memory_order order, F f) {
    scheduler& s = step();
    const T old = value_;
    value_ = f(old, operand);
    if (happens_before* hb = s.ordering()) hb->rmw(s.running_thread(), this, order, old, value_);
    s.event(what, this, old, operand, value_);
    return old;
  }

  T value_;
};

// A mutex whose lock and unlock are scheduling points; a blocked locker sleeps in the scheduler.
class sim_mutex {
 public:
  sim_mutex() = default;
  sim_mutex(const sim_mutex&) = delete;
  sim_mutex& operator=(const sim_mutex&) = delete;

  void lock() {
    scheduler* s = scheduler::current();
    if (s == nullptr || !s->simulating()) return;
    for (;;) {
      s->point();
      if (!locked_) {
        locked_ = true;
        if (happens_before* hb = s->ordering()) hb->lock(s->running_thread(), this);
        s->event(ev::lock, nullptr);
        return;
      }
      s->event(ev::lock_busy, nullptr);
      s->block(wait_kind::mutex, this, 0, kNoDeadline);
    }
  }
  bool try_lock() {
    scheduler* s = scheduler::current();
    if (s == nullptr || !s->simulating()) return true;
    s->point();
    if (locked_) return false;
    locked_ = true;
    if (happens_before* hb = s->ordering()) hb->lock(s->running_thread(), this);
    return true;
  }
  void unlock() {
    scheduler* s = scheduler::current();
    if (s == nullptr || !s->simulating()) return;
    s->point();
    release(*s);
  }
  // For sim_condition_variable: unlocks as part of the caller's step.
  void release(scheduler& s) {
    locked_ = false;
    if (happens_before* hb = s.ordering()) hb->unlock(s.running_thread(), this);
    s.event(ev::unlock, nullptr);
    s.wake_key(wait_kind::mutex, this, 0, 1);
  }

 private:
  bool locked_ = false;
};

// A condition variable over sim_mutex. Waits may end spuriously when the choice stream says so.
class sim_condition_variable {
 public:
  sim_condition_variable() = default;
  sim_condition_variable(const sim_condition_variable&) = delete;
  sim_condition_variable& operator=(const sim_condition_variable&) = delete;

  void wait(std::unique_lock<sim_mutex>& lock) { wait_impl(lock, kNoDeadline); }
  template <class Duration>
  std::cv_status wait_until(std::unique_lock<sim_mutex>& lock,
                            const std::chrono::time_point<sim_clock, Duration>& deadline) {
    const vtime d =
        std::chrono::duration_cast<sim_clock::duration>(deadline.time_since_epoch()).count();
    return wait_impl(lock, d) == futex_status::timed_out ? std::cv_status::timeout
                                                         : std::cv_status::no_timeout;
  }
  void notify_all() { notify(INT_MAX); }
  void notify_one() { notify(1); }

 private:
  futex_status wait_impl(std::unique_lock<sim_mutex>& lock, vtime deadline) {
    scheduler& s = detail::sched("condition variable");
    s.point();
    ++waits_;  // touches the object, so a wait on a destroyed one is a use after free
    s.event(ev::cv_wait, nullptr, static_cast<std::uint64_t>(deadline));
    if (deadline <= s.now()) return futex_status::timed_out;
    lock.mutex()->release(s);
    const futex_status result = s.sleep(wait_kind::condvar, this, 0, deadline);
    lock.mutex()->lock();
    return result;
  }
  void notify(int count) {
    scheduler& s = detail::sched("condition variable");
    s.point();
    ++notifications_;  // touches the object, as a real notify does
    s.event(ev::cv_notify, nullptr, static_cast<std::uint64_t>(count));
    s.wake_key(wait_kind::condvar, this, 0, count);
  }

  std::uint64_t waits_ = 0;
  std::uint64_t notifications_ = 0;
};

struct sim_platform {
  template <class T>
  using atomic = sim_atomic<T>;
  using clock = sim_clock;
  using mutex = sim_mutex;
  using condition_variable = sim_condition_variable;

  // std::atomic_thread_fence for code on the simulated platform (not part of the seam: the
  // semaphore uses no fence). No scheduling point and no event (it touches no memory), only
  // the happens-before checker's fence rule.
  static void thread_fence(std::memory_order order) {
    scheduler& s = detail::sched("fence");
    if (happens_before* hb = s.ordering()) hb->fence(s.running_thread(), order);
  }

  // Word is std::uint32_t for every correct algorithm; other widths reach the futex model so that
  // a wait/wake width mismatch is reported instead of failing to compile.
  template <class Word>
  static futex_status futex_wait(const Word* word, std::uint32_t expected,
                                 const clock::time_point* deadline) {
    return detail::sched("futex").futex_wait(
        word, sizeof(Word), expected,
        deadline ? deadline->time_since_epoch().count() : kNoDeadline);
  }
  template <class Word>
  static void futex_wake(const Word* word, int count) {
    detail::sched("futex").futex_wake(word, sizeof(Word), count);
  }
  template <class WordA, class WordB>
  static void futex_wake_two(const WordA* a, int count_a, const WordB* b, int count_b) {
    scheduler& s = detail::sched("futex");
    s.point();  // one system call: one step
    s.wake_futex(a, sizeof(WordA), count_a);
    s.wake_futex(b, sizeof(WordB), count_b);
  }
};
static_assert(futex_platform<sim_platform>);

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_SIM_PLATFORM_H_
