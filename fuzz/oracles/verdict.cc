#include "fuzz/oracles/verdict.h"

#include <errno.h>
#include <limits.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace semfuzz {

static_assert(kVerdictKinds == 16,
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

// Text for stderr gathered in a fixed buffer and written with write(2): no stdio lock, no
// allocation, so it works whatever the other threads hold, and in a signal handler. A text of up
// to PIPE_BUF bytes goes out in one write, which a pipe does not interleave with other writers'.
class stderr_text {
 public:
  stderr_text() = default;
  stderr_text(const stderr_text&) = delete;
  stderr_text& operator=(const stderr_text&) = delete;

  stderr_text& operator<<(const char* s) { return append(s, std::strlen(s)); }
  stderr_text& operator<<(const std::string& s) { return append(s.data(), s.size()); }

  void flush() {
    const char* p = buf_;
    while (used_ > 0) {
      const ssize_t n = ::write(STDERR_FILENO, p, used_);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;  // stderr is gone: nothing else to tell it
      p += n;
      used_ -= static_cast<std::size_t>(n);
    }
    used_ = 0;
  }

 private:
  stderr_text& append(const char* s, std::size_t n) {
    while (n > 0) {
      if (used_ == sizeof buf_) flush();
      const std::size_t k = std::min(n, sizeof buf_ - used_);
      std::memcpy(buf_ + used_, s, k);
      used_ += k;
      s += k;
      n -= k;
    }
    return *this;
  }

  char buf_[PIPE_BUF];
  std::size_t used_ = 0;
};

[[noreturn]] void die(const verdict& v) {
  stderr_text line;
  line << "semfuzz: VERDICT " << verdict_name(v.kind) << ": " << v.message << "\n";
  line.flush();
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
