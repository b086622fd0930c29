// The thread_local model of the instrumentation runtime (fuzz/instrumented/runtime/emutls.cc):
// every instrumented source is compiled with clang's -femulated-tls (semfuzz_add_instrumented), so
// each access to a thread_local (or __thread) variable is a call
// __emutls_get_address(&__emutls_v.NAME), which interpose.py renames to
// semfuzz_instr_emutls_get_address, and the variable's destructor is registered with
// __cxa_thread_atexit, renamed to semfuzz_instr_cxa_thread_atexit. Simulated threads are fibers of
// one OS thread, so native TLS would give them all one copy.
//
// __emutls_v.NAME, the control, is what the compiler emits in .data (libgcc's and compiler-rt's
// __emutls_control, below); __emutls_t.NAME, the template, in .rodata when the initial value is
// not all zero. The model keys each thread's copy by the control's address and never writes the
// control (a whole program's .data is restored before each run,
// fuzz/instrumented/runtime/program.h): one block per (simulated thread, control), allocated at the
// thread's first access with the control's size and alignment, a copy of the template (or zeroed);
// a dynamic initialiser runs on each thread's first use, as the compiler's guard (itself an
// emulated thread_local) says. There is one more table for the harness (calls outside a simulated
// thread: a static constructor). A thread's blocks are dropped from its table when it ends, so the
// spare simulated thread that runs the next created thread starts with fresh copies, and freed when
// the run ends (so no other block of the run takes their address: a stale pointer is no false
// race).
//
// Destructors: __cxa_thread_atexit registers one per (thread, object) on the running thread;
// when a created thread ends they run on it, last registered first, before its key destructors
// (glibc's order; end_thread_storage, pthread_key.h). A program's main thread runs its own at
// exit(0) or a return of 0 from main, as glibc's exit does.
//
// Not covered: thread-locals of code not compiled with the instrumentation (libstdc++.so's own,
// e.g. std::__once_callable, which the once model hands over, pthread_once.h; glibc's errno is
// per OS thread, so shared), and a thread_local that a static constructor sets: the harness's copy,
// which no simulated thread sees.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_EMUTLS_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_EMUTLS_H_

#include <cstddef>
#include <cstdint>

namespace semfuzz::instr {

// libgcc's / compiler-rt's __emutls_control, as clang 14's -femulated-tls emits it.
struct emutls_control {
  std::size_t size;       // of the variable, in bytes
  std::size_t align;      // of the variable, in bytes
  std::uintptr_t object;  // the runtime's own (compiler-rt: an index): never read nor written here
  const void* value;      // the template, or nullptr: zero-initialised
};
static_assert(sizeof(emutls_control) == 4 * sizeof(void*), "__emutls_control is 4 words");

// The running simulated thread's copy (or the harness's) of the variable `control` describes.
void* thread_local_address(const emutls_control* control);

// A destructor __cxa_thread_atexit registered: function(object).
struct thread_local_destructor {
  void (*function)(void*) = nullptr;
  void* object = nullptr;
};
// Removes and returns the last destructor registered on simulated thread `thread`; function is
// nullptr when none is left.
thread_local_destructor pop_thread_local_destructor(int thread);

// Simulated thread `thread`'s thread ended: its copies are dropped from its table (freed at the
// run's end) and any destructor still registered is forgotten.
void end_thread_locals(int thread);

// Between runs: frees every simulated thread's copies (not the harness's).
void forget_thread_locals();

}  // namespace semfuzz::instr

// The model, as the code under test calls it (renamed by interpose.py).
extern "C" {
void* semfuzz_instr_emutls_get_address(semfuzz::instr::emutls_control* control);
int semfuzz_instr_cxa_thread_atexit(void (*destructor)(void*), void* object, void* dso);
}

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_EMUTLS_H_
