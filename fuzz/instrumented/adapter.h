// Bring your own semaphore: the adapter you write so that semfuzz's deterministic scheduler runs
// your semaphore, compiled unmodified with the instrumentation
// (fuzz/instrumented/runtime/runtime.h); the bridge through which the harness calls it is the
// runtime's (fuzz/instrumented/runtime/adapter_bridge.h). CMake:
// semfuzz_add_instrumented_target(NAME SOURCES <your .cc files> ADAPTER <your adapter header>
// ADAPTER_CLASS <its class>) (fuzz/cmake/semfuzz_functions.cmake); examples/ is a complete project.
//
// Your adapter header defines one class, A, that wraps your semaphore (a member, not a pointer:
// see "Memory" below) in the API every fuzzed semaphore offers (contract::fuzzable_semaphore,
// fuzz/oracles/contract.h), with std::int64_t counts. The harness calls:
//   A(std::int64_t initial)         construct with `initial` tokens, 0 <= initial <= 2^31 - 1.
//   void acquire(n)                 take n tokens, blocking until they are there.
//   bool try_acquire(n)             take n tokens if they are there now; never blocks.
//   bool try_acquire_for(n, d)      d is std::chrono::nanoseconds: wait at most d for the tokens;
//                                   d <= 0 tries once, nanoseconds::max() waits forever.
//   bool try_acquire_until(n, t)    t is a std::chrono::steady_clock::time_point: wait until t;
//                                   time_point::max() waits forever.
//   bool try_acquire(n, int ms)     Qt's form: ms < 0 waits forever, 0 tries once.
//   void release(n)                 add n tokens, waking whom they let proceed.
//   std::int64_t available()        the tokens there are now, or contract::kUnknownCount when
//                                   your semaphore cannot tell (then declare counts = false).
//   ~A()                            your destructor is code under test too: it runs on a
//                                   simulated thread, with scheduling points and futex waits,
//                                   either where the program's owner deletes the semaphore (it
//                                   may wait for releasers still inside release()) or, when every
//                                   thread has finished, as the run's final step. Blocking for
//                                   good in it is the verdict lost-wakeup. When the run ends with
//                                   threads blocked for good in calls, it runs after the run,
//                                   outside any simulated thread: it sees those sleepers and must
//                                   not block (a futex wait there is unsupported-call). After a
//                                   verdict it never runs: the object is left in memory, unfreed.
// An adapter that lacks one of these, or has it with another signature, does not compile: the
// bridge checks it member by member (check_fuzzable below), each error naming the member.
// n == 0 must succeed at once (return true). Forms your semaphore lacks are written with the
// ones it has: fuzz/instrumented/adapter_defaults.h has them ready-made (adapter_defaults<A>:
// try_acquire_for and Qt's form; single_token_adapter<A>: the whole counted API, n == 0
// included, over one-token calls, as examples/futex_semaphore_adapter.h uses it).
// using clock = std::chrono::steady_clock: the only clock the harness gives deadlines on.
//
// What your semaphore cannot do, A declares with static constexpr bool members; one left out
// means true (fuzz/oracles/capabilities.h has the rule each one changes):
//   multi_token         acquire(n) and the try forms take n > 1 tokens at once, all or none.
//                       false: the harness only ever passes n <= 1 to them (a count n > 1 becomes
//                       n calls); release(n) still gets any n.
//   rejects_bad_counts  a count outside [0, 2^31 - 1] or a release past that maximum throws
//                       std::invalid_argument / std::overflow_error and changes nothing.
//                       false: the harness never makes such calls (they are undefined for you).
//   counts              available() answers the count. false: it is never called and the
//                       harness's ledger of calls stands in for it.
//   strong_try          a try form never fails while its tokens are there. false: it may fail
//                       while another call runs (as C++20's std::counting_semaphore may).
// and, as static constexpr std::int64_t timeout_resolution_ns (1 if left out), the resolution its
// timed waits round a timeout up to (Qt's: 1 ms; fuzz/oracles/capabilities.h), and static bool
// relative_timed_waits(), static bool multi_token_wakeups_lost() and static std::int64_t
// max_timeout_ns() where its target steps around a known bug (fuzz/oracles/capabilities.h).
//
// What your code may use. Everything in the files you name in SOURCES, and every inline function
// they and A call, is compiled with -fsanitize=thread and linked against semfuzz's hooks:
//   - atomics: std::atomic (any width up to 16 bytes, any memory order), std::atomic_ref, the
//     GCC __atomic and __sync builtins, fences; each one is a point where the input chooses
//     which thread runs next;
//   - std::atomic<T>::wait / notify_one / notify_all (header code in libstdc++: they come down
//     to the futex and sched_yield calls below);
//   - syscall(SYS_futex, ...): FUTEX_WAIT, FUTEX_WAIT_BITSET, FUTEX_WAKE, FUTEX_WAKE_BITSET,
//     FUTEX_WAKE_OP, private or not; clock_gettime, std::chrono::steady_clock / system_clock::now,
//     sched_yield, std::this_thread::yield, nanosleep, usleep: on virtual time;
//   - pthread mutexes and condition variables, std::mutex, std::timed_mutex,
//     std::recursive_mutex, std::condition_variable (fuzz/instrumented/runtime/pthread_mutex.h,
//     pthread_cond.h; docs/whole-programs.md): their undefined uses are the verdict sync-misuse.
// Any other call that may reach the OS (a thread, a read-write lock, another system call) ends
// the run with the verdict unsupported-call, naming it. Plain memory accesses are free.
//
// Memory. The bridge registers A's own bytes with the scheduler and, once the harness deletes
// the semaphore, watches them: any later access by your code, atomic or plain, is the verdict
// use-after-destroy. A futex word may lie anywhere in your code's memory
// (fuzz/instrumented/runtime/futex_memory.h): inside A, in a heap block it allocates, in a global
// table, on a waiter's stack; freeing a heap block while a thread sleeps on a word inside it is
// use-after-destroy too. Accesses to other freed memory are not checked (ASan does not see the
// instrumented code).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_H_

#include <chrono>
#include <concepts>
#include <cstdint>

#include "fuzz/oracles/capabilities.h"
#include "fuzz/oracles/contract.h"

namespace semfuzz::instr {

// An adapter as described above: a fuzzable semaphore on the steady clock.
template <class A>
concept semaphore_adapter =
    contract::fuzzable_semaphore<A> && std::same_as<typename A::clock, std::chrono::steady_clock>;

// contract::fuzzable_semaphore<S>, checked one member at a time, so that an adapter that lacks
// one, or offers it with another signature, gets an error naming that member (the concept alone
// says only that its constraints are not satisfied): each failing check is a static assertion of
// its own. The bridge's static_assert(check_fuzzable<A>()).
template <class S>
consteval bool check_fuzzable() {
  static_assert(std::constructible_from<S, std::int64_t>,
                "semfuzz: the semaphore needs a constructor S(std::int64_t initial)");
  static_assert(
      requires { typename S::clock::time_point; },
      "semfuzz: the semaphore needs `using clock = std::chrono::steady_clock;` (the "
      "clock of try_acquire_until's time point)");
  static_assert(
      requires(S & s, std::int64_t n) { s.acquire(n); },
      "semfuzz: the semaphore needs void acquire(std::int64_t n)");
  static_assert(
      requires(S & s, std::int64_t n) {
        { s.try_acquire(n) } -> std::convertible_to<bool>;
      },
      "semfuzz: the semaphore needs bool try_acquire(std::int64_t n)");
  static_assert(
      requires(S & s, std::int64_t n, int ms) {
        { s.try_acquire(n, ms) } -> std::convertible_to<bool>;
      },
      "semfuzz: the semaphore needs bool try_acquire(std::int64_t n, int ms), Qt's "
      "form (ms < 0: for ever; write it with try_acquire_for if yours lacks it)");
  static_assert(
      requires(S & s, std::int64_t n, std::chrono::nanoseconds d) {
        { s.try_acquire_for(n, d) } -> std::convertible_to<bool>;
      },
      "semfuzz: the semaphore needs bool try_acquire_for(std::int64_t n, "
      "std::chrono::nanoseconds d)");
  if constexpr (requires { typename S::clock::time_point; }) {
    static_assert(
        requires(S & s, std::int64_t n, typename S::clock::time_point t) {
          { s.try_acquire_until(n, t) } -> std::convertible_to<bool>;
        },
        "semfuzz: the semaphore needs bool try_acquire_until(std::int64_t n, "
        "clock::time_point t)");
  }
  static_assert(
      requires(S & s, std::int64_t n) { s.release(n); },
      "semfuzz: the semaphore needs void release(std::int64_t n)");
  static_assert(
      requires(S & s) {
        { s.available() } -> std::convertible_to<std::int64_t>;
      },
      "semfuzz: the semaphore needs std::int64_t available() (contract::kUnknownCount "
      "where it cannot count, with `static constexpr bool counts = false;`)");
  return contract::fuzzable_semaphore<S>;
}

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_ADAPTER_H_
