// The schedule_libcxx target: libc++ 14's std::counting_semaphore<INT_MAX>, compiled
// instrumented with its libc++.so calls modelled (fuzz/instrumented/targets/libcxx.h,
// libcxx_sync.cc), on the same scheduler, input format and oracles as the schedule target
// (fuzz/schedule/runner.h), in black-box mode through the same std_adapter as schedule_libstdcxx
// (fuzz/schedule/std_adapter.h). The program's algorithm byte is ignored (every input runs the one
// semaphore).
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fuzz/instrumented/targets/libcxx.h"
#include "fuzz/instrumented/targets/libcxx_process.h"
#include "fuzz/instrumented/targets/run.h"
#include "fuzz/schedule/schedule_entry.h"
#include "fuzz/schedule/std_adapter.h"

namespace semfuzz {
namespace {

// std::counting_semaphore's interface (what std_adapter calls) over libcxx_semaphore's, whose
// durations and time points are nanoseconds on the virtual steady clock. Its only member is the
// semaphore.
class libcxx_std_semaphore {
 public:
  static constexpr bool harness_library = false;  // libc++'s, not the harness's libstdc++

  explicit libcxx_std_semaphore(std::ptrdiff_t initial) : s_(initial) {}
  void acquire() { s_.acquire(); }
  bool try_acquire() { return s_.try_acquire(); }
  bool try_acquire_for(std::chrono::nanoseconds d) { return s_.try_acquire_for(d.count()); }
  bool try_acquire_until(std::chrono::steady_clock::time_point t) {
    return s_.try_acquire_until(
        std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
  }
  void release(std::ptrdiff_t n) { s_.release(n); }

 private:
  instr::libcxx_semaphore s_;
};

// libc++ 14's known lost wakeup (reproducers/schedule_libcxx/unfixed/lost-wakeup-libcxx14-*):
// acquire() may sleep in its futex wait while its token is there, until the wait's 2 s timeout.
// So that fuzzing goes on past a finding we cannot fix, a sleeper in libc++'s futex wait counts
// as polling (it wakes by itself: the lost-wakeup oracle passes over it, fuzz/schedule/runner.h);
// report_known_bugs() (SEMFUZZ_KNOWN_BUGS=1) reports it (fuzz/schedule/std_adapter.h).
class libcxx_adapter : public std_adapter<libcxx_std_semaphore> {
 public:
  using std_adapter::std_adapter;
  static bool futex_waits_poll() { return !report_known_bugs(); }
};
static_assert(contract::fuzzable_semaphore<libcxx_adapter>);
static_assert(contract::capabilities_of<libcxx_adapter>.black_box());

// libc++.so's shared state (libcxx_process.h) around each run, then the instrumented targets' run.
run_result run_libcxx_program(const program& prog, sim::byte_stream_chooser& choose, bool trace) {
  sim::scheduler::scope scope(shared_scheduler());
  const instr::libcxx_process process(shared_scheduler());
  return instr::run_instrumented<libcxx_adapter>(prog, choose, trace);
}

}  // namespace
}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::fuzz_one_input(data, size, semfuzz::run_libcxx_program);
}
