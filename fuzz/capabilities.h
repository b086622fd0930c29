// What a fuzzable semaphore (fuzz/contract.h) may lack, and the one rule that turns a program
// (fuzz/program.h) into the calls such a semaphore can take. Used by both runners that take
// semaphores they did not write: the schedule runner's black-box mode (fuzz/runner.h) and the
// real-thread runner (fuzz/threads/runner.h).
//
// A semaphore type states what it offers with static constexpr bool members; a member it does
// not declare counts as true (semfuzz's own algorithms declare none: they offer everything):
//   multi_token         acquire / try forms of n > 1 take all n tokens or none. false: each
//                       token-taking call of n > 1 becomes n calls of 1 (not all-or-nothing);
//                       releases stay whole (release(n) of any n is the semaphore's to take).
//   rejects_bad_counts  invalid counts and overflowing releases throw (semfuzz/semaphore.h).
//                       false: they are undefined for it, so they are never made: a call with a
//                       count outside [0, max()] or above max() / 2 is dropped, and so is a
//                       release that could overflow (past a budget of max() - reserve - initial,
//                       drawn on by the releases in program order, whatever the interleaving).
//   counts              available() answers the count. false: it is never called (available()
//                       operations are dropped); the harness's ledger stands in (fuzz/runner.h,
//                       black-box mode).
//   strong_try          a try form never fails while its tokens are there. false: it may fail
//                       while another call runs (C++20 [thread.sema.cnt]: try_acquire may fail
//                       spuriously; it should not consistently fail in the absence of contending
//                       semaphore operations), so only a call that no other call overlapped is
//                       held to it.
#ifndef SEMFUZZ_FUZZ_CAPABILITIES_H_
#define SEMFUZZ_FUZZ_CAPABILITIES_H_

#include <cstdint>
#include <vector>

#include "fuzz/contract.h"
#include "fuzz/program.h"

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
constexpr bool multi_token_of() {
  if constexpr (requires { S::multi_token; }) return S::multi_token;
  return true;
}
template <class S>
constexpr bool rejects_bad_counts_of() {
  if constexpr (requires { S::rejects_bad_counts; }) return S::rejects_bad_counts;
  return true;
}
template <class S>
constexpr bool counts_of() {
  if constexpr (requires { S::counts; }) return S::counts;
  return true;
}
template <class S>
constexpr bool strong_try_of() {
  if constexpr (requires { S::strong_try; }) return S::strong_try;
  return true;
}
}  // namespace detail

// The capabilities S declares (the head of this file).
template <class S>
inline constexpr capabilities capabilities_of{detail::multi_token_of<S>(),
                                              detail::rejects_bad_counts_of<S>(),
                                              detail::counts_of<S>(), detail::strong_try_of<S>()};

// The expansion rule: each thread's operations as a semaphore with capabilities `caps` is given
// them (the head of this file). `reserve`: tokens the runner keeps out of the release budget
// (room for its own releases, e.g. the real-thread watchdog's rescues). A semaphore with every
// capability gets the program's operations unchanged.
inline std::vector<std::vector<operation>> expand_operations(const program& prog, capabilities caps,
                                                             std::int64_t reserve) {
  std::vector<std::vector<operation>> out(prog.threads.size());
  std::int64_t budget = kMax - reserve - prog.initial;
  for (std::size_t t = 0; t < prog.threads.size(); ++t) {
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
  return out;
}

}  // namespace semfuzz::contract

#endif  // SEMFUZZ_FUZZ_CAPABILITIES_H_
