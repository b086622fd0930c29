// Code under test for the pthread mutex and condition variable models' tests
// (pthread_mutex_test.cc, pthread_cond_test.cc): compiled
// instrumented (mutex_probe.cc), so that its pthread calls, and libstdc++'s std::mutex,
// std::timed_mutex and std::recursive_mutex header code, reach the model through the real
// interposition. Each returns the call's result.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_MUTEX_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_MUTEX_PROBE_H_

#include <pthread.h>
#include <time.h>

#include <chrono>
#include <mutex>

namespace semfuzz::mutex_probe {

int init(pthread_mutex_t* m, int type);  // with an attribute of that type
int destroy(pthread_mutex_t* m);
int lock(pthread_mutex_t* m);
int trylock(pthread_mutex_t* m);
int timedlock(pthread_mutex_t* m, const timespec* at);
int clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* at);
int unlock(pthread_mutex_t* m);

// ++*counter under std::lock_guard, with a plain read and write of it (the race detector sees
// them) and a sched_yield inside the critical section.
void locked_increment(std::mutex& m, int* counter);
bool try_lock_for(std::timed_mutex& m, std::chrono::milliseconds d);
void unlock(std::timed_mutex& m);
// std::this_thread::sleep_for (nanosleep: a timer wait on virtual time).
void sleep_for(std::chrono::milliseconds d);
// Locks m twice, then unlocks it twice; returns whether try_lock succeeded while held twice.
bool recursive_twice(std::recursive_mutex& m);

// Condition variables: init with an attribute of that clock, and the calls themselves.
int cond_init(pthread_cond_t* c, clockid_t clock);
int cond_destroy(pthread_cond_t* c);
int cond_wait(pthread_cond_t* c, pthread_mutex_t* m);
int cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* at);
int cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* at);
int cond_signal(pthread_cond_t* c);
int cond_broadcast(pthread_cond_t* c);

}  // namespace semfuzz::mutex_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_MUTEX_PROBE_H_
