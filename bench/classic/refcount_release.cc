// Atomicity violation (reference count), depth 2: two owners each drop their reference by a
// separate load and store and free the object when they see the count reach zero; interleaved,
// both store 1 and nobody frees it (a leak), or one decrement is lost. FIXED: fetch_sub.
#include <atomic>
#include <cassert>
#include <thread>

std::atomic<int> references{2};
std::atomic<int> frees{0};

void release() {
#ifdef FIXED
  const int left = references.fetch_sub(1) - 1;
#else
  const int left = references.load() - 1;
  references.store(left);
#endif
  if (left == 0) frees.fetch_add(1);
}

int main() {
  std::thread a(release), b(release);
  a.join();
  b.join();
  assert(frees.load() == 1);
  return 0;
}
