// The futex model of the simulated platform: which memory a futex may wait on, how a wait or wake
// is described to the harness, and the kernel's rule before a wait sleeps.
//
// Like the kernel's: a wait atomically compares the 32-bit word and fails with value_changed on
// a mismatch; a deadline is absolute (one already passed fails with timed_out); sleepers queue
// per (address, width) and a wake releases up to n sleepers of the same key (the queues are the
// scheduler's, fuzz/sim/scheduler.h, shared with the mutex and condition-variable models). The
// model supports waits on aligned 32-bit words inside live simulated atomics (the registry below);
// any other wait returns woken at once without touching memory, and the harness hears of it
// (futex_call::supported) to judge it.
//
// The registry also names memory for the trace: "word<i>+<offset>", i counting registrations
// from 0 since the registry was last empty, so names and trace hashes do not depend on addresses.
//
// Synchronisation: none; the model belongs to one scheduler.
#ifndef SEMFUZZ_FUZZ_SIM_FUTEX_MODEL_H_
#define SEMFUZZ_FUZZ_SIM_FUTEX_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/sim/chooser.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::sim {

inline constexpr vtime kNoDeadline = INT64_MAX;

// A futex call as the model sees it, reported to the harness before the model acts on it.
struct futex_call {
  int thread = -1;
  bool wake = false;  // false: a wait
  const void* word = nullptr;
  std::size_t width = 0;  // bytes
  // wait: whether the model supports it (an aligned 32-bit word inside a live simulated
  // atomic); an unsupported wait returns woken at once.
  bool supported = true;
  // wake: a thread sleeping on the same address with another width (the model does not wake
  // it), or -1, and that width.
  int other_width_sleeper = -1;
  std::size_t other_width = 0;
};

class futex_model {
 public:
  struct word {
    const void* address;
    std::size_t bytes;
    int id;
  };

  // The registry of simulated atomics: the memory a futex may wait on.
  void register_word(const void* address, std::size_t bytes);
  void unregister_word(const void* address);
  // The live word whose bytes hold `address`, or nullptr.
  const word* find(const void* address) const;
  // Ids count from 0 again when no word is live (a new simulation scope).
  void renumber_if_empty() {
    if (words_.empty()) next_id_ = 0;
  }
  // "word<i>+<offset>"; "-" for nullptr; "(dead word)" for memory of no live word.
  std::string name_of(const void* address) const;
  // The id the trace hashes for `address`: its word's, or ~0 (none, or no live word).
  std::uint64_t hash_id(const void* address) const {
    const word* w = address ? find(address) : nullptr;
    return w ? static_cast<std::uint64_t>(w->id) : ~0ull;
  }

  // A wait by `thread` on (address, width), described as the harness hears of it.
  futex_call wait_call(int thread, const void* address, std::size_t width) const;
  // The kernel's rule once a supported wait has read `value`: value_changed when it is not
  // `expected`, timed_out when `deadline` is not after `now`, else none (the wait sleeps).
  static std::optional<futex_status> before_sleep(std::uint32_t value, std::uint32_t expected,
                                                  vtime deadline, vtime now);

 private:
  std::vector<word> words_;
  int next_id_ = 0;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_FUTEX_MODEL_H_
