// What a fuzzable semaphore (fuzz/oracles/contract.h) may lack, and the one rule that turns a
// program (fuzz/input/program.h) into the calls such a semaphore can take. Used by both runners
// that take semaphores they did not write: the schedule runner's black-box mode
// (fuzz/schedule/runner.h) and the real-thread runner (fuzz/threads/runner.h).
//
// The traits table: every trait a semaphore type S may declare, as a static member, with its
// default where S does not declare it, and what the harness does with it. Each is read only
// here, by the definition of its name below, and each declared one is checked here too
// (check_traits<S>(): one declared with the wrong type or not as a constant is named).
//   trait                       default    rule
//   multi_token                 true       false: black-box mode, single-token takes (below)
//   rejects_bad_counts          true       false: black-box mode, no undefined counts (below)
//   counts                      true       false: black-box mode, the ledger for available()
//   strong_try                  true       false: black-box mode, a try may fail while another
//                                          call runs (below)
//   exact_wakes                 split64    true: the wasted-wake oracle applies (S wakes only
//                               (any       waiters it registered); semfuzz's split64 counts its
//                               platform)  waiters, word32 and condvar do not
//   destroy_in_run              false      true: S's destructor is code under test, run on a
//                                          simulated thread (fuzz/schedule/runner.h)
//   timeout_resolution_ns       1          a timed wait may sleep up to this less 1 ns past its
//                                          deadline (late-timeout)
//   max_timeout_ns()            uncapped   every finite timeout is capped at it
//   futex_waits_poll()          false      true: a sleeper in a futex wait wakes by itself, so the
//                                          lost-wakeup oracle passes over it
//   relative_timed_waits()      false      a known bug stepped around (Qt 6.4): the late-timeout
//                                          rule counts from the last clock read
//   multi_token_wakeups_lost()  false      a known bug stepped around (Qt 6.4): multi-token
//                                          sleepers are not judged lost
// (A real-thread adapter has one more, payload_check, which only the real-thread runner reads:
// fuzz/threads/adapters.h.)
// The four capabilities in detail (semfuzz's own algorithms declare none: they offer everything):
//   multi_token         acquire / try forms of n > 1 take all n tokens or none. false: each
//                       token-taking call of n > 1 becomes n calls of 1 (not all-or-nothing);
//                       releases stay whole (release(n) of any n is the semaphore's to take).
//   rejects_bad_counts  invalid counts and overflowing releases throw (semfuzz/semaphore.h).
//                       false: they are undefined for it, so they are never made: a call with a
//                       count outside [0, max()] or above max() / 2 is dropped, and so is a
//                       release that could overflow (past a budget of max() - reserve - initial,
//                       drawn on by the releases in program order, whatever the interleaving).
//   counts              available() answers the count. false: it is never called (available()
//                       operations are dropped); the harness's ledger stands in
//                       (fuzz/schedule/runner.h, black-box mode).
//   strong_try          a try form never fails while its tokens are there. false: it may fail
//                       while another call runs (C++20 [thread.sema.cnt]: try_acquire may fail
//                       spuriously; it should not consistently fail in the absence of contending
//                       semaphore operations), so only a call that no other call overlapped is
//                       held to it.
//
// The schedule runner's black-box mode (fuzz/schedule/runner.h), for a Sem that lacks any of them
// (the standard's std::counting_semaphore lacks all four): its threads run the program's operations
// as contract::expand_operations() gives them (single-token takes, no undefined counts), and
// where Sem cannot count (counts == false) available() is never called; the ledger stands in:
//   lost-wakeup    at quiescence, with no release in flight: a sleeper in a token-taking call
//                  whose request fits the ledger's tokens (initial + released - acquired; a
//                  sleeping taker holds none of its tokens yet), unless it sleeps in a timer
//                  (nanosleep: a poller wakes by itself) or in a futex wait of a Sem whose
//                  futex_waits_poll() says they end by themselves (below); when none fits,
//                  virtual time jumps to the first deadline of a call (scheduler::idle_until;
//                  none: the run ends), skipping pollers' idle wakeups.
//   conservation   each take that succeeds: acquired <= initial + released + the releases in
//                  flight (which may have published theirs).
//   try-acquire    judge() is told the least the count can have been during the call: the
//                  ledger less what the other calls in flight may take; where strong_try ==
//                  false, only for a call that no other call overlapped (else it knows nothing).
//   timeouts, bad-result, use after destroy, futex misuse, runaway: as in fuzz/schedule/runner.h,
//                  except that a deadline past the clock's range (the call's start + its
//                  timeout overflows: undefined for the standard) is not judged early.
//   Not checked: wasted-wake, conservation of available().
// Destroy mode is kept where every peer still ends with a release of tokens after expansion
// (peers_end_with_release) and, for single-token semaphores, T0's last acquire (one call per
// token) is at most 64 calls (program_runner's kMaxSplitTakes).
// A Sem with every capability runs exactly as it did before black-box mode existed.
#ifndef SEMFUZZ_FUZZ_CAPABILITIES_H_
#define SEMFUZZ_FUZZ_CAPABILITIES_H_

#include <concepts>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/contract.h"
#include "semfuzz/semaphore.h"

namespace semfuzz::contract {

struct capabilities {
  bool multi_token = true;
  bool rejects_bad_counts = true;
  bool counts = true;
  bool strong_try = true;

  // Whether a runner must treat the semaphore as a black box (any of the above missing).
  constexpr bool black_box() const {
    return !multi_token || !rejects_bad_counts || !counts || !strong_try;
  }
};

namespace detail {
template <class S>
inline constexpr bool is_split64 = false;
template <platform P>
inline constexpr bool is_split64<basic_semaphore<internal::split64_core, P>> = true;
}  // namespace detail

// check_traits' first half: the bool constants.
template <class S>
consteval bool check_flag_traits() {
  if constexpr (requires { S::multi_token; }) {
    static_assert(
        requires { typename std::bool_constant<S::multi_token>; },
        "semfuzz: multi_token must be a static constexpr bool");
  }
  if constexpr (requires { S::rejects_bad_counts; }) {
    static_assert(
        requires { typename std::bool_constant<S::rejects_bad_counts>; },
        "semfuzz: rejects_bad_counts must be a static constexpr bool");
  }
  if constexpr (requires { S::counts; }) {
    static_assert(
        requires { typename std::bool_constant<S::counts>; },
        "semfuzz: counts must be a static constexpr bool");
  }
  if constexpr (requires { S::strong_try; }) {
    static_assert(
        requires { typename std::bool_constant<S::strong_try>; },
        "semfuzz: strong_try must be a static constexpr bool");
  }
  if constexpr (requires { S::exact_wakes; }) {
    static_assert(
        requires { typename std::bool_constant<S::exact_wakes>; },
        "semfuzz: exact_wakes must be a static constexpr bool");
  }
  if constexpr (requires { S::destroy_in_run; }) {
    static_assert(
        requires { typename std::bool_constant<S::destroy_in_run>; },
        "semfuzz: destroy_in_run must be a static constexpr bool");
  }
  return true;
}

// check_traits' second half: the integer constant and the static functions.
template <class S>
consteval bool check_function_traits() {
  if constexpr (requires { S::timeout_resolution_ns; }) {
    static_assert(
        requires { typename std::integral_constant<std::int64_t, S::timeout_resolution_ns>; },
        "semfuzz: timeout_resolution_ns must be a static constexpr integer");
  }
  if constexpr (requires { &S::max_timeout_ns; }) {
    static_assert(
        requires {
          { S::max_timeout_ns() } -> std::convertible_to<std::int64_t>;
        },
        "semfuzz: max_timeout_ns must be static std::int64_t max_timeout_ns()");
  }
  if constexpr (requires { &S::futex_waits_poll; }) {
    static_assert(
        requires {
          { S::futex_waits_poll() } -> std::convertible_to<bool>;
        },
        "semfuzz: futex_waits_poll must be static bool futex_waits_poll()");
  }
  if constexpr (requires { &S::relative_timed_waits; }) {
    static_assert(
        requires {
          { S::relative_timed_waits() } -> std::convertible_to<bool>;
        },
        "semfuzz: relative_timed_waits must be static bool relative_timed_waits()");
  }
  if constexpr (requires { &S::multi_token_wakeups_lost; }) {
    static_assert(
        requires {
          { S::multi_token_wakeups_lost() } -> std::convertible_to<bool>;
        },
        "semfuzz: multi_token_wakeups_lost must be static bool "
        "multi_token_wakeups_lost()");
  }
  return true;
}

// Each trait S declares, checked member by member (the table at the head of this file): a
// declared one with the wrong type, or not a constant, gets an error naming it.
template <class S>
consteval bool check_traits() {
  return check_flag_traits<S>() && check_function_traits<S>();
}

// The capabilities S declares (the head of this file).
template <class S>
inline constexpr capabilities capabilities_of = [] {
  static_assert(check_traits<S>());
  capabilities c;
  if constexpr (requires { S::multi_token; }) c.multi_token = S::multi_token;
  if constexpr (requires { S::rejects_bad_counts; }) c.rejects_bad_counts = S::rejects_bad_counts;
  if constexpr (requires { S::counts; }) c.counts = S::counts;
  if constexpr (requires { S::strong_try; }) c.strong_try = S::strong_try;
  return c;
}();

// Whether a sleeper in S's futex wait polls, i.e. the wait ends by itself (libc++ 14's after 2 s)
// and the lost-wakeup oracle passes over it: S::futex_waits_poll() where S declares it (its
// target may leave a known bug to it, fuzz/instrumented/targets/libcxx_target.cc), else false.
template <class S>
bool futex_waits_poll() {
  if constexpr (requires { S::futex_waits_poll(); }) return S::futex_waits_poll();
  return false;
}

// The resolution of S's timed waits in ns: S::timeout_resolution_ns where S declares it, else 1.
// A timed call may ask its wait for its timeout rounded up to it (Qt's API takes whole
// milliseconds, rounding a std::chrono duration up), so the late-timeout rule lets it sleep up to
// that much less 1 ns past its deadline; the early-timeout rule is unchanged.
template <class S>
inline constexpr std::int64_t timeout_resolution_ns = [] {
  if constexpr (requires { S::timeout_resolution_ns; }) {
    return static_cast<std::int64_t>(S::timeout_resolution_ns);
  } else {
    return std::int64_t{1};
  }
}();

// Whether S's timed waits are relative, and its target steps around what that costs (Qt 6.4:
// each futex wait asks for the time left at its last clock read, or for the whole timeout at the
// first wait, so it sleeps past the deadline by the time in between, however long the thread was
// preempted there; reproducers/schedule_qt/unfixed/): S::relative_timed_waits() where S declares
// it, else false. The late-timeout rule then counts the deadline from the call's last clock read
// before its first wait, and lets a wait sleep past it by the time since the call's last clock
// read, if it read the clock since its previous wait (a wait that asks for the whole timeout again
// without reading the clock is still late).
template <class S>
bool relative_timed_waits() {
  if constexpr (requires { S::relative_timed_waits(); }) {
    return S::relative_timed_waits();
  }
  return false;
}

// Whether a sleeper in S taking more than one token may stay asleep with its tokens there (Qt
// 6.4's high-word ABA: reproducers/schedule_qt/unfixed/), and its target steps around that known
// bug: S::multi_token_wakeups_lost() where S declares it, else false. The lost-wakeup oracle then
// passes over such sleepers (single-token ones are still judged).
template <class S>
bool multi_token_wakeups_lost() {
  if constexpr (requires { S::multi_token_wakeups_lost(); }) {
    return S::multi_token_wakeups_lost();
  }
  return false;
}

// The longest finite timeout S's API can express, in ns: S::max_timeout_ns() where S declares it,
// else contract::kUncapped. The schedule runner then caps every finite timeout at it, as the
// real-thread runner caps them at real time's budget (contract.h's real-time rule: the call is
// given, and judged by, the capped timeout). Qt 6.4's chrono forms clamp at INT_MAX ms, which is
// a known bug (reproducers/schedule_qt/unfixed/) that the cap steps around.
template <class S>
std::int64_t max_timeout_ns() {
  if constexpr (requires { S::max_timeout_ns(); }) {
    return S::max_timeout_ns();
  }
  return kUncapped;
}

// Whether S wakes only waiters it has registered, so that a futex wake of a release with no other
// thread in a call that may block is a wasted wake (fuzz/schedule/runner.h): S::exact_wakes where
// S declares it, else true for semfuzz's split64 on any platform (it counts its waiters), else
// false.
template <class S>
inline constexpr bool exact_wakes = [] {
  if constexpr (requires { S::exact_wakes; }) {
    return static_cast<bool>(S::exact_wakes);
  } else {
    return detail::is_split64<S>;
  }
}();

// Whether S's destructor is code under test (an instrumented adapter's, which may use atomics and
// block): S::destroy_in_run where S declares it, else false. The schedule runner then deletes S
// on a simulated thread (fuzz/schedule/runner.h), never in harness code.
template <class S>
inline constexpr bool destroy_in_run = [] {
  if constexpr (requires { S::destroy_in_run; }) {
    return static_cast<bool>(S::destroy_in_run);
  } else {
    return false;
  }
}();

// The expansion rule: each thread's operations as a semaphore with capabilities `caps` is given
// them (the head of this file). `reserve`: tokens the runner keeps out of the release budget
// (room for its own releases, e.g. the real-thread watchdog's rescues). A semaphore with every
// capability gets the program's operations unchanged. Written into `out`, whose storage (each
// thread's list's too) is reused; the second form returns new lists.
inline void expand_operations(const program& prog, capabilities caps, std::int64_t reserve,
                              std::vector<std::vector<operation>>& out) {
  out.resize(prog.threads.size());
  std::int64_t budget = kMax - reserve - prog.initial;
  for (std::size_t t = 0; t < prog.threads.size(); ++t) {
    out[t].clear();
    out[t].reserve(prog.threads[t].ops.size());
    for (const operation& op : prog.threads[t].ops) {
      if (!caps.counts && op.kind == op_kind::available) continue;
      if (!caps.rejects_bad_counts) {
        if (!valid_count(op.n) || op.n > kMax / 2) continue;
        if (op.kind == op_kind::release) {
          if (op.n > budget) continue;
          budget -= op.n;
        }
      }
      if (!caps.multi_token && op.n > 1 && takes_tokens(op.kind)) {
        operation one = op;
        one.n = 1;
        out[t].insert(out[t].end(), static_cast<std::size_t>(op.n), one);
      } else {
        out[t].push_back(op);
      }
    }
  }
}

inline std::vector<std::vector<operation>> expand_operations(const program& prog, capabilities caps,
                                                             std::int64_t reserve) {
  std::vector<std::vector<operation>> out;
  expand_operations(prog, caps, reserve, out);
  return out;
}

// Whether every thread but T0 still ends with a release after expansion: the owner-destroys
// protocol (fuzz/oracles/contract.h) needs it, so without it a runner does not destroy.
inline bool peers_end_with_release(const std::vector<std::vector<operation>>& ops) {
  for (std::size_t i = 1; i < ops.size(); ++i) {
    // (a final release of 0 carries no token the owner could wait for: it may still be running
    // when the owner deletes the semaphore, which no semaphore allows)
    if (ops[i].empty() || ops[i].back().kind != op_kind::release || ops[i].back().n <= 0) {
      return false;
    }
  }
  return true;
}

}  // namespace semfuzz::contract

#endif  // SEMFUZZ_FUZZ_CAPABILITIES_H_
