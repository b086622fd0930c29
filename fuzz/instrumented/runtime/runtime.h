// The instrumentation runtime: what code compiled with clang's -fsanitize=thread (and linked
// without the TSan runtime) calls, routed into the deterministic scheduler (fuzz/sim/scheduler.h).
//
// The code under test (e.g. semfuzz's production semaphore, fuzz/instrumented/targets/production.h)
// is compiled with -fsanitize=thread only; the harness keeps ASan + UBSan. Its hooks are defined
// here:
//   hooks.cc   every __tsan_* hook clang 14 emits. Each atomic operation is a scheduling point of
//              the running simulated thread (the chooser picks who steps next), then performs the
//              real operation on the real memory with the given memory order, feeds that order
//              to the scheduler's happens-before checker (fuzz/sim/happens_before.h, the same
//              rules as the simulated atomics), and is traced and hashed like a simulated atomic.
//              Plain accesses, vptr accesses and function entry / exit are no scheduling points;
//              plain and vptr accesses are checked for use after destroy (below) and by the race
//              detector (fuzz/sim/race_detector.h): a race fails the run (data-race).
//   os.cc      the OS calls of the code under test (renamed to semfuzz_instr_* in its objects at
//              build time, fuzz/instrumented/runtime/interpose.py, so the harness's own calls go to
//              libc): the futex system call into the scheduler's futex model, clocks and sleeps
//              into virtual time. Anything else ends the run with an unsupported-call verdict.
// Outside a simulated thread's own code (construction, harness reads of available()), the hooks
// perform the operation without a scheduling point, as the simulated platform does.
//
// Use after destroy: the object's owner reports it with object_destroyed(); any later access to
// its bytes by instrumented code, atomic or plain, fails the run (use-after-destroy) before the
// access happens. A futex wake on its address is no access (the kernel only hashes it).
//
// Data races: with order checking on (the default), two plain accesses of the code under test to
// one byte, from different simulated threads, at least one a write, not ordered by happens-before
// (edges: release/acquire atomics and fences, thread start and join, never a futex wake), fail
// the run (data-race). Memory reuse: the detector forgets everything at each run's start; within
// a run each simulated thread keeps its own fiber stack, and each heap block the allocator hands
// out is forgotten (through the sanitizer runtime's allocator hook). A build without one (no
// ASan: the coverage preset) checks no plain access: glibc hands a block one fiber freed to the
// next at once, and the code under test writes heap blocks (its exception messages), so each
// would be a false race. The ordering promise (atomics only) is checked there too.
//
// Synchronisation: none; like the scheduler, everything runs on one OS thread.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace semfuzz::sim {
class scheduler;
}

namespace semfuzz::instr {

// An object of the code under test was constructed at [p, p + bytes) inside a scheduler scope:
// its bytes become memory a futex may wait on (scheduler::register_word).
void object_created(const void* p, std::size_t bytes);
// The object is gone: unregistered, and its bytes are watched until forget_destroyed().
void object_destroyed(const void* p, std::size_t bytes);
// The object is left as it is, never destroyed nor freed (a run ended while a thread was still
// inside it): object_destroyed(), and, when [p, p + bytes) is a heap block, it and all it points
// to are no leak for LeakSanitizer (__lsan_ignore_object).
void object_abandoned(const void* p, std::size_t bytes);
// Ends the watch (between runs; the memory may be reused), and forgets what the models kept of
// the run: the futex words registered on any memory (fuzz/instrumented/runtime/futex_memory.h), the
// records of mutexes, condition variables, POSIX semaphores, read-write locks, onces, spin locks,
// barriers and threads, and the keys, thread-specific values and thread_local copies of the run
// (pthread_mutex.h, pthread_cond.h, posix_sem.h, pthread_rwlock.h, pthread_once.h,
// pthread_spin.h, pthread_barrier.h, pthread_thread.h, pthread_key.h, emutls.h).
void forget_destroyed();

// The calling simulated thread's work takes `ns` of virtual time (sim::scheduler::pass_time: time
// advances for everyone, no scheduling point); nothing outside a simulated thread's own code.
void spend_virtual_time(long long ns);

// Whether plain accesses are checked for data races in this build (see above: where the
// sanitizer runtime's allocator hook is there).
bool checks_plain_races();

// Ends the run with an unsupported-call verdict naming `what`, printf-formatted (the calling
// simulated thread is abandoned at once, so the caller must hold nothing that needs a destructor).
// Outside a simulation, prints and aborts.
[[noreturn]] [[gnu::format(printf, 1, 2)]] void unsupported(const char* what, ...);

// The virtual CLOCK_REALTIME is the virtual monotonic clock plus this offset (ns): the virtual
// wall clock starts at 2023-11-14 22:13:20 UTC.
inline constexpr long long kRealtimeOffsetNs = 1'700'000'000'000'000'000LL;

// An absolute deadline `at` on CLOCK_REALTIME or CLOCK_MONOTONIC as virtual monotonic ns (a time
// past the clock's range: INT64_MAX, no deadline) into *out, for the models' timed waits; false
// for another clock or a bad timespec (the callers' EINVAL).
bool absolute_deadline(clockid_t clock, const timespec* at, std::int64_t* out);

// The call into a model that a simulated thread made last: its name and the return address into
// the code under test (set at each model's scheduling point), for the deadlock verdict's message.
struct call_site {
  const char* call = nullptr;
  const void* pc = nullptr;
};
inline constexpr int kCallSites = 8;  // sim::scheduler::kMaxThreads (checked in runtime.cc)
namespace detail {
extern call_site g_calls[kCallSites];
}  // namespace detail
inline void note_call(int thread, const char* call, const void* pc) {
  if (thread >= 0 && thread < kCallSites) detail::g_calls[thread] = call_site{call, pc};
}
inline call_site last_call(int thread) {
  return thread >= 0 && thread < kCallSites ? detail::g_calls[thread] : call_site{};
}

namespace detail {
extern std::size_t g_destroyed_count;  // how many ranges are watched (0: the hooks' fast path)
// The first byte of the destroyed object that [p, p + bytes) overlaps, or nullptr.
const char* destroyed_at(const void* p, std::size_t bytes);
// Fails the run if [p, p + bytes) overlaps a destroyed object; returns whether it did.
bool touches_destroyed(const void* p, std::size_t bytes, const char* access);
// The plain access [p, p + bytes) of the running simulated thread of `s`, made from the hook
// called at `pc`, goes to the scheduler's race detector (when order checking is on). A race fails
// the run with the data-race verdict naming both accesses' threads, steps and code locations;
// returns whether it did.
bool races(sim::scheduler& s, const void* p, std::size_t bytes, bool write, const char* access,
           const void* pc);

// For traces and verdicts (the hooks pass it to sim::scheduler::trace_location when the scheduler
// traces; a data-race verdict names both accesses' locations with it): the code location of a
// hook's return address in the code under test, "file:line < file:line" (base names): the innermost
// two frames, inlined ones included, that are not a system header's (so not the standard library's
// atomics), or the innermost one when all are a system header's, symbolized by the sanitizer
// runtime (__sanitizer_symbolize_pc); without one, or without debug information, "module+0xoffset".
// Cached per address.
const std::string& code_location(const void* pc);
}  // namespace detail

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_
