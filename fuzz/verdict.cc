#include "fuzz/verdict.h"

#include <cstdio>
#include <cstdlib>

namespace semfuzz {

const char* verdict_name(verdict_kind kind) {
  switch (kind) {
    case verdict_kind::pass:
      return "pass";
    case verdict_kind::lost_wakeup:
      return "lost-wakeup";
    case verdict_kind::conservation:
      return "conservation";
    case verdict_kind::early_timeout:
      return "early-timeout";
    case verdict_kind::late_timeout:
      return "late-timeout";
    case verdict_kind::infinite_timeout:
      return "infinite-timeout";
    case verdict_kind::try_acquire:
      return "try-acquire";
    case verdict_kind::bad_result:
      return "bad-result";
    case verdict_kind::futex_misuse:
      return "futex-misuse";
    case verdict_kind::runaway:
      return "runaway";
    case verdict_kind::wasted_wake:
      return "wasted-wake";
  }
  return "unknown";
}

namespace {

[[noreturn]] void die(const verdict& v) {
  std::fprintf(stderr, "semfuzz: VERDICT %s: %s\n", verdict_name(v.kind), v.message.c_str());
  std::fflush(stderr);
  std::abort();
}

// One function per kind, never inlined, so the top frame of the crash names the oracle.
#define SEMFUZZ_ORACLE_FAILURE(fn) \
  [[noreturn]] __attribute__((noinline)) void fn(const verdict& v) { die(v); }
SEMFUZZ_ORACLE_FAILURE(oracle_lost_wakeup)
SEMFUZZ_ORACLE_FAILURE(oracle_conservation)
SEMFUZZ_ORACLE_FAILURE(oracle_early_timeout)
SEMFUZZ_ORACLE_FAILURE(oracle_late_timeout)
SEMFUZZ_ORACLE_FAILURE(oracle_infinite_timeout)
SEMFUZZ_ORACLE_FAILURE(oracle_try_acquire)
SEMFUZZ_ORACLE_FAILURE(oracle_bad_result)
SEMFUZZ_ORACLE_FAILURE(oracle_futex_misuse)
SEMFUZZ_ORACLE_FAILURE(oracle_runaway)
SEMFUZZ_ORACLE_FAILURE(oracle_wasted_wake)
#undef SEMFUZZ_ORACLE_FAILURE

}  // namespace

void report_and_abort(const verdict& v) {
  switch (v.kind) {
    case verdict_kind::pass:
      return;
    case verdict_kind::lost_wakeup:
      oracle_lost_wakeup(v);
    case verdict_kind::conservation:
      oracle_conservation(v);
    case verdict_kind::early_timeout:
      oracle_early_timeout(v);
    case verdict_kind::late_timeout:
      oracle_late_timeout(v);
    case verdict_kind::infinite_timeout:
      oracle_infinite_timeout(v);
    case verdict_kind::try_acquire:
      oracle_try_acquire(v);
    case verdict_kind::bad_result:
      oracle_bad_result(v);
    case verdict_kind::futex_misuse:
      oracle_futex_misuse(v);
    case verdict_kind::runaway:
      oracle_runaway(v);
    case verdict_kind::wasted_wake:
      oracle_wasted_wake(v);
  }
  die(v);
}

}  // namespace semfuzz
