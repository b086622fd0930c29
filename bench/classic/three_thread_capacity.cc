// Atomicity violation needing 3 threads, depth 2: a pool of 2 slots is entered by checking the
// count, then incrementing it; two threads never overfill it, but three do when one is preempted
// between its check and its increment while the other two enter. FIXED: one compare-exchange.
#include <atomic>
#include <cassert>
#include <thread>

std::atomic<int> in_use{0};
constexpr int kSlots = 2;

void enter() {
#ifdef FIXED
  int seen = in_use.load();
  while (seen < kSlots && !in_use.compare_exchange_weak(seen, seen + 1)) {
  }
  if (seen < kSlots) assert(seen + 1 <= kSlots);
#else
  if (in_use.load() < kSlots) {
    const int now = in_use.fetch_add(1) + 1;
    assert(now <= kSlots);
  }
#endif
}

int main() {
  std::thread a(enter), b(enter), c(enter);
  a.join();
  b.join();
  c.join();
  return in_use.load() <= kSlots ? 0 : 1;
}
