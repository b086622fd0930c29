// The operation contract: what each operation of a program (fuzz/input/program.h) may do and
// return, stated once and used by every checker: the simulated runner (fuzz/schedule/runner.h), the
// real-thread runner (fuzz/threads/runner.h) and the API target (fuzz/schedule/api_target.cc). Each
// of those keeps only what is its own: observer hooks and virtual time; the watchdog and the
// payload; the reference model. What is here:
//
//   fuzzable_semaphore   the API a semaphore type must offer to be fuzzed (the real algorithms,
//                        the real-thread adapters, the broken test semaphores); checked by concept
//                        (member by member for an adapter: fuzz/instrumented/adapter.h).
//   visit_algorithm()    the one dispatch from a program's algorithm byte to its algorithm type.
//   patience             how long a call may wait: none, bounded (a deadline), forever.
//   timeout_ns(), kUncapped, the real-time rule
//                        the timeout a call is given, and how runners on the real clock cap it.
//   invoke()             the one switch from an operation to the call on any fuzzable semaphore.
//   judge(), sleep_rule()  which results, exceptions and sleeps are allowed, given what the
//                        checker knows (struct knowledge: the ledger's bounds, the deadline).
//   token_ledger         initial + released - acquired, and which calls count.
//   the owner-destroys protocol (peers_in_final_release(), owner_last_acquire()).
//
// The real-time rule. A runner on the production clock cannot let a fuzzed timeout (up to INT_MAX
// ms, or about 100 years) run in real time, so it caps every finite timeout at cap_ns before the
// call, and judges the call by the capped timeout (timeout_ns(op, cap_ns)). Qt's form takes
// whole milliseconds: the capped timeout is rounded down to whole milliseconds, so under a cap
// below 1 ms every positive Qt timeout becomes 0, "try once". The API target caps at 50 us: it
// runs one thread, where no release can come during a wait, so a timeout changes how long a
// failing call takes, never its result (and a 1 ms sleep per call would cost most of its
// throughput). The real-thread runner caps at 2 ms. Negative (Qt's forever) and infinite
// timeouts are never capped. The schedule target runs on virtual time, uncapped (kUncapped).
#ifndef SEMFUZZ_FUZZ_CONTRACT_H_
#define SEMFUZZ_FUZZ_CONTRACT_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <cstdlib>
#include <ratio>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "fuzz/input/program.h"
#include "fuzz/oracles/verdict.h"
#include "semfuzz/internal/limits.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::contract {

inline constexpr std::int64_t kMax = internal::kMaxTokens;

// ---- What a fuzzable semaphore offers

// The basic_semaphore API with std::int64_t counts: construction from the initial count;
// acquire, try_acquire, Qt's try_acquire(n, int ms), try_acquire_for (nanoseconds),
// try_acquire_until (a time point of S::clock), release, available(). An adapter whose semaphore
// cannot count answers kUnknownCount from available().
template <class S>
concept fuzzable_semaphore = std::constructible_from<S, std::int64_t> &&
    requires(S& s, std::int64_t n, int ms, std::chrono::nanoseconds d,
             typename S::clock::time_point t) {
  s.acquire(n);
  { s.try_acquire(n) } -> std::convertible_to<bool>;
  { s.try_acquire(n, ms) } -> std::convertible_to<bool>;
  { s.try_acquire_for(n, d) } -> std::convertible_to<bool>;
  { s.try_acquire_until(n, t) } -> std::convertible_to<bool>;
  s.release(n);
  { s.available() } -> std::convertible_to<std::int64_t>;
};
inline constexpr std::int64_t kUnknownCount = -1;

// ---- Algorithms

// An algorithm template (semfuzz/internal/) as a value: visit_algorithm() passes one to its
// callable, which takes it as [&]<template <class> class A>(algorithm_tag<A>) { ... }.
template <template <class> class Algorithm>
struct algorithm_tag {};

// Calls f(algorithm_tag<the algorithm a names>) and returns what it returns.
template <class F>
decltype(auto) visit_algorithm(algorithm a, F&& f) {
  switch (a) {
    case algorithm::split64:
      return f(algorithm_tag<internal::split64_core>{});
    case algorithm::word32:
      return f(algorithm_tag<internal::word32_core>{});
    case algorithm::condvar:
      return f(algorithm_tag<internal::condvar_core>{});
  }
  std::abort();  // the decoder yields no other value
}

// ---- Kinds, counts, patience

constexpr bool valid_count(std::int64_t n) { return n >= 0 && n <= kMax; }
constexpr bool takes_tokens(op_kind k) { return k != op_kind::release && k != op_kind::available; }
constexpr bool has_timeout(op_kind k) {
  return k == op_kind::try_acquire_ms || k == op_kind::try_acquire_for ||
         k == op_kind::try_acquire_until;
}

// How long a call may wait, as semfuzz/semaphore.h promises: acquire, a negative Qt timeout,
// duration::max() and time_point::max() wait forever; try_acquire, Qt's 0 and a duration <= 0
// try once; any other timeout is bounded (try_acquire_until's even when its deadline has passed:
// it then tries once and gives up, which the deadline allows). release and available never wait.
enum class patience { none, bounded, forever };
constexpr patience patience_of(const operation& op) {
  switch (op.kind) {
    case op_kind::acquire:
      return patience::forever;
    case op_kind::try_acquire_ms:
      return op.timeout < 0    ? patience::forever
             : op.timeout == 0 ? patience::none
                               : patience::bounded;
    case op_kind::try_acquire_for:
      return op.infinite ? patience::forever : op.timeout <= 0 ? patience::none : patience::bounded;
    case op_kind::try_acquire_until:
      return op.infinite ? patience::forever : patience::bounded;
    default:
      return patience::none;
  }
}

// a + b for nanosecond counts; a sum past the clock's range saturates to INT64_MAX (no deadline).
constexpr std::int64_t saturating_add(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  if (b > 0 && __builtin_add_overflow(a, b, &r)) return INT64_MAX;
  return a + b;
}

inline constexpr std::int64_t kUncapped = INT64_MAX;

// The call's finite timeout in nanoseconds, as the semaphore is given it under the real-time rule
// (see the head of this file): min(timeout, cap_ns), for Qt's form rounded down to whole ms.
constexpr std::int64_t timeout_ns(const operation& op, std::int64_t cap_ns = kUncapped) {
  if (op.kind != op_kind::try_acquire_ms) return std::min(op.timeout, cap_ns);
  constexpr std::int64_t kMs = 1'000'000;
  return std::min(op.timeout * kMs, cap_ns) / kMs * kMs;
}

// The patience of a call that starts at start_ns on its clock: as patience_of(), except that a
// try_acquire_until deadline beyond the clock's range is none, so the semaphore waits forever.
constexpr patience patience_at(const operation& op, std::int64_t start_ns,
                               std::int64_t cap_ns = kUncapped) {
  if (op.kind == op_kind::try_acquire_until && !op.infinite &&
      saturating_add(start_ns, timeout_ns(op, cap_ns)) == INT64_MAX) {
    return patience::forever;
  }
  return patience_of(op);
}

// The deadline of a bounded call (ns on the semaphore's clock): try_acquire_until's is absolute,
// from the call's start; the others' timeout runs from the call's first clock read (the semaphore
// reads it only if it must wait: first_clock_ns < 0 while it has not), never from earlier. The
// call may sleep until then at the latest, and may give up at the earliest then.
constexpr std::int64_t deadline_ns(const operation& op, std::int64_t start_ns,
                                   std::int64_t first_clock_ns, std::int64_t cap_ns = kUncapped) {
  const std::int64_t from =
      op.kind == op_kind::try_acquire_until || first_clock_ns < 0 ? start_ns : first_clock_ns;
  return saturating_add(from, timeout_ns(op, cap_ns));
}

// ---- Invoking an operation

enum class outcome : std::uint8_t {
  returned_true,   // acquire, release and the try forms that took their tokens
  returned_false,  // a try form that took nothing
  returned_value,  // available()
  threw_invalid,   // std::invalid_argument
  threw_overflow,  // std::overflow_error
};
struct call_result {
  outcome result = outcome::returned_true;
  std::int64_t value = 0;  // available()'s answer
};
// "true", "false", the value, or the exception's name.
std::string outcome_name(const call_result& r);

// Runs op on sem under the real-time rule with cap_ns, and returns what it did. start() gives
// the call's start on Sem::clock, the base of a try_acquire_until deadline; it is called only
// for that kind.
template <fuzzable_semaphore Sem, class Start>
call_result invoke(Sem& sem, const operation& op, std::int64_t cap_ns, Start&& start) {
  using clock = typename Sem::clock;
  static_assert(std::ratio_equal_v<typename clock::period, std::nano>);
  const auto as_outcome = [](bool b) {
    return b ? outcome::returned_true : outcome::returned_false;
  };
  call_result r;
  try {
    switch (op.kind) {
      case op_kind::acquire:
        sem.acquire(op.n);
        break;
      case op_kind::release:
        sem.release(op.n);
        break;
      case op_kind::try_acquire:
        r.result = as_outcome(sem.try_acquire(op.n));
        break;
      case op_kind::try_acquire_ms: {
        const std::int64_t ms = op.timeout < 0 ? op.timeout : timeout_ns(op, cap_ns) / 1'000'000;
        r.result = as_outcome(sem.try_acquire(op.n, static_cast<int>(ms)));
        break;
      }
      case op_kind::try_acquire_for:
        r.result = as_outcome(sem.try_acquire_for(
            op.n, op.infinite ? std::chrono::nanoseconds::max()
                              : std::chrono::nanoseconds(timeout_ns(op, cap_ns))));
        break;
      case op_kind::try_acquire_until: {
        using tp = typename clock::time_point;
        const tp until = op.infinite ? tp::max()
                                     : tp(typename clock::duration(deadline_ns(
                                           op, start().time_since_epoch().count(), -1, cap_ns)));
        r.result = as_outcome(sem.try_acquire_until(op.n, until));
        break;
      }
      case op_kind::available:
        r.value = static_cast<std::int64_t>(sem.available());
        r.result = outcome::returned_value;
        break;
    }
  } catch (const std::invalid_argument&) {
    r.result = outcome::threw_invalid;
  } catch (const std::overflow_error&) {
    r.result = outcome::threw_overflow;
  }
  return r;
}

// ---- Judging a call

// What a checker knows about one call when it returns. Defaults: nothing.
struct knowledge {
  patience wait = patience::none;
  // available() was at least least_available and at most most_available throughout the call.
  std::int64_t least_available = -1;
  std::int64_t most_available = INT64_MAX;
  bool deadline_passed = true;        // a bounded call that gave up: its deadline had passed
  bool overflow_plausible = true;     // a std::overflow_error may be right (counts near max())
  bool overflow_required = false;     // a std::overflow_error is the only right result
  bool count_may_be_unknown = false;  // available() may answer kUnknownCount
};

// The rules, first broken first; a failed verdict's message follows the operation's name:
//   bad-result        a count outside [0, max()] throws std::invalid_argument, a valid one never;
//                     n == 0 returns true at once; std::overflow_error only where plausible,
//                     always where required; no call takes more tokens than were there.
//   conservation      available() answers a count in [0, max()].
//   infinite-timeout  a call of patience forever never returns false.
//   early-timeout     a bounded call returns false only once its deadline has passed.
//   try-acquire       no try form returns false while its tokens were there throughout (every
//                     form tries before it waits, and a try never fails spuriously).
verdict judge(const operation& op, const call_result& r, const knowledge& k);

// May a call of patience `wait` sleep in a futex or condition-variable wait until `sleep_until`
// (INT64_MAX: no deadline), given its deadline (deadline_ns)? None never sleeps (try-acquire);
// bounded never past its deadline (late-timeout); forever may. Returns the broken rule's kind.
constexpr verdict_kind sleep_rule(patience wait, std::int64_t sleep_until, std::int64_t deadline) {
  if (wait == patience::none) return verdict_kind::try_acquire;
  if (wait == patience::bounded && sleep_until > deadline) return verdict_kind::late_timeout;
  return verdict_kind::pass;
}

// ---- The token ledger

// The tokens a semaphore must hold when no call is in flight: initial + released - acquired, where
// every call that returned true with a valid count counts (releases add, takes subtract) and no
// other does. Count is std::int64_t, or std::atomic<std::int64_t> for a ledger that threads share
// (the memory order of each access is then the caller's).
template <class Count = std::int64_t>
class token_ledger {
 public:
  explicit token_ledger(std::int64_t initial = 0) : initial_(initial) {}

  std::int64_t initial() const { return initial_; }
  std::int64_t released(std::memory_order o = std::memory_order_seq_cst) const {
    return get(released_, o);
  }
  std::int64_t acquired(std::memory_order o = std::memory_order_seq_cst) const {
    return get(acquired_, o);
  }
  std::int64_t tokens(std::memory_order o = std::memory_order_seq_cst) const {
    return initial_ + released(o) - acquired(o);
  }
  void add_released(std::int64_t n, std::memory_order o = std::memory_order_seq_cst) {
    add(released_, n, o);
  }
  void add_acquired(std::int64_t n, std::memory_order o = std::memory_order_seq_cst) {
    add(acquired_, n, o);
  }
  // Books a call by the rule above. Returns whether it took tokens.
  bool record(const operation& op, outcome result,
              std::memory_order o = std::memory_order_seq_cst) {
    if (result != outcome::returned_true || !valid_count(op.n)) return false;
    if (!takes_tokens(op.kind)) {
      if (op.kind == op_kind::release) add_released(op.n, o);
      return false;
    }
    add_acquired(op.n, o);
    return true;
  }

 private:
  static std::int64_t get(const std::int64_t& c, std::memory_order) { return c; }
  static std::int64_t get(const std::atomic<std::int64_t>& c, std::memory_order o) {
    return c.load(o);
  }
  static void add(std::int64_t& c, std::int64_t n, std::memory_order) { c += n; }
  static void add(std::atomic<std::int64_t>& c, std::int64_t n, std::memory_order o) {
    c.fetch_add(n, o);
  }

  std::int64_t initial_;
  Count released_{0};
  Count acquired_{0};
};

// ---- The owner-destroys protocol (program::owner_destroys)
//
// Every thread but T0 ends with a release (the decoder appends it). T0, after its own operations:
//   1. waits until every other thread has finished or is in its final release;
//   2. acquires every token there will be: the ledger plus those final releases (when that count
//      is outside [0, max()] it stops here and deletes nothing);
//   3. deletes the semaphore as soon as that acquire returns, while the final releases may still
//      be unwinding. semfuzz/semaphore.h allows exactly this; a release that touches the object
//      after its tokens became visible is a use after destroy (ASan reports it).

// Step 1: whether every thread 1..threads-1 is done or in its final operation, as
// done_or_final(i) says (each runner knows that from its own bookkeeping).
template <class DoneOrFinal>
bool peers_in_final_release(std::size_t threads, DoneOrFinal&& done_or_final) {
  for (std::size_t i = 1; i < threads; ++i) {
    if (!done_or_final(i)) return false;
  }
  return true;
}

// Step 2: the owner's last operation, acquire(all); false when `all` is not a valid count.
inline bool owner_last_acquire(std::int64_t all, operation& last) {
  if (!valid_count(all)) return false;
  last = operation{};
  last.kind = op_kind::acquire;
  last.n = all;
  return true;
}

}  // namespace semfuzz::contract

#endif  // SEMFUZZ_FUZZ_CONTRACT_H_
