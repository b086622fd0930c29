// The barrier model of the instrumentation runtime (fuzz/instrumented/runtime/pthread_barrier.cc):
// pthread_barrier_init / destroy / wait of the code under test, renamed to
// semfuzz_instr_pthread_barrier_* by interpose.py, on the deterministic scheduler.
//
// Each barrier is a record of the model keyed by its address (the pthread_barrier_t's own bytes
// are registered with the scheduler, so traces name it "word<i>+0", and otherwise left as glibc's
// pthread_barrier_init wrote them): its count, how many threads have arrived in the current
// round, the round's number, and how many threads of finished rounds have not returned yet. wait
// is a scheduling point (event fetch_add: the arrivals so far in the round). A thread that is not
// the last of its round blocks on the barrier (a futex-kind wait of width 0 keyed by its address,
// never reported to the observer as a futex wait; the chooser may wake it spuriously, after which
// it looks again) until the last one arrives, which wakes them all and returns
// PTHREAD_BARRIER_SERIAL_THREAD (exactly one per round; the others 0). Happens-before: every
// arrival of a round -> every return from it (each arrival is a release read-modify-write of a
// location of the round, each return an acquire load of it; rounds alternate two locations, so a
// thread of the next round arriving early adds nothing to a return from this one).
//
// Results are POSIX's: init with a count of 0 EINVAL. What POSIX leaves undefined ends the run
// with the verdict sync-misuse, naming it: a wait at a barrier never initialised (or destroyed),
// destroy of a barrier threads wait at. A destroy after the last arrival, while the threads it
// released have not returned yet, is fine (glibc waits for them; the model lets them leave). The
// process-shared attribute is accepted (one process).
//
// Outside a simulated thread (a constructor the harness runs), init and destroy work, and a wait
// at a barrier of count 1 returns PTHREAD_BARRIER_SERIAL_THREAD; one that would block is
// unsupported-call. A wait at a barrier inside a destroyed object is use-after-destroy, as any
// access to its bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_BARRIER_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_BARRIER_H_

#include <pthread.h>

namespace semfuzz::instr {

// Between runs: forgets every barrier record and unregisters their bytes.
void forget_barriers();

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py).
extern "C" {
int semfuzz_instr_pthread_barrier_init(pthread_barrier_t* b, const pthread_barrierattr_t* attr,
                                       unsigned count);
int semfuzz_instr_pthread_barrier_destroy(pthread_barrier_t* b);
int semfuzz_instr_pthread_barrier_wait(pthread_barrier_t* b);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_BARRIER_H_
