// The forms of the adapter API (fuzz/instrumented/adapter.h) that the test semaphores of
// fuzz/instrumented/tests/ write with their others, in one place: try_acquire_for with
// try_acquire_until (a duration <= 0 tries once; a deadline past the clock's range waits for
// ever), and Qt's try_acquire(n, ms) with try_acquire_for and acquire (ms < 0: for ever).
// A CRTP base: `class S : public derived_forms<S>`, with `using derived_forms<S>::try_acquire;`
// beside S's own try_acquire(n).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DERIVED_FORMS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DERIVED_FORMS_H_

#include <chrono>
#include <cstdint>

namespace semfuzz::byo_test {

template <class S>
class derived_forms {
 public:
  using clock = std::chrono::steady_clock;

  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    S& self = static_cast<S&>(*this);
    if (d <= std::chrono::nanoseconds::zero()) return self.try_acquire(n);
    const clock::time_point now = clock::now();
    return self.try_acquire_until(
        n, d > clock::time_point::max() - now ? clock::time_point::max() : now + d);
  }
  bool try_acquire(std::int64_t n, int ms) {
    if (ms >= 0) return try_acquire_for(n, std::chrono::milliseconds(ms));
    static_cast<S&>(*this).acquire(n);
    return true;
  }
};

}  // namespace semfuzz::byo_test

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_DERIVED_FORMS_H_
