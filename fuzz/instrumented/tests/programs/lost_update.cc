// A whole program (semfuzz_add_instrumented_program, fuzz/instrumented/runtime/program.h): two
// std::threads each add 1 to a global counter three times, then main checks the sum. The counter
// is a plain int; built with -DSEMFUZZ_PROGRAM_FIXED each increment holds a std::mutex.
//
// Unfixed, both threads read and write the counter unordered: the race detector reports it on the
// first schedule (data-race). (A schedule cannot lose an increment here: plain accesses are no
// scheduling points, so no thread runs between another's read and write; the race detector is
// what finds such bugs. atomicity.cc is the lost update a schedule shows.) Fixed, every schedule
// passes. The counter starts at 0 in every run: the runtime restores the globals.
#include <cassert>
#include <mutex>
#include <thread>

namespace {

int counter = 0;
#ifdef SEMFUZZ_PROGRAM_FIXED
std::mutex counter_mutex;
#endif

void add_three() {
  for (int i = 0; i < 3; ++i) {
#ifdef SEMFUZZ_PROGRAM_FIXED
    const std::lock_guard<std::mutex> hold(counter_mutex);
#endif
    const int seen = counter;
    counter = seen + 1;
  }
}

}  // namespace

int main() {
  std::thread a(add_three);
  std::thread b(add_three);
  a.join();
  b.join();
  assert(counter == 6);
  return 0;
}
