// The lock-order cycle check of the lock models (pthread_mutex.cc, pthread_rwlock.cc,
// pthread_spin.cc): which lock each simulated thread waits for without a deadline, and whether a
// thread about to wait so closes a cycle of such waits (a lock held by a thread that waits for a
// lock held by ... the waiting thread). Nobody in a cycle can ever go on (a spurious wakeup only
// looks again), so the run ends at once with the verdict deadlock, at the wait that closes it,
// naming each thread, the lock it waits for and who holds it; a whole program's deadlock check
// (every thread blocked) would only see it once the other threads had stopped too.
//
// A lock may have several holders (a read-write lock held for reading): a thread waits for every
// holder, and the search follows each. A reader kept out only by writers that wait (a lock that
// prefers writers) waits for no holder here: that cycle is found when every thread is blocked.
//
// Synchronisation: none; everything runs on the scheduler's OS thread.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_LOCK_GRAPH_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_LOCK_GRAPH_H_

#include <vector>

#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr::model {

// Appends the simulated threads that hold `lock` to *out (none: it is free, or held by the
// harness). A lock model's own function.
using holders_fn = void (*)(const void* lock, std::vector<int>* out);

// Simulated thread `thread` now waits for `lock`, whose holders `holders` gives, without a
// deadline; set_untimed_wait(thread, nullptr, nullptr) when it stops waiting.
void set_untimed_wait(int thread, const void* lock, holders_fn holders);

// Whether s's running thread, about to wait for `lock` without a deadline in `call`, closes a
// cycle: then the run has failed with the verdict deadlock ("lock-order cycle: T1
// pthread_mutex_lock of word0+0, held by T2, which waits for word1+0, held by T1") and the
// caller stops the thread.
bool closes_lock_cycle(sim::scheduler& s, const void* lock, holders_fn holders, const char* call);

// Between runs: forgets every wait.
void forget_lock_waits();

}  // namespace semfuzz::instr::model

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_LOCK_GRAPH_H_
