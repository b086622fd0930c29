// Lost signal, depth 1: the waiter waits on the condition variable with no predicate; when the
// notifier signals before the waiter waits, the signal is lost and the waiter (and main's join)
// blocks for good: a deadlock. FIXED: a flag set under the mutex, waited for with a predicate.
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex m;
std::condition_variable cv;
bool done = false;  // guarded by m

void waiter() {
  std::unique_lock<std::mutex> lock(m);
#ifdef FIXED
  cv.wait(lock, [] { return done; });
#else
  cv.wait(lock);
#endif
}

void notifier() {
  {
    std::lock_guard<std::mutex> lock(m);
    done = true;
  }
  cv.notify_one();
}

int main() {
  std::thread w(waiter), n(notifier);
  w.join();
  n.join();
  return 0;
}
