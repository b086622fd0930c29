// A whole program (semfuzz_add_instrumented_program): main joins a worker while it holds the
// mutex the worker needs. No lock-order cycle (main waits for a thread, not a mutex), so only the
// end of the run sees it: every thread blocked, no timer pending (deadlock), the message naming
// main's join and the mutex it holds, and the worker's lock of it. Built with
// -DSEMFUZZ_PROGRAM_FIXED main unlocks before it joins.
#include <mutex>
#include <thread>

namespace {

std::mutex totals_mutex;
int total = 0;

void add() {
  const std::lock_guard<std::mutex> hold(totals_mutex);
  total += 1;
}

}  // namespace

int main() {
  std::unique_lock<std::mutex> lock(totals_mutex);
  std::thread worker(add);
  total += 10;
#ifdef SEMFUZZ_PROGRAM_FIXED
  lock.unlock();
#endif
  worker.join();
  return total == 11 ? 0 : 1;
}
