// Barrier misuse, depth 1: two workers exchange values through a shared buffer, one barrier
// between writing and reading, but none between reading and overwriting for the next round; a
// worker that overwrites its slot before the other has read it makes the other read the new
// round's value. FIXED: a second barrier wait between reading and overwriting.
#include <pthread.h>

#include <atomic>
#include <cassert>
#include <thread>

pthread_barrier_t barrier;
std::atomic<int> slot[2];

void worker(int me) {
  const int other = 1 - me;
  for (int round = 1; round <= 2; ++round) {
    slot[me].store(10 * round + me);
    pthread_barrier_wait(&barrier);
    assert(slot[other].load() == 10 * round + other);
#ifdef FIXED
    pthread_barrier_wait(&barrier);
#endif
  }
}

int main() {
  pthread_barrier_init(&barrier, nullptr, 2);
  std::thread a(worker, 0), b(worker, 1);
  a.join();
  b.join();
  pthread_barrier_destroy(&barrier);
  return 0;
}
