// The real-thread target: a decoded program (fuzz/input/program.h, the schedule target's format)
// runs on real threads from a pool created once, against any semaphore behind an adapter.
//
// What it checks, beyond what the sanitizers see:
//   lost-wakeup       a watchdog: every unfinished thread blocked in an untimed acquire, no
//                     progress, and a blocked request fits the tokens the completed calls leave,
//                     for a whole confirmation period. (When no request fits, the program itself
//                     deadlocked: the watchdog releases the missing tokens and the run goes on.)
//   early-timeout     a timed acquire returned false before its timeout elapsed (steady clock).
//   late-timeout      a timed acquire still had not returned a confirmation period after its
//                     timeout (the watchdog).
//   infinite-timeout  an infinite timeout gave up.
//   bad-result        an invalid count was not rejected (for adapters that promise to reject).
//   conservation      at the end, available() equals initial + released - acquired.
//   data race         (TSan) in programs with one releasing thread and no initial tokens, the
//                     releaser writes a plain payload before each release and every successful
//                     acquirer reads the first one after it: a release or acquire without the
//                     ordering it promises is a race.
//   use after destroy (ASan) destroy mode, as in the schedule target, for programs whose
//                     releases cannot overflow.
// What each call may return is judged by fuzz/oracles/contract.h (judge), with what real threads
// let this runner know: the patience, and the elapsed time against the timeout. Differences from
// the schedule target, by necessity: finite timeouts are capped at 2 ms of real time (the real-time
// rule, fuzz/oracles/contract.h); the choice stream becomes per-thread perturbation bytes
// (fuzz/threads/perturb.h); runs are not reproducible step by step, only likely to recur.
//
// Adapter is any threads::thread_adapter (fuzz/threads/adapters.h).
//
// Synchronisation: the pool hands each run to each worker through a start slot of its own and
// collects them under a mutex taken after each job (pool.h); during a run the workers share only
// the semaphore and relaxed atomics, so the harness adds no happens-before edge between them that
// could hide the semaphore's own (destroy mode aside: see book_).
#ifndef SEMFUZZ_FUZZ_THREADS_RUNNER_H_
#define SEMFUZZ_FUZZ_THREADS_RUNNER_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/capabilities.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/run_skeleton.h"
#include "fuzz/sim/feedback.h"
#include "fuzz/threads/adapters.h"
#include "fuzz/threads/perturb.h"
#include "fuzz/threads/pool.h"
#include "semfuzz/internal/limits.h"

namespace semfuzz::threads {

struct thread_options {
  std::chrono::milliseconds quiet{5};       // no progress this long: look at the blocked threads
  std::chrono::milliseconds confirm{1500};  // a fitting request must stay blocked this long
};

template <thread_adapter Adapter>
class thread_runner {
 public:
  thread_runner(const program& prog, const std::uint8_t* choices, std::size_t size,
                worker_pool& pool, thread_options options)
      : prog_(prog),
        pool_(pool),
        options_(options),
        threads_(static_cast<int>(prog.threads.size())),
        ledger_(prog.initial) {
    expand_ops();
    // The choice stream, dealt out to the threads as perturbation bytes.
    perturbation_.resize(threads_);
    for (std::size_t i = 0; i < size; ++i) perturbation_[i % threads_].push_back(choices[i]);
    int releasers = 0;
    for (const auto& ops : ops_) {
      releasers += std::any_of(ops.begin(), ops.end(),
                               [](const operation& o) { return o.kind == op_kind::release; });
    }
    payload_checked_ = Adapter::payload_check && releasers == 1 && prog.initial == 0;
    // Destroy mode needs every final release to succeed: T0 learns that they ran only through
    // the tokens its last acquire takes from them (that acquire is what orders the delete after
    // them). So it is kept only for programs whose releases cannot overflow.
    std::int64_t total = prog.initial + kRescueMargin;
    for (const auto& ops : ops_) {
      for (const operation& o : ops) total += o.kind == op_kind::release && valid(o.n) ? o.n : 0;
    }
    destroy_ = prog.owner_destroys && total <= kMax;
    // In destroy mode T0 sizes its last acquire from the other threads' bookkeeping, which must
    // then be exact when it reads it: sequentially consistent (this hides ordering bugs from
    // TSan in such runs, which are about use after destroy). Otherwise relaxed: the workers
    // share no happens-before edge but the semaphore's.
    book_ = destroy_ ? std::memory_order_seq_cst : std::memory_order_relaxed;
  }

  // Feeds what happened to libFuzzer's extra counters (from the calling thread, after run()):
  // each call's kind and outcome in program order, and the watchdog's rescues.
  void note_outcomes() const {
    sim::reset_states();
    for (int t = 0; t < threads_; ++t) {
      for (std::size_t i = 0; i < outcomes_[t].size(); ++i) {
        sim::note_state(static_cast<std::uint32_t>(t) << 16 | static_cast<std::uint32_t>(i) << 8 |
                        outcomes_[t][i]);
      }
    }
    sim::note_state(0xFF0000u | static_cast<std::uint32_t>(std::min(rescues_, 15)));
  }

  // Runs the program and returns the first violation. A lost wakeup leaves threads blocked for
  // good, so it is reported (report_and_abort) and ends the process from here.
  verdict run() {
    sem_ = new Adapter(prog_.initial);
    ctx_ = std::make_unique<thread_ctx[]>(threads_);
    outcomes_.assign(threads_, {});
    for (int t = 0; t < threads_; ++t) outcomes_[t].reserve(ops_[t].size() + 1);
    pool_.run(
        threads_,
        [this](int t) {
          set_perturbation(perturbation_[t].data(), perturbation_[t].size());
          skeleton::run_thread(*this, t);
          set_perturbation(nullptr, 0);
        },
        [this] { return watchdog(); });
    if (abandoned_) report_and_abort(verdict_);  // its workers are still blocked: end here
    if (!destroyed_.load()) {
      const std::int64_t avail = sem_->available();
      if (!failed_.load() && avail >= 0 && avail != ledger_.tokens(book_)) {
        fail(verdict_kind::conservation,
             msg::conservation_at_rest("at the end", avail, prog_.initial, ledger_.released(book_),
                                       ledger_.acquired(book_)));
      }
      delete sem_;
    }
    return verdict_;
  }

 private:
  static constexpr std::int64_t kMax = contract::kMax;
  static constexpr std::int64_t kTimeoutCapNs = 2'000'000;
  static constexpr std::int64_t kRescueMargin = 1 << 20;  // room for the watchdog's releases
  enum class state : int { idle, blocking, timed, running, barrier, finished };

  struct thread_ctx {
    std::atomic<int> phase{static_cast<int>(state::idle)};
    std::atomic<std::int64_t> request{0};  // n of the blocking call
    std::atomic<std::size_t> op_index{0};
    // While a timed call runs, its deadline (steady clock, ns since its epoch); otherwise 0.
    std::atomic<std::int64_t> due_ns{0};
  };

  static bool valid(std::int64_t n) { return contract::valid_count(n); }
  static std::int64_t steady_ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }

  // The program's calls as the adapter can take them (fuzz/oracles/capabilities.h:
  // expand_operations), with room kept for the watchdog's rescues.
  void expand_ops() {
    ops_ = contract::expand_operations(prog_, contract::capabilities_of<Adapter>, kRescueMargin);
  }

  void fail(verdict_kind kind, const std::string& message) {
    bool expected = false;
    if (failed_.compare_exchange_strong(expected, true)) {
      verdict_.kind = kind;
      verdict_.message = message;
    }
  }

  // ---- The skeleton's hooks (fuzz/schedule/run_skeleton.h)
 public:
  const std::vector<operation>& ops_of(int t) const { return ops_[t]; }
  bool keeps_going() const { return !failed_.load(std::memory_order_relaxed); }
  void begin_op(int t, std::size_t i) { ctx_[t].op_index.store(i, book_); }
  void thread_finished(int t) { ctx_[t].phase.store(static_cast<int>(state::finished), book_); }
  bool destroy_mode() const { return destroy_; }
  bool done_or_final(std::size_t i) const {
    const int phase = ctx_[i].phase.load(book_);
    return phase == static_cast<int>(state::finished) ||
           (!ops_[i].empty() && ctx_[i].op_index.load(book_) + 1 == ops_[i].size() &&
            phase == static_cast<int>(state::running));
  }
  // The peers' final releases are known to run only through the tokens T0's last acquire takes
  // from them.
  bool await_peers() {
    ctx_[0].phase.store(static_cast<int>(state::barrier), book_);
    while (!skeleton::peers_in_final_release(*this, threads_)) {
      if (failed_.load(std::memory_order_relaxed)) return false;
      std::this_thread::yield();
    }
    return true;
  }
  std::int64_t tokens_to_take() const {
    std::int64_t all = ledger_.tokens(book_);
    for (int i = 1; i < threads_; ++i) {
      if (ctx_[i].phase.load(book_) != static_cast<int>(state::finished)) all += ops_[i].back().n;
    }
    return all;
  }
  bool take_all(const operation& last) { return execute(0, last); }
  void destroy() {
    destroyed_.store(true, std::memory_order_relaxed);
    delete sem_;  // the other threads may still be inside their final release()
  }

  // Runs one operation and checks what it returned. Returns whether tokens were taken.
  bool execute(int t, const operation& op) {
    using clock = std::chrono::steady_clock;
    using contract::outcome;
    thread_ctx& c = ctx_[t];
    const contract::patience wait = contract::patience_of(op);
    const bool unbounded = wait == contract::patience::forever;
    // Every call with a finite timeout, try-once ones too: the watchdog expects it to return.
    const bool timed = !unbounded && contract::has_timeout(op.kind);
    const std::int64_t timeout = contract::timeout_ns(op, kTimeoutCapNs);
    c.request.store(op.n, std::memory_order_relaxed);
    if (timed) c.due_ns.store(steady_ns(clock::now()) + std::max<std::int64_t>(timeout, 0), book_);
    c.phase.store(static_cast<int>(unbounded ? state::blocking
                                   : timed   ? state::timed
                                             : state::running),
                  book_);
    perturb();
    const clock::time_point start = clock::now();
    if (op.kind == op_kind::release && payload_checked_ && valid(op.n) && op.n > 0) {
      payload_[std::min<std::size_t>(releases_written_++, kPayloadCells - 1)] = 0x5EAF00D + t;
    }
    // Counted before the call and taken back if it throws, so that the ledger never lags the
    // tokens a release has made visible (T0's last acquire in destroy mode is sized from it).
    const bool counts = op.kind == op_kind::release && valid(op.n);
    if (counts) ledger_.add_released(op.n, book_);
    const contract::call_result r =
        contract::invoke(*sem_, op, kTimeoutCapNs, [&] { return start; });
    const bool threw_invalid = r.result == outcome::threw_invalid;
    const bool threw_overflow = r.result == outcome::threw_overflow;
    if (counts && (threw_invalid || threw_overflow)) ledger_.add_released(-op.n, book_);
    const std::int64_t elapsed_ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now() - start).count();
    if (timed) c.due_ns.store(0, book_);
    c.phase.store(static_cast<int>(state::running), book_);
    progress_.fetch_add(1, std::memory_order_relaxed);
    outcomes_[t].push_back(static_cast<std::uint8_t>(
        static_cast<int>(op.kind) << 4 | (r.result != outcome::returned_false) |
        threw_invalid << 1 | threw_overflow << 2 | (elapsed_ns > kTimeoutCapNs) << 3));
    contract::knowledge k;
    k.wait = wait;
    k.deadline_passed = !(timed && timeout > 0 && elapsed_ns < timeout);
    k.count_may_be_unknown = true;
    verdict v = contract::judge(op, r, k);
    if (v.failed()) {  // strings only on failure: worker threads stay out of the decoder
      if (v.kind == verdict_kind::early_timeout)
        v.message = msg::early_timeout(elapsed_ns, timeout);
      fail(v.kind, msg::who(t, op) + v.message);
      return false;
    }
    // Releases were booked before the call.
    if (op.kind == op_kind::release || !ledger_.record(op, r.result, book_)) return false;
    // Without a rescue before this acquire, its tokens came from the single releaser, whose first
    // release therefore precedes it: the payload written before that release must be visible.
    if (payload_checked_ && op.n > 0 && !rescued_.load(std::memory_order_relaxed)) {
      volatile std::uint64_t seen = payload_[0];
      (void)seen;
    }
    return true;
  }

 private:
  // Called by the pool every few milliseconds while the run is unfinished. Returns false to give
  // up waiting (after a reported lost wakeup).
  bool watchdog() {
    using clock = std::chrono::steady_clock;
    const auto now = clock::now();
    const std::uint64_t progress = progress_.load(std::memory_order_relaxed);
    if (progress != last_progress_) {
      last_progress_ = progress;
      quiet_since_ = now;
      suspect_since_ = {};
      return true;
    }
    if (now - quiet_since_ < options_.quiet) return true;
    blocked b;
    if (!scan_quiet(now, b)) return false;
    if (b.working || b.smallest < 0) return true;
    const std::int64_t tokens = ledger_.tokens(book_);
    if (b.smallest <= tokens) {  // someone should have got its tokens
      if (suspect_since_ == clock::time_point{}) suspect_since_ = now;
      if (now - suspect_since_ < options_.confirm) return true;
      fail(verdict_kind::lost_wakeup,
           "all unfinished threads blocked for " +
               std::to_string(
                   std::chrono::duration_cast<std::chrono::milliseconds>(now - quiet_since_)
                       .count()) +
               " ms, yet a blocked acquire(" + std::to_string(b.smallest) + ") fits the " +
               std::to_string(tokens) + " tokens left\n" + describe(prog_));
      abandoned_ = true;
      return false;
    }
    rescue(b.largest, tokens);  // the program deadlocked by itself
    quiet_since_ = now;
    return true;
  }

  // The unfinished threads, once the run is quiet: is every one parked in an untimed acquire (or
  // T0 at its barrier)? working: some thread still works or times out; smallest, largest: what
  // the blocked acquires ask for (smallest < 0: none blocks).
  struct blocked {
    bool working = false;
    std::int64_t smallest = -1, largest = 0;
  };
  // Fills b; false when a timed call is `confirm` past its timeout (late-timeout, reported).
  bool scan_quiet(std::chrono::steady_clock::time_point now, blocked& b) {
    for (int t = 0; t < threads_; ++t) {
      const int phase = ctx_[t].phase.load(book_);
      if (phase == static_cast<int>(state::finished) || phase == static_cast<int>(state::barrier))
        continue;
      // A timed call must return soon after its (capped) timeout; `confirm` past it, it won't.
      const std::int64_t due = ctx_[t].due_ns.load(book_);
      if (due != 0 && steady_ns(now) - due > std::chrono::nanoseconds(options_.confirm).count()) {
        const operation& op = ops_[t][ctx_[t].op_index.load(book_)];
        fail(verdict_kind::late_timeout, msg::who(t, op) + " still blocked " +
                                             std::to_string((steady_ns(now) - due) / 1'000'000) +
                                             " ms after its timeout\n" + describe(prog_));
        abandoned_ = true;
        return false;
      }
      if (phase != static_cast<int>(state::blocking)) {
        b.working = true;  // still working or timing out
        continue;
      }
      const std::int64_t n = ctx_[t].request.load(std::memory_order_relaxed);
      b.smallest = b.smallest < 0 ? n : std::min(b.smallest, n);
      b.largest = std::max(b.largest, n);
    }
    return true;
  }

  // The program deadlocked by itself: supply what the largest request lacks, and go on.
  void rescue(std::int64_t largest, std::int64_t tokens) {
    const std::int64_t missing =
        std::min(largest - tokens, kMax - std::max<std::int64_t>(tokens, 0));
    if (missing > 0 && !destroyed_.load(std::memory_order_relaxed)) {
      rescued_.store(true, std::memory_order_relaxed);
      ++rescues_;
      ledger_.add_released(missing, book_);
      try {
        sem_->release(missing);
      } catch (const std::overflow_error&) {
        ledger_.add_released(-missing, book_);
      }
    }
  }

  static constexpr std::size_t kPayloadCells = 64;

  const program& prog_;
  worker_pool& pool_;
  const thread_options options_;
  const int threads_;
  std::vector<std::vector<operation>> ops_;
  std::vector<std::vector<std::uint8_t>> perturbation_;
  Adapter* sem_ = nullptr;  // set before the workers start; T0 may delete it in destroy mode
  std::unique_ptr<thread_ctx[]> ctx_;
  contract::token_ledger<std::atomic<std::int64_t>> ledger_;
  std::atomic<std::uint64_t> progress_{0};
  std::atomic<bool> failed_{false};
  std::atomic<bool> destroyed_{false};
  std::atomic<bool> rescued_{false};
  verdict verdict_;
  bool payload_checked_ = false;
  bool abandoned_ = false;  // the watchdog gave up on blocked workers (main thread only)
  bool destroy_ = false;
  std::memory_order book_ = std::memory_order_relaxed;  // see the constructor
  std::uint64_t payload_[kPayloadCells] = {};           // plain: the semaphore must order these
  std::size_t releases_written_ = 0;                 // touched by the single releasing thread only
  std::vector<std::vector<std::uint8_t>> outcomes_;  // outcomes_[t]: written by worker t only
  int rescues_ = 0;                                  // the watchdog's (main thread's) own
  std::uint64_t last_progress_ = ~0ull;
  std::chrono::steady_clock::time_point quiet_since_{};
  std::chrono::steady_clock::time_point suspect_since_{};
};

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_RUNNER_H_
