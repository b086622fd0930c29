// The deterministic scheduler behind the simulated platform.
//
// Simulated threads are fibers on one OS thread; exactly one runs at a time. Every atomic
// operation, futex call, clock read and mutex / condition-variable operation of the simulated
// platform first calls point(): the running fiber hands control back to the scheduler, which asks
// its chooser (fuzz/sim/chooser.h: the fuzzer's bytes, a seeded random source or a recording)
// which runnable thread performs its next step. So a step is one shared-memory event plus the
// thread-local work up to the next one.
//
// The chooser also decides, whenever someone sleeps, whether virtual time jumps to the next
// deadline, whether a sleeper wakes spuriously or with EINTR, and which sleepers a wake releases.
// Where it has no opinion (the fuzzer's bytes ran out) a fixed fair policy decides: the last
// thread keeps running until it blocks or ends, then the next runnable one in round-robin order;
// when nothing is runnable, time jumps to the earliest deadline. Same decisions, same run.
//
// Virtual time only moves when the chooser says so or when nothing is runnable.
//
// The futex model (fuzz/sim/futex_model.h) says which waits it supports and how a wait ends
// before it sleeps; the scheduler queues the sleepers and reports every futex call to the
// observer. The trace and its hash: fuzz/sim/trace.h.
//
// The scheduler judges nothing: it reports events to its observer (the harness), which decides
// what is a violation and may stop the run with fail(), giving a code the scheduler only carries
// (the harness's verdict kind: fuzz/oracles/sim_oracles.h, fail_run).
//
// Synchronisation: none; a scheduler and everything it runs live on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_SCHEDULER_H_
#define SEMFUZZ_FUZZ_SIM_SCHEDULER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "fuzz/sim/chooser.h"
#include "fuzz/sim/fiber.h"
#include "fuzz/sim/futex_model.h"
#include "fuzz/sim/happens_before.h"
#include "fuzz/sim/race_detector.h"
#include "fuzz/sim/trace.h"
#include "semfuzz/platform/platform.h"

namespace semfuzz::sim {

// Runs start at kStartTime (virtual nanoseconds, fuzz/sim/chooser.h).
inline constexpr vtime kStartTime = 1'000'000'000;  // 1 s, so "before the start" exists

// What a simulated thread is waiting for, when blocked.
// parked: by the thread itself (park), until another party unparks it.
// timer: only its deadline (the instrumentation runtime's nanosleep / usleep, fuzz/instrumented/
// runtime/os.cc), or an interruption; a sleeper like a futex waiter otherwise.
enum class wait_kind : std::uint8_t { none, futex, mutex, condvar, parked, timer };

// How a run ended: code 0 when nothing stopped it, else the code and message of the observer's
// fail() (the harness's verdict kind, which the scheduler carries without reading).
struct run_end {
  int code = 0;
  std::string message;
  bool failed() const { return code != 0; }
};

// Callbacks from the scheduler to the harness that checks oracles. All run on the scheduler's
// side (no fiber is mid-step), except on_clock_read, on_wait and on_futex_call, which run in the
// calling fiber.
class observer {
 public:
  virtual ~observer() = default;
  virtual void on_clock_read(int thread, vtime now) = 0;
  // A thread is about to sleep in a futex or condition-variable wait; deadline == kNoDeadline
  // means none. Mutex waits are not reported.
  virtual void on_wait(int thread, vtime deadline) = 0;
  // Every futex wait and wake, in the calling fiber, before the model acts on it.
  virtual void on_futex_call(const futex_call& call) = 0;
  // A step ended; `steps` have run so far. Not called once the run has failed.
  virtual void after_step(std::uint64_t steps) = 0;
  // Nothing is runnable. Called before time advances or the run ends; it may call
  // scheduler::idle_until().
  virtual void at_quiescence() = 0;
};

class scheduler {
 public:
  // The stack size of each simulated thread.
  static constexpr std::size_t kStackBytes = 256 * 1024;
  static constexpr int kMaxThreads = 8;
  static_assert(kMaxThreads <= kClockThreads, "a vector clock covers every simulated thread");

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
      s.futex_.renumber_if_empty();
    }
    ~scope() { current_ = outer_; }
    scope(const scope&) = delete;
    scope& operator=(const scope&) = delete;

   private:
    scheduler* outer_;
  };

  using body_fn = void (*)(void* arg, int thread);

  // Runs `threads` simulated threads, thread i executing body(arg, i), with `choose` deciding
  // the schedule. Returns how the run ended: the first failure the observer reported, if any.
  // `trace` prints every step to stderr. Requires a scope on this scheduler.
  // A chooser that is a cursor over choice bytes (choice_cursor, fuzz/sim/chooser.h: the
  // fuzzer's own) is asked by direct calls; any other through its virtual functions. The two
  // decide alike: only the static type of `choose` picks the path.
  template <std::derived_from<chooser> C>
  run_end run(int threads, body_fn body, void* arg, C& choose, observer* obs, bool trace) {
    choice_bytes* bytes = nullptr;
    if constexpr (choice_cursor<C>) bytes = &choose.stream();
    return run_with(threads, body, arg, choose, bytes, obs, trace);
  }

  // ---- For the simulated platform (called from fibers, or from harness code between steps,
  // ---- where they do not yield).
  // A scheduling point: the running thread's step ends here (the observer sees it) and the next
  // step is chosen; the thread goes on if it is chosen again, else its fiber hands control back
  // to the scheduler.
  void point();
  // The scheduling point before a load of `address` by the running thread. With stutter elision
  // on, none when the thread's previous event, in the same step, was a load of the same address
  // (a poll that re-reads a location no other thread can have stored to since), for up to
  // kMaxStutter such loads in a row: the load joins that step. See docs/performance.md for the
  // equivalence this relies on.
  [[gnu::always_inline]] void point_load(const void* address) {
    if (stutter_ == address && stutter_run_ < kMaxStutter && address != nullptr) {
      ++stutter_run_;
      return;
    }
    stutter_run_ = 0;
    point();
  }
  // Stutter elision: off by default (inputs keep their choices and trace hashes). Off, no
  // load is ever elided (stutter_ stays null).
  static constexpr int kMaxStutter = 64;  // libc++ 14 polls 65 times before it backs off
  void set_stutter_elision(bool on) { stutter_elision_ = on; }
  bool stutter_elision() const { return stutter_elision_; }
  // Whether a simulated thread is running its own code (not the scheduler or harness code).
  bool simulating() const { return running_ >= 0 && !quiet_; }
  // Harness code inside a simulated thread (an oracle reading available()): no scheduling
  // points, no events, no mutexes, for the lifetime of the section.
  class harness_section {
   public:
    [[gnu::always_inline]] explicit harness_section(scheduler& s) : s_(s), outer_(s.quiet_) {
      s.quiet_ = true;
    }
    [[gnu::always_inline]] ~harness_section() { s_.quiet_ = outer_; }
    harness_section(const harness_section&) = delete;
    harness_section& operator=(const harness_section&) = delete;

   private:
    scheduler& s_;
    bool outer_;
  };
  int running_thread() const { return running_; }
  vtime now() const { return now_; }
  // Steps completed so far (the first column of the trace).
  std::uint64_t steps() const { return steps_; }

  // The happens-before checker (fuzz/sim/happens_before.h), fed by the simulated platform; on
  // unless switched off (then a run keeps no clocks, and clocks() says nothing).
  void set_order_checking(bool on) { order_checking_ = on; }
  bool order_checking() const { return order_checking_; }
  // For an access of the running simulated thread: the checker, or nullptr when it is off or no
  // simulated thread runs its own code (harness code reads no clocks, joins none).
  happens_before* ordering() { return order_checking_ && simulating() ? &hb_ : nullptr; }
  const happens_before& clocks() const { return hb_; }
  // The weak-memory model (fuzz/sim/memory_model.h; happens_before::set_weak_memory); needs
  // order checking (without clocks every load reads the newest store).
  void set_weak_memory(bool on, bool futex_fence) { hb_.set_weak_memory(on, futex_fence); }
  // The value an atomic load of `address` by the running thread returns, `newest` being the value
  // in memory: with the weak-memory model on, the chooser picks which allowed store it reads
  // (choose_read; traced when it is not the newest), and the checker synchronises with that one.
  // Off, or from harness code: `newest`, with the checker's load rule. `stale`: how many stores
  // newer than the one read there are (0: the newest).
  std::uint64_t load_value(const void* address, std::memory_order order, std::uint64_t newest,
                           int* stale);
  // The plain-access race detector (fuzz/sim/race_detector.h) over those clocks, for
  // instrumented code: like ordering(), nullptr when order checking is off or no simulated
  // thread runs its own code. Reset at the start of each run.
  race_detector* races() { return order_checking_ && simulating() ? &races_ : nullptr; }
  // The detector, whether or not a simulated thread runs (for forget(): the allocator's hook
  // clears the history of each new block through it, fuzz/instrumented/runtime/runtime.cc).
  race_detector& shadow() { return races_; }
  vtime read_clock();  // a scheduling point, then the time, reported to the observer
  // The running thread spends `ns` of virtual time without blocking (the instrumentation
  // runtime's sched_yield): the clock moves forward and due timers fire. No scheduling point.
  void pass_time(vtime ns);

  // Registry of simulated atomics: the memory a futex may wait on.
  void register_word(const void* address, std::size_t bytes);
  void unregister_word(const void* address) { futex_.unregister_word(address); }
  bool registered(const void* address) const { return futex_.find(address) != nullptr; }

  // The futex calls. futex_wait and futex_wake are scheduling points; wake_futex is not (for a
  // call that wakes two words at once after one point). The wakes return how many they woke.
  futex_status futex_wait(const void* word, std::size_t width, std::uint32_t expected,
                          vtime deadline);
  int futex_wake(const void* word, std::size_t width, int count);
  int wake_futex(const void* word, std::size_t width, int count);

  // Reports the wait to the observer, then blocks (see block). No scheduling point of its own.
  futex_status sleep(wait_kind kind, const void* key, std::size_t width, vtime deadline);

  // Blocks the running thread on `key` until woken (by wake_key), timed out, or spuriously
  // woken; returns how it ended. No scheduling point of its own.
  futex_status block(wait_kind kind, const void* key, std::size_t width, vtime deadline);
  // Wakes up to count threads blocked on (kind, key); returns how many.
  int wake_key(wait_kind kind, const void* key, std::size_t width, int count);

  // Blocks the running thread until unpark(thread) (not a sleeper: no timeout, no spurious
  // return). unpark of a thread that is not parked does nothing. No scheduling point.
  void park();
  void unpark(int thread);
  bool any_parked() const { return parked_ > 0; }
  // Threads `first` and above start every run parked, before their first step: their body
  // begins when unpark() first makes them runnable, and a thread never unparked costs no step,
  // no choice and no event (the thread model's spare threads, fuzz/instrumented/
  // runtime/pthread_thread.h). kMaxThreads (the default): every thread starts runnable.
  void set_parked_from(int first) { parked_from_ = first; }
  int parked_from() const { return parked_from_; }
  // The number of simulated threads of the current (or last) run.
  int threads() const;
  // Ends the run without a verdict (the program under test exited): no thread runs again; the
  // calling fiber, if any, stops at its next scheduling point.
  void end_run() { ended_ = true; }
  bool ended() const { return ended_; }
  // Whether a sleeping thread has a deadline (time can still move on when nothing is runnable).
  bool timers_pending() const { return earliest_deadline() != kNoDeadline; }

  // What `thread` is blocked in (wait_kind::none while it runs or is runnable), and on what key
  // (nullptr when it is not blocked or parked).
  wait_kind waiting_in(int thread) const;
  const void* waiting_on(int thread) const;
  // Only from observer::at_quiescence(): the observer knows that until `t` nothing but timers
  // can run, and that every timer due before `t` belongs to a thread that will only look and
  // block again (a poller in a timer wait). Time then jumps to `t` at once, firing every timer
  // due by then, instead of to the next timer; kNoDeadline ends the run (blocked for good).
  void idle_until(vtime t) { idle_until_ = t; }

  // Records the first violation (the observer's judgement: `code` != 0, named `name` in the
  // trace); the run stops at the next scheduling point (the calling fiber, if any, is abandoned
  // there, after its temporaries are gone) or after the current step.
  void fail(int code, const char* name, std::string message);
  bool failed() const { return end_.failed(); }

  // Trace helpers: whether tracing is on, and one line about the running thread's event. The hash
  // of the run covers every event whether or not tracing is on.
  bool tracing() const { return trace_.printing(); }
  void event(ev what, const void* address, std::uint64_t a = 0, std::uint64_t b = 0,
             std::uint64_t c = 0);
  void note(const std::string& line);  // a trace-only line, not hashed
  // Trace only, not hashed: the code location the running thread's events come from, printed
  // at the end of their trace lines until it is set again (instrumented mode: the atomic or
  // futex call's, fuzz/instrumented/runtime/runtime.h). Empty: none. Called only when tracing().
  void trace_location(std::string where);
  std::uint64_t trace_hash() const { return trace_.hash(); }
  // A stable name for a registered address: "word<i>+<offset>" (futex_model::name_of).
  std::string name_of(const void* address) const { return futex_.name_of(address); }

  // The event of the last step (or of the last event before it blocked), and how many threads
  // sleep in a futex or condition-variable wait: the scheduler's part of the abstract state.
  ev last_event() const { return last_event_; }
  int sleeping_threads() const { return sleeping_; }

 private:
  struct thread_state;

  run_end run_with(int threads, body_fn body, void* arg, chooser& choose, choice_bytes* bytes,
                   observer* obs, bool trace);
  static void fiber_body(void* arg);
  // next_pick's answers besides a thread, and "none handed over" (handoff_).
  static constexpr int kRunOver = -1;    // failed or ended: the loop stops
  static constexpr int kQuiescent = -2;  // no thread can run: time moves or the run ends
  static constexpr int kNoPick = -3;
  void schedule_loop();
  int next_pick();  // the next thread to run, after any other step_choice; or kRunOver, kQuiescent
  bool quiesce();   // no thread can run: at_quiescence, then time moves; false: the run is over
  void begin_step(int pick);
  void end_step();                 // counts the step and shows it to the observer
  void act(const step_choice& c);  // a step_choice other than run
  bool advance_time(vtime to);     // fires the timers due at `to`; false if none
  vtime earliest_deadline() const;
  void make_runnable(thread_state& t, futex_status result);
  int pick_fair() const;  // the fair policy's thread: the last one, else the next round-robin
  bool choose_step(const step_options& options, step_choice* c) {
    return bytes_ ? bytes_->step(options, c) : chooser_->choose_step(options, c);
  }

  static thread_local scheduler* current_;

  fiber_host host_;
  std::vector<std::unique_ptr<fiber>> fibers_;
  std::vector<thread_state> threads_;
  futex_model futex_;
  body_fn body_ = nullptr;
  void* body_arg_ = nullptr;
  chooser* chooser_ = nullptr;
  choice_bytes* bytes_ = nullptr;  // chooser_'s bytes, when it is the fuzzer's (a direct call)
  observer* obs_ = nullptr;
  vtime now_ = kStartTime;
  int running_ = -1;
  int last_ = 0;
  std::uint64_t steps_ = 0;
  std::uint64_t wait_seq_ = 0;
  int sleeping_ = 0;  // threads blocked in a futex or condition-variable wait
  int parked_ = 0;
  int parked_from_ = kMaxThreads;
  bool ended_ = false;
  int handoff_ = kNoPick;  // the next thread, chosen by the thread whose step ended (point())
  bool stepped_ = false;   // the running thread ended its step itself and came back to the host
  vtime idle_until_ = -1;  // set by idle_until() during at_quiescence(); -1: none
  run_trace trace_;
  bool quiet_ = false;
  bool order_checking_ = true;
  bool stutter_elision_ = false;
  // The address the running thread's last event loaded, while stutter elision is on and no other
  // event, step boundary or time step came after it; else nullptr. stutter_run_: loads elided
  // in a row.
  const void* stutter_ = nullptr;
  int stutter_run_ = 0;
  happens_before hb_;
  race_detector races_;
  ev last_event_ = ev::load;
  run_end end_;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_SCHEDULER_H_
