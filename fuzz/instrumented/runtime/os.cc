// The OS calls of the code under test, modelled (fuzz/instrumented/runtime/runtime.h). interpose.py
// renames each call in the instrumented objects to the semfuzz_instr_* function here (its table
// MODELLED is the list) and every other call that may reach the OS to a stub that ends the run
// with unsupported-call. What a call does not model (another system call, futex operation, clock
// or bitset) ends the run the same way, naming it.
//
// Futex words: any aligned 32-bit word of the code's memory
// (fuzz/instrumented/runtime/futex_memory.h). Futex: FUTEX_WAIT (relative timeout),
// FUTEX_WAIT_BITSET (absolute, CLOCK_MONOTONIC or with FUTEX_CLOCK_REALTIME), FUTEX_WAKE,
// FUTEX_WAKE_BITSET (bitset all-ones only: the model has no bitsets), FUTEX_WAKE_OP (every op and
// comparison the kernel has), each with or without FUTEX_PRIVATE_FLAG (one process: the same).
// Results and errno as the kernel's. FUTEX_WAKE_OP whose second word lies in a destroyed object
// fails with EFAULT, as the kernel does when that memory is unmapped (the modelled kernel does not
// write freed memory). Time: CLOCK_MONOTONIC (and _RAW, _COARSE, CLOCK_BOOTTIME) read the virtual
// clock (a scheduling point, like the simulated clock); CLOCK_REALTIME (and _COARSE) is it plus
// kRealtimeOffsetNs. sched_yield is a scheduling point, after which kYieldNs of virtual time pass;
// nanosleep and usleep block the thread in virtual time until their deadline (the chooser may end
// the sleep early with EINTR), in a wait_kind::timer wait. Such a sleeper is not reported as a
// futex wait (no late-timeout or try-acquire rule applies to it); at quiescence the lost-wakeup
// oracle sees it as asleep inside its call, except in black-box mode (fuzz/schedule/runner.h),
// where it is a poller that wakes by itself.
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>

#include <cerrno>
#include <cstdarg>
#include <cstdint>

#include "fuzz/instrumented/runtime/futex_memory.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::scheduler;
using sim::vtime;

constexpr long long kNsPerSec = 1'000'000'000;

// The scheduler of the simulated thread making the call; pc: the call's return address (trace
// only: where its events come from).
scheduler& sched(const char* call, const void* pc) {
  scheduler* s = scheduler::current();
  if (s == nullptr || !s->simulating()) unsupported("%s (outside a simulated thread)", call);
  if (s->tracing()) s->trace_location(detail::code_location(pc));
  return *s;
}

long fail_with(int err) {
  errno = err;
  return -1;
}

bool valid(const timespec* t) {
  return t->tv_sec >= 0 && t->tv_nsec >= 0 && t->tv_nsec < kNsPerSec;
}

// A timespec as nanoseconds; past the clock's range: no deadline.
vtime ns_of(const timespec* t) {
  vtime ns = 0;
  if (__builtin_mul_overflow(static_cast<vtime>(t->tv_sec), kNsPerSec, &ns) ||
      __builtin_add_overflow(ns, static_cast<vtime>(t->tv_nsec), &ns)) {
    return sim::kNoDeadline;
  }
  return ns;
}

// What a sched_yield costs in virtual time. Real ones take about a microsecond; without any, a
// spin that yields until time has passed (libstdc++'s timed backoff yields from 4 us to 64 us
// after its start, then sleeps) would spin for ever.
constexpr vtime kYieldNs = 1'000;

vtime saturating_add(vtime a, vtime b) {
  vtime r = 0;
  return __builtin_add_overflow(a, b, &r) ? sim::kNoDeadline : r;
}

long futex_result(futex_status st) {
  switch (st) {
    case futex_status::woken:
      return 0;
    case futex_status::value_changed:
      return fail_with(EAGAIN);
    case futex_status::timed_out:
      return fail_with(ETIMEDOUT);
    case futex_status::interrupted:
      return fail_with(EINTR);
  }
  return 0;
}

long futex_wait(scheduler& s, const std::uint32_t* word, int op, std::uint32_t expected,
                const timespec* timeout, std::uint32_t bitset) {
  const int cmd = op & FUTEX_CMD_MASK;
  if (cmd == FUTEX_WAIT_BITSET && bitset == 0) return fail_with(EINVAL);
  if (cmd == FUTEX_WAIT_BITSET && bitset != FUTEX_BITSET_MATCH_ANY) {
    unsupported("syscall(SYS_futex, op %d) with a bitset other than all ones", op);
  }
  vtime deadline = sim::kNoDeadline;
  if (timeout != nullptr) {
    if (!valid(timeout)) return fail_with(EINVAL);
    const vtime t = ns_of(timeout);
    if (cmd == FUTEX_WAIT) {  // relative, measured from now
      deadline = saturating_add(s.now(), t);
    } else if (t != sim::kNoDeadline) {
      deadline = (op & FUTEX_CLOCK_REALTIME) ? t - kRealtimeOffsetNs : t;
    }
  }
  const futex_sleeper sleeper(s, word);  // any memory (fuzz/instrumented/runtime/futex_memory.h)
  return futex_result(s.futex_wait(word, sizeof *word, expected, deadline));
}

// FUTEX_WAKE_OP: *uaddr2 = op(old, oparg) atomically; wake val on uaddr; if cmp(old, cmparg) also
// wake val2 on uaddr2. One system call: one scheduling point.
long futex_wake_op(scheduler& s, const std::uint32_t* uaddr, int count, int count2,
                   std::uint32_t* uaddr2, std::uint32_t encoded) {
  const unsigned op_kind = (encoded >> 28) & 7;
  const bool shift = ((encoded >> 28) & FUTEX_OP_OPARG_SHIFT) != 0;
  const unsigned cmp = (encoded >> 24) & 15;
  int oparg = static_cast<int>(encoded << 8) >> 20;
  const int cmparg = static_cast<int>(encoded << 20) >> 20;
  if (shift) oparg = static_cast<int>(1u << (oparg & 31));
  if (op_kind > FUTEX_OP_XOR || cmp > FUTEX_OP_CMP_GE) return fail_with(ENOSYS);
  s.point();
  if (detail::g_destroyed_count != 0 && detail::destroyed_at(uaddr2, sizeof *uaddr2)) {
    return fail_with(EFAULT);
  }
  const int old = static_cast<int>(*uaddr2);
  int now = old;
  switch (op_kind) {
    case FUTEX_OP_SET:
      now = oparg;
      break;
    case FUTEX_OP_ADD:
      now = static_cast<int>(static_cast<unsigned>(old) + static_cast<unsigned>(oparg));
      break;
    case FUTEX_OP_OR:
      now = old | oparg;
      break;
    case FUTEX_OP_ANDN:
      now = old & ~oparg;
      break;
    case FUTEX_OP_XOR:
      now = old ^ oparg;
      break;
  }
  *uaddr2 = static_cast<std::uint32_t>(now);
  bool wake2 = false;
  switch (cmp) {
    case FUTEX_OP_CMP_EQ:
      wake2 = old == cmparg;
      break;
    case FUTEX_OP_CMP_NE:
      wake2 = old != cmparg;
      break;
    case FUTEX_OP_CMP_LT:
      wake2 = old < cmparg;
      break;
    case FUTEX_OP_CMP_LE:
      wake2 = old <= cmparg;
      break;
    case FUTEX_OP_CMP_GT:
      wake2 = old > cmparg;
      break;
    case FUTEX_OP_CMP_GE:
      wake2 = old >= cmparg;
      break;
  }
  long woken = s.wake_futex(uaddr, sizeof *uaddr, count);
  if (wake2) woken += s.wake_futex(uaddr2, sizeof *uaddr2, count2);
  return woken;
}

long futex(std::uint32_t* uaddr, int op, std::uint32_t val, const timespec* timeout,
           std::uint32_t* uaddr2, std::uint32_t val3, const void* pc) {
  scheduler& s = sched("syscall(SYS_futex)", pc);
  const int count = static_cast<int>(val < INT32_MAX ? val : INT32_MAX);
  switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
      if (op & FUTEX_CLOCK_REALTIME)
        unsupported("syscall(SYS_futex, op %d): FUTEX_WAIT on CLOCK_REALTIME", op);
      [[fallthrough]];
    case FUTEX_WAIT_BITSET:
      return futex_wait(s, uaddr, op, val, timeout, val3);
    case FUTEX_WAKE_BITSET:
      if (val3 == 0) return fail_with(EINVAL);
      if (val3 != FUTEX_BITSET_MATCH_ANY) {
        unsupported("syscall(SYS_futex, op %d) with a bitset other than all ones", op);
      }
      [[fallthrough]];
    case FUTEX_WAKE:
      return s.futex_wake(uaddr, sizeof *uaddr, count);
    case FUTEX_WAKE_OP: {
      // The second count travels in the timeout slot.
      const auto raw2 = reinterpret_cast<std::uintptr_t>(timeout);
      const int count2 = static_cast<int>(raw2 < INT32_MAX ? raw2 : INT32_MAX);
      return futex_wake_op(s, uaddr, count, count2, uaddr2, val3);
    }
    default:
      unsupported("syscall(SYS_futex, op %d)", op);
  }
}

// The virtual clocks, in ns.
vtime monotonic_now(const char* call, const void* pc) { return sched(call, pc).read_clock(); }
vtime realtime_now(const char* call, const void* pc) {
  return monotonic_now(call, pc) + kRealtimeOffsetNs;
}

// Blocks the running thread until `deadline` (virtual ns); false if the chooser interrupted it.
bool sleep_until(scheduler& s, vtime deadline) {
  s.point();
  const int key = 0;  // a key nobody wakes
  while (s.now() < deadline) {
    if (s.block(sim::wait_kind::timer, &key, 0, deadline) == futex_status::interrupted) {
      return false;
    }
  }
  return true;
}

}  // namespace
}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the definitions below are extern "C"

extern "C" {

long semfuzz_instr_syscall(long number, ...) {
  if (number != SYS_futex) unsupported("syscall(%ld)", number);
  va_list args;
  va_start(args, number);
  auto* uaddr = va_arg(args, std::uint32_t*);
  const int op = va_arg(args, int);
  const auto val = va_arg(args, std::uint32_t);
  const auto* timeout = va_arg(args, const timespec*);
  auto* uaddr2 = va_arg(args, std::uint32_t*);
  const auto val3 = va_arg(args, std::uint32_t);
  va_end(args);
  return futex(uaddr, op, val, timeout, uaddr2, val3, __builtin_return_address(0));
}

int semfuzz_instr_clock_gettime(clockid_t id, timespec* ts) {
  const void* pc = __builtin_return_address(0);
  vtime ns = 0;
  switch (id) {
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
      ns = monotonic_now("clock_gettime", pc);
      break;
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      ns = realtime_now("clock_gettime", pc);
      break;
    default:
      unsupported("clock_gettime(clock %d)", static_cast<int>(id));
  }
  ts->tv_sec = ns / kNsPerSec;
  ts->tv_nsec = ns % kNsPerSec;
  return 0;
}

// The virtual clocks tick in nanoseconds (Qt's QElapsedTimer asks once which clock to use).
int semfuzz_instr_clock_getres(clockid_t id, timespec* res) {
  switch (id) {
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
      break;
    default:
      unsupported("clock_getres(clock %d)", static_cast<int>(id));
  }
  if (res != nullptr) *res = timespec{0, 1};
  return 0;
}

// The clocks' now(): each returns a time_point, which is one integer (the ABI returns it as one).
long long semfuzz_instr_steady_clock_now_ns() {
  return monotonic_now("steady_clock::now", __builtin_return_address(0));
}
long long semfuzz_instr_system_clock_now_ns() {
  return realtime_now("system_clock::now", __builtin_return_address(0));
}
long long semfuzz_instr_system_clock_now_us() {
  return realtime_now("system_clock::now", __builtin_return_address(0)) / 1000;
}

int semfuzz_instr_sched_yield() {
  scheduler& s = sched("sched_yield", __builtin_return_address(0));
  s.point();
  s.pass_time(kYieldNs);
  return 0;
}

int semfuzz_instr_nanosleep(const timespec* req, timespec* rem) {
  scheduler& s = sched("nanosleep", __builtin_return_address(0));
  if (!valid(req)) return static_cast<int>(fail_with(EINVAL));
  const vtime deadline = saturating_add(s.now(), ns_of(req));
  if (sleep_until(s, deadline)) return 0;
  if (rem != nullptr) {
    const vtime left = deadline - s.now();
    rem->tv_sec = left / kNsPerSec;
    rem->tv_nsec = left % kNsPerSec;
  }
  return static_cast<int>(fail_with(EINTR));
}

int semfuzz_instr_usleep(unsigned us) {
  scheduler& s = sched("usleep", __builtin_return_address(0));
  if (sleep_until(s, saturating_add(s.now(), static_cast<vtime>(us) * 1000))) return 0;
  return static_cast<int>(fail_with(EINTR));
}

}  // extern "C"
