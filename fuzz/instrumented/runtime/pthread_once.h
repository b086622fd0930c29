// The once model of the instrumentation runtime (fuzz/instrumented/runtime/pthread_once.cc):
// pthread_once of the code under test, renamed to semfuzz_instr_pthread_once by interpose.py, on
// the deterministic scheduler. std::call_once (libstdc++'s header code: it stores the callable in
// two thread-locals of libstdc++.so, std::__once_callable and std::__once_call, then calls
// pthread_once with libstdc++'s __once_proxy, which calls them) comes with it.
//
// Each pthread_once_t is a record of the model keyed by its address (its bytes registered with
// the scheduler, so traces name it "word<i>+0", and never written: every run starts with every
// once not run, so a static flag runs its routine again in each run, as replay needs): not run,
// running (by which thread) or done. pthread_once is a scheduling point. The first caller runs
// the routine on its own thread (event lock), then marks it done (event unlock; happens-before:
// the routine's end -> every caller's return) and wakes the callers that wait: a caller that
// finds it running blocks on the once (a futex-kind wait of width 0 keyed by its address, never
// reported to the observer as a futex wait; the chooser may wake it spuriously, after which it
// looks again); one that finds it done returns at once (event load). A routine that ends by an
// exception leaves the once not run (as glibc's cancellation clean-up) and wakes the waiters,
// one of which runs it then (happens-before, as C++ says of call_once: the end of each run of
// the routine, by return or exception, -> the start of the next).
//
// The instrumented code reaches std::call_once's two thread-locals through -femulated-tls
// (emutls.h): a copy per simulated thread, through controls this model defines, since
// libstdc++.so's own are native. The model reads the caller's copies at the call and writes
// them into libstdc++.so's, which __once_proxy reads, just before the routine runs. A
// pthread_once by the thread running the same once's routine waits for itself for ever: the
// verdict sync-misuse. Outside a simulated thread (a constructor the harness runs) the routine
// runs without scheduling points.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_ONCE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_ONCE_H_

#include <pthread.h>

namespace semfuzz::instr {

// Between runs: forgets every once record and unregisters their bytes.
void forget_onces();

}  // namespace semfuzz::instr

// The model, as the code under test calls it (renamed by interpose.py).
extern "C" int semfuzz_instr_pthread_once(pthread_once_t* once, void (*routine)());

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_PTHREAD_ONCE_H_
