// Order violation, depth 1: main starts a worker that uses a configuration main sets up only
// after starting it; the worker fails when it runs before the setup. FIXED: set up, then start.
#include <atomic>
#include <cassert>
#include <thread>

std::atomic<int> config{0};  // 0: not set up yet

void worker() { assert(config.load() == 42); }

int main() {
#ifdef FIXED
  config.store(42);
  std::thread t(worker);
#else
  std::thread t(worker);
  config.store(42);
#endif
  t.join();
  return 0;
}
