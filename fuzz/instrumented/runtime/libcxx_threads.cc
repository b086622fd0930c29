// libc++ 14's out-of-line locks, condition variables, std::call_once and std::barrier, modelled
// for instrumented code compiled with -stdlib=libc++ (as libcxx_sync.cc models its atomic wait /
// notify). libc++ keeps these members in libc++.so (src/mutex.cpp, mutex_destructor.cpp,
// condition_variable.cpp, condition_variable_destructor.cpp, shared_mutex.cpp, barrier.cpp; the
// headers only declare them). This file defines them again, under the same names and with the
// same algorithm as Debian's libc++.so.1.0 (14.0.6) has them (read from its disassembly,
// `objdump -d -C`, and the declarations in /usr/lib/llvm-14/include/c++/v1), and is compiled
// instrumented together with the code under test: libc++'s __libcpp_* wrappers (header code)
// call pthread_mutex_*, pthread_cond_* and pthread_self, which interpose.py renames to the
// runtime's models (pthread_mutex.cc, pthread_cond.cc, pthread_thread.cc), and the barrier's
// atomics are the hooks' scheduling points. libc++.so itself is never linked.
//
// What each member does (libc++ 14, pthreads):
// - mutex: lock = pthread_mutex_lock (an error throws; not checked here, below: why),
//   try_lock = pthread_mutex_trylock == 0, unlock = pthread_mutex_unlock. The mutex is a plain
//   pthread_mutex_t with PTHREAD_MUTEX_INITIALIZER (the header's constexpr constructor); on glibc
//   its destructor is trivial in the headers (_LIBCPP_HAS_TRIVIAL_MUTEX_DESTRUCTION), so the
//   exported ~mutex is never called by code built with them and is not defined here.
// - recursive_mutex: a pthread_mutex_t of type PTHREAD_MUTEX_RECURSIVE made by the constructor
//   (pthread_mutexattr_*, pthread_mutex_init); the rest as mutex.
// - condition_variable: notify_one / notify_all = pthread_cond_signal / broadcast; wait checks
//   that the unique_lock owns its mutex (else EPERM), then pthread_cond_wait; __do_timed_wait
//   (wait_until on system_clock) clamps the time point to 0x59682F000000E941 ns and calls
//   pthread_cond_timedwait (CLOCK_REALTIME), ETIMEDOUT being no error; ~condition_variable =
//   pthread_cond_destroy. (The steady_clock form is header code: pthread_cond_clockwait.)
// - timed_mutex: a mutex, a condition_variable and a flag `locked`; lock waits on the condition
//   variable while locked, try_lock takes the inner mutex with try_lock only, unlock clears the
//   flag and notifies one waiter under the inner mutex; the destructor locks and unlocks the
//   inner mutex. (try_lock_for / try_lock_until are header code on the same members.)
// - recursive_timed_mutex: the same with a count and the owner's thread id (pthread_self);
//   unlock notifies one waiter after releasing the inner mutex, when the count reaches 0.
// - __shared_mutex_base (std::shared_mutex, std::shared_timed_mutex): a mutex, two condition
//   variables (gate1: entry, gate2: a writer waiting for readers to leave) and a state word
//   (top bit: a writer entered; the rest: readers inside). A writer waits at gate1 until no
//   writer is entered, enters, then waits at gate2 until no reader is inside; a reader waits at
//   gate1 while a writer is entered (or the reader count is full). unlock wakes everyone at
//   gate1; unlock_shared wakes one at gate2 when it was the last reader and a writer entered, or
//   one at gate1 when the count leaves its maximum. Both notify while holding the mutex.
// - __call_once (std::call_once's slow path): one global mutex and condition variable for every
//   once_flag. Under the mutex: wait while the flag is 1 (running); at 0, set it to 1, unlock,
//   run the callable, then lock, store ~0 (release), unlock and broadcast; an exception resets
//   the flag to 0 under the mutex, broadcasts and is rethrown. At ~0, just unlock. (The fast
//   path, an acquire load of the flag, is header code.)
// - std::barrier's tree algorithm: (expected + 1) / 2 nodes of 64 one-byte phase tickets (one
//   per round), each node 64-byte aligned. An arrival starts at node hash(this_thread::get_id())
//   % nodes and, round by round, tries its node's ticket for the round with acq_rel
//   compare-exchanges: the first of a pair moves it from the old phase to old + 1 and is done,
//   the second from old + 1 to old + 2 and climbs to node / 2 for the next round; the odd last
//   node moves straight to old + 2. Whoever climbs out of a round with one node left (or finds
//   expected <= 1) completes the phase (true). (arrive, wait and the phase word are header code.)
// - std::__throw_system_error: libc++'s std::system_error lives in libc++.so with its
//   error_category machinery, which is not linked; an error that libc++ would throw (a thread
//   joined twice, a condition variable waited on without its lock) ends the run with the verdict
//   unsupported-call naming the error, instead of an exception the code under test could catch.
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "fuzz/instrumented/runtime/runtime.h"

#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error "libcxx_threads.cc models libc++ 14's libc++.so: compile it with libc++ 14 (-stdlib=libc++)"
#endif

namespace {

// __call_once's lock and condition variable: one pair for every once_flag of the process.
pthread_mutex_t g_once_mutex = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t g_once_cv = PTHREAD_COND_INITIALIZER;

}  // namespace

_LIBCPP_BEGIN_NAMESPACE_STD

void __throw_system_error(int ec, const char* what) {
  semfuzz::instr::unsupported("std::__throw_system_error (libc++ throws std::system_error: %s: %s)",
                              what, std::strerror(ec));
}

// std::mutex

// The members that only pass the call on (lock, unlock, wait, notify) are tail calls of the
// model, so that the model notes the code location of their caller, in the code under test, for
// traces and deadlock messages, as it does for libstdc++'s header code (SEMFUZZ_TAIL_CALL: no
// -fsanitize=thread entry / exit hooks around them, which would keep the call from being the
// last instruction; they touch no memory of their own). lock drops libc++'s check of the result:
// the model's lock of a std::mutex (a normal mutex) returns only 0 while the run goes on (a
// relock by its owner ends the run as sync-misuse first), so the check could never throw.
#define SEMFUZZ_TAIL_CALL __attribute__((disable_sanitizer_instrumentation))

SEMFUZZ_TAIL_CALL void mutex::lock() { pthread_mutex_lock(&__m_); }
bool mutex::try_lock() noexcept { return __libcpp_mutex_trylock(&__m_); }
SEMFUZZ_TAIL_CALL void mutex::unlock() noexcept { pthread_mutex_unlock(&__m_); }

// std::recursive_mutex

recursive_mutex::recursive_mutex() {
  if (int ec = __libcpp_recursive_mutex_init(&__m_)) {
    __throw_system_error(ec, "recursive_mutex constructor failed");
  }
}
recursive_mutex::~recursive_mutex() { (void)__libcpp_recursive_mutex_destroy(&__m_); }
void recursive_mutex::lock() {
  if (int ec = __libcpp_recursive_mutex_lock(&__m_)) {
    __throw_system_error(ec, "recursive_mutex lock failed");
  }
}
bool recursive_mutex::try_lock() noexcept { return __libcpp_recursive_mutex_trylock(&__m_); }
SEMFUZZ_TAIL_CALL void recursive_mutex::unlock() noexcept { pthread_mutex_unlock(&__m_); }

// std::condition_variable

condition_variable::~condition_variable() { (void)__libcpp_condvar_destroy(&__cv_); }
SEMFUZZ_TAIL_CALL void condition_variable::notify_one() noexcept { pthread_cond_signal(&__cv_); }
SEMFUZZ_TAIL_CALL void condition_variable::notify_all() noexcept { pthread_cond_broadcast(&__cv_); }

// As libc++'s, less the check of pthread_cond_wait's result (a tail call, above): the model's
// wait returns only 0 while the run goes on (a wait on a mutex the thread does not hold ends the
// run as sync-misuse). glibc declares pthread_cond_wait as a function that may throw (a
// cancellation point unwinds), so a call from this noexcept member would need a landing pad and
// could not be a tail call; the model never cancels a thread, and the call goes through its
// noexcept type.
SEMFUZZ_TAIL_CALL void condition_variable::wait(unique_lock<mutex>& lk) noexcept {
  if (!lk.owns_lock()) __throw_system_error(EPERM, "condition_variable::wait: mutex not locked");
  using nothrow_wait = int (*)(pthread_cond_t*, pthread_mutex_t*) noexcept;
  reinterpret_cast<nothrow_wait> (&pthread_cond_wait)(&__cv_, lk.mutex()->native_handle());
}

void condition_variable::__do_timed_wait(
    unique_lock<mutex>& lk,
    chrono::time_point<chrono::system_clock, chrono::nanoseconds> tp) noexcept {
  if (!lk.owns_lock()) {
    __throw_system_error(EPERM, "condition_variable::timed wait: mutex not locked");
  }
  constexpr long long kLatest = 0x59682F000000E941LL;  // libc++'s clamp, in ns
  const long long ns =
      tp.time_since_epoch().count() < kLatest ? tp.time_since_epoch().count() : kLatest;
  timespec ts;
  ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(ns - static_cast<long long>(ts.tv_sec) * 1'000'000'000);
  int ec = __libcpp_condvar_timedwait(&__cv_, lk.mutex()->native_handle(), &ts);
  if (ec != 0 && ec != ETIMEDOUT) __throw_system_error(ec, "condition_variable timed_wait failed");
}

// std::timed_mutex

timed_mutex::timed_mutex() : __locked_(false) {}
timed_mutex::~timed_mutex() { lock_guard<mutex> hold(__m_); }

void timed_mutex::lock() {
  unique_lock<mutex> lk(__m_);
  while (__locked_) __cv_.wait(lk);
  __locked_ = true;
}
bool timed_mutex::try_lock() noexcept {
  unique_lock<mutex> lk(__m_, try_to_lock);
  if (!lk.owns_lock() || __locked_) return false;
  __locked_ = true;
  return true;
}
void timed_mutex::unlock() noexcept {
  lock_guard<mutex> hold(__m_);
  __locked_ = false;
  __cv_.notify_one();
}

// std::recursive_timed_mutex

recursive_timed_mutex::recursive_timed_mutex() : __count_(0) {}
recursive_timed_mutex::~recursive_timed_mutex() { lock_guard<mutex> hold(__m_); }

void recursive_timed_mutex::lock() {
  const __thread_id me = this_thread::get_id();
  unique_lock<mutex> lk(__m_);
  if (me == __id_) {
    if (__count_ == numeric_limits<size_t>::max()) {
      __throw_system_error(EAGAIN, "recursive_timed_mutex lock limit reached");
    }
    ++__count_;
    return;
  }
  while (__count_ != 0) __cv_.wait(lk);
  __count_ = 1;
  __id_ = me;
}
bool recursive_timed_mutex::try_lock() noexcept {
  const __thread_id me = this_thread::get_id();
  unique_lock<mutex> lk(__m_, try_to_lock);
  if (!lk.owns_lock() || (__count_ != 0 && me != __id_)) return false;
  if (__count_ == numeric_limits<size_t>::max()) return false;
  ++__count_;
  __id_ = me;
  return true;
}
void recursive_timed_mutex::unlock() noexcept {
  unique_lock<mutex> lk(__m_);
  if (--__count_ != 0) return;
  __id_.__reset();
  lk.unlock();
  __cv_.notify_one();
}

// std::shared_mutex and std::shared_timed_mutex

__shared_mutex_base::__shared_mutex_base() : __state_(0) {}

void __shared_mutex_base::lock() {
  unique_lock<mutex> lk(__mut_);
  while ((__state_ & __write_entered_) != 0) __gate1_.wait(lk);
  __state_ |= __write_entered_;
  while ((__state_ & __n_readers_) != 0) __gate2_.wait(lk);
}
bool __shared_mutex_base::try_lock() {
  unique_lock<mutex> lk(__mut_);
  if (__state_ != 0) return false;
  __state_ = __write_entered_;
  return true;
}
void __shared_mutex_base::unlock() {
  lock_guard<mutex> hold(__mut_);
  __state_ = 0;
  __gate1_.notify_all();
}

void __shared_mutex_base::lock_shared() {
  unique_lock<mutex> lk(__mut_);
  while ((__state_ & __write_entered_) != 0 || (__state_ & __n_readers_) == __n_readers_) {
    __gate1_.wait(lk);
  }
  const unsigned readers = (__state_ & __n_readers_) + 1;
  __state_ = (__state_ & ~__n_readers_) | readers;
}
bool __shared_mutex_base::try_lock_shared() {
  unique_lock<mutex> lk(__mut_);
  const unsigned readers = __state_ & __n_readers_;
  if ((__state_ & __write_entered_) != 0 || readers == __n_readers_) return false;
  __state_ = (__state_ & ~__n_readers_) | (readers + 1);
  return true;
}
void __shared_mutex_base::unlock_shared() {
  lock_guard<mutex> hold(__mut_);
  const unsigned readers = (__state_ & __n_readers_) - 1;
  __state_ = (__state_ & ~__n_readers_) | readers;
  if ((__state_ & __write_entered_) != 0) {
    if (readers == 0) __gate2_.notify_one();
  } else if (readers == __n_readers_ - 1) {
    __gate1_.notify_one();
  }
}

shared_timed_mutex::shared_timed_mutex() : __base() {}
void shared_timed_mutex::lock() { __base.lock(); }
bool shared_timed_mutex::try_lock() { return __base.try_lock(); }
void shared_timed_mutex::unlock() { __base.unlock(); }
void shared_timed_mutex::lock_shared() { __base.lock_shared(); }
bool shared_timed_mutex::try_lock_shared() { return __base.try_lock_shared(); }
void shared_timed_mutex::unlock_shared() { __base.unlock_shared(); }

// std::call_once

void __call_once(volatile once_flag::_State_type& flag, void* arg, void (*func)(void*)) {
  constexpr once_flag::_State_type kRunning = 1, kDone = ~once_flag::_State_type(0);
  pthread_mutex_lock(&g_once_mutex);
  while (flag == kRunning) pthread_cond_wait(&g_once_cv, &g_once_mutex);
  if (flag != 0) {
    pthread_mutex_unlock(&g_once_mutex);
    return;
  }
  __atomic_store_n(&flag, kRunning, __ATOMIC_RELAXED);
  pthread_mutex_unlock(&g_once_mutex);
  try {
    func(arg);
  } catch (...) {
    pthread_mutex_lock(&g_once_mutex);
    __atomic_store_n(&flag, once_flag::_State_type(0), __ATOMIC_RELAXED);
    pthread_mutex_unlock(&g_once_mutex);
    pthread_cond_broadcast(&g_once_cv);
    throw;
  }
  pthread_mutex_lock(&g_once_mutex);
  __atomic_store_n(&flag, kDone, __ATOMIC_RELEASE);
  pthread_mutex_unlock(&g_once_mutex);
  pthread_cond_broadcast(&g_once_cv);
}

// std::barrier's algorithm

class __barrier_algorithm_base {
 public:
  struct alignas(64) node {
    atomic<__barrier_phase_t> tickets[64];  // one per round
  };

  explicit __barrier_algorithm_base(ptrdiff_t& expected)
      : expected_(expected), nodes_(new node[(expected + 1) >> 1]()) {}
  ~__barrier_algorithm_base() { delete[] nodes_; }
  __barrier_algorithm_base(const __barrier_algorithm_base&) = delete;
  __barrier_algorithm_base& operator=(const __barrier_algorithm_base&) = delete;

  // Whether the calling thread's arrival completes the phase `old`.
  bool arrive(__barrier_phase_t old) {
    const __barrier_phase_t half = old + 1, full = old + 2;
    size_t expected = static_cast<size_t>(expected_);
    if (expected <= 1) return true;
    size_t current = hash<__thread_id>()(this_thread::get_id()) % ((expected + 1) >> 1);
    for (int round = 0; expected > 1; ++round) {
      const size_t end = (expected + 1) >> 1, last = end - 1;
      for (;; ++current) {
        if (current == end) current = 0;
        atomic<__barrier_phase_t>& ticket = nodes_[current].tickets[round];
        __barrier_phase_t seen = old;
        if (current == last && (expected & 1) != 0) {
          if (ticket.compare_exchange_strong(seen, full, memory_order_acq_rel)) break;
        } else if (ticket.compare_exchange_strong(seen, half, memory_order_acq_rel)) {
          return false;  // the first of a pair: done
        } else if (seen == half &&
                   ticket.compare_exchange_strong(seen, full, memory_order_acq_rel)) {
          break;  // the second of a pair: on to the next round
        }
      }
      expected = end;
      current >>= 1;
    }
    return true;
  }

 private:
  ptrdiff_t& expected_;
  node* nodes_;
};

__barrier_algorithm_base* __construct_barrier_algorithm_base(ptrdiff_t& expected) {
  return new __barrier_algorithm_base(expected);
}
bool __arrive_barrier_algorithm_base(__barrier_algorithm_base* barrier,
                                     __barrier_phase_t old_phase) {
  return barrier->arrive(old_phase);
}
void __destroy_barrier_algorithm_base(__barrier_algorithm_base* barrier) { delete barrier; }

_LIBCPP_END_NAMESPACE_STD
