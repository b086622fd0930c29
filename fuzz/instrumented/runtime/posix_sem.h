// The POSIX unnamed semaphore model of the instrumentation runtime (fuzz/instrumented/
// runtime/posix_sem.cc): sem_init / destroy / post / wait / trywait / timedwait / clockwait /
// getvalue of the code under test, renamed to semfuzz_instr_sem_* by interpose.py, on the
// deterministic scheduler. Named semaphores (sem_open & co.) stay unsupported-call.
//
// Each semaphore is a record of the model keyed by its address (the sem_t's own bytes are
// registered with the scheduler, so traces name it "word<i>+0", and otherwise left as glibc's
// sem_init wrote them): its value and how many threads wait. post and every wait are scheduling
// points (events fetch_add for a post, fetch_sub for a decrement, load for a trywait that finds
// 0; happens-before: each post is a release read-modify-write of the semaphore and each decrement
// an acquire one, so a decrement synchronises with every post before it, as glibc's atomics do).
// A wait on a zero value blocks the thread on the semaphore (a futex-kind wait of width 0 keyed
// by its address: a timed wait times out on virtual time, the chooser may wake it spuriously,
// after which it looks again); a post wakes one waiter (the chooser picks which).
//
// Results are POSIX's (glibc's), as -1 with errno: sem_init EINVAL for a value above
// SEM_VALUE_MAX; sem_post EOVERFLOW at SEM_VALUE_MAX; sem_trywait EAGAIN at 0; sem_timedwait
// (CLOCK_REALTIME) and sem_clockwait (CLOCK_REALTIME or CLOCK_MONOTONIC) ETIMEDOUT at their
// absolute deadline, EINVAL for a bad timespec or clock when they would block. sem_getvalue gives
// the value (never a negative count of waiters, as glibc). No signal interrupts a wait (no
// EINTR). What POSIX leaves undefined ends the run with the verdict sync-misuse: destroying a
// semaphore that a thread waits on. The process-shared flag is accepted (one process).
//
// Outside a simulated thread (a constructor or destructor the harness runs), every call works
// without scheduling points; a wait that would block is unsupported-call. A call on a semaphore
// inside a destroyed object (the harness deleted the semaphore) is use-after-destroy, as any
// access to its bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_POSIX_SEM_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_POSIX_SEM_H_

#include <semaphore.h>
#include <time.h>

namespace semfuzz::instr {

// Between runs: forgets every semaphore record and unregisters their bytes.
void forget_posix_semaphores();

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py).
extern "C" {
int semfuzz_instr_sem_init(sem_t* sem, int pshared, unsigned value);
int semfuzz_instr_sem_destroy(sem_t* sem);
int semfuzz_instr_sem_post(sem_t* sem);
int semfuzz_instr_sem_wait(sem_t* sem);
int semfuzz_instr_sem_trywait(sem_t* sem);
int semfuzz_instr_sem_timedwait(sem_t* sem, const timespec* at);
int semfuzz_instr_sem_clockwait(sem_t* sem, clockid_t clock, const timespec* at);
int semfuzz_instr_sem_getvalue(sem_t* sem, int* value);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_POSIX_SEM_H_
