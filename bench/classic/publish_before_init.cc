// Order violation, depth 2: a producer raises the "ready" flag before it writes the data; a
// consumer that sees the flag between the two reads stale data. FIXED: write, then publish.
#include <atomic>
#include <cassert>
#include <thread>

std::atomic<bool> ready{false};
std::atomic<int> data{0};

void produce() {
#ifdef FIXED
  data.store(42);
  ready.store(true);
#else
  ready.store(true);
  data.store(42);
#endif
}

void consume() {
  if (ready.load()) assert(data.load() == 42);
}

int main() {
  std::thread p(produce), c(consume);
  p.join();
  c.join();
  return 0;
}
