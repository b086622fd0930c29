// libc++ 14's out-of-line synchronization code, modelled for instrumented code compiled with
// -stdlib=libc++ (fuzz/instrumented/runtime/libcxx_model.h; the target:
// fuzz/instrumented/targets/libcxx.h). libc++ keeps std::atomic's wait / notify, which
// std::counting_semaphore uses, in libc++.so (src/atomic.cpp), with this_thread::sleep_for and
// steady_clock::now. This file defines those exported functions again, under the same names and
// with the same algorithm as libc++ 14.0.6's build does (read from its source and checked against
// the disassembly of Debian's libc++.so.1.0), and is compiled instrumented with the code under
// test: its atomic operations are the hooks' scheduling points and its system calls reach the
// runtime's models (fuzz/instrumented/runtime/os.cc), so libc++.so itself is never linked.
//
// The algorithm (libc++ 14, Linux):
// - A table of 256 entries of 64 bytes; an address's entry is std::hash of the pointer (libc++'s
//   own, from its headers) modulo 256. Each entry holds two 32-bit words: `contention`, the
//   number of threads inside a wait on an address hashing there, and `platform`, a futex word.
// - An atomic of another size than 32 bits (std::counting_semaphore's ptrdiff_t) is "laundered"
//   through its entry: the waiter reads `platform` (monitor), re-tests its condition, then
//   increments `contention`, sleeps on `platform` if it still holds the value read, and
//   decrements `contention`. notify_one and notify_all alike increment `platform`, then wake
//   every sleeper on it, but only when `contention` is not 0.
// - A 32-bit atomic (__cxx_atomic_contention_t) is its own futex word: monitor reads it, wait
//   sleeps on it; `contention` of its entry counts the waiters, and notify_one wakes one sleeper
//   (notify_all every one) when `contention` is not 0.
// - Every futex sleep is FUTEX_WAIT_PRIVATE with a relative timeout of 2 s; wakes are
//   FUTEX_WAKE_PRIVATE. Memory orders: monitor acquire, contention increment seq_cst, decrement
//   release, the platform increment release, the contention read of a notify seq_cst.
// - sleep_for(d): nothing for d <= 0; else nanosleep, again with the time left after EINTR.
//
// Virtual time (this file's one addition): each steady_clock::now() spends kLibcxxClockReadNs
// (8 us) of virtual time (runtime.h: spend_virtual_time; the clock advances for every thread, as
// on one processor), then reads the virtual clock. libc++'s waits back off by elapsed time
// (std::__libcpp_thread_poll_with_backoff: poll, then yield once 4 us have passed, then the futex
// wait above once 64 us have; the timed ones sleep instead), and virtual time otherwise stands
// still while a thread runs, so a lone waiter would poll forever. Each clock read stands for the
// time one polling iteration takes. 8 us rather than the ~50 ns of a real clock read: an
// iteration of the yield phase gives the processor away (sched_yield), and the phases then take
// a few iterations each (one poll, seven yields, then the futex wait) instead of hundreds of
// steps that test the same word.
//
// The table is one run's state, as it is one process's: libcxx_state() gives it to the harness,
// which clears it and registers it with the scheduler (memory a futex may wait on) at the start
// of each run (fuzz/instrumented/targets/libcxx_process.h).
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>

#include "fuzz/instrumented/runtime/libcxx_model.h"
#include "fuzz/instrumented/runtime/runtime.h"

#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error "libcxx_sync.cc models libc++ 14's libc++.so: compile it with libc++ 14 (-stdlib=libc++)"
#endif

namespace {

struct alignas(64) entry {
  std::int32_t contention;
  std::int32_t platform;
};
constexpr std::size_t kEntries = 256;
entry g_table[kEntries];

entry& entry_of(const volatile void* location) {
  return g_table[std::hash<const volatile void*>()(location) % kEntries];
}

const volatile std::int32_t* word_of(const std::__cxx_atomic_contention_t volatile* location) {
  static_assert(sizeof(std::__cxx_atomic_contention_t) == sizeof(std::int32_t));
  return reinterpret_cast<const volatile std::int32_t*>(location);
}

void platform_wait(const volatile std::int32_t* word, std::int32_t expected) {
  static constexpr timespec kTimeout = {2, 0};
  syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, &kTimeout, nullptr, 0);
}

void platform_wake(const volatile std::int32_t* word, bool one) {
  syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, one ? 1 : INT_MAX, nullptr, nullptr, 0);
}

void contention_notify(entry& e, const volatile std::int32_t* word, bool one) {
  if (__atomic_load_n(&e.contention, __ATOMIC_SEQ_CST) != 0) platform_wake(word, one);
}

void contention_wait(entry& e, const volatile std::int32_t* word, std::int32_t old) {
  __atomic_fetch_add(&e.contention, 1, __ATOMIC_SEQ_CST);
  platform_wait(word, old);
  __atomic_fetch_sub(&e.contention, 1, __ATOMIC_RELEASE);
}

void laundered_notify(const volatile void* location) {
  entry& e = entry_of(location);
  __atomic_fetch_add(&e.platform, 1, __ATOMIC_RELEASE);
  contention_notify(e, &e.platform, false);  // laundered: every waiter, even for notify_one
}

}  // namespace

extern "C" void* semfuzz_instr_libcxx_state(std::size_t* bytes) {
  *bytes = sizeof g_table;
  return g_table;
}

// The definitions libc++'s headers declare (<atomic>, <chrono>, <thread>), in its namespace.
_LIBCPP_BEGIN_NAMESPACE_STD

void __cxx_atomic_notify_one(void const volatile* location) { laundered_notify(location); }
void __cxx_atomic_notify_all(void const volatile* location) { laundered_notify(location); }

__cxx_contention_t __libcpp_atomic_monitor(void const volatile* location) {
  return __atomic_load_n(&entry_of(location).platform, __ATOMIC_ACQUIRE);
}

void __libcpp_atomic_wait(void const volatile* location, __cxx_contention_t old) {
  entry& e = entry_of(location);
  contention_wait(e, &e.platform, old);
}

void __cxx_atomic_notify_one(__cxx_atomic_contention_t const volatile* location) {
  contention_notify(entry_of(location), word_of(location), true);
}
void __cxx_atomic_notify_all(__cxx_atomic_contention_t const volatile* location) {
  contention_notify(entry_of(location), word_of(location), false);
}

__cxx_contention_t __libcpp_atomic_monitor(__cxx_atomic_contention_t const volatile* location) {
  return __atomic_load_n(word_of(location), __ATOMIC_ACQUIRE);
}

void __libcpp_atomic_wait(__cxx_atomic_contention_t const volatile* location,
                          __cxx_contention_t old) {
  contention_wait(entry_of(location), word_of(location), old);
}

void this_thread::sleep_for(const chrono::nanoseconds& d) {
  if (d <= chrono::nanoseconds::zero()) return;
  constexpr long long kNsPerSec = 1'000'000'000;
  timespec left = {static_cast<time_t>(d.count() / kNsPerSec),
                   static_cast<long>(d.count() % kNsPerSec)};
  while (nanosleep(&left, &left) == -1 && errno == EINTR) {
  }
}

chrono::steady_clock::time_point chrono::steady_clock::now() noexcept {
  semfuzz::instr::spend_virtual_time(semfuzz::instr::kLibcxxClockReadNs);
  timespec t = {};
  clock_gettime(CLOCK_MONOTONIC, &t);
  return time_point(seconds(t.tv_sec) + nanoseconds(t.tv_nsec));
}

_LIBCPP_END_NAMESPACE_STD
