// Reader/writer race, depth 2: a writer moves one unit from x to y under the exclusive lock; a
// reader reads x and y under two separate shared locks and sees the move half done when the
// writer runs between them (x + y != 100). FIXED: one shared lock over both reads.
#include <atomic>
#include <cassert>
#include <mutex>
#include <shared_mutex>
#include <thread>

std::shared_mutex rw;
std::atomic<int> x{50}, y{50};

void move_one() {
  std::unique_lock<std::shared_mutex> lock(rw);
  x.fetch_sub(1);
  y.fetch_add(1);
}

int read_x() {
  std::shared_lock<std::shared_mutex> lock(rw);
  return x.load();
}

int read_y() {
  std::shared_lock<std::shared_mutex> lock(rw);
  return y.load();
}

void audit() {
#ifdef FIXED
  std::shared_lock<std::shared_mutex> lock(rw);
  const int sum = x.load() + y.load();
#else
  const int sum = read_x() + read_y();
#endif
  assert(sum == 100);
}

int main() {
  std::thread w(move_one), r(audit);
  w.join();
  r.join();
  return 0;
}
