#include "fuzz/instrumented/tests/mutex_probe.h"

#include <sched.h>

#include <thread>

namespace semfuzz::mutex_probe {

int init(pthread_mutex_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, type);
  const int rc = pthread_mutex_init(m, &attr);
  pthread_mutexattr_destroy(&attr);
  return rc;
}
int destroy(pthread_mutex_t* m) { return pthread_mutex_destroy(m); }
int lock(pthread_mutex_t* m) { return pthread_mutex_lock(m); }
int trylock(pthread_mutex_t* m) { return pthread_mutex_trylock(m); }
int timedlock(pthread_mutex_t* m, const timespec* at) { return pthread_mutex_timedlock(m, at); }
int clocklock(pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  return pthread_mutex_clocklock(m, clock, at);
}
int unlock(pthread_mutex_t* m) { return pthread_mutex_unlock(m); }

void locked_increment(std::mutex& m, int* counter) {
  const std::lock_guard<std::mutex> hold(m);
  const int seen = *counter;
  sched_yield();
  *counter = seen + 1;
}
bool try_lock_for(std::timed_mutex& m, std::chrono::milliseconds d) { return m.try_lock_for(d); }
void unlock(std::timed_mutex& m) { m.unlock(); }
void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }
bool recursive_twice(std::recursive_mutex& m) {
  m.lock();
  m.lock();
  const bool again = m.try_lock();
  if (again) m.unlock();
  m.unlock();
  m.unlock();
  return again;
}

int cond_init(pthread_cond_t* c, clockid_t clock) {
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, clock);
  const int rc = pthread_cond_init(c, &attr);
  pthread_condattr_destroy(&attr);
  return rc;
}
int cond_destroy(pthread_cond_t* c) { return pthread_cond_destroy(c); }
int cond_wait(pthread_cond_t* c, pthread_mutex_t* m) { return pthread_cond_wait(c, m); }
int cond_timedwait(pthread_cond_t* c, pthread_mutex_t* m, const timespec* at) {
  return pthread_cond_timedwait(c, m, at);
}
int cond_clockwait(pthread_cond_t* c, pthread_mutex_t* m, clockid_t clock, const timespec* at) {
  return pthread_cond_clockwait(c, m, clock, at);
}
int cond_signal(pthread_cond_t* c) { return pthread_cond_signal(c); }
int cond_broadcast(pthread_cond_t* c) { return pthread_cond_broadcast(c); }

}  // namespace semfuzz::mutex_probe
