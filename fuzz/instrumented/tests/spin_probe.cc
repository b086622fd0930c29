#include "fuzz/instrumented/tests/spin_probe.h"

#include <sched.h>

#include <thread>

namespace semfuzz::spin_probe {

int init(pthread_spinlock_t* l) { return pthread_spin_init(l, PTHREAD_PROCESS_PRIVATE); }
int destroy(pthread_spinlock_t* l) { return pthread_spin_destroy(l); }
int lock(pthread_spinlock_t* l) { return pthread_spin_lock(l); }
int trylock(pthread_spinlock_t* l) { return pthread_spin_trylock(l); }
int unlock(pthread_spinlock_t* l) { return pthread_spin_unlock(l); }
void locked_increment(pthread_spinlock_t* l, int* counter) {
  pthread_spin_lock(l);
  const int seen = *counter;
  sched_yield();
  *counter = seen + 1;
  pthread_spin_unlock(l);
}
void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace semfuzz::spin_probe
