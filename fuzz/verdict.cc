#include "fuzz/verdict.h"

#include <cstdio>
#include <cstdlib>

namespace semfuzz {

static_assert(kVerdictKinds == 11,
              "a new verdict kind: add it to the README's verdict table (What semfuzz "
              "checks), then update this count");

const char* verdict_name(verdict_kind kind) {
  switch (kind) {
    case verdict_kind::pass:
      return "pass";
#define SEMFUZZ_VERDICT_NAME(id, name, meaning) \
  case verdict_kind::id:                        \
    return name;
      SEMFUZZ_VERDICT_KINDS(SEMFUZZ_VERDICT_NAME)
#undef SEMFUZZ_VERDICT_NAME
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
#define SEMFUZZ_ORACLE_FAILURE(id, name, meaning) \
  [[noreturn]] __attribute__((noinline)) void oracle_##id(const verdict& v) { die(v); }
SEMFUZZ_VERDICT_KINDS(SEMFUZZ_ORACLE_FAILURE)
#undef SEMFUZZ_ORACLE_FAILURE

}  // namespace

void report_and_abort(const verdict& v) {
  switch (v.kind) {
    case verdict_kind::pass:
      return;
#define SEMFUZZ_ORACLE_CALL(id, name, meaning) \
  case verdict_kind::id:                       \
    oracle_##id(v);
      SEMFUZZ_VERDICT_KINDS(SEMFUZZ_ORACLE_CALL)
#undef SEMFUZZ_ORACLE_CALL
  }
  die(v);
}

}  // namespace semfuzz
