// Lost wakeup (signal without the lock), depth 2: the producer sets the flag and notifies without
// holding the mutex; when it does both between the consumer's check of the flag and its wait, the
// consumer sleeps for good: a deadlock. FIXED: set the flag under the mutex.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex m;
std::condition_variable cv;
std::atomic<bool> ready{false};

void consume() {
  std::unique_lock<std::mutex> lock(m);
  while (!ready.load()) cv.wait(lock);
}

void produce() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  ready.store(true);
  cv.notify_one();
}

int main() {
  std::thread c(consume), p(produce);
  c.join();
  p.join();
  return 0;
}
