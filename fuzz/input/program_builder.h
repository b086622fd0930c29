// Builders for hand-written programs (fuzz/input/program.h), shared by the tests and the
// seed-corpus generator: op() and its short forms make one operation, make() a program. Encode the
// result with semfuzz::encode() to get an input.
#ifndef SEMFUZZ_FUZZ_PROGRAM_BUILDER_H_
#define SEMFUZZ_FUZZ_PROGRAM_BUILDER_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "fuzz/input/program.h"

namespace semfuzz::builder {

inline constexpr std::int64_t kMs = 1'000'000;  // nanoseconds

// One operation: timeout in ms for try_acquire_ms, in ns for the other timed kinds.
inline operation op(op_kind kind, std::int64_t n, std::int64_t timeout = 0, bool infinite = false) {
  operation o;
  o.kind = kind;
  o.n = n;
  o.timeout = timeout;
  o.infinite = infinite;
  return o;
}
inline operation acq(std::int64_t n) { return op(op_kind::acquire, n); }
inline operation rel(std::int64_t n) { return op(op_kind::release, n); }
inline operation try_acq(std::int64_t n) { return op(op_kind::try_acquire, n); }
inline operation try_ms(std::int64_t n, std::int64_t ms) {
  return op(op_kind::try_acquire_ms, n, ms);
}
inline operation try_for(std::int64_t n, std::int64_t ns) {
  return op(op_kind::try_acquire_for, n, ns);
}
inline operation try_until(std::int64_t n, std::int64_t ns) {
  return op(op_kind::try_acquire_until, n, ns);
}
inline operation avail() { return op(op_kind::available, 0); }

// A program of the default algorithm with these threads; destroy: the owner-destroys mode.
inline program make(std::int64_t initial, std::vector<std::vector<operation>> threads,
                    bool destroy = false) {
  program p;
  p.initial = initial;
  p.owner_destroys = destroy;
  for (auto& ops : threads) p.threads.push_back(thread_program{std::move(ops)});
  return p;
}

}  // namespace semfuzz::builder

#endif  // SEMFUZZ_FUZZ_PROGRAM_BUILDER_H_
