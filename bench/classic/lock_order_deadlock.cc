// Lock-order deadlock, depth 2: one thread locks a then b, the other b then a; when each holds its
// first lock before the other takes its second, both wait for good. FIXED: both lock a then b.
#include <mutex>
#include <thread>

std::mutex a, b;
int transfers = 0;  // guarded by a and b

void a_then_b() {
  std::lock_guard<std::mutex> first(a);
  std::lock_guard<std::mutex> second(b);
  ++transfers;
}

void b_then_a() {
#ifdef FIXED
  std::lock_guard<std::mutex> first(a);
  std::lock_guard<std::mutex> second(b);
#else
  std::lock_guard<std::mutex> first(b);
  std::lock_guard<std::mutex> second(a);
#endif
  ++transfers;
}

int main() {
  std::thread x(a_then_b), y(b_then_a);
  x.join();
  y.join();
  return transfers == 2 ? 0 : 1;
}
