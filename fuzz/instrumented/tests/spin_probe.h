// Code under test for the spin lock model's tests (pthread_spin_test.cc): compiled
// instrumented (spin_probe.cc), so that its pthread_spin_* calls reach the model through the real
// interposition. Each returns the call's result.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SPIN_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SPIN_PROBE_H_

#include <pthread.h>

#include <chrono>

namespace semfuzz::spin_probe {

int init(pthread_spinlock_t* l);
int destroy(pthread_spinlock_t* l);
int lock(pthread_spinlock_t* l);
int trylock(pthread_spinlock_t* l);
int unlock(pthread_spinlock_t* l);
// ++*counter under the lock, with a plain read and write of it (the race detector sees them)
// and a sched_yield inside the critical section.
void locked_increment(pthread_spinlock_t* l, int* counter);
// std::this_thread::sleep_for (nanosleep: a timer wait on virtual time).
void sleep_for(std::chrono::milliseconds d);

}  // namespace semfuzz::spin_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SPIN_PROBE_H_
