// A per-case watchdog for the threaded benchmark cases, so that `bench` never hangs.
//
// A threaded case blocks in join() until its threads finish. If the implementation under test
// loses a wakeup (libstdc++ 12's std::counting_semaphore does, see docs/performance.md), they
// never do. The case arms the watchdog with its name and a rescue function before it starts its
// threads and disarms it after the last join. When a case is still armed `limit` seconds after it
// was armed, the watchdog prints one line to stderr
//   semaphore_bench: STALLED <case>/<impl> after <s> s; rescue <k>: releasing extra tokens
// and calls the rescue (which releases enough extra tokens on every semaphore of the case for
// all its threads to finish), again every `limit` seconds; the case then reports itself as
// stalled (SkipWithError) and the run goes on. If a case is still armed after kMaxRescues rescues,
// the process exits with status 3 after printing why: never an endless run.
#ifndef SEMFUZZ_BENCH_STALL_WATCHDOG_H_
#define SEMFUZZ_BENCH_STALL_WATCHDOG_H_

#include <functional>
#include <string>

namespace semfuzz_bench {

class stall_watchdog {
 public:
  static constexpr int kMaxRescues = 3;

  // Starts the process's one watchdog thread, which sleeps unless a guard arms it; a case may
  // run `limit_s` seconds before it counts as stalled. Call once, from the main thread before
  // any case runs (a thread started from a counted pass would inherit its seccomp filter).
  // Without it, guards watch nothing.
  static void start(double limit_s);

  // Arms the watchdog for one run of a case. Holds it armed until destroyed; rescue is called
  // from the watchdog's thread, never after the guard's destructor returned.
  class guard {
   public:
    guard(std::string name, std::function<void()> rescue);
    ~guard();
    guard(const guard&) = delete;
    guard& operator=(const guard&) = delete;
    // Whether the watchdog had to rescue this run (its result is then meaningless).
    bool stalled() const;

   private:
    unsigned long long run_;
  };
};

}  // namespace semfuzz_bench

#endif  // SEMFUZZ_BENCH_STALL_WATCHDOG_H_
