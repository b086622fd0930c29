// Double-checked locking, depth 2: the initialiser raises the "initialised" flag before it has
// built the object; a thread on the fast path that sees the flag between the two uses the
// half-built object. FIXED: build, then raise the flag.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

std::atomic<bool> initialised{false};
std::atomic<int> instance{0};  // the object: 0 until built
std::mutex m;

int get() {
  if (!initialised.load()) {
    std::lock_guard<std::mutex> lock(m);
    if (!initialised.load()) {
#ifdef FIXED
      instance.store(42);
      initialised.store(true);
#else
      initialised.store(true);
      instance.store(42);
#endif
    }
  }
  return instance.load();
}

int main() {
  std::thread a([] { assert(get() == 42); }), b([] { assert(get() == 42); });
  a.join();
  b.join();
  return 0;
}
