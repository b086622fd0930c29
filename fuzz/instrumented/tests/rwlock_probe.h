// Code under test for the read-write lock model's tests (pthread_rwlock_test.cc): compiled
// instrumented (rwlock_probe.cc), so that its pthread_rwlock_* calls, and libstdc++'s
// std::shared_mutex and std::shared_timed_mutex header code, reach the model through the real
// interposition. Each returns the call's result.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_RWLOCK_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_RWLOCK_PROBE_H_

#include <pthread.h>
#include <time.h>

#include <chrono>
#include <shared_mutex>

namespace semfuzz::rwlock_probe {

// With an attribute of that kind (PTHREAD_RWLOCK_PREFER_READER_NP, ..._WRITER_NONRECURSIVE_NP).
int init(pthread_rwlock_t* rw, int kind);
int destroy(pthread_rwlock_t* rw);
int rdlock(pthread_rwlock_t* rw);
int tryrdlock(pthread_rwlock_t* rw);
int timedrdlock(pthread_rwlock_t* rw, const timespec* at);
int clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at);
int wrlock(pthread_rwlock_t* rw);
int trywrlock(pthread_rwlock_t* rw);
int timedwrlock(pthread_rwlock_t* rw, const timespec* at);
int clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at);
int unlock(pthread_rwlock_t* rw);

// ++*counter under std::unique_lock, with a plain read and write of it (the race detector sees
// them) and a sched_yield inside the critical section.
void write_increment(std::shared_mutex& m, int* counter);
// *counter (a plain read) under std::shared_lock, with a sched_yield inside.
int read_shared(std::shared_mutex& m, const int* counter);
// ++*counter (a plain write) under a read lock: a race between readers.
void write_under_read_lock(pthread_rwlock_t* rw, int* counter);
bool try_lock_for(std::shared_timed_mutex& m, std::chrono::milliseconds d);
bool try_lock_shared_for(std::shared_timed_mutex& m, std::chrono::milliseconds d);
void lock(std::shared_timed_mutex& m);
void unlock(std::shared_timed_mutex& m);
// std::this_thread::sleep_for (nanosleep: a timer wait on virtual time).
void sleep_for(std::chrono::milliseconds d);

}  // namespace semfuzz::rwlock_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_RWLOCK_PROBE_H_
