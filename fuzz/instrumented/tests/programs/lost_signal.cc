// A whole program (semfuzz_add_instrumented_program): a consumer waits on a condition variable
// for a flag a producer sets. The classic lost signal: the consumer checks the flag before it
// takes the mutex and waits once (`if`, not a loop under the mutex), so the producer can set the
// flag and notify between the check and the wait, and the consumer sleeps for ever. Built with
// -DSEMFUZZ_PROGRAM_FIXED the consumer checks in a loop under the mutex, and every schedule ends.
//
// Unfixed, the schedule that lets the producer run between the consumer's check and its wait is
// the verdict deadlock: every thread blocked, no timer pending, naming the consumer's
// std::condition_variable::wait and main's join. The flag is a std::atomic so that the race
// detector has nothing to say: the bug is the lost wakeup alone.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

std::mutex m;
std::condition_variable ready_cv;
std::atomic<bool> ready{false};

void consume() {
#ifdef SEMFUZZ_PROGRAM_FIXED
  std::unique_lock<std::mutex> lock(m);
  while (!ready.load()) ready_cv.wait(lock);
#else
  if (!ready.load()) {
    std::unique_lock<std::mutex> lock(m);
    ready_cv.wait(lock);
  }
#endif
}

void produce() {
  {
    const std::lock_guard<std::mutex> hold(m);
    ready.store(true);
  }
  ready_cv.notify_one();
}

}  // namespace

int main() {
  std::thread consumer(consume);
  std::thread producer(produce);
  consumer.join();
  producer.join();
  return 0;
}
