// Code under test for the thread-storage tests (thread_storage_test.cc): compiled instrumented
// (storage_probe.cc), so that its pthread_key_* calls reach the key model (pthread_key.h) through
// the real interposition. The plain ints are what the race detector watches.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_STORAGE_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_STORAGE_PROBE_H_

#include <pthread.h>

#include <vector>

namespace semfuzz::storage_probe {

// The calls themselves, as the code under test makes them.
int key_create(pthread_key_t* key, void (*destructor)(void*));
int key_delete(pthread_key_t key);
void* get(pthread_key_t key);
int set(pthread_key_t key, const void* value);

// What each of two threads (and the caller, before and after) saw of one key, a counter kept
// through it: every thread starts with NULL, points the key at a counter of its own, adds 1 to it
// through the key `times` times and reads it back.
struct per_thread_seen {
  void* child_start[2] = {};  // each child's first getspecific
  int child_count[2] = {};    // each child's counter read through the key at its end
  bool main_kept = false;     // the caller's value is its own before and after the children
};
per_thread_seen counters_through_a_key(int times);

// A thread sets a key (no destructor) and ends; after its join, a second thread (the same spare
// simulated thread) reads the key: what it read.
void* value_after_reuse();

// Two threads each set a key whose destructor appends the value it is given to a log under a
// mutex; both joined, the log as the caller reads it then. With `by_exit` the threads end by
// pthread_exit.
std::vector<long> destructors_at_end(bool by_exit);

// A thread sets a key whose destructor sets the value again until it has run `resets` + 1 times
// (counting them in *calls); joined.
void destructor_rounds(int resets, int* calls);

// A thread whose key's destructor throws.
void destructor_throws();

// thread_local variables (compiled with -femulated-tls: the thread_local model, emutls.h).
struct thread_local_seen {
  int child_start[2] = {};  // each child's thread_local int (initialised to 7) at its start
  int child_count[2] = {};  // each child's counter after its `times` increments
  int main_count = 0;       // the caller's counter after its own increments, around the children
  int reused_start = 0;     // a third thread's, run on a reused spare after the two are joined
};
// Two threads each add 1 to a thread_local counter `times` times (plain increments) while the
// caller adds `times` + 1 to its own.
thread_local_seen counters_in_thread_locals(int times);

// Two threads each touch a thread_local object whose destructor appends its thread's number to a
// log under a mutex, and set a key whose destructor appends -number: both joined, the log as the
// caller reads it then (each thread's thread_local destructor runs before its key destructor).
std::vector<long> thread_local_destructors_at_end();

// The caller's thread_local std::string, appended to `times` times: its length.
int main_thread_local_string(int times);

}  // namespace semfuzz::storage_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_STORAGE_PROBE_H_
