// Lock-order deadlock needing 3 threads, depth 3: three philosophers each take their left fork,
// then their right; the cycle closes only when all three hold their left fork at once (any two
// alone cannot deadlock). FIXED: the last philosopher takes its right fork first.
#include <mutex>
#include <thread>
#include <utility>

std::mutex forks[3];
int meals = 0;  // any two philosophers share a fork, so one eats at a time

void dine(int i) {
  int first = i, second = (i + 1) % 3;
#ifdef FIXED
  if (first > second) std::swap(first, second);  // forks in increasing order
#endif
  std::lock_guard<std::mutex> left(forks[first]);
  std::lock_guard<std::mutex> right(forks[second]);
  ++meals;
}

int main() {
  std::thread p0(dine, 0), p1(dine, 1), p2(dine, 2);
  p0.join();
  p1.join();
  p2.join();
  return meals == 3 ? 0 : 1;
}
