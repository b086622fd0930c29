// The __tsan_* hooks clang 14 emits for -fsanitize=thread (the complete list is the compiler's:
// fuzz/instrumented/runtime/interpose.py fails the build when an instrumented object needs a hook
// that is not defined here). See fuzz/instrumented/runtime/runtime.h.
#include <sanitizer/tsan_interface_atomic.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::ev;
using sim::scheduler;

// A hook's step: a scheduling point when a simulated thread runs its own code, then the check
// that the bytes are not a destroyed object's. Returns the scheduler to trace with, or nullptr
// (no simulation, or the harness's side of one). pc: the hook's return address (trace only).
// is_load: the point is scheduler::point_load's (a load's, which stutter elision may skip).
scheduler* step(const volatile void* a, std::size_t bytes, const char* access, const void* pc,
                bool is_load = false) {
  scheduler* s = scheduler::current();
  if (s == nullptr || !s->simulating()) return nullptr;
  if (s->tracing()) s->trace_location(detail::code_location(pc));
  if (is_load) {
    s->point_load(const_cast<const void*>(a));
  } else {
    s->point();
  }
  if (detail::g_destroyed_count != 0 &&
      detail::touches_destroyed(const_cast<const void*>(a), bytes, access)) {
    s->point();  // the run is over: the thread stops here, before the access
  }
  return s;
}

// The memory orders have the same values as the compiler's (__ATOMIC_RELAXED .. __ATOMIC_SEQ_CST)
// and std::memory_order's.
constexpr int order(__tsan_memory_order mo) { return static_cast<int>(mo); }
static_assert(__tsan_memory_order_seq_cst == __ATOMIC_SEQ_CST &&
              __tsan_memory_order_acquire == __ATOMIC_ACQUIRE &&
              __tsan_memory_order_release == __ATOMIC_RELEASE);
static_assert(static_cast<int>(std::memory_order_seq_cst) == __ATOMIC_SEQ_CST &&
              static_cast<int>(std::memory_order_consume) == __ATOMIC_CONSUME &&
              static_cast<int>(std::memory_order_acq_rel) == __ATOMIC_ACQ_REL);
constexpr std::memory_order std_order(int mo) { return static_cast<std::memory_order>(mo); }

// The happens-before checker (fuzz/sim/happens_before.h) the running thread's atomic operations
// feed with their memory order, exactly as the simulated platform's atomics do, or nullptr.
sim::happens_before* clocks(scheduler* s) { return s != nullptr ? s->ordering() : nullptr; }
// A failure order must be neither release nor acq_rel (the builtins' precondition).
constexpr int fail_order(__tsan_memory_order mo) {
  return mo == __tsan_memory_order_release   ? __ATOMIC_RELAXED
         : mo == __tsan_memory_order_acq_rel ? __ATOMIC_ACQUIRE
                                             : order(mo);
}

template <class T>
std::uint64_t bits(T v) {
  return static_cast<std::uint64_t>(v);  // 128-bit values: traced by their low half
}

// Everything runs on one OS thread, so a 128-bit operation needs no lock-free instruction (which
// this target may lack): it is done as plain accesses, which no other thread can interleave.
template <class T>
constexpr bool kWide = sizeof(T) > 8;

template <class T>
T load(const volatile T* a, __tsan_memory_order mo, const void* pc) {
  scheduler* s = step(a, sizeof(T), "atomic load", pc, true);
  T v;
  int stale = 0;
  if constexpr (kWide<T>) {
    v = *a;  // reads the newest store: the weak-memory model covers values up to 64 bits
    if (sim::happens_before* hb = clocks(s))
      hb->load(s->running_thread(), const_cast<const T*>(a), std_order(mo));
  } else {
    v = __atomic_load_n(a, order(mo));
    if (s)
      v = static_cast<T>(s->load_value(const_cast<const T*>(a), std_order(mo), bits(v), &stale));
  }
  if (s) s->event(ev::load, const_cast<const T*>(a), bits(v), static_cast<std::uint64_t>(stale));
  return v;
}

template <class T>
void store(volatile T* a, T v, __tsan_memory_order mo, const void* pc) {
  scheduler* s = step(a, sizeof(T), "atomic store", pc);
  if (sim::happens_before* hb = clocks(s))
    hb->store(s->running_thread(), const_cast<const T*>(a), std_order(mo), bits(*a), bits(v));
  if (s) s->event(ev::store, const_cast<const T*>(a), bits(*a), bits(v));
  if constexpr (kWide<T>) {
    *a = v;
  } else {
    __atomic_store_n(a, v, order(mo));
  }
}

// Atomic arithmetic wraps (C++20 [atomics.types.int]), so it is done on the unsigned type: the
// hooks' types are signed (__tsan_atomic64 is long), and e.g. Qt's word crosses bit 63.
template <class T>
struct wrapping {
  using type = std::make_unsigned_t<T>;
};
template <>
struct wrapping<__tsan_atomic128> {
  using type = unsigned __int128;
};
template <class T>
using wrapping_t = typename wrapping<T>::type;

enum class rmw_op { exchange, add, sub, and_, or_, xor_, nand };
template <rmw_op Op, class T>
T apply(T old, T v) {
  using U = wrapping_t<T>;
  if constexpr (Op == rmw_op::exchange) return v;
  if constexpr (Op == rmw_op::add) return static_cast<T>(static_cast<U>(old) + static_cast<U>(v));
  if constexpr (Op == rmw_op::sub) return static_cast<T>(static_cast<U>(old) - static_cast<U>(v));
  if constexpr (Op == rmw_op::and_) return static_cast<T>(old & v);
  if constexpr (Op == rmw_op::or_) return static_cast<T>(old | v);
  if constexpr (Op == rmw_op::xor_) return static_cast<T>(old ^ v);
  if constexpr (Op == rmw_op::nand) return static_cast<T>(~(old & v));
}
constexpr ev kRmwEvent[] = {ev::exchange, ev::fetch_add, ev::fetch_sub, ev::fetch_and,
                            ev::fetch_or, ev::fetch_xor, ev::fetch_nand};

template <rmw_op Op, class T>
T rmw(volatile T* a, T v, __tsan_memory_order mo, const void* pc) {
  scheduler* s = step(a, sizeof(T), "atomic read-modify-write", pc);
  T old;
  if constexpr (kWide<T>) {
    old = *a;
    *a = apply<Op>(old, v);
  } else {
    // A CAS loop performs every operation the same way (one thread: it succeeds at once).
    old = __atomic_load_n(a, __ATOMIC_RELAXED);
    while (!__atomic_compare_exchange_n(a, &old, apply<Op>(old, v), false, order(mo),
                                        fail_order(mo))) {
    }
  }
  if (sim::happens_before* hb = clocks(s)) {
    hb->rmw(s->running_thread(), const_cast<const T*>(a), std_order(mo), bits(old),
            bits(apply<Op>(old, v)));
  }
  if (s) s->event(kRmwEvent[static_cast<int>(Op)], const_cast<const T*>(a), bits(old), bits(v));
  return old;
}

// Compare-and-exchange; *expected receives the value seen. Never fails spuriously (a spurious
// failure is indistinguishable from losing a race, which the scheduler already explores).
template <class T>
bool cas(volatile T* a, T* expected, T desired, __tsan_memory_order mo, __tsan_memory_order fail_mo,
         const void* pc) {
  scheduler* s = step(a, sizeof(T), "atomic compare-exchange", pc);
  const T want = *expected;
  bool ok;
  if constexpr (kWide<T>) {
    const T seen = *a;
    ok = seen == want;
    if (ok) *a = desired;
    *expected = seen;
  } else {
    ok = __atomic_compare_exchange_n(a, expected, desired, false, order(mo), fail_order(fail_mo));
  }
  if (sim::happens_before* hb = clocks(s)) {
    hb->cas(s->running_thread(), const_cast<const T*>(a), ok, std_order(mo),
            std_order(fail_order(fail_mo)), bits(ok ? want : *expected), bits(desired));
  }
  if (s) {
    s->event(ok ? ev::cas_ok : ev::cas_fail, const_cast<const T*>(a), bits(*expected), bits(want),
             bits(desired));
  }
  return ok;
}

void fence(__tsan_memory_order mo, const void* pc) {
  scheduler* s = scheduler::current();
  if (s == nullptr || !s->simulating()) return;
  if (s->tracing()) s->trace_location(detail::code_location(pc));
  s->point();
  __atomic_thread_fence(order(mo));
  if (sim::happens_before* hb = s->ordering()) hb->fence(s->running_thread(), std_order(mo));
  s->event(ev::fence, nullptr, static_cast<std::uint64_t>(mo));
}

// A plain access from the hook called at `pc` (its return address): no scheduling point; the
// use-after-destroy check, then the race detector's (fuzz/sim/race_detector.h).
inline void plain(const void* a, std::size_t bytes, bool write, const char* access,
                  const void* pc) {
  scheduler* s = scheduler::current();
  if (s == nullptr || !s->simulating()) return;
  if ((detail::g_destroyed_count != 0 && detail::touches_destroyed(a, bytes, access)) ||
      detail::races(*s, a, bytes, write, access, pc)) {
    s->point();  // the run is over: the thread stops here
  }
}

}  // namespace
}  // namespace semfuzz::instr

using namespace semfuzz::instr;  // NOLINT: the hooks' definitions below are extern "C"

extern "C" {

// __tsan_atomicN_<name>(a, v, mo): the read-modify-write <op> at width N.
#define SEMFUZZ_TSAN_RMW(N, name, op)                                                          \
  __tsan_atomic##N __tsan_atomic##N##_##name(volatile __tsan_atomic##N* a, __tsan_atomic##N v, \
                                             __tsan_memory_order mo) {                         \
    return rmw<rmw_op::op>(a, v, mo, __builtin_return_address(0));                             \
  }
#define SEMFUZZ_TSAN_CAS(N, name)                                            \
  int __tsan_atomic##N##_compare_exchange_##name(                            \
      volatile __tsan_atomic##N* a, __tsan_atomic##N* c, __tsan_atomic##N v, \
      __tsan_memory_order mo, __tsan_memory_order fail_mo) {                 \
    return cas(a, c, v, mo, fail_mo, __builtin_return_address(0));           \
  }
#define SEMFUZZ_TSAN_ATOMICS(N)                                                   \
  __tsan_atomic##N __tsan_atomic##N##_load(const volatile __tsan_atomic##N* a,    \
                                           __tsan_memory_order mo) {              \
    return load(a, mo, __builtin_return_address(0));                              \
  }                                                                               \
  void __tsan_atomic##N##_store(volatile __tsan_atomic##N* a, __tsan_atomic##N v, \
                                __tsan_memory_order mo) {                         \
    store(a, v, mo, __builtin_return_address(0));                                 \
  }                                                                               \
  SEMFUZZ_TSAN_RMW(N, exchange, exchange)                                         \
  SEMFUZZ_TSAN_RMW(N, fetch_add, add)                                             \
  SEMFUZZ_TSAN_RMW(N, fetch_sub, sub)                                             \
  SEMFUZZ_TSAN_RMW(N, fetch_and, and_)                                            \
  SEMFUZZ_TSAN_RMW(N, fetch_or, or_)                                              \
  SEMFUZZ_TSAN_RMW(N, fetch_xor, xor_)                                            \
  SEMFUZZ_TSAN_RMW(N, fetch_nand, nand)                                           \
  SEMFUZZ_TSAN_CAS(N, strong)                                                     \
  SEMFUZZ_TSAN_CAS(N, weak)                                                       \
  __tsan_atomic##N __tsan_atomic##N##_compare_exchange_val(                       \
      volatile __tsan_atomic##N* a, __tsan_atomic##N c, __tsan_atomic##N v,       \
      __tsan_memory_order mo, __tsan_memory_order fail_mo) {                      \
    cas(a, &c, v, mo, fail_mo, __builtin_return_address(0));                      \
    return c;                                                                     \
  }

SEMFUZZ_TSAN_ATOMICS(8)
SEMFUZZ_TSAN_ATOMICS(16)
SEMFUZZ_TSAN_ATOMICS(32)
SEMFUZZ_TSAN_ATOMICS(64)
SEMFUZZ_TSAN_ATOMICS(128)
#undef SEMFUZZ_TSAN_ATOMICS
#undef SEMFUZZ_TSAN_CAS
#undef SEMFUZZ_TSAN_RMW

void __tsan_atomic_thread_fence(__tsan_memory_order mo) { fence(mo, __builtin_return_address(0)); }
void __tsan_atomic_signal_fence(__tsan_memory_order) {}  // a compiler barrier: nothing to do

// Plain accesses of 1..16 bytes, in every flavour the compiler emits (aligned, unaligned,
// volatile, compound read-then-write, which the race detector takes as a write).
#define SEMFUZZ_PC __builtin_return_address(0)
#define SEMFUZZ_TSAN_ACCESS(kind, N, write)                                                      \
  void __tsan_##kind##N(void* a) { plain(a, N, write, #kind, SEMFUZZ_PC); }                      \
  void __tsan_unaligned_##kind##N(void* a) { plain(a, N, write, #kind, SEMFUZZ_PC); }            \
  void __tsan_volatile_##kind##N(void* a) { plain(a, N, write, "volatile " #kind, SEMFUZZ_PC); } \
  void __tsan_unaligned_volatile_##kind##N(void* a) {                                            \
    plain(a, N, write, "volatile " #kind, SEMFUZZ_PC);                                           \
  }
#define SEMFUZZ_TSAN_ACCESSES(N)                                                      \
  SEMFUZZ_TSAN_ACCESS(read, N, false)                                                 \
  SEMFUZZ_TSAN_ACCESS(write, N, true)                                                 \
  void __tsan_read_write##N(void* a) { plain(a, N, true, "read-write", SEMFUZZ_PC); } \
  void __tsan_unaligned_read_write##N(void* a) { plain(a, N, true, "read-write", SEMFUZZ_PC); }
SEMFUZZ_TSAN_ACCESSES(1)
SEMFUZZ_TSAN_ACCESSES(2)
SEMFUZZ_TSAN_ACCESSES(4)
SEMFUZZ_TSAN_ACCESSES(8)
SEMFUZZ_TSAN_ACCESSES(16)
#undef SEMFUZZ_TSAN_ACCESSES
#undef SEMFUZZ_TSAN_ACCESS

void __tsan_read_range(void* a, unsigned long size) {
  plain(a, size, false, "range read", SEMFUZZ_PC);
}
void __tsan_write_range(void* a, unsigned long size) {
  plain(a, size, true, "range write", SEMFUZZ_PC);
}
void __tsan_vptr_read(void** vptr_p) {
  plain(vptr_p, sizeof(void*), false, "vptr read", SEMFUZZ_PC);
}
void __tsan_vptr_update(void** vptr_p, void*) {
  plain(vptr_p, sizeof(void*), true, "vptr update", SEMFUZZ_PC);
}
#undef SEMFUZZ_PC

void __tsan_func_entry(void*) {}
void __tsan_func_exit() {}
void __tsan_ignore_thread_begin() {}
void __tsan_ignore_thread_end() {}
void __tsan_init() {}

}  // extern "C"
