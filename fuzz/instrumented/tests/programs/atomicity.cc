// A whole program (semfuzz_add_instrumented_program): an atomicity violation. Two std::threads
// each add 1 to a std::atomic<int> twice, as a load and then a store (each access atomic, the
// increment not), then main asserts the sum. No data race (every access is atomic): only a
// schedule that runs the other thread between one thread's load and its store loses an update,
// and the assertion fails (program-failure). Built with -DSEMFUZZ_PROGRAM_FIXED the increment is
// one fetch_add, and every schedule passes.
#include <atomic>
#include <cassert>
#include <thread>

namespace {

std::atomic<int> counter{0};

void add_two() {
  for (int i = 0; i < 2; ++i) {
#ifdef SEMFUZZ_PROGRAM_FIXED
    counter.fetch_add(1);
#else
    const int seen = counter.load();
    counter.store(seen + 1);
#endif
  }
}

}  // namespace

int main() {
  std::thread a(add_two);
  std::thread b(add_two);
  a.join();
  b.join();
  assert(counter.load() == 4);
  return 0;
}
