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
// fuzz/input/FORMAT.md), random_chooser (seeded; every decision it makes is encodable as a choice
// byte), pct_chooser (probabilistic concurrency testing, seeded, encodable too), fair_chooser
// (no opinion), recorded_chooser (replays a list of decisions) and recording_chooser (wraps another
// and records its decisions, and their encoding as choice bytes).
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

// The clock steps a chooser may ask for (choice bytes 0xFC..0xFF; see fuzz/input/FORMAT.md).
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
// (fuzz/input/FORMAT.md, "Choice bytes"): 0xF0..0xF7 a sleeper returns (odd: with EINTR),
// 0xF8..0xFB the earliest timer fires, 0xFC..0xFF the clock moves by kClockBumps[byte & 3].
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

// A cursor over choice bytes: one byte per decision, decoded as fuzz/input/FORMAT.md says. Once the
// bytes run out, `tail` decides (a whole program's seeded random walk or PCT, fuzz/
// schedule/schedule_driver.h: schedule_tail), or, with no tail, nobody: false (the scheduler's fair
// policy). Not polymorphic, so that the scheduler's fast path for the fuzzer's own chooser is a
// plain call (no virtual dispatch, no UBSan vptr check per step while bytes are left).
struct choice_bytes {
  const std::uint8_t* bytes = nullptr;
  std::size_t size = 0;
  std::size_t pos = 0;
  chooser* tail = nullptr;
  [[gnu::always_inline]] bool step(const step_options& options, step_choice* out) {
    if (pos >= size) return tail != nullptr && tail->choose_step(options, out);
    *out = decode_step(bytes[pos++], options);
    return true;
  }
  // A waiter, or a weak-memory read (encoded alike).
  [[gnu::always_inline]] bool waiter(int queued, int* index) {
    if (pos >= size) return tail != nullptr && tail->choose_waiter(queued, index);
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

// The fuzzer's input as a chooser. Once the bytes run out, `tail` decides (it must outlive this
// chooser), or with none (the default) it has no opinion.
class byte_stream_chooser final : public chooser {
 public:
  byte_stream_chooser(const std::uint8_t* bytes, std::size_t size, chooser* tail = nullptr)
      : stream_{bytes, size, 0, tail} {}
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
// the first of two sleepers, for one: see fuzz/input/FORMAT.md).
int encode_step(const step_choice& choice, const step_options& options);

// Seeded pseudo-random decisions (splitmix64): 7 steps in 8 run a uniformly chosen runnable
// thread, the 8th is one of the 16 action bytes, drawn uniformly and decoded by decode_step, so
// that every decision is encodable; waiters uniformly. The same seed gives the same decisions.
// This is the random walk over interleavings: at every decision where it runs a thread, each
// runnable thread is equally likely (the sleeper and clock actions come on top, 1 decision in 8).
class random_chooser final : public chooser {
 public:
  explicit random_chooser(std::uint64_t seed) : state_(seed) {}
  bool choose_step(const step_options& options, step_choice* out) override;
  bool choose_waiter(int queued, int* index) override;

 private:
  std::uint64_t next();
  std::uint64_t state_;
};

// Probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, ASPLOS 2010)
// with bug depth `depth` >= 1, seeded (splitmix64). Each of the thread ids [0, threads) gets a
// distinct priority, a random permutation of depth .. depth + threads - 1; depth - 1 distinct
// change points k_1 .. k_{depth-1} are drawn uniformly among the decisions 1 .. `steps` (k, an
// estimate of how many decisions a run makes; fewer points when steps < depth - 1). Decisions are
// counted by choose_step calls (the scheduler asks only where more than one thing can happen).
// At each decision the highest-priority runnable thread runs; at decision k_i, that thread's
// priority first drops to i (below every initial priority), and the highest-priority runnable
// thread is then picked again, so a change point preempts there. So with depth 1 a thread runs
// until it blocks or ends. A run that has d-1 change points at the right places finds a bug of
// depth d: probability at least 1 / (n k^(d-1)) for n threads and k >= the run's decisions.
// PCT assumes that a thread waiting for another blocks; one that spins instead (polls an atomic
// that a lower-priority thread will set) would keep the CPU until the step bound: so a thread
// that runs kPctStarvation decisions in a row while another thread is runnable drops below every
// other priority (0, then -1, ...), as PCT implementations lower a thread that yields.
// It never acts on sleepers or the clock (no spurious wake, EINTR, timer fire or clock step
// while a thread is runnable): the scheduler fires the earliest timer when nothing is runnable.
// Waiters and weak-memory reads: uniformly. Every decision is encodable as a choice byte (a run
// is the thread's index among the runnable). A thread id outside [0, threads) is a caller error
// (std::out_of_range).
inline constexpr std::uint64_t kPctStarvation = 1000;
class pct_chooser final : public chooser {
 public:
  pct_chooser(std::uint64_t seed, int depth, std::uint64_t steps, int threads);
  bool choose_step(const step_options& options, step_choice* out) override;
  bool choose_waiter(int queued, int* index) override;
  // choose_step calls so far: the run's length in PCT's steps (the next run's estimate of k).
  std::uint64_t decisions() const { return decisions_; }
  int priority(int thread) const { return priorities_.at(static_cast<std::size_t>(thread)); }

 private:
  std::uint64_t next();
  std::uint64_t state_;
  std::vector<int> priorities_;               // by thread id
  std::vector<std::uint64_t> change_points_;  // change_points_[i - 1] = k_i
  std::uint64_t decisions_ = 0;
  int last_ = -1;             // the thread the previous decision ran
  std::uint64_t streak_ = 0;  // decisions in a row it ran while another thread was runnable
  int floor_ = 0;             // the priority the next starved thread drops to
};

// No opinion on anything (the scheduler's fair policy decides), counting the steps it is asked
// about: a run under it is the run of an input with no choice bytes left.
class fair_chooser final : public chooser {
 public:
  bool choose_step(const step_options&, step_choice*) override {
    ++decisions_;
    return false;
  }
  bool choose_waiter(int, int*) override { return false; }
  std::uint64_t decisions() const { return decisions_; }

 private:
  std::uint64_t decisions_ = 0;
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
