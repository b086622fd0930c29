#include "fuzz/instrumented/tests/barrier_probe.h"

#include <thread>

namespace semfuzz::barrier_probe {

int init(pthread_barrier_t* b, unsigned count) { return pthread_barrier_init(b, nullptr, count); }
int destroy(pthread_barrier_t* b) { return pthread_barrier_destroy(b); }
int wait(pthread_barrier_t* b) { return pthread_barrier_wait(b); }

int two_rounds(pthread_barrier_t* b, int* slots, int me, int n, int* seen) {
  int serial = 0;
  const auto wait_counting = [&] {
    if (pthread_barrier_wait(b) == PTHREAD_BARRIER_SERIAL_THREAD) ++serial;
  };
  slots[me] = me + 1;
  wait_counting();
  for (int i = 0; i < n; ++i) seen[i] = slots[i];
  wait_counting();
  slots[me] = 10 * (me + 1);
  wait_counting();
  for (int i = 0; i < n; ++i) seen[n + i] = slots[i];
  return serial;
}
void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace semfuzz::barrier_probe
