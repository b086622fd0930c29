// Atomicity violation over two variables, depth 2: a transfer keeps low + high == 10, updating
// each atomically but not both together; an auditor that reads between the two updates sees the
// invariant broken. FIXED: the transfer and the audit under one mutex.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

std::atomic<int> low{10}, high{0};
std::mutex m;

void transfer() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  low.fetch_sub(4);
  high.fetch_add(4);
}

void audit() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  const int l = low.load();
  const int h = high.load();
  assert(l + h == 10);
}

int main() {
  std::thread t(transfer), a(audit);
  t.join();
  a.join();
  return 0;
}
