// The pthread mutex model of the instrumentation runtime
// (fuzz/instrumented/runtime/pthread_mutex.cc): pthread_mutex_init / destroy / lock / trylock /
// timedlock / clocklock / unlock of the code under test, renamed to semfuzz_instr_pthread_mutex_*
// by interpose.py, on the deterministic scheduler. std::mutex, std::timed_mutex and
// std::recursive_mutex (libstdc++'s header code over these calls) come with them.
//
// Each mutex is a record of the model keyed by its address (the pthread_mutex_t's own bytes are
// registered with the scheduler, so traces name it "word<i>+0", and otherwise left alone): its
// type (normal, recursive, errorcheck: from pthread_mutex_init's attributes, or for a statically
// initialised mutex from glibc's __kind field, which PTHREAD_*_MUTEX_INITIALIZER_NP set), its
// owner and recursion count. lock and unlock are scheduling points (events lock, lock busy,
// unlock; happens-before: unlock -> the next lock). A contended lock blocks the thread on the
// mutex (a futex-kind wait of width 0 keyed by its address, so a timed lock times out on virtual
// time and the chooser may wake it spuriously, after which it looks again), never reported to the
// observer as a futex wait: a mutex inside try_acquire is no sleep of the semaphore's own. unlock
// wakes one waiter (the chooser picks which), which then competes for the mutex.
//
// Results are POSIX's (glibc's): trylock of a held mutex EBUSY; a recursive mutex counts; an
// errorcheck mutex gives EDEADLK to a relock and EPERM to an unlock by a non-owner; timedlock
// (CLOCK_REALTIME) and clocklock (CLOCK_REALTIME or CLOCK_MONOTONIC) give ETIMEDOUT at their
// absolute deadline and EINVAL for a bad timespec or clock. What POSIX leaves undefined ends the
// run with the verdict sync-misuse, naming it: unlock of a normal mutex the thread does not hold,
// destroy of a locked mutex or of one a thread waits for, a relock of a normal mutex by its owner
// without a deadline (a thread that deadlocks itself). Robust and priority-protocol attributes are
// unsupported-call. A wait without a deadline takes part in the lock-order cycle check
// (lock_graph.h).
//
// Outside a simulated thread (a constructor the harness runs), init, destroy and uncontended
// lock / unlock work without scheduling points; one that would block is unsupported-call. A lock
// or unlock of a mutex inside a destroyed object (the harness deleted the semaphore) is
// use-after-destroy, as any access to its bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_MUTEX_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_MUTEX_H_

#include <pthread.h>

#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"

namespace semfuzz::instr {

// Between runs: forgets every mutex record and unregisters their bytes.
void forget_mutexes();

// Whether the running simulated thread holds m (the condition variable model's check).
bool holds(pthread_mutex_t* m);

// Appends the mutexes simulated thread `thread` holds to *held, in the order the model first saw
// them (the deadlock message of a whole program, fuzz/instrumented/runtime/program.h).
void mutexes_held_by(int thread, std::vector<model::held_lock>* held);

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py); also the condition
// variable model's (pthread_cond.cc) unlock and relock around its waits.
extern "C" {
int semfuzz_instr_pthread_mutex_lock(pthread_mutex_t* m);
int semfuzz_instr_pthread_mutex_unlock(pthread_mutex_t* m);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_MUTEX_H_
