// Lost signal (notify_one with two kinds of waiter), depth 2: two threads wait on one condition
// variable for different conditions; the producer makes one condition true and wakes one waiter,
// which may be the other kind: it waits again and the right one sleeps for good (deadlock).
// FIXED: notify_all.
#include <condition_variable>
#include <mutex>
#include <thread>

std::mutex m;
std::condition_variable cv;
int stage = 0;  // guarded by m

void await(int wanted) {
  std::unique_lock<std::mutex> lock(m);
  cv.wait(lock, [wanted] { return stage >= wanted; });
  if (wanted == 1) {  // the first stage's waiter moves on to the second stage
    stage = 2;
#ifdef FIXED
    cv.notify_all();
#else
    cv.notify_one();
#endif
  }
}

int main() {
  std::thread one([] { await(1); }), two([] { await(2); });
  {
    std::lock_guard<std::mutex> lock(m);
    stage = 1;
  }
#ifdef FIXED
  cv.notify_all();
#else
  cv.notify_one();
#endif
  one.join();
  two.join();
  return 0;
}
