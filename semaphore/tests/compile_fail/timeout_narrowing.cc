// Calls of basic_semaphore::try_acquire(n, timeout) that must not compile, for run.cmake.
//
// Built with SEMFUZZ_CASE=0, this file must compile: it holds only valid calls (the control,
// which shows that a failure below is the call's and not the build's). Built with
// SEMFUZZ_CASE=k, it adds the k-th invalid call: a millisecond timeout of another arithmetic
// type than int, which would narrow or truncate silently. That build must fail, with an error
// that names the way out (the deleted overload's template parameter,
// TimeoutMsMustBeIntOrAChronoDuration). run.cmake finds the cases by their `SEMFUZZ_CASE == k`.
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>

#include "semfuzz/semaphore.h"

using namespace std::chrono_literals;

int valid_calls(semfuzz::semaphore& s, long long count, const int& ms) {
  int ok = 0;
  ok += s.try_acquire(1, 5);
  ok += s.try_acquire(1, -1);
  ok += s.try_acquire(1, INT_MIN);
  ok += s.try_acquire(1, ms);
  ok += s.try_acquire(count, 0);
  ok += s.try_acquire(count);
  ok += s.try_acquire();
  ok += s.try_acquire(1, 5ms);
  ok += s.try_acquire(1, std::chrono::duration<double>(0.5));
  ok += s.try_acquire(1, std::chrono::steady_clock::now() + 5ms);
  ok += s.try_acquire_for(1, 5ms);
  return ok;
}

#if SEMFUZZ_CASE == 1
bool invalid_call(semfuzz::semaphore& s) { return s.try_acquire(1, 3'000'000'000LL); }
#elif SEMFUZZ_CASE == 2
bool invalid_call(semfuzz::semaphore& s, std::int64_t ms) { return s.try_acquire(1, ms); }
#elif SEMFUZZ_CASE == 3
bool invalid_call(semfuzz::semaphore& s, std::size_t ms) { return s.try_acquire(1, ms); }
#elif SEMFUZZ_CASE == 4
bool invalid_call(semfuzz::semaphore& s) { return s.try_acquire(1, 5u); }
#elif SEMFUZZ_CASE == 5
bool invalid_call(semfuzz::semaphore& s, short ms) { return s.try_acquire(1, ms); }
#elif SEMFUZZ_CASE == 6
bool invalid_call(semfuzz::semaphore& s) { return s.try_acquire(1, 2.5); }
#elif SEMFUZZ_CASE == 7
bool invalid_call(semfuzz::condvar_semaphore& s, long ms) { return s.try_acquire(1, ms); }
#endif
