// The one coverage-instrumented translation unit of a TSan build of the real-thread targets (see
// fuzz/CMakeLists.txt): libFuzzer needs at least one instrumented module. It is called from the
// main thread only and uses no inline library code, whose shared copies would carry counters into
// the worker threads.
namespace semfuzz::threads {

int coverage_anchor(int threads) {
  if (threads <= 1) return 1;
  if (threads <= 3) return 2;
  return 3;
}

}  // namespace semfuzz::threads
