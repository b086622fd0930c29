// Fuzz target `threads_qt`: Qt's QSemaphore (the library this design follows) on real threads.
// Built only when CMake finds Qt 6. The algorithm byte is ignored.
//
// Adapter notes: QSemaphore takes int counts and treats negative counts and overflowing releases
// as preconditions (undefined in release builds), so the runner skips them; Qt's library is not
// instrumented for ThreadSanitizer, so the payload race check is off (TSan cannot see Qt's
// atomics); durations are passed as milliseconds, rounded up, and a duration <= 0 as 0 (try
// once), since Qt reads a negative timeout as "wait forever".
#include <QSemaphore>
#include <chrono>
#include <cstddef>
#include <cstdint>

#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

namespace semfuzz::threads {
namespace {

class qt_semaphore {
 public:
  static constexpr bool multi_token = true;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool payload_check = false;
  using clock = std::chrono::steady_clock;
  explicit qt_semaphore(std::int64_t initial) : s_(static_cast<int>(initial)) {}
  void acquire(std::int64_t n) { s_.acquire(static_cast<int>(n)); }
  bool try_acquire(std::int64_t n) { return s_.tryAcquire(static_cast<int>(n)); }
  bool try_acquire(std::int64_t n, int ms) { return s_.tryAcquire(static_cast<int>(n), ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    if (d == std::chrono::nanoseconds::max()) return s_.tryAcquire(static_cast<int>(n), -1);
    // A duration <= 0 tries once; Qt would take a negative one for "forever".
    return s_.tryAcquire(static_cast<int>(n), d.count() <= 0 ? 0 : ceil_ms(d));
  }
  bool try_acquire_until(std::int64_t n, std::chrono::steady_clock::time_point t) {
    if (t == std::chrono::steady_clock::time_point::max())
      return s_.tryAcquire(static_cast<int>(n), -1);
    const auto left = t - std::chrono::steady_clock::now();
    return s_.tryAcquire(static_cast<int>(n), left.count() <= 0 ? 0 : ceil_ms(left));
  }
  void release(std::int64_t n) { s_.release(static_cast<int>(n)); }
  std::int64_t available() { return s_.available(); }

 private:
  static int ceil_ms(std::chrono::nanoseconds d) {
    return static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(d).count());
  }
  QSemaphore s_;
};
static_assert(thread_adapter<qt_semaphore>);

}  // namespace
}  // namespace semfuzz::threads

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  semfuzz::threads::run_thread_input<semfuzz::threads::qt_semaphore>(semfuzz::decode(data, size));
  return 0;
}
