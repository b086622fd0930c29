// The read-write lock model of the instrumentation runtime
// (fuzz/instrumented/runtime/pthread_rwlock.cc): pthread_rwlock_init / destroy / rdlock / tryrdlock
// / timedrdlock / clockrdlock / wrlock / trywrlock / timedwrlock / clockwrlock / unlock of the code
// under test, renamed to semfuzz_instr_pthread_rwlock_* by interpose.py, on the deterministic
// scheduler. std::shared_mutex and std::shared_timed_mutex (libstdc++'s header code over these
// calls, on a lock statically initialised with PTHREAD_RWLOCK_INITIALIZER) come with them.
//
// Each lock is a record of the model keyed by its address (the pthread_rwlock_t's own bytes are
// registered with the scheduler, so traces name it "word<i>+0", and otherwise left alone): its
// writer, how many read locks each thread holds, how many threads wait and whether writers are
// preferred (pthread_rwlockattr_setkind_np's PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP, or for
// a statically initialised lock glibc's __flags; the default, as glibc's, prefers readers: a read
// lock is granted whenever no writer holds the lock, even while writers wait; preferring writers,
// a read lock also waits while a writer waits). Every lock and unlock is a scheduling point
// (events lock: 0 for a write lock, else the number of read locks then held; lock busy; unlock:
// the read locks left). Happens-before: a write unlock -> every later lock, read or write; a read
// unlock -> every later write lock (readers do not order each other). A lock that must wait
// blocks the thread on the lock (a futex-kind wait of width 0 keyed by its address: a timed lock
// times out on virtual time, the chooser may wake it spuriously, after which it looks again),
// never reported to the observer as a futex wait. An unlock that frees the lock (or a write
// unlock, after which waiting readers may enter) wakes every waiter, which then compete: the
// chooser decides who enters first, within the preference rule, so every order POSIX allows is
// reachable.
//
// Results are POSIX's (glibc's): tryrdlock / trywrlock EBUSY; rdlock and wrlock by the thread
// holding the write lock EDEADLK (a timed one too, as glibc); the timed forms (CLOCK_REALTIME, or
// the clock clockrdlock / clockwrlock name: CLOCK_REALTIME or CLOCK_MONOTONIC) ETIMEDOUT at
// their absolute deadline and EINVAL for a bad timespec or clock, checked first, as glibc. What
// POSIX leaves undefined ends the run with the verdict sync-misuse, naming it: unlock of a lock
// the thread does not hold, destroy of a held lock or of one a thread waits for, and a write lock
// without a deadline by a thread that holds a read lock of it (it waits for itself for ever).
// A wait without a deadline takes part in the lock-order cycle check (lock_graph.h): a writer waits
// for the writer and every reader, a reader for the writer.
//
// Outside a simulated thread (a constructor the harness runs), init, destroy and uncontended
// locks and unlocks work without scheduling points; one that would block is unsupported-call. A
// call on a lock inside a destroyed object is use-after-destroy, as any access to its bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_RWLOCK_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_RWLOCK_H_

#include <pthread.h>
#include <time.h>

#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"

namespace semfuzz::instr {

// Between runs: forgets every read-write lock record and unregisters their bytes.
void forget_rwlocks();

// Appends the read-write locks simulated thread `thread` holds to *held (each once: "for
// writing", or "for reading" however many read locks it holds), in the order the model first saw
// them (the deadlock message of a whole program, fuzz/instrumented/runtime/program.h).
void rwlocks_held_by(int thread, std::vector<model::held_lock>* held);

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py).
extern "C" {
int semfuzz_instr_pthread_rwlock_init(pthread_rwlock_t* rw, const pthread_rwlockattr_t* attr);
int semfuzz_instr_pthread_rwlock_destroy(pthread_rwlock_t* rw);
int semfuzz_instr_pthread_rwlock_rdlock(pthread_rwlock_t* rw);
int semfuzz_instr_pthread_rwlock_tryrdlock(pthread_rwlock_t* rw);
int semfuzz_instr_pthread_rwlock_timedrdlock(pthread_rwlock_t* rw, const timespec* at);
int semfuzz_instr_pthread_rwlock_clockrdlock(pthread_rwlock_t* rw, clockid_t clock,
                                             const timespec* at);
int semfuzz_instr_pthread_rwlock_wrlock(pthread_rwlock_t* rw);
int semfuzz_instr_pthread_rwlock_trywrlock(pthread_rwlock_t* rw);
int semfuzz_instr_pthread_rwlock_timedwrlock(pthread_rwlock_t* rw, const timespec* at);
int semfuzz_instr_pthread_rwlock_clockwrlock(pthread_rwlock_t* rw, clockid_t clock,
                                             const timespec* at);
int semfuzz_instr_pthread_rwlock_unlock(pthread_rwlock_t* rw);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_RWLOCK_H_
