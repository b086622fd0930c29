// The spin lock model of the instrumentation runtime (fuzz/instrumented/runtime/pthread_spin.cc):
// pthread_spin_init / destroy / lock / trylock / unlock of the code under test, renamed to
// semfuzz_instr_pthread_spin_* by interpose.py, on the deterministic scheduler.
//
// Each spin lock is a record of the model keyed by its address (the pthread_spinlock_t's own
// bytes are registered with the scheduler, so traces name it "word<i>+0", and otherwise left as
// glibc's pthread_spin_init wrote them): its owner and how many threads spin on it. lock,
// trylock and unlock are scheduling points (events lock, lock busy, unlock; happens-before:
// unlock -> the next lock). A contended lock is modelled as a block, not as a loop of retries: a
// spinner's retries read only the lock word, so each of its schedules is equivalent to one where
// it looks again exactly when the lock is freed; blocking until then (a futex-kind wait of width 0
// keyed by its address, never reported to the observer as a futex wait) spends no steps on
// retries that change nothing. unlock wakes every spinner, which then compete (the chooser
// picks who gets it). A spinner whose lock is never freed stays blocked, and the run ends as
// for any thread blocked for good (no runaway needed to see it).
//
// Results are POSIX's: trylock of a held lock EBUSY. What POSIX leaves undefined ends the run with
// the verdict sync-misuse, naming it: lock of a lock the thread holds (it spins for ever), unlock
// of a lock the thread does not hold, destroy of a held lock or of one a thread spins on. The
// process-shared flag is accepted (one process). A spin wait takes part in the lock-order cycle
// check (lock_graph.h).
//
// Outside a simulated thread (a constructor the harness runs), every call works without
// scheduling points; a lock that would spin is unsupported-call. A call on a lock inside a
// destroyed object is use-after-destroy, as any access to its bytes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_SPIN_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_SPIN_H_

#include <pthread.h>

#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"

namespace semfuzz::instr {

// Between runs: forgets every spin lock record and unregisters their bytes.
void forget_spinlocks();

// Appends the spin locks simulated thread `thread` holds to *held, in the order the model first
// saw them (the deadlock message of a whole program, fuzz/instrumented/runtime/program.h).
void spin_locks_held_by(int thread, std::vector<model::held_lock>* held);

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py).
extern "C" {
int semfuzz_instr_pthread_spin_init(pthread_spinlock_t* l, int pshared);
int semfuzz_instr_pthread_spin_destroy(pthread_spinlock_t* l);
int semfuzz_instr_pthread_spin_lock(pthread_spinlock_t* l);
int semfuzz_instr_pthread_spin_trylock(pthread_spinlock_t* l);
int semfuzz_instr_pthread_spin_unlock(pthread_spinlock_t* l);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_SPIN_H_
