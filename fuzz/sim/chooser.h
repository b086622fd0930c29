// Choosers: who decides, at each scheduling point, what the deterministic scheduler does next.
//
// The scheduler (fuzz/sim/scheduler.h) owns the threads, the futex model and virtual time; it
// asks a chooser only where the run may go more than one way (after Shuttle's Scheduler trait and
// folly's DeterministicSchedule scheduler function):
//   choose_step    at every step where more than one thread is runnable or any thread sleeps in
//                  a futex / condition-variable wait: run one runnable thread's next step, or act
//                  instead (a sleeper wakes spuriously or with EINTR, the earliest timer fires,
//                  the clock moves forward by one of kClockBumps);
//   choose_waiter  when a wake releases fewer sleepers than are queued on the word: which one
//                  (its index in arrival order) is released next;
//   choose_read    with the weak-memory model on (fuzz/sim/memory_model.h), when a load may read
//                  more than one store: which (0 the newest, k the k-th older).
// A chooser that returns false has no opinion: the scheduler's fixed fair policy decides (the
// last thread keeps running until it blocks, then the next runnable one round-robin; the first
// queued waiter). Every decision a chooser makes must be one of the options it was offered.
//
// Implementations: byte_stream_chooser (the fuzzer's input; its byte values are specified in
// fuzz/FORMAT.md), random_chooser (seeded; every decision it makes is encodable as a choice
// byte), recorded_chooser (replays a list of decisions) and recording_chooser (wraps another and
// records its decisions, and their encoding as choice bytes).
//
// Synchronisation: none; a chooser belongs to the scheduler run that uses it.
#ifndef SEMFUZZ_FUZZ_SIM_CHOOSER_H_
#define SEMFUZZ_FUZZ_SIM_CHOOSER_H_

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace semfuzz::sim {

// Virtual nanoseconds since the simulated clock's epoch.
using vtime = std::int64_t;

// The clock steps a chooser may ask for (choice bytes 0xFC..0xFF; see fuzz/FORMAT.md).
inline constexpr vtime kClockBumps[4] = {100'000, 1'000'000, 10'000'000, 100'000'000};

// What the scheduler offers at a step. Thread ids are ascending in both lists.
struct step_options {
  const int* runnable = nullptr;  // threads that can take a step (at least one)
  int runnable_count = 0;
  const int* sleepers = nullptr;  // threads sleeping in a futex or condition-variable wait
  int sleeper_count = 0;
  bool timers = false;  // some sleeper has a deadline
};

enum class step_kind : std::uint8_t {
  run,            // `thread` (runnable) takes its next step
  spurious,       // sleeper `thread` returns from its wait as if woken
  interrupt,      // sleeper `thread` returns with EINTR (a condition-variable wait: spuriously)
  fire_timer,     // time moves to the earliest deadline and its timers fire (needs timers)
  advance_clock,  // time moves forward by `advance` (one of kClockBumps); due timers fire
};

struct step_choice {
  step_kind kind = step_kind::run;
  int thread = 0;
  vtime advance = 0;
};

class chooser {
 public:
  virtual ~chooser() = default;
  virtual bool choose_step(const step_options& options, step_choice* out) = 0;
  // queued >= 2 sleepers wait on the word; *index in [0, queued).
  virtual bool choose_waiter(int queued, int* index) = 0;
  // The weak-memory model: a load may read any of `candidates` >= 2 stores; *index in
  // [0, candidates), 0 the newest. Encoded like a waiter (one byte, index modulo the count), so
  // by default it is one: recording and replaying choosers record it as a waiter decision.
  virtual bool choose_read(int candidates, int* index) { return choose_waiter(candidates, index); }
};

// Choice bytes at or above kActionBase are actions on sleepers or on the clock, not runs
// (fuzz/FORMAT.md, "Choice bytes"): 0xF0..0xF7 a sleeper returns (odd: with EINTR), 0xF8..0xFB
// the earliest timer fires, 0xFC..0xFF the clock moves by kClockBumps[byte & 3].
inline constexpr std::uint8_t kActionBase = 0xF0;
inline constexpr int kWakeActions = 8;
inline constexpr int kTimerActions = 12;
inline constexpr int kBumpBase = 0xFC;

// The step a choice byte stands for, given the options (total: every byte means a step).
[[gnu::always_inline]] inline step_choice decode_step(std::uint8_t byte, const step_options& o) {
  step_choice c;
  if (byte < kActionBase) {
    c.kind = step_kind::run;
    c.thread = o.runnable[byte % o.runnable_count];
    return c;
  }
  const int action = byte - kActionBase;
  if (action < kWakeActions && o.sleeper_count > 0) {
    c.kind = (action & 1) ? step_kind::interrupt : step_kind::spurious;
    c.thread = o.sleepers[action % o.sleeper_count];
  } else if (action < kTimerActions && o.timers) {
    c.kind = step_kind::fire_timer;
  } else {
    c.kind = step_kind::advance_clock;
    c.advance = kClockBumps[action & 3];
  }
  return c;
}

// A cursor over choice bytes: one byte per decision, decoded as fuzz/FORMAT.md says; false once
// the bytes run out. Not polymorphic, so that the scheduler's fast path for the fuzzer's own
// chooser is a plain call (no virtual dispatch, no UBSan vptr check per step).
struct choice_bytes {
  const std::uint8_t* bytes = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
  [[gnu::always_inline]] bool step(const step_options& options, step_choice* out) {
    if (pos >= size) return false;
    *out = decode_step(bytes[pos++], options);
    return true;
  }
  [[gnu::always_inline]] bool waiter(int queued, int* index) {
    if (pos >= size) return false;
    *index = bytes[pos++] % queued;
    return true;
  }
};

// A chooser that is only a cursor over choice bytes, and offers them, so that the scheduler asks
// the cursor by a direct call (scheduler::run: no virtual dispatch, no UBSan vptr check per
// step). Its virtual functions must decide as the cursor does.
template <class C>
concept choice_cursor = std::derived_from<C, chooser> && requires(C& c) {
  { c.stream() } -> std::same_as<choice_bytes&>;
};

// The fuzzer's input as a chooser. Once the bytes run out it has no opinion.
class byte_stream_chooser final : public chooser {
 public:
  byte_stream_chooser(const std::uint8_t* bytes, std::size_t size) : stream_{bytes, size} {}
  bool choose_step(const step_options& options, step_choice* out) override {
    return stream_.step(options, out);
  }
  bool choose_waiter(int queued, int* index) override { return stream_.waiter(queued, index); }
  std::size_t used() const { return stream_.pos; }
  choice_bytes& stream() { return stream_; }

 private:
  choice_bytes stream_;
};
static_assert(choice_cursor<byte_stream_chooser>);

// A byte that decode_step turns into `choice` under `options`, or -1 when none does (EINTR of
// the first of two sleepers, for one: see fuzz/FORMAT.md).
int encode_step(const step_choice& choice, const step_options& options);

// Seeded pseudo-random decisions (splitmix64): 7 steps in 8 run a uniformly chosen runnable
// thread, the 8th is one of the 16 action bytes, drawn uniformly and decoded by decode_step, so
// that every decision is encodable; waiters uniformly. The same seed gives the same decisions.
class random_chooser final : public chooser {
 public:
  explicit random_chooser(std::uint64_t seed) : state_(seed) {}
  bool choose_step(const step_options& options, step_choice* out) override;
  bool choose_waiter(int queued, int* index) override;

 private:
  std::uint64_t next();
  std::uint64_t state_;
};

// One decision, as recorded: a step, or a waiter index (or, when `read`, the store a load
// reads: how many places older than the newest).
struct decision {
  bool is_step = true;
  step_choice step;
  int waiter = 0;
  bool read = false;
  bool operator==(const decision& o) const {
    return is_step == o.is_step &&
           (is_step ? step.kind == o.step.kind && step.thread == o.step.thread &&
                          step.advance == o.step.advance
                    : waiter == o.waiter && read == o.read);
  }
};
std::string describe(const decision& d);  // "run T1", "spurious T0", "waiter 1", "read 2", ...

// Wraps a chooser and records each decision it makes (and its choice byte).
class recording_chooser final : public chooser {
 public:
  explicit recording_chooser(chooser& inner) : inner_(inner) {}
  bool choose_step(const step_options& options, step_choice* out) override;
  bool choose_waiter(int queued, int* index) override;
  bool choose_read(int candidates, int* index) override;
  const std::vector<decision>& decisions() const { return decisions_; }
  // The byte stream that makes byte_stream_chooser decide the same; valid while encodable().
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }
  bool encodable() const { return encodable_; }

 private:
  chooser& inner_;
  std::vector<decision> decisions_;
  std::vector<std::uint8_t> bytes_;
  bool encodable_ = true;
};

// Replays recorded decisions in order. When the run asks for something else than the next
// recorded decision offers (another kind, or a thread that is not among the options), it stops
// having opinions and reports diverged().
class recorded_chooser final : public chooser {
 public:
  explicit recorded_chooser(std::vector<decision> decisions) : decisions_(std::move(decisions)) {}
  bool choose_step(const step_options& options, step_choice* out) override;
  bool choose_waiter(int queued, int* index) override;
  bool choose_read(int candidates, int* index) override;
  bool diverged() const { return diverged_; }
  bool exhausted() const { return pos_ >= decisions_.size(); }

 private:
  std::vector<decision> decisions_;
  std::size_t pos_ = 0;
  bool diverged_ = false;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_CHOOSER_H_
