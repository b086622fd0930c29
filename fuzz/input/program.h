// The fuzz input format: a byte string decodes into a program (which semaphore algorithm, the
// initial tokens, 1..6 threads each running a short list of operations, and whether the owner
// destroys the semaphore after its last acquire) followed by the choice stream that drives the
// scheduler. Decoding is total: every byte string is a valid input.
//
// The format, byte by byte and versioned, is specified in fuzz/input/FORMAT.md (one place; pinned
// by the golden tests it names). This header is the program's data model and the decoder's API.
#ifndef SEMFUZZ_FUZZ_PROGRAM_H_
#define SEMFUZZ_FUZZ_PROGRAM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace semfuzz {

enum class algorithm : std::uint8_t { split64, word32, condvar };
const char* algorithm_name(algorithm a);

enum class op_kind : std::uint8_t {
  acquire,            // acquire(n)
  release,            // release(n)
  try_acquire,        // try_acquire(n)
  try_acquire_ms,     // try_acquire(n, int ms)           -- Qt's form
  try_acquire_for,    // try_acquire_for(n, nanoseconds)  -- or duration::max() when infinite
  try_acquire_until,  // try_acquire_until(n, now + ns)   -- or time_point::max() when infinite
  available,          // available()
};

struct operation {
  op_kind kind = op_kind::acquire;
  std::int64_t n = 1;  // may be negative or above max(): the call must then throw
  // The timeout of timed kinds: milliseconds for try_acquire_ms, nanoseconds relative to the
  // start of the call for try_acquire_for / try_acquire_until. Ignored when infinite.
  std::int64_t timeout = 0;
  bool infinite = false;  // duration::max() / time_point::max()
};

struct thread_program {
  std::vector<operation> ops;
};

struct program {
  // The input format's version (fuzz/input/FORMAT.md): 1, or 2 (header bit 7, an options byte). A
  // version may also change what the scheduler treats as a choice point: runners read it here.
  int version = 1;
  algorithm algo = algorithm::split64;
  std::int64_t initial = 0;
  bool owner_destroys = false;
  // Version 2 options. The weak-memory model (fuzz/sim/memory_model.h): loads may read older
  // stores the C++ model allows; futex_fence: futex calls are then full barriers (Linux's
  // promise), or, false, order nothing (the C++ standard's view, for portable code).
  bool weak_memory = false;
  bool futex_fence = true;
  std::vector<thread_program> threads;
};

inline constexpr int kMaxProgramThreads = 6;
inline constexpr int kMaxOpsPerThread = 7;

struct decoded_input {
  program prog;
  const std::uint8_t* choices = nullptr;
  std::size_t choice_size = 0;
};

// Decodes any byte string (the choices point into `data`).
decoded_input decode(const std::uint8_t* data, std::size_t size);
// The same, into `storage`'s vectors (a program decoded before): their capacity is reused, so
// a run that hands its program back allocates nothing here once they are large enough.
decoded_input decode(const std::uint8_t* data, std::size_t size, program storage);

// The inverse for well-formed programs: bytes that decode to `prog` followed by `choices`. Used
// by the seed-corpus generator and by tests. Operations are encoded with the canonical opcode for
// their kind and timeout; values the format cannot express are rounded to the nearest it can.
std::vector<std::uint8_t> encode(const program& prog, const std::vector<std::uint8_t>& choices);

// Human-readable forms, for traces and generated tests.
std::string describe(const operation& op);
std::string describe(const program& prog);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_PROGRAM_H_
