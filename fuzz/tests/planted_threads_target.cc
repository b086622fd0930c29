// A fuzz target for the exit-path test (fuzz/tests/finding_exits.py): the `threads` target's body
// (fuzz/threads/target.h) on a semaphore broken on purpose, so that every input with a timed
// acquire is a finding. The program's algorithm byte picks where the finding is reported from:
//   0 (split64)  a timed acquire gives up at once: early-timeout, reported by a worker, the
//                verdict raised by the main thread after every worker has returned;
//   else         a timed acquire ignores its deadline: late-timeout, reported by the watchdog
//                while that worker stays blocked for good.
#include <cstddef>
#include <cstdint>

#include "fuzz/tests/broken_semaphores.h"
#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

namespace {

constexpr semfuzz::broken::defects kGivesUp{.gives_up_at_once = true};
constexpr semfuzz::broken::defects kNoDeadline{.ignores_deadline = true};

template <const semfuzz::broken::defects& D>
using broken_adapter = semfuzz::threads::own_semaphore<semfuzz::broken::core<D>::template type>;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semfuzz;
  const decoded_input in = decode(data, size);
  if (in.prog.algo == algorithm::split64) {
    threads::run_thread_input<broken_adapter<kGivesUp>>(in);
  } else {
    threads::run_thread_input<broken_adapter<kNoDeadline>>(in);
  }
  return 0;
}
