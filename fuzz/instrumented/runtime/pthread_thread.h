// The thread model of the instrumentation runtime (fuzz/instrumented/runtime/pthread_thread.cc):
// pthread_create / join / tryjoin_np / detach / exit / self / equal of the code under test,
// renamed to semfuzz_instr_pthread_* by interpose.py, and libstdc++'s out-of-line std::thread
// members (_M_start_thread, join, detach), on the deterministic scheduler.
//
// Threads are the scheduler's simulated threads: a run starts every one the runner gives it, and
// those from scheduler::parked_from() up are spare threads, parked before their first step (they
// cost no step, no choice, no event) and running thread_slot(). pthread_create hands the lowest
// free spare its start routine and unparks it; the routine runs there, and when it returns (or
// calls pthread_exit, which unwinds its frames as glibc's forced unwinding does) the spare
// records the result, wakes a joiner and parks again. A spare whose thread was joined is free
// again (the same simulated thread, "T<n>" in traces, runs the next thread created); one whose
// thread was detached stays taken for the rest of the run. So a run holds at most the spares'
// number of threads that are running or finished but not joined (kMaxThreads - 1 beside the
// main thread); one more pthread_create ends the run with the verdict unsupported-call, naming
// the limit.
//
// Scheduling points and happens-before: pthread_create (event unlock on the new thread's word:
// the creator's past happens-before the new thread's start, event lock by the new thread), the
// end of a thread (event unlock: everything the thread did happens-before the return of the join
// that collects it, event lock), pthread_join and pthread_detach. A join of a running thread
// blocks the joiner on the thread (a futex-kind wait of width 0 keyed by the thread's word, never
// reported to the observer: the chooser may wake it spuriously, after which it looks again).
// Each thread's word is a byte of the model's own, registered with the scheduler while the run
// uses it, so traces name it "word<i>+0".
//
// Thread ids (pthread_t, std::thread::id): the runner's threads below parked_from() are i + 1
// (the main thread of a program: 1); each thread created gets the next id from 101 up, never
// reused within a run, so a stale id is recognised. pthread_equal compares them.
//
// Results are glibc's: pthread_join of the calling thread EDEADLK, of an id no thread had
// ESRCH; pthread_tryjoin_np of a running thread EBUSY; pthread_detach of a detached thread
// EINVAL. What POSIX leaves undefined is the verdict sync-misuse: a join of a detached thread,
// of a thread already joined, of a thread another thread is joining. A start routine that ends
// by an exception other than pthread_exit's terminates the program (std::terminate): the verdict
// program-failure. The thread attributes' detach state is honoured (PTHREAD_CREATE_DETACHED);
// stack size and scheduling attributes are ignored (each simulated thread has the scheduler's
// stack, sim::scheduler::kStackBytes).
//
// Outside a simulated thread (a constructor the harness runs), pthread_self gives the OS
// thread's own id; every other call is unsupported-call.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_THREAD_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_THREAD_H_

#include <pthread.h>

namespace semfuzz::instr {

// The body of spare thread `thread` (>= the scheduler's parked_from()): runs the threads
// pthread_create hands it, one after another, until the run ends. Requires a simulated thread.
void thread_slot(int thread);

// Ends the running thread's current thread as pthread_exit(value) does (an exception that
// thread_slot, or a program runner for its main thread, catches: catch it by this type).
struct thread_exit {
  void* value;
};

// The running thread's id as pthread_self gives it.
pthread_t current_thread_id();

// The simulated thread whose thread `joiner` waits to join, or -1 (the deadlock message).
int joined_thread(int joiner);

// Between runs: forgets every thread of the run and unregisters their words.
void forget_threads();

}  // namespace semfuzz::instr

// The models, as the code under test calls them (renamed by interpose.py).
extern "C" {
int semfuzz_instr_pthread_create(pthread_t* id, const pthread_attr_t* attr, void* (*routine)(void*),
                                 void* arg);
int semfuzz_instr_pthread_join(pthread_t id, void** result);
int semfuzz_instr_pthread_tryjoin_np(pthread_t id, void** result);
int semfuzz_instr_pthread_detach(pthread_t id);
[[noreturn]] void semfuzz_instr_pthread_exit(void* value);
pthread_t semfuzz_instr_pthread_self();
int semfuzz_instr_pthread_equal(pthread_t a, pthread_t b);
// libstdc++'s std::thread::_M_start_thread(unique_ptr<_State>, void (*)()), join() and detach()
// (`self` is the std::thread; `state` the unique_ptr, passed by address as the ABI passes it).
void semfuzz_instr_std_thread_start(void* self, void* state, void (*depend)());
void semfuzz_instr_std_thread_join(void* self);
void semfuzz_instr_std_thread_detach(void* self);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_THREAD_H_
