// Extra coverage feedback for libFuzzer: abstract states of a run (available() bucket, how many
// threads sleep, which shared-memory event the step made) and transitions between them, counted
// in libFuzzer's extra-counters section. Edge coverage of a small semaphore saturates within
// seconds; these counters keep rewarding inputs that reach new interleavings. Without libFuzzer
// the counters are an ordinary array nobody reads.
#ifndef SEMFUZZ_FUZZ_SIM_FEEDBACK_H_
#define SEMFUZZ_FUZZ_SIM_FEEDBACK_H_

#include <cstdint>

namespace semfuzz::sim {

// Counts the transition from the previous abstract state of this run to `state`.
void note_state(std::uint32_t state);
// Starts a new run: the next state has no predecessor.
void reset_states();

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_FEEDBACK_H_
