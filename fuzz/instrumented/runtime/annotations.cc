// Synchronisation that the compiler's -fsanitize=thread hooks do not show, fed to the
// happens-before checker (fuzz/sim/happens_before.h) as TSan's runtime would.
//
// 1. ThreadSanitizer's manual synchronisation annotations, __tsan_acquire(addr) and
// __tsan_release(addr), which code that knows it is built with -fsanitize=thread calls to tell
// the race detector about an edge the compiler cannot see. Qt does (qtsan_impl.h): its futex
// helpers release the futex word before each futex system call and acquire it after, "a futex call
// ensures total ordering on the futex words". The hooks honour them as TSan's runtime does, on the
// same per-address clock as the atomics there (fuzz/sim/happens_before.h): release joins the
// thread's clock into the address's (a release RMW, which keeps the release sequence), acquire
// joins the address's clock into the thread's (an acquire load). Neither is a scheduling point,
// nor an access of the memory. Outside a simulated thread's own code they do nothing.
//
// 2. Function-local statics: the C++ ABI's __cxa_guard_acquire / __cxa_guard_release (libstdc++'s,
// uninstrumented), which the code under test's calls reach through interpose.py's renaming to the
// semfuzz_instr_cxa_guard_* functions below. Completing a static's initialisation happens-before
// every later use of it ([stmt.dcl]): the release is a release store to the guard, and an acquire
// that finds the static initialised an acquire load of it (the inline fast path's guard load is an
// instrumented acquire load already). Neither is a scheduling point, so no other simulated thread
// runs while a static's initialiser runs (one that makes a scheduling point and is preempted would
// let a second thread into the real __cxa_guard_acquire, which on the same OS thread aborts).
#include <cxxabi.h>

#include "fuzz/sim/happens_before.h"
#include "fuzz/sim/scheduler.h"

namespace {

semfuzz::sim::happens_before* clocks_of_running_thread(semfuzz::sim::scheduler*& s) {
  s = semfuzz::sim::scheduler::current();
  if (s == nullptr || !s->simulating()) return nullptr;
  return s->ordering();
}

}  // namespace

extern "C" {

void __tsan_acquire(void* addr) {
  semfuzz::sim::scheduler* s = nullptr;
  if (semfuzz::sim::happens_before* hb = clocks_of_running_thread(s)) {
    hb->load(s->running_thread(), addr, std::memory_order_acquire);
  }
}

void __tsan_release(void* addr) {
  semfuzz::sim::scheduler* s = nullptr;
  if (semfuzz::sim::happens_before* hb = clocks_of_running_thread(s)) {
    hb->rmw(s->running_thread(), addr, std::memory_order_release);
  }
}

int semfuzz_instr_cxa_guard_acquire(__cxxabiv1::__guard* guard) {
  const int initialise = __cxxabiv1::__cxa_guard_acquire(guard);
  semfuzz::sim::scheduler* s = nullptr;
  if (semfuzz::sim::happens_before* hb = clocks_of_running_thread(s); hb && initialise == 0) {
    hb->load(s->running_thread(), guard, std::memory_order_acquire);
  }
  return initialise;
}

void semfuzz_instr_cxa_guard_release(__cxxabiv1::__guard* guard) {
  semfuzz::sim::scheduler* s = nullptr;
  if (semfuzz::sim::happens_before* hb = clocks_of_running_thread(s)) {
    hb->store(s->running_thread(), guard, std::memory_order_release);
  }
  __cxxabiv1::__cxa_guard_release(guard);
}

}  // extern "C"
