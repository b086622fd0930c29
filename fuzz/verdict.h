// Verdicts: what an oracle found. Each kind fails the fuzz target from its own function (see
// report_and_abort), so crash deduplication groups findings by kind.
#ifndef SEMFUZZ_FUZZ_VERDICT_H_
#define SEMFUZZ_FUZZ_VERDICT_H_

#include <string>

namespace semfuzz {

enum class verdict_kind {
  pass,
  lost_wakeup,       // nothing runnable while a sleeper's request fits the available tokens
  conservation,      // available() outside what the completed and in-flight operations allow
  early_timeout,     // a timed acquire returned false before its deadline
  late_timeout,      // a timed wait asked the futex / condvar for more than its deadline allows
  infinite_timeout,  // an infinite (or negative Qt) timeout gave up
  try_acquire,       // try_acquire failed with the tokens there, or blocked
  bad_result,        // an exception (or none) that the arguments do not call for
  futex_misuse,      // a futex wait/wake on foreign memory or with the wrong width
  runaway,           // the step bound was hit: livelock or unbounded retrying
  wasted_wake,       // a futex wake while nobody can be registered (split64: exact wakes)
};

// The stable name of a kind, as used in reproducer file names: "lost-wakeup", ...
const char* verdict_name(verdict_kind kind);

struct verdict {
  verdict_kind kind = verdict_kind::pass;
  std::string message;
  bool failed() const { return kind != verdict_kind::pass; }
};

// Prints "semfuzz: VERDICT <name>: <message>" to stderr and aborts, from a function of its own
// per kind. Returns only when v passed.
void report_and_abort(const verdict& v);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_VERDICT_H_
