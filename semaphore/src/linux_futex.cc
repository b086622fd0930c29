#include "semfuzz/platform/linux_futex.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <type_traits>

namespace semfuzz {
namespace {

static_assert(std::is_same_v<linux_futex_platform::clock, std::chrono::steady_clock>);
static_assert(std::chrono::steady_clock::is_steady);

std::atomic<std::uint64_t> g_futex_syscalls{0};

long raw_futex(const std::uint32_t* uaddr, int op, std::uint32_t val, const timespec* timeout,
               const std::uint32_t* uaddr2, std::uint32_t val3) noexcept {
  g_futex_syscalls.fetch_add(1, std::memory_order_relaxed);
  return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

[[noreturn]] void die(const char* call, const void* word, int err) noexcept {
  std::fprintf(stderr, "semfuzz: %s(%p) failed: %s (errno %d); this is a bug, aborting\n", call,
               word, std::strerror(err), err);
  std::abort();
}

void check_wake(long rc, const char* call, const void* word) noexcept {
  if (rc >= 0) return;
  const int err = errno;
  die(call, word, err);
}

}  // namespace

std::uint64_t futex_syscall_count() noexcept {
  return g_futex_syscalls.load(std::memory_order_relaxed);
}

futex_status linux_futex_platform::futex_wait(const std::uint32_t* word, std::uint32_t expected,
                                              const clock::time_point* deadline) noexcept {
  timespec abs_time{};
  const timespec* timeout = nullptr;
  if (deadline != nullptr) {
    // steady_clock is CLOCK_MONOTONIC on Linux (libstdc++ and libc++), so its epoch is the
    // kernel's and the deadline can be passed as an absolute CLOCK_MONOTONIC time.
    const auto since_epoch = deadline->time_since_epoch();
    if (since_epoch <= clock::duration::zero()) return futex_status::timed_out;
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
    // The kernel saturates far deadlines itself; anything past a time_t is simply "none".
    if (secs.count() < static_cast<long long>(LONG_MAX / 2)) {
      abs_time.tv_sec = static_cast<time_t>(secs.count());
      abs_time.tv_nsec = static_cast<long>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(since_epoch - secs).count());
      timeout = &abs_time;
    }
  }
  const long rc = raw_futex(word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, timeout,
                            nullptr, FUTEX_BITSET_MATCH_ANY);
  if (rc == 0) return futex_status::woken;
  const int err = errno;
  switch (err) {
    case EAGAIN:
      return futex_status::value_changed;
    case EINTR:
      return futex_status::interrupted;
    case ETIMEDOUT:
      return futex_status::timed_out;
    default:
      die("FUTEX_WAIT_BITSET", word, err);
  }
}

void linux_futex_platform::futex_wake(const std::uint32_t* word, int count) noexcept {
  check_wake(raw_futex(word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, static_cast<std::uint32_t>(count),
                       nullptr, nullptr, 0),
             "FUTEX_WAKE", word);
}

void linux_futex_platform::futex_wake_two(const std::uint32_t* a, int count_a,
                                          const std::uint32_t* b, int count_b) noexcept {
  // The kernel ORs 0 into *b (no change) and wakes b's sleepers when the old *b != 0. Every
  // sleeper on b counts itself into *b, so *b != 0 whenever anyone sleeps there: the op is only a
  // way to get two wakes from one system call. The count for b travels in the timeout slot.
  const std::uint32_t op = FUTEX_OP(FUTEX_OP_OR, 0, FUTEX_OP_CMP_NE, 0);
  const long rc =
      raw_futex(a, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, static_cast<std::uint32_t>(count_a),
                reinterpret_cast<const timespec*>(static_cast<long>(count_b)), b, op);
  if (rc >= 0) return;
  const int err = errno;
  if (err != EFAULT) die("FUTEX_WAKE_OP", a, err);
  futex_wake(a, count_a);
  futex_wake(b, count_b);
}

}  // namespace semfuzz
