// Atomicity violation, depth 2: two threads increment a counter by a separate load and store; an
// update is lost when one thread's load and store straddle the other's load. FIXED: fetch_add.
#include <atomic>
#include <cassert>
#include <thread>

std::atomic<int> counter{0};

void increment() {
#ifdef FIXED
  counter.fetch_add(1);
#else
  counter.store(counter.load() + 1);
#endif
}

int main() {
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  assert(counter.load() == 2);
  return 0;
}
