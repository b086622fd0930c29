// The thread-specific data model of the instrumentation runtime
// (fuzz/instrumented/runtime/pthread_key.cc): pthread_key_create / key_delete / getspecific /
// setspecific of the code under test, renamed to semfuzz_instr_pthread_* by interpose.py, with a
// value per simulated thread. Every simulated thread is a fiber of one OS thread, so glibc's own
// keys would be shared by all of them.
//
// Keys are glibc's: indices from 0 up, the lowest free one first, at most PTHREAD_KEYS_MAX (1024,
// glibc's limit: one more pthread_key_create returns EAGAIN). Each key has a sequence number,
// odd while it is in use, so that a value set under a deleted key is never seen under the key that
// reuses its index (glibc's scheme). Results are glibc's: pthread_setspecific of a key not in use
// (never created, or deleted) EINVAL; pthread_getspecific of such a key NULL; pthread_key_delete of
// a key not in use EINVAL. pthread_key_delete runs no destructor (POSIX).
//
// Values: one table per simulated thread, and one for the harness (calls outside a simulated
// thread: a static constructor). A thread starts with every value NULL; when a created thread ends
// (its start routine returns, or pthread_exit; also the main thread of a program that ends by
// pthread_exit) end_thread_storage() runs, on that thread and before the end-of-thread
// happens-before edge to its joiner, the destructors in POSIX's rounds: each round sets every
// non-NULL value of a key in use to NULL and calls the key's destructor (if any) with the old
// value, in key order; rounds repeat while a destructor ran, at most
// PTHREAD_DESTRUCTOR_ITERATIONS (4) of them; then the thread's table is cleared, so the spare
// simulated thread that runs the next created thread starts clean. Destructors are code under
// test: they may take locks and block (their calls are the models' scheduling points). An
// exception that leaves one terminates the program: the verdict program-failure. The runner's
// threads (an adapter's, a program's main thread that returns from main) never end that way: their
// values are dropped with the run.
//
// Per run: keys created (or deleted) by a simulated thread are undone at the run's end, as are
// every simulated thread's values (forget_keys(), through forget_destroyed()); keys created
// outside a simulated thread (a static constructor, whose result a program's restored globals
// keep) and the harness's own values stay for every run.
//
// Scheduling points: pthread_key_create and pthread_key_delete (they change the key table, which
// every thread shares). None for pthread_getspecific and pthread_setspecific: they read and write
// only the calling thread's own value, which no other thread can see or change, so no other
// thread's step between them and the caller's next step changes what any thread observes.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_KEY_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_KEY_H_

#include <pthread.h>

#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {

// The end of simulated thread `me`'s current thread, on it (s's running thread): runs its
// thread_local destructors (emutls.h), then its thread-specific data destructors, then forgets
// its values and drops its thread_local copies. Called by thread_slot (and by a program's main
// thread that ends by pthread_exit) before the end-of-thread edge.
void end_thread_storage(sim::scheduler& s, int me);

// exit(0) (or a return of 0 from main) by `me`: its thread_local destructors, as glibc's exit
// runs them (no key destructor).
void run_exit_destructors(sim::scheduler& s, int me);

// Between runs: undoes the run's key creations and deletions and forgets the simulated threads'
// values.
void forget_keys();

}  // namespace semfuzz::instr

// The model, as the code under test calls it (renamed by interpose.py).
extern "C" {
int semfuzz_instr_pthread_key_create(pthread_key_t* key, void (*destructor)(void*));
int semfuzz_instr_pthread_key_delete(pthread_key_t key);
void* semfuzz_instr_pthread_getspecific(pthread_key_t key);
int semfuzz_instr_pthread_setspecific(pthread_key_t key, const void* value);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_KEY_H_
