// Futex words on any memory of the code under test (fuzz/instrumented/runtime/os.cc): globals, heap
// blocks, stack frames, not only the bytes of an object the harness registered (an adapter's).
// The kernel's futex takes any aligned 32-bit word of mapped memory; so does this model.
//
// A wait on an aligned 32-bit word that no registered object holds (and no destroyed one: that
// stays futex-misuse) registers the word with the scheduler (sim::scheduler::register_word, so
// traces name it "word<i>+0" and the trace hash covers it by its order of first use, never by
// address) for the rest of the run. While a thread sleeps on such a word, freeing the heap block
// that holds it is the verdict use-after-destroy, at the free (the sanitizer runtime's free hook,
// fuzz/instrumented/runtime/runtime.cc); a freed block's words are unregistered. Stack frames that
// end and globals are not watched.
//
// Synchronisation: none; everything runs on the simulation's one OS thread.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_FUTEX_MEMORY_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_FUTEX_MEMORY_H_

#include <cstddef>
#include <cstdint>

namespace semfuzz::sim {
class scheduler;
}

namespace semfuzz::instr {

// The running simulated thread of `s` is about to futex-wait on `word`: registers the word if it
// is an aligned 32-bit word of unregistered, undestroyed memory, and records the thread as its
// sleeper for the lifetime of this object (the wait's).
class futex_sleeper {
 public:
  futex_sleeper(sim::scheduler& s, const std::uint32_t* word);
  ~futex_sleeper();
  futex_sleeper(const futex_sleeper&) = delete;
  futex_sleeper& operator=(const futex_sleeper&) = delete;

 private:
  int thread_;
};

// The heap block at p (its size from the sanitizer runtime) is being freed: fails the run if a
// thread sleeps on a word inside it, and unregisters the words registered inside it.
void futex_memory_freed(const void* p);

// Between runs: unregisters every word registered here and forgets the sleepers.
void forget_futex_memory();

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_FUTEX_MEMORY_H_
