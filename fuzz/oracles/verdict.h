// Verdicts: what an oracle found. Each kind fails the fuzz target from its own function (see
// report_and_abort), so crash deduplication groups findings by kind.
#ifndef SEMFUZZ_FUZZ_VERDICT_H_
#define SEMFUZZ_FUZZ_VERDICT_H_

#include <string>

namespace semfuzz {

// The verdict kinds, one table: X(identifier, stable name, what it means). The stable name is
// used in reproducer file names and the CLI's triage; each kind's oracle function is
// oracle_<identifier> (verdict.cc). pass is not a kind of finding and is not in the table.
#define SEMFUZZ_VERDICT_KINDS(X)                                                                  \
  X(lost_wakeup, "lost-wakeup", "nothing runnable while a sleeper's request fits the tokens")     \
  X(conservation, "conservation",                                                                 \
    "available() outside what the completed and in-flight operations allow")                      \
  X(early_timeout, "early-timeout", "a timed acquire returned false before its deadline")         \
  X(late_timeout, "late-timeout",                                                                 \
    "a timed wait asked the futex / condvar for more than its deadline allows")                   \
  X(infinite_timeout, "infinite-timeout", "an infinite (or negative Qt) timeout gave up")         \
  X(try_acquire, "try-acquire", "a try form failed with the tokens there, or a try-once blocked") \
  X(bad_result, "bad-result", "an exception (or none) that the arguments do not call for")        \
  X(futex_misuse, "futex-misuse", "a futex wait/wake on foreign memory or with the wrong width")  \
  X(runaway, "runaway", "the step bound was hit: livelock or unbounded retrying")                 \
  X(wasted_wake, "wasted-wake", "a futex wake while nobody can be registered (split64)")          \
  X(data_race, "data-race",                                                                       \
    "an acquire took tokens of a release that does not happen-before it, or two plain accesses "  \
    "of instrumented code race (vector clocks)")                                                  \
  X(use_after_destroy, "use-after-destroy",                                                       \
    "instrumented code touched the semaphore's bytes after the owner deleted it")                 \
  X(unsupported_call, "unsupported-call",                                                         \
    "instrumented code made a call the instrumentation runtime does not model")                   \
  X(sync_misuse, "sync-misuse",                                                                   \
    "instrumented code misused a modelled lock where POSIX leaves the result undefined")          \
  X(deadlock, "deadlock",                                                                         \
    "instrumented code's threads wait for each other's mutexes without deadlines (a lock-order "  \
    "cycle), or a whole program's threads are all blocked with no timer pending")                 \
  X(program_failure, "program-failure",                                                           \
    "a whole program failed an assertion, aborted, terminated, or exited with a non-zero status")

enum class verdict_kind {
  pass,
#define SEMFUZZ_VERDICT_ENUMERATOR(id, name, meaning) id,
  SEMFUZZ_VERDICT_KINDS(SEMFUZZ_VERDICT_ENUMERATOR)
#undef SEMFUZZ_VERDICT_ENUMERATOR
};

// How many kinds of finding there are. A new kind also needs its line in reproducers/README.md's
// verdict list and the README's oracle table; this count is checked (verdict.cc) so that adding
// one is a deliberate change.
inline constexpr int kVerdictKinds = 0
#define SEMFUZZ_VERDICT_COUNT(id, name, meaning) +1
    SEMFUZZ_VERDICT_KINDS(SEMFUZZ_VERDICT_COUNT)
#undef SEMFUZZ_VERDICT_COUNT
    ;

// The stable name of a kind, as used in reproducer file names: "lost-wakeup", ...
const char* verdict_name(verdict_kind kind);

struct verdict {
  verdict_kind kind = verdict_kind::pass;
  std::string message;
  bool failed() const { return kind != verdict_kind::pass; }
};

// Prints "semfuzz: VERDICT <name>: <message>" to stderr and aborts, from a function of its own
// per kind (oracle_<name>, the frame that names the finding in the abort's stack). Returns only
// when v passed. The way out is async-signal-safe: the line is written with write(2) from a fixed
// buffer (one write for a line of up to PIPE_BUF bytes), then abort(). Under libFuzzer the abort
// reaches its crash handler, which prints the stack and writes the crash-<sha1> artifact; a TSan
// build needs fuzz/engine/tsan_options.cc for that handler to finish.
void report_and_abort(const verdict& v);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_VERDICT_H_
