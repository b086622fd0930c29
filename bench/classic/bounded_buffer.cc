// Lost signal in a bounded buffer (one condition variable, notify_one), depth 2: a producer and
// two consumers share one condition variable for "not full" and "not empty"; a consumer's
// notify_one meant for the producer can wake the other consumer instead, and everyone sleeps
// (deadlock). FIXED: notify_all.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

std::mutex m;
std::condition_variable cv;
std::deque<int> buffer;  // guarded by m; capacity 1
constexpr int kItems = 4;

void notify() {
#ifdef FIXED
  cv.notify_all();
#else
  cv.notify_one();
#endif
}

void produce() {
  for (int i = 0; i < kItems; ++i) {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [] { return buffer.empty(); });
    buffer.push_back(i);
    notify();
  }
}

void consume() {
  for (int i = 0; i < kItems / 2; ++i) {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [] { return !buffer.empty(); });
    buffer.pop_front();
    notify();
  }
}

int main() {
  std::thread p(produce), c1(consume), c2(consume);
  p.join();
  c1.join();
  c2.join();
  return 0;
}
