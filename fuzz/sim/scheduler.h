// The deterministic scheduler behind the simulated platform.
//
// Simulated threads are fibers on one OS thread; exactly one runs at a time. Every atomic
// operation, futex call, clock read and mutex / condition-variable operation of the simulated
// platform first calls point(): the running fiber hands control back to the scheduler, which asks
// the choice stream (the fuzzer's bytes) which runnable thread performs its next step. So a step
// is one shared-memory event plus the thread-local work up to the next one.
//
// The choice stream also decides, whenever someone sleeps, whether virtual time jumps to the next
// deadline, whether a sleeper wakes spuriously or with EINTR, and which sleepers a wake releases.
// When the stream is exhausted a fixed fair policy finishes the run: the last thread keeps running
// until it blocks or ends, then the next runnable one in round-robin order; when nothing is
// runnable, time jumps to the earliest deadline. Same bytes, same run.
//
// Virtual time only moves when the choice stream says so or when nothing is runnable.
//
// Futex model (like the kernel's): a wait atomically compares the 32-bit word and fails with
// value_changed on mismatch; sleepers queue per (address, width); wakes release up to n
// sleepers of the same key; a deadline is absolute. Waiting on memory that is not a live
// simulated atomic, a misaligned word, or waking a word whose sleepers use another width is
// reported as futex misuse.
//
// Synchronisation: none; a scheduler and everything it runs live on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_SCHEDULER_H_
#define SEMFUZZ_FUZZ_SIM_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/sim/fiber.h"
#include "fuzz/verdict.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::sim {

// Virtual nanoseconds since the simulated clock's epoch. Runs start at kStartTime.
using vtime = std::int64_t;
inline constexpr vtime kStartTime = 1'000'000'000;  // 1 s, so "before the start" exists
inline constexpr vtime kNoDeadline = INT64_MAX;

// The shared-memory events of a step, as traced and hashed.
enum class ev : std::uint8_t {
  load,
  store,
  exchange,
  cas_ok,
  cas_fail,
  fetch_add,
  fetch_sub,
  fetch_or,
  fetch_and,
  clock,
  futex_wait,
  futex_wake,
  lock,
  lock_busy,
  unlock,
  cv_wait,
  cv_notify,
};
const char* event_name(ev e);

// What a simulated thread is waiting for, when blocked.
enum class wait_kind : std::uint8_t { none, futex, mutex, condvar, harness };

// Callbacks from the scheduler to the harness that checks oracles. All run on the scheduler's
// side (no fiber is mid-step), except on_clock_read / on_wait, which run in the calling fiber.
class observer {
 public:
  virtual ~observer() = default;
  virtual void on_clock_read(int thread, vtime now) = 0;
  // A thread is about to sleep in a futex or condition-variable wait; deadline == kNoDeadline
  // means none. Mutex waits are not reported.
  virtual void on_wait(int thread, vtime deadline) = 0;
  virtual void after_step() = 0;
  // Nothing is runnable. Called before time advances or the run ends.
  virtual void at_quiescence() = 0;
  // Whether a thread blocked in a harness wait may continue now.
  virtual bool harness_wait_over(int thread) = 0;
};

class scheduler {
 public:
  // The stack size of each simulated thread, and the step bound that turns a livelock into a
  // "runaway" verdict.
  static constexpr std::size_t kStackBytes = 256 * 1024;
  static constexpr std::uint64_t kMaxSteps = 200'000;
  static constexpr int kMaxThreads = 8;

  scheduler();
  ~scheduler();
  scheduler(const scheduler&) = delete;
  scheduler& operator=(const scheduler&) = delete;

  // The scheduler of the simulation on this OS thread, or nullptr. A scope makes `s` current
  // for its lifetime: the simulated platform's objects (the semaphore under test) must be created,
  // used and destroyed inside one.
  static scheduler* current() { return current_; }
  class scope {
   public:
    explicit scope(scheduler& s) : outer_(current_) {
      current_ = &s;
      if (s.words_.empty()) s.next_word_id_ = 0;
    }
    ~scope() { current_ = outer_; }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    scheduler* outer_;
  };

  using body_fn = void (*)(void* arg, int thread);

  // Runs `threads` simulated threads, thread i executing body(arg, i), under the choices in
  // [choices, choices + size) (not copied; must outlive the call). Returns the first violation,
  // if any. `trace` prints every step to stderr. Requires a scope on this scheduler.
  verdict run(int threads, body_fn body, void* arg, const std::uint8_t* choices, std::size_t size,
              observer* obs, bool trace);

  // ---- For the simulated platform (called from fibers, or from harness code between steps,
  // ---- where they do not yield).
  // A scheduling point: `what` describes the event about to happen (trace only).
  void point();
  // Whether a simulated thread is running its own code (not the scheduler or harness code).
  bool simulating() const { return running_ >= 0 && !quiet_; }
  // Harness code inside a simulated thread (an oracle reading available()): no scheduling
  // points, no events, no mutexes, for the lifetime of the section.
  class harness_section {
   public:
    explicit harness_section(scheduler& s) : s_(s), outer_(s.quiet_) { s.quiet_ = true; }
    ~harness_section() { s_.quiet_ = outer_; }
    harness_section(const harness_section&) = delete;
    harness_section& operator=(const harness_section&) = delete;

   private:
    scheduler& s_;
    bool outer_;
  };
  int running_thread() const { return running_; }
  vtime now() const { return now_; }
  vtime read_clock();  // a scheduling point, then the time, reported to the observer

  // Registry of simulated atomics: the memory a futex may wait on.
  void register_word(const void* address, std::size_t bytes);
  void unregister_word(const void* address);

  // The futex calls. futex_wait and futex_wake are scheduling points; wake_futex is not (for a
  // call that wakes two words at once after one point).
  futex_status futex_wait(const void* word, std::size_t width, std::uint32_t expected,
                          vtime deadline);
  void futex_wake(const void* word, std::size_t width, int count);
  void wake_futex(const void* word, std::size_t width, int count);

  // Reports the wait to the observer, then blocks (see block). No scheduling point of its own.
  futex_status sleep(wait_kind kind, const void* key, std::size_t width, vtime deadline);

  // Blocks the running thread on `key` until woken (by wake_key), timed out, or spuriously
  // woken; returns how it ended. No scheduling point of its own.
  futex_status block(wait_kind kind, const void* key, std::size_t width, vtime deadline);
  // Wakes up to count threads blocked on (kind, key); returns how many.
  int wake_key(wait_kind kind, const void* key, std::size_t width, int count);

  // Records the first violation; the run stops at the next scheduling point (the calling
  // fiber, if any, is abandoned there, after its temporaries are gone) or after the current step.
  void fail(verdict_kind kind, std::string message);
  bool failed() const { return verdict_.failed(); }

  // Trace helpers: whether tracing is on, and one line about the running thread's event. The hash
  // of the run covers every event whether or not tracing is on.
  bool tracing() const { return trace_; }
  void event(ev what, const void* address, std::uint64_t a = 0, std::uint64_t b = 0,
             std::uint64_t c = 0);
  void note(const std::string& line);  // a trace-only line, not hashed
  std::uint64_t trace_hash() const { return hash_; }
  // A stable name for a registered address: "word<i>+<offset>".
  std::string name_of(const void* address) const;

  // The event of the last step (or of the last event before it blocked), and how many threads
  // sleep in a futex or condition-variable wait: the scheduler's part of the abstract state.
  ev last_event() const { return last_event_; }
  int sleeping_threads() const;

  // Number of choice bytes consumed so far.
  std::size_t choices_used() const { return choice_pos_; }

 private:
  struct thread_state;
  struct word_info {
    const void* address;
    std::size_t bytes;
    int id;
  };

  static void fiber_body(void* arg);
  bool next_choice(std::uint8_t* byte);
  int pick_index(int count);  // consumes a choice when count > 1
  void schedule_loop();
  bool advance_time(vtime to);  // fires the timers due at `to`; false if none
  vtime earliest_deadline() const;
  void make_runnable(thread_state& t, futex_status result);
  void mix(std::uint64_t v);
  const word_info* find_word(const void* address) const;

  static thread_local scheduler* current_;

  fiber_host host_;
  std::vector<std::unique_ptr<fiber>> fibers_;
  std::vector<thread_state> threads_;
  std::vector<word_info> words_;
  int next_word_id_ = 0;
  body_fn body_ = nullptr;
  void* body_arg_ = nullptr;
  const std::uint8_t* choices_ = nullptr;
  std::size_t choice_size_ = 0;
  std::size_t choice_pos_ = 0;
  observer* obs_ = nullptr;
  vtime now_ = kStartTime;
  int running_ = -1;
  int last_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t wait_seq_ = 0;
  std::uint64_t hash_ = 0;
  bool trace_ = false;
  bool quiet_ = false;
  ev last_event_ = ev::load;
  verdict verdict_;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_SCHEDULER_H_
