// Code under test for the once model's tests (pthread_once_test.cc): compiled instrumented
// (once_probe.cc), so that its pthread_once calls, and libstdc++'s std::call_once header code,
// reach the model through the real interposition.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ONCE_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ONCE_PROBE_H_

#include <pthread.h>

#include <chrono>
#include <mutex>

namespace semfuzz::once_probe {

// Sets the global counter the routine below increments to 0 (outside a run).
void reset();
// pthread_once(o, routine) where routine increments the global counter (a plain read, a
// sched_yield, a plain write); then returns the counter (a plain read).
int once_then_read(pthread_once_t* o);
// pthread_once(o, routine) where routine calls pthread_once(o, ...) again.
int once_recursive(pthread_once_t* o);

// std::call_once(f, ...) whose callable sets *runner = me, sleeps `d` (virtual time), then
// throws if `fail`; returns whether call_once threw.
bool call_once(std::once_flag& f, int* runner, int me, std::chrono::milliseconds d, bool fail);
// std::call_once(f, ...) whose callable increments *counter (plain accesses and a sched_yield);
// then returns *counter.
int call_once_then_read(std::once_flag& f, int* counter);
// std::this_thread::sleep_for (nanosleep: a timer wait on virtual time).
void sleep_for(std::chrono::milliseconds d);

}  // namespace semfuzz::once_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_ONCE_PROBE_H_
