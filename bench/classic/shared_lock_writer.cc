// Reader/writer race, depth 2: two writers update a value under a shared (reader) lock of a
// std::shared_mutex, so they run together and one update is lost when their read-modify-writes
// interleave. FIXED: writers take the lock exclusively.
#include <atomic>
#include <cassert>
#include <mutex>
#include <shared_mutex>
#include <thread>

std::shared_mutex rw;
std::atomic<int> value{0};

void increment() {
#ifdef FIXED
  std::unique_lock<std::shared_mutex> lock(rw);
#else
  std::shared_lock<std::shared_mutex> lock(rw);
#endif
  value.store(value.load() + 1);
}

int main() {
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  assert(value.load() == 2);
  return 0;
}
