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

}  // namespace semfuzz::storage_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_STORAGE_PROBE_H_
