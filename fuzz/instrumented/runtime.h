// The instrumentation runtime: what code compiled with clang's -fsanitize=thread (and linked
// without the TSan runtime) calls, routed into the deterministic scheduler (fuzz/sim/scheduler.h).
//
// The code under test (e.g. semfuzz's production semaphore, fuzz/instrumented/production.h) is
// compiled with -fsanitize=thread only; the harness keeps ASan + UBSan. Its hooks are defined here:
//   hooks.cc   every __tsan_* hook clang 14 emits. Each atomic operation is a scheduling point of
//              the running simulated thread (the chooser picks who steps next), then performs the
//              real operation on the real memory with the given memory order, and is traced and
//              hashed like a simulated atomic. Plain accesses, vptr accesses and function
//              entry / exit are no scheduling points; they only check use after destroy (below).
//   os.cc      the OS calls of the code under test (renamed to semfuzz_instr_* in its objects at
//              build time, fuzz/instrumented/interpose.py, so the harness's own calls go to libc):
//              the futex system call into the scheduler's futex model, clocks and sleeps into
//              virtual time. Anything else ends the run with an unsupported-call verdict.
// Outside a simulated thread's own code (construction, harness reads of available()), the hooks
// perform the operation without a scheduling point, as the simulated platform does.
//
// Use after destroy: the object's owner reports it with object_destroyed(); any later access to
// its bytes by instrumented code, atomic or plain, fails the run (use-after-destroy) before the
// access happens. A futex wake on its address is no access (the kernel only hashes it).
//
// Synchronisation: none; like the scheduler, everything runs on one OS thread.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_

#include <cstddef>
#include <string>

namespace semfuzz::instr {

// An object of the code under test was constructed at [p, p + bytes) inside a scheduler scope:
// its bytes become memory a futex may wait on (scheduler::register_word).
void object_created(const void* p, std::size_t bytes);
// The object is gone: unregistered, and its bytes are watched until forget_destroyed().
void object_destroyed(const void* p, std::size_t bytes);
// Ends the watch (between runs; the memory may be reused).
void forget_destroyed();

// The calling simulated thread's work takes `ns` of virtual time (sim::scheduler::pass_time: time
// advances for everyone, no scheduling point); nothing outside a simulated thread's own code.
void spend_virtual_time(long long ns);

// Ends the run with an unsupported-call verdict naming `what`, printf-formatted (the calling
// simulated thread is abandoned at once, so the caller must hold nothing that needs a destructor).
// Outside a simulation, prints and aborts.
[[noreturn]] [[gnu::format(printf, 1, 2)]] void unsupported(const char* what, ...);

// The virtual CLOCK_REALTIME is the virtual monotonic clock plus this offset (ns): the virtual
// wall clock starts at 2023-11-14 22:13:20 UTC.
inline constexpr long long kRealtimeOffsetNs = 1'700'000'000'000'000'000LL;

namespace detail {
extern std::size_t g_destroyed_count;  // how many ranges are watched (0: the hooks' fast path)
// The first byte of the destroyed object that [p, p + bytes) overlaps, or nullptr.
const char* destroyed_at(const void* p, std::size_t bytes);
// Fails the run if [p, p + bytes) overlaps a destroyed object; returns whether it did.
bool touches_destroyed(const void* p, std::size_t bytes, const char* access);

// Trace only (the hooks pass it to sim::scheduler::trace_location when the scheduler traces): the
// code location of a hook's return address in the code under test, "file:line < file:line" (base
// names): the innermost two frames, inlined ones included, that are not a system header's (so not
// the standard library's atomics), or the innermost one when all are a system header's,
// symbolized by the sanitizer runtime (__sanitizer_symbolize_pc); without one, or without debug
// information, "module+0xoffset". Cached per address.
const std::string& code_location(const void* pc);
}  // namespace detail

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_H_
