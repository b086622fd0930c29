// ThreadSanitizer's defaults for the fuzz executables (every NAME_fuzzer, fuzz/CMakeLists.txt):
// report_signal_unsafe=0, without which a TSan libFuzzer build hangs for good on its way out.
//
// The hang. libFuzzer ends a run from signal handlers: a crash (the SIGABRT after a verdict,
// fuzz/oracles/verdict.h), a timeout (SIGALRM) and an interrupt (SIGINT, SIGTERM). Those handlers
// allocate: the stack printer opens /proc/self/maps, the artifact's name is built in a
// std::string. TSan runs a handler installed through its sigaction interceptor with the thread
// marked as in a signal handler, and reports each allocation there ("signal-unsafe call inside of
// a signal"). With halt_on_error=1 (the CLI's setting: TSan fuzzing needs it) the report ends in
// TSan's Die(), which calls libFuzzer's death callback, which dumps the input, allocating again
// inside the same handler: that second report waits for the first, held by the same thread, in a
// futex, forever. TSan defers SIGTERM to a point the thread never reaches, so only SIGKILL ends
// the process, and no artifact is written.
//
// Why turning the report off is sound here: the targets install no signal handlers, so the check
// sees libFuzzer's only; and under TSan those allocations cannot hit a lock the interrupted
// thread holds: the crash signal comes from the abort() in the verdict path, which holds none,
// and TSan delivers the asynchronous ones only once the thread is outside its runtime (its
// allocator). TSAN_OPTIONS given at run time still win, flag by flag.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SEMFUZZ_TSAN_OPTIONS 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define SEMFUZZ_TSAN_OPTIONS 1
#endif

#ifdef SEMFUZZ_TSAN_OPTIONS
// Read by the TSan runtime at start-up, before TSAN_OPTIONS.
extern "C" const char* __tsan_default_options() { return "report_signal_unsafe=0"; }
#endif
