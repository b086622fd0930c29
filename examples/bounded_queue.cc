// A whole program fuzzed with semfuzz (docs/whole-programs.md): two consumers each take one item
// that two producers put, through a mutex and a condition variable, and main checks that both
// were taken. The planted bug: a consumer checks for an item with `if` instead of `while`, so a
// wakeup with nothing left for it (another consumer took the item first, or a spurious wakeup)
// goes on to take from an empty queue, and the assertion fails. Built with -DEXAMPLE_FIXED the
// consumer waits in a loop.
#include <cassert>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace {

std::mutex m;
std::condition_variable item_ready;
int items = 0;  // in the queue
int taken = 0;

void consume() {
  std::unique_lock<std::mutex> lock(m);
#ifdef EXAMPLE_FIXED
  while (items == 0) item_ready.wait(lock);
#else
  if (items == 0) item_ready.wait(lock);
#endif
  assert(items > 0);
  --items;
  ++taken;
}

void produce() {
  {
    const std::lock_guard<std::mutex> hold(m);
    ++items;
  }
  item_ready.notify_all();
}

}  // namespace

int main() {
  std::thread c1(consume), c2(consume), p1(produce), p2(produce);
  c1.join();
  c2.join();
  p1.join();
  p2.join();
  assert(taken == 2);
  return 0;
}
