// Atomicity violation (initialise once), depth 2: two threads each initialise a shared resource
// unless a flag says it is done, checking the flag and raising it in two steps; both initialise
// when one checks between the other's check and its store. FIXED: std::call_once.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

std::atomic<int> initialisations{0};
std::atomic<bool> done{false};
std::once_flag once;

void initialise() { initialisations.fetch_add(1); }

void use() {
#ifdef FIXED
  std::call_once(once, initialise);
#else
  if (!done.load()) {
    done.store(true);
    initialise();
  }
#endif
}

int main() {
  std::thread a(use), b(use);
  a.join();
  b.join();
  assert(initialisations.load() == 1);
  return 0;
}
