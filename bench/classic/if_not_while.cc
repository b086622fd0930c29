// Lost signal (if instead of while), depth 2: two consumers each take one item from a queue that
// a producer fills with two; a consumer that waits with `if` and is woken after the other consumer
// took the item it was woken for finds the queue empty. FIXED: wait in a `while` loop.
#include <cassert>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

std::mutex m;
std::condition_variable cv;
std::deque<int> items;  // guarded by m

void consume() {
  std::unique_lock<std::mutex> lock(m);
#ifdef FIXED
  while (items.empty()) cv.wait(lock);
#else
  if (items.empty()) cv.wait(lock);
#endif
  assert(!items.empty());
  items.pop_front();
}

void produce() {
  for (int i = 0; i < 2; ++i) {
    {
      std::lock_guard<std::mutex> lock(m);
      items.push_back(i);
    }
    cv.notify_one();
  }
}

int main() {
  std::thread a(consume), b(consume), p(produce);
  a.join();
  b.join();
  p.join();
  return 0;
}
