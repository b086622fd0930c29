// Code under test for the thread model's tests (pthread_thread_test.cc): compiled instrumented
// (thread_probe.cc), so that its pthread_* calls and libstdc++'s std::thread members reach the
// model through the real interposition. The plain ints are what the race detector watches.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_THREAD_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_THREAD_PROBE_H_

#include <pthread.h>

namespace semfuzz::thread_probe {

// Writes *x = 42, creates a thread that reads *x and returns it, joins it: the value it read.
int publish_then_spawn(int* x);
// Creates a thread that writes *x = 1, writes *x = 2 itself, then joins: the two writes race.
void write_beside_child(int* x);
// Creates a thread that writes *x = 5 and joins it: *x as read after the join.
int read_after_join(int* x);
// A thread whose routine returns `value` (as a pointer), or ends by pthread_exit(value) from a
// nested call with an object whose destructor sets *unwound: what join gave.
long join_result(long value, bool by_exit, bool* unwound);

int create(pthread_t* id, bool detached);  // a thread that returns at once
int join(pthread_t id);
int tryjoin(pthread_t id);
int detach(pthread_t id);
pthread_t self();
bool equal(pthread_t a, pthread_t b);
// Creates a thread that stores its own pthread_self() into *id: joined, then returns its id as
// pthread_create gave it.
pthread_t child_self(pthread_t* id);
// `rounds` rounds of creating two threads that each add to *sum under a mutex, then joining them.
void rounds_of_two(int rounds, int* sum);
// Creates `n` threads that wait on a barrier of n + 1 (so none ends before the last create).
int create_many(int n);
// A thread whose routine throws.
void child_throws();

// std::thread: `threads` threads each add 1 to *count `times` times, under a std::mutex or not.
void std_counter(int threads, int times, bool locked, int* count);
// std::thread::detach of a thread that writes *x; then a join of a second, which returns.
void std_detach(int* x);
// Whether std::this_thread::get_id() in a std::thread equals its std::thread::get_id(), and
// differs from the caller's.
bool std_ids();

}  // namespace semfuzz::thread_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_THREAD_PROBE_H_
