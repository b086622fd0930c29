// Atomicity violation (check-then-act), depth 2: two withdrawals of 10 from a balance of 10 each
// check the balance, then take it; both pass the check when one checks between the other's check
// and its update, and the balance goes negative. FIXED: check and update under one mutex.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

std::atomic<int> balance{10};
std::mutex m;

void withdraw() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  if (balance.load() >= 10) balance.fetch_sub(10);
}

int main() {
  std::thread a(withdraw), b(withdraw);
  a.join();
  b.join();
  assert(balance.load() >= 0);
  return 0;
}
