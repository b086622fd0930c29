// Order violation, depth 1: main reads a worker's result before joining it; it fails when main
// reads before the worker has written. FIXED: join first.
#include <atomic>
#include <thread>

std::atomic<int> result{0};

int main() {
  std::thread t([] { result.store(6 * 7); });
#ifdef FIXED
  t.join();
  const int r = result.load();
#else
  const int r = result.load();
  t.join();
#endif
  return r == 42 ? 0 : 1;
}
