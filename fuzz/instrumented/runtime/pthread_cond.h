// The condition variable model of the instrumentation runtime
// (fuzz/instrumented/runtime/pthread_cond.cc): pthread_cond_init / destroy / wait / timedwait /
// clockwait / signal / broadcast of the code under test, renamed to semfuzz_instr_pthread_cond_* by
// interpose.py, on the deterministic scheduler, with the mutex model (pthread_mutex.h).
// std::condition_variable comes with it: libstdc++'s header code calls these, and the members it
// keeps in its shared library (constructor, destructor, wait, notify_one, notify_all) are renamed
// to models here too.
//
// A wait is a scheduling point (event cv_wait); it unlocks the mutex (the mutex model's unlock:
// its happens-before edge and the wake of one of its waiters), sleeps in a condvar wait on the
// condition variable's address, reported to the observer like the simulated platform's (so the
// harness's sleep rules apply: a try form must not wait, a timed one not past its deadline), then
// relocks the mutex. The chooser may end the sleep spuriously (a spurious wakeup is a choice);
// virtual time ends a timed one: timedwait on the clock of the condition variable's attribute
// (pthread_condattr_setclock: CLOCK_REALTIME by default, or CLOCK_MONOTONIC), clockwait on the
// clock it names; ETIMEDOUT once relocked, EINVAL for a bad timespec or clock. signal wakes one
// sleeper (the chooser picks which), broadcast all (event cv_notify).
//
// A wait or notify on a condition variable inside a destroyed object is use-after-destroy.
// Undefined uses are the verdict sync-misuse: a wait by a thread that does not hold the mutex,
// destroy of a condition variable a thread sleeps on.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_COND_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_COND_H_

namespace semfuzz::instr {

// Between runs: forgets every condition variable's clock.
void forget_conds();

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_COND_H_
