#include "fuzz/instrumented/tests/rwlock_probe.h"

#include <sched.h>

#include <mutex>
#include <thread>

namespace semfuzz::rwlock_probe {

int init(pthread_rwlock_t* rw, int kind) {
  pthread_rwlockattr_t attr;
  pthread_rwlockattr_init(&attr);
  pthread_rwlockattr_setkind_np(&attr, kind);
  const int rc = pthread_rwlock_init(rw, &attr);
  pthread_rwlockattr_destroy(&attr);
  return rc;
}
int destroy(pthread_rwlock_t* rw) { return pthread_rwlock_destroy(rw); }
int rdlock(pthread_rwlock_t* rw) { return pthread_rwlock_rdlock(rw); }
int tryrdlock(pthread_rwlock_t* rw) { return pthread_rwlock_tryrdlock(rw); }
int timedrdlock(pthread_rwlock_t* rw, const timespec* at) {
  return pthread_rwlock_timedrdlock(rw, at);
}
int clockrdlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at) {
  return pthread_rwlock_clockrdlock(rw, clock, at);
}
int wrlock(pthread_rwlock_t* rw) { return pthread_rwlock_wrlock(rw); }
int trywrlock(pthread_rwlock_t* rw) { return pthread_rwlock_trywrlock(rw); }
int timedwrlock(pthread_rwlock_t* rw, const timespec* at) {
  return pthread_rwlock_timedwrlock(rw, at);
}
int clockwrlock(pthread_rwlock_t* rw, clockid_t clock, const timespec* at) {
  return pthread_rwlock_clockwrlock(rw, clock, at);
}
int unlock(pthread_rwlock_t* rw) { return pthread_rwlock_unlock(rw); }

void write_increment(std::shared_mutex& m, int* counter) {
  std::unique_lock<std::shared_mutex> hold(m);
  const int seen = *counter;
  sched_yield();
  *counter = seen + 1;
}
int read_shared(std::shared_mutex& m, const int* counter) {
  std::shared_lock<std::shared_mutex> hold(m);
  sched_yield();
  return *counter;
}
void write_under_read_lock(pthread_rwlock_t* rw, int* counter) {
  pthread_rwlock_rdlock(rw);
  ++*counter;
  pthread_rwlock_unlock(rw);
}
bool try_lock_for(std::shared_timed_mutex& m, std::chrono::milliseconds d) {
  return m.try_lock_for(d);
}
bool try_lock_shared_for(std::shared_timed_mutex& m, std::chrono::milliseconds d) {
  return m.try_lock_shared_for(d);
}
void lock(std::shared_timed_mutex& m) { m.lock(); }
void unlock(std::shared_timed_mutex& m) { m.unlock(); }
void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace semfuzz::rwlock_probe
