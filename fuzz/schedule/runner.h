// Runs a decoded program against a semaphore on the simulated platform and checks the oracles.
//
// Sem is any contract::fuzzable_semaphore over sim::sim_platform (the real algorithms, or
// deliberately broken ones in tests). What a call may return and how long it may sleep is stated
// once in fuzz/oracles/contract.h; this runner judges every call by it with what virtual time lets
// it know exactly (the least available() during the call, its deadline from its first clock read),
// and adds the oracles only a scheduler can check. Each has its own verdict kind:
//   bad-result, infinite-timeout, early-timeout, try-acquire   contract::judge() on each return.
//   late-timeout, try-acquire  contract::sleep_rule() on each futex / condvar wait: a try-once
//                  call never sleeps, a bounded one never past its deadline (a semaphore with a
//                  coarser timeout_resolution_ns, fuzz/oracles/capabilities.h: less than that past
//                  it).
//   conservation   after every step: available() lies between what completed operations and
//                  in-flight ones allow; at quiescence it equals the ledger.
//   lost-wakeup    at quiescence: no sleeper in an acquire whose request fits available().
//   use after destroy  destroy mode (the owner-destroys protocol, fuzz/oracles/contract.h); ASan
//                  reports any touch after T0's delete.
//   data-race      the ordering promise (fuzz/oracles/ordering_oracle.h): each acquire's tokens can
//   be
//                  matched to releases that happen-before its return, by the scheduler's
//                  happens-before clocks (when its order checking is on, the default).
//   wasted-wake    split64 only, either platform (it counts its waiters: exact wakes): a release
//                  whose futex wake comes although no other thread was in a call that may block
//                  at any point of the release, so nobody can have been registered.
//
// Black-box mode, for a Sem that lacks a capability (fuzz/oracles/capabilities.h says which, and
// what becomes of each oracle): the threads run contract::expand_operations(), and without
// available() the ledger stands in. A Sem with every capability runs exactly as before.
//
// Where the parts live: the thread loop and the owner-destroys protocol are every runner's
// (fuzz/schedule/run_skeleton.h); what is known of the calls in flight, and the oracles judged from
// that alone (the sleep rule, black-box mode), is fuzz/schedule/sim_call_book.h; the rest is here.
#ifndef SEMFUZZ_FUZZ_RUNNER_H_
#define SEMFUZZ_FUZZ_RUNNER_H_

#include <algorithm>
#include <chrono>
#include <concepts>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/capabilities.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/oracles/ordering_oracle.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/run_skeleton.h"
#include "fuzz/schedule/sim_call_book.h"
#include "fuzz/sim/feedback.h"
#include "fuzz/sim/scheduler.h"
#include "fuzz/sim/sim_platform.h"
#include "semfuzz/internal/limits.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {

struct run_result {
  verdict outcome;
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;  // scheduling steps the run took
};

template <contract::fuzzable_semaphore Sem>
class program_runner final : public sim_call_book, public sim::observer {
 public:
  program_runner(const program& prog, sim::scheduler& sched, bool trace)
      : sim_call_book(prog, sched, trace, kCaps, contract::max_timeout_ns<Sem>()),
        destroy_(prog.owner_destroys &&
                 (!kBlackBox || contract::peers_end_with_release(expanded_ops()))),
        ordered_(sched.order_checking()),
        relative_waits_(contract::relative_timed_waits<Sem>()),
        multi_token_lost_(contract::multi_token_wakeups_lost<Sem>()) {}

  // `choose` decides the schedule (sim::byte_stream_chooser: the input's choice bytes; its static
  // type picks the scheduler's direct path, sim::scheduler::run).
  template <std::derived_from<sim::chooser> C>
  run_result run(C& choose) {
    sim::scheduler::scope scope(sched_);
    sched_.set_weak_memory(prog_.weak_memory, prog_.futex_fence);  // format v2 options
    sched_.set_stutter_elision(prog_.version >= 2);  // format v2: stutters are no choice
    sem_ = std::make_unique<Sem>(prog_.initial);
    sim::reset_states();
    promise_.reset(prog_.initial);
    if (trace_) std::fprintf(stderr, "%s", describe(prog_).c_str());
    run_result r;
    r.outcome = verdict_of(sched_.run(static_cast<int>(prog_.threads.size()), &program_runner::body,
                                      this, choose, this, trace_));
    if constexpr (kDestroyInRun) {
      if (destroyer_ >= 0 && !r.outcome.failed()) {
        r.outcome = {verdict_kind::lost_wakeup,
                     "nothing can run, but T" + std::to_string(destroyer_) +
                         " is blocked for good in the semaphore's destructor"};
      }
      destroyer_ = -1;
      // Still there after a verdict: a thread may have been abandoned inside a call, so its
      // destructor would be undefined: it is abandoned, never destroyed nor freed. Threads
      // blocked for good (no verdict): deleted below, outside any simulated thread, where it
      // cannot block (such runs are common, and an abandoned object costs each one a leak
      // check of libFuzzer's).
      if (sem_ && r.outcome.failed()) sem_.release()->abandon();
    }
    sem_.reset();
    r.trace_hash = sched_.trace_hash();
    r.steps = sched_.steps();
    return r;
  }

 private:
  static constexpr std::int64_t kMax = contract::kMax;
  static constexpr contract::capabilities kCaps = contract::capabilities_of<Sem>;
  static constexpr bool kBlackBox = kCaps.black_box();
  static constexpr std::int64_t kResolution = contract::timeout_resolution_ns<Sem>;
  // Black-box destroy mode: the most single-token acquires T0's last acquire may become.
  static constexpr std::int64_t kMaxSplitTakes = 64;
  // The traits of fuzz/oracles/capabilities.h this runner reads at compile time: whether the
  // wasted-wake oracle applies, and whether Sem's destructor is code under test (it then runs on a
  // simulated thread, never in harness code: the owner's delete (destroy mode) is no harness
  // section, and otherwise the last thread to finish destroys the semaphore as the run's final
  // step, after the end state is judged; else Sem is destroyed after the run, the simulated
  // platform's destructors doing nothing a scheduler sees).
  static constexpr bool kExactWakes = contract::exact_wakes<Sem>;
  static constexpr bool kDestroyInRun = contract::destroy_in_run<Sem>;

  static void body(void* self, int thread) {
    skeleton::run_thread(*static_cast<program_runner*>(self), thread);
  }

 public:
  // ---- The skeleton's hooks (fuzz/schedule/run_skeleton.h)
  using sim_call_book::ops_of;
  bool keeps_going() const { return true; }  // the scheduler stops a failed run's fibers itself
  void begin_op(int t, std::size_t i) { ctx_[t].op_index = i; }
  bool destroy_mode() const { return destroy_; }
  // T0 parks until after_step() sees its peers in their final releases.
  bool await_peers() {
    if (!skeleton::peers_in_final_release(*this, ctx_.size())) sched_.park();
    return true;
  }
  std::int64_t tokens_to_take() const { return ledger_.tokens() + in_flight(); }
  // T0's last acquire: one call, or one call per token for a single-token semaphore (up to
  // kMaxSplitTakes; beyond that it takes nothing and deletes nothing). Whether it took them all.
  bool take_all(const operation& last) {
    if (kCaps.multi_token || last.n <= 1) return execute(0, last);
    if (last.n > kMaxSplitTakes) return false;
    operation one = last;
    one.n = 1;
    for (std::int64_t i = 0; i < last.n; ++i) {
      if (!execute(0, one)) return false;
    }
    return true;
  }
  void destroy() {
    note("T0 deletes the semaphore");
    destroy_on(0);
    destroyed_ = true;
  }
  void thread_finished(int t) {
    ctx_[t].finished = true;
    if constexpr (kDestroyInRun) {
      // The final destroyer joins every finished thread (as a program joins its threads before
      // it destroys what they shared): release here, acquire in final_destroy().
      if (sim::happens_before* hb = sched_.ordering()) hb->rmw(t, &ctx_, std::memory_order_release);
      if (sem_ && all_finished()) final_destroy(t);
    }
  }

 private:
  // The run's final step for a Sem whose destructor is code under test (kDestroyInRun): the end
  // state is judged as at quiescence, then thread t, the last to finish, destroys the semaphore.
  void final_destroy(int t) {
    if constexpr (kCaps.counts) at_quiescence();
    if (sched_.failed()) return;
    note("T" + std::to_string(t) + " destroys the semaphore (every thread has finished)");
    if (sim::happens_before* hb = sched_.ordering()) hb->load(t, &ctx_, std::memory_order_acquire);
    destroy_on(t);
  }

  // Thread t deletes the semaphore: in a harness section for a Sem whose destructor is not code
  // under test, else as the thread's own code (scheduling points, futex waits).
  void destroy_on(int t) {
    if constexpr (kDestroyInRun) {
      destroyer_ = t;
      sem_.reset();
      destroyer_ = -1;
    } else {
      sim::scheduler::harness_section quiet(sched_);
      sem_.reset();
    }
  }

  // available() read by the harness: no scheduling point, no event. Never for a Sem that cannot
  // count (black-box mode uses the ledger instead).
  std::int64_t available_now() const {
    if (!sem_) return 0;
    sim::scheduler::harness_section quiet(sched_);
    return sem_->available();
  }

  // The skeleton's hook too: runs one operation on thread t and checks its result. Returns
  // whether tokens were taken.
 public:
  bool execute(int t, const operation& op) {
    thread_ctx& c = ctx_[t];
    c.op = op;
    c.start = sched_.now();
    c.first_clock = -1;
    c.last_clock = -1;
    c.waits = 0;
    c.min_available = kCaps.counts ? available_now() : ledger_floor(t, in_flight(true));
    c.wait = contract::patience_at(op, c.start, cap_ns_);
    c.blocking_overlap = false;
    c.overlapped = calls_in_flight() > 0;
    c.in_op = true;
    calls_changed_ = true;
    if constexpr (!kCaps.counts) black_box_call_begins();
    if (trace_) note("T" + std::to_string(t) + " > " + describe(op));
    const int release_id =
        ordered_ && op.kind == op_kind::release && valid(op.n) && op.n > 0
            ? promise_.release_begins({t, op, sched_.steps()}, sched_.clocks().now(t))
            : -1;
    const contract::call_result r = contract::invoke(*sem_, op, cap_ns_, [&] {
      return sim::sim_clock::time_point(sim::sim_clock::duration(c.start));
    });
    // release: its last shared-memory event was a futex wake
    const bool woke = op.kind == op_kind::release && r.result == contract::outcome::returned_true &&
                      op.n > 0 && sched_.last_event() == sim::ev::futex_wake;
    c.in_op = false;
    calls_changed_ = true;
    if (trace_)
      note("T" + std::to_string(t) + " < " + describe(op) + " = " + contract::outcome_name(r));
    check(t, c, r);
    // Weak memory: a release may read an older state counting a waiter who has left.
    if (kExactWakes && woke && !c.blocking_overlap && !prog_.weak_memory) {
      fail(verdict_kind::wasted_wake,
           msg::who(t, op) +
               " made a futex wake, but no other thread was in a call that may block at "
               "any point of the release: nobody can have been registered");
    }
    const bool took = ledger_.record(op, r.result);
    if (kBlackBox && took) check_ledger(t, op);
    if (release_id >= 0 && r.result != contract::outcome::returned_true &&
        !promise_.release_failed(release_id)) {
      fail(verdict_kind::data_race, promise_.violation());
    }
    if (ordered_ && took && op.n > 0 &&
        !promise_.acquired({t, op, sched_.steps()}, sched_.clocks().clock(t))) {
      fail(verdict_kind::data_race, promise_.violation());
    }
    return took;
  }

 private:
  void check(int t, const thread_ctx& c, const contract::call_result& r) {
    contract::knowledge k;
    k.wait = c.wait;
    // Weak memory (docs/memory-model.md): a call may read an older count than the newest.
    k.least_available =
        (kCaps.strong_try || !c.overlapped) && !prog_.weak_memory ? c.min_available : -1;
    // Black-box mode: a deadline past the clock's range (now + timeout overflows, which the
    // standard leaves undefined) is not judged.
    k.deadline_passed = c.wait != patience::bounded || sched_.now() >= allowed_deadline(c) ||
                        (kBlackBox && allowed_deadline(c) == INT64_MAX);
    // std::overflow_error is possible only near max(): tokens (with releases still in flight),
    // plus blocked waiters in the split64 layout.
    const std::int64_t threads = static_cast<std::int64_t>(ctx_.size());
    // (With weak memory, the call may have read an older count, near max().)
    k.overflow_plausible = r.result == contract::outcome::threw_overflow &&
                           (ledger_.tokens() + in_flight() + c.op.n + threads > kMax ||
                            c.min_available + threads >= kMax || prog_.weak_memory);
    verdict v = contract::judge(c.op, r, k);
    if (!v.failed()) return;
    if (v.kind == verdict_kind::early_timeout) {
      v.message = msg::early_timeout(sched_.now() - c.start, allowed_deadline(c) - c.start);
    } else if (r.result == contract::outcome::threw_overflow) {
      v.message += " (ledger " + std::to_string(ledger_.tokens()) + ")";
    }
    fail(v.kind, msg::who(t, c.op) + v.message);
  }

  // ---- sim::observer
  void on_clock_read(int t, sim::vtime now) override { book_clock_read(t, now); }
  void on_wait(int t, sim::vtime deadline) override {
    check_wait(t, deadline, relative_waits_, kResolution);
  }
  void on_futex_call(const sim::futex_call& call) override { check_futex_call(sched_, call); }

  void after_step(std::uint64_t steps) override {
    if (!check_step_bound(sched_, steps)) return;  // runaway
    if (sched_.any_parked() && skeleton::peers_in_final_release(*this, ctx_.size())) {
      sched_.unpark(0);
    }
    if (!sem_) return;
    if constexpr (!kCaps.counts) {
      note_abstract_state(ledger_.tokens());
      return;
    }
    const std::int64_t avail = available_now();
    note_abstract_state(avail);
    // The bounds and overlaps below depend only on avail, the calls in flight and the ledger:
    // unchanged since the last step, so is what this step would find.
    if (avail == checked_avail_ && !calls_changed_) return;
    checked_avail_ = avail;
    calls_changed_ = false;
    std::int64_t low = ledger_.tokens(), high = low;
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      thread_ctx& c = ctx_[i];
      if (!c.in_op || !valid(c.op.n)) continue;
      if (avail < c.min_available) c.min_available = avail;
      if (c.op.kind == op_kind::release) high += c.op.n;
      if (contract::takes_tokens(c.op.kind)) low -= c.op.n;
      if (kExactWakes && c.op.kind == op_kind::release && !c.blocking_overlap) {
        for (std::size_t j = 0; j < ctx_.size(); ++j) {
          c.blocking_overlap |= j != i && ctx_[j].in_op && ctx_[j].wait != patience::none;
        }
      }
    }
    if (avail < 0 || avail > kMax || avail < low || avail > high) {
      fail(verdict_kind::conservation,
           "available() = " + std::to_string(avail) + " outside [" +
               std::to_string(std::max<std::int64_t>(low, 0)) + ", " + std::to_string(high) +
               "] allowed by initial " + std::to_string(prog_.initial) + ", released " +
               std::to_string(ledger_.released()) + ", acquired " +
               std::to_string(ledger_.acquired()) + " and the calls in flight");
    }
  }

  void at_quiescence() override {
    if (!sem_) return;
    if constexpr (!kCaps.counts) {
      black_box_quiescence(contract::futex_waits_poll<Sem>());
      return;
    }
    const std::int64_t avail = available_now();
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      const thread_ctx& c = ctx_[i];
      if (c.in_op && contract::takes_tokens(c.op.kind) && valid(c.op.n) && c.op.n <= avail &&
          !(multi_token_lost_ && c.op.n > 1)) {  // (a known bug stepped around)
        fail(
            verdict_kind::lost_wakeup,
            msg::sleeper_lost(static_cast<int>(i), c.op, "available() = " + std::to_string(avail)));
        return;
      }
    }
    bool releasing = false;
    for (const thread_ctx& c : ctx_) releasing |= c.in_op && c.op.kind == op_kind::release;
    if (!releasing && avail != ledger_.tokens()) {
      fail(verdict_kind::conservation,
           msg::conservation_at_rest("at quiescence", avail, prog_.initial, ledger_.released(),
                                     ledger_.acquired()));
    }
  }

  const bool destroy_;  // the owner-destroys protocol runs
  // What after_step() last checked: available() then, and whether a call began or returned since.
  std::int64_t checked_avail_ = -1;
  bool calls_changed_ = true;
  std::unique_ptr<Sem> sem_;
  bool destroyed_ = false;
  int destroyer_ = -1;  // the thread inside the semaphore's destructor (kDestroyInRun), or -1
  const bool ordered_;  // the scheduler checks happens-before: check the ordering promise
  ordering_oracle promise_;
  // Known bugs stepped around (fuzz/oracles/capabilities.h), asked once, outside the run: an
  // instrumented Sem answers in instrumented code, which must make no scheduling point inside the
  // futex model (on_wait) or at quiescence.
  const bool relative_waits_;
  const bool multi_token_lost_;
};

template <template <class> class A>
concept sim_fuzzable = contract::fuzzable_semaphore<basic_semaphore<A, sim::sim_platform>>;
static_assert(sim_fuzzable<internal::split64_core> && sim_fuzzable<internal::word32_core> &&
              sim_fuzzable<internal::condvar_core>);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RUNNER_H_
