// Code under test for the barrier model's tests (pthread_barrier_test.cc): compiled instrumented
// (barrier_probe.cc), so that its pthread_barrier_* calls reach the model through the real
// interposition. Each returns the call's result.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_BARRIER_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_BARRIER_PROBE_H_

#include <pthread.h>

#include <chrono>

namespace semfuzz::barrier_probe {

int init(pthread_barrier_t* b, unsigned count);
int destroy(pthread_barrier_t* b);
int wait(pthread_barrier_t* b);

// Thread `me` of `n` in two rounds: writes slots[me] (a plain write), waits, reads every slot
// into seen[0..n) (plain reads), waits, writes slots[me] again, waits, reads every slot into
// seen[n..2n). Returns how many of its three waits returned PTHREAD_BARRIER_SERIAL_THREAD.
int two_rounds(pthread_barrier_t* b, int* slots, int me, int n, int* seen);
// std::this_thread::sleep_for (nanosleep: a timer wait on virtual time).
void sleep_for(std::chrono::milliseconds d);

}  // namespace semfuzz::barrier_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_BARRIER_PROBE_H_
