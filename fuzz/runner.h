// Runs a decoded program against a semaphore on the simulated platform and checks the oracles.
//
// Sem is any contract::fuzzable_semaphore over sim::sim_platform (the real algorithms, or
// deliberately broken ones in tests). What a call may return and how long it may sleep is stated
// once in fuzz/contract.h; this runner judges every call by it with what virtual time lets it know
// exactly (the least available() during the call, its deadline from its first clock read), and
// adds the oracles only a scheduler can check. Each has its own verdict kind:
//   bad-result, infinite-timeout, early-timeout, try-acquire   contract::judge() on each return.
//   late-timeout, try-acquire  contract::sleep_rule() on each futex / condvar wait: a try-once
//                  call never sleeps, a bounded one never past its deadline (a semaphore with a
//                  coarser timeout_resolution_ns, fuzz/capabilities.h: less than that past it).
//   conservation   after every step: available() lies between what completed operations and
//                  in-flight ones allow; at quiescence it equals the ledger.
//   lost-wakeup    at quiescence: no sleeper in an acquire whose request fits available().
//   use after destroy  destroy mode (the owner-destroys protocol, fuzz/contract.h); ASan
//                  reports any touch after T0's delete.
//   data-race      the ordering promise (fuzz/ordering_oracle.h): each acquire's tokens can be
//                  matched to releases that happen-before its return, by the scheduler's
//                  happens-before clocks (when its order checking is on, the default).
//   wasted-wake    split64 only, either platform (it counts its waiters: exact wakes): a release
//                  whose futex wake comes although no other thread was in a call that may block
//                  at any point of the release, so nobody can have been registered.
//
// Black-box mode, for a Sem that lacks a capability (fuzz/capabilities.h says which, and what
// becomes of each oracle): the threads run contract::expand_operations(), and without
// available() the ledger stands in. A Sem with every capability runs exactly as before.
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

#include "fuzz/capabilities.h"
#include "fuzz/contract.h"
#include "fuzz/ordering_oracle.h"
#include "fuzz/program.h"
#include "fuzz/sim/feedback.h"
#include "fuzz/sim/scheduler.h"
#include "fuzz/sim/sim_platform.h"
#include "fuzz/sim_oracles.h"
#include "fuzz/verdict.h"
#include "semfuzz/internal/limits.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {

struct run_result {
  verdict outcome;
  std::uint64_t trace_hash = 0;
  std::uint64_t steps = 0;  // scheduling steps the run took
};

template <contract::fuzzable_semaphore Sem>
class program_runner final : public sim::observer {
 public:
  program_runner(const program& prog, sim::scheduler& sched, bool trace)
      : prog_(prog),
        sched_(sched),
        trace_(trace),
        ctx_(prog.threads.size()),
        ops_(contract::expand_operations(prog, kCaps, 0)),
        destroy_(prog.owner_destroys && (!kBlackBox || contract::peers_end_with_release(ops_))),
        ledger_(prog.initial),
        ordered_(sched.order_checking()),
        relative_waits_(contract::relative_timed_waits<Sem>()),
        multi_token_lost_(contract::multi_token_wakeups_lost<Sem>()),
        cap_ns_(contract::max_timeout_ns<Sem>()) {}

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
  // Whether Sem wakes only registered waiters (split64; an adapter says so with a static member
  // exact_wakes), so the wasted-wake oracle applies.
  static constexpr bool kExactWakes = [] {
    if constexpr (requires { Sem::exact_wakes; }) return static_cast<bool>(Sem::exact_wakes);
    return std::is_same_v<Sem, basic_semaphore<internal::split64_core, sim::sim_platform>>;
  }();
  // Whether Sem's destructor is code under test (an instrumented adapter's, which may use atomics
  // and block: Sem::destroy_in_run, with abandon()): it then runs on a simulated thread, never
  // in harness code: the owner's delete (destroy mode) is no harness section, and otherwise the
  // last thread to finish destroys the semaphore as the run's final step, after the end state is
  // judged. A Sem without the member is destroyed after the run (the simulated platform's
  // destructors do nothing a scheduler sees).
  static constexpr bool kDestroyInRun = [] {
    if constexpr (requires { Sem::destroy_in_run; }) return static_cast<bool>(Sem::destroy_in_run);
    return false;
  }();
  using patience = contract::patience;

  struct thread_ctx {
    bool in_op = false;
    operation op;
    patience wait = patience::none;
    sim::vtime start = 0;
    sim::vtime first_clock = -1;
    sim::vtime last_clock = -1;    // the call's latest clock read
    int waits = 0;                 // futex / condvar waits so far in the call
    sim::vtime relative_from = 0;  // relative_timed_waits: the clock read the deadline counts from
    bool read_since_wait = false;  // the clock was read since the call's last wait
    std::int64_t min_available = 0;  // the least available() seen during the call
    std::size_t op_index = 0;        // which of the thread's operations runs (or ran last)
    bool blocking_overlap = false;   // release: another thread was in a call that may block
    bool overlapped = false;         // black-box mode: another thread was in a call meanwhile
    bool finished = false;
  };

  static bool valid(std::int64_t n) { return contract::valid_count(n); }

  static void body(void* self, int thread) {
    static_cast<program_runner*>(self)->thread_main(thread);
  }

  void thread_main(int t) {
    const std::vector<operation>& ops = ops_[t];
    for (std::size_t i = 0; i < ops.size(); ++i) {
      ctx_[t].op_index = i;
      execute(t, ops[i]);
    }
    if (destroy_ && t == 0) owner_destroys();
    ctx_[t].finished = true;
    if constexpr (kDestroyInRun) {
      // The final destroyer joins every finished thread (as a program joins its threads before
      // it destroys what they shared): release here, acquire in final_destroy().
      if (sim::happens_before* hb = sched_.ordering()) hb->rmw(t, &ctx_, std::memory_order_release);
      if (sem_ && all_finished()) final_destroy(t);
    }
  }

  bool all_finished() const {
    for (const thread_ctx& c : ctx_) {
      if (!c.finished) return false;
    }
    return true;
  }

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

  // T0's ending in destroy mode (the protocol: fuzz/contract.h). T0 parks until after_step()
  // sees its peers in their final releases.
  void owner_destroys() {
    if (!peers_in_final_release()) sched_.park();  // until after_step unparks it
    operation last;
    if (!contract::owner_last_acquire(ledger_.tokens() + in_flight(), last)) return;
    if (!take_all(last)) return;
    note("T0 deletes the semaphore");
    destroy_on(0);
    destroyed_ = true;
  }

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

  bool peers_in_final_release() const {
    return contract::peers_in_final_release(ctx_.size(), [this](std::size_t i) {
      const thread_ctx& c = ctx_[i];
      return c.finished || (c.in_op && c.op_index + 1 == ops_[i].size());
    });
  }

  // Tokens of the releases (taking: of the token-taking calls) that have begun and not returned.
  std::int64_t in_flight(bool taking = false) const {
    std::int64_t sum = 0;
    for (const thread_ctx& c : ctx_) {
      const bool kind = taking ? contract::takes_tokens(c.op.kind) : c.op.kind == op_kind::release;
      if (c.in_op && kind && valid(c.op.n)) sum += c.op.n;
    }
    return sum;
  }

  // Black-box mode: the least count the semaphore can hold while thread t's call runs, by the
  // ledger: completed calls have counted, releases in flight may not have published yet, the
  // other threads' takes in flight may have taken theirs already. `taking`: in_flight(true).
  std::int64_t ledger_floor(std::size_t t, std::int64_t taking) const {
    const thread_ctx& c = ctx_[t];
    const bool own = c.in_op && contract::takes_tokens(c.op.kind) && valid(c.op.n);
    return ledger_.tokens() - (taking - (own ? c.op.n : 0));
  }

  int calls_in_flight() const {
    int n = 0;
    for (const thread_ctx& c : ctx_) n += c.in_op;
    return n;
  }

  // available() read by the harness: no scheduling point, no event. Never for a Sem that cannot
  // count (black-box mode uses the ledger instead).
  std::int64_t available_now() const {
    if (!sem_) return 0;
    sim::scheduler::harness_section quiet(sched_);
    return sem_->available();
  }

  // Runs one operation on thread t and checks its result. Returns whether tokens were taken.
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
    if (trace_)
      note("T" + std::to_string(t) + " < " + describe(op) + " = " + contract::outcome_name(r));
    check(t, c, r);
    // Weak memory: a release may read an older state counting a waiter who has left.
    if (kExactWakes && woke && !c.blocking_overlap && !prog_.weak_memory) {
      fail(verdict_kind::wasted_wake,
           who(t, op) +
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

  // Black-box conservation: a take that succeeded had its tokens from the ledger or from
  // releases still in flight (which may have published theirs).
  void check_ledger(int t, const operation& op) {
    const std::int64_t releasing = in_flight();
    if (ledger_.tokens() + releasing >= 0) return;
    fail(verdict_kind::conservation, who(t, op) + " took its tokens, but " + ledger_text() +
                                         " + in flight " + std::to_string(releasing) + " < 0");
  }

  std::string ledger_text() const {
    return "initial " + std::to_string(prog_.initial) + " + released " +
           std::to_string(ledger_.released()) + " - acquired " + std::to_string(ledger_.acquired());
  }

  // The call's deadline (fuzz/contract.h: deadline_ns), from its first clock read if any.
  sim::vtime allowed_deadline(const thread_ctx& c) const {
    return contract::deadline_ns(c.op, c.start, c.first_clock, cap_ns_);
  }

  static std::string who(int t, const operation& op) {
    return "T" + std::to_string(t) + " " + describe(op);
  }

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
      v.message = " returned false at " + ms(sched_.now() - c.start) +
                  " into the call, before its deadline at " + ms(allowed_deadline(c) - c.start);
    } else if (r.result == contract::outcome::threw_overflow) {
      v.message += " (ledger " + std::to_string(ledger_.tokens()) + ")";
    }
    fail(v.kind, who(t, c.op) + v.message);
  }

  static std::string ms(sim::vtime ns) { return std::to_string(ns / 1e6) + " ms"; }

  void fail(verdict_kind kind, const std::string& message) { fail_run(sched_, kind, message); }
  void note(const std::string& line) {
    if (trace_) sched_.note("       " + line);
  }

  // ---- sim::observer
  void on_clock_read(int t, sim::vtime now) override {
    thread_ctx& c = ctx_[t];
    if (c.in_op && c.first_clock < 0) c.first_clock = now;
    if (c.in_op) {
      c.last_clock = now;
      c.read_since_wait = true;
    }
  }

  void on_wait(int t, sim::vtime deadline) override {
    thread_ctx& c = ctx_[t];
    if (!c.in_op) return;
    sim::vtime allowed = allowed_deadline(c);
    if (relative_waits_) {  // a known bug's leeway (fuzz/capabilities.h)
      // The deadline counts from the last clock read before the first wait; a wait may sleep past
      // it by the time since the last clock read, if the thread read the clock since its last wait.
      if (c.waits == 0) c.relative_from = c.last_clock >= 0 ? c.last_clock : sched_.now();
      const bool reread = c.waits == 0 || c.read_since_wait;
      const sim::vtime since_clock = reread && c.last_clock >= 0 ? sched_.now() - c.last_clock : 0;
      allowed = contract::saturating_add(
          std::max(allowed,
                   contract::saturating_add(c.relative_from, contract::timeout_ns(c.op, cap_ns_))),
          since_clock);
    }
    ++c.waits;
    c.read_since_wait = false;
    const verdict_kind broken =
        contract::sleep_rule(c.wait, deadline, contract::saturating_add(allowed, kResolution - 1));
    if (broken == verdict_kind::try_acquire) {
      fail(broken, who(t, c.op) + " sleeps although it must not block");
    } else if (broken == verdict_kind::late_timeout) {
      fail(broken, who(t, c.op) + " sleeps " +
                       (deadline == sim::kNoDeadline ? std::string("without a deadline")
                                                     : "until " + ms(deadline - c.start)) +
                       " into the call, past its deadline at " + ms(allowed_deadline(c) - c.start));
    }
  }

  void on_futex_call(const sim::futex_call& call) override { check_futex_call(sched_, call); }

  void after_step(std::uint64_t steps) override {
    if (!check_step_bound(sched_, steps)) return;  // runaway
    if (sched_.any_parked() && peers_in_final_release()) sched_.unpark(0);
    if (!sem_) return;
    if constexpr (!kCaps.counts) {
      note_abstract_state(ledger_.tokens());
      return;
    }
    const std::int64_t avail = available_now();
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
    note_abstract_state(avail);
    if (avail < 0 || avail > kMax || avail < low || avail > high) {
      fail(verdict_kind::conservation,
           "available() = " + std::to_string(avail) + " outside [" +
               std::to_string(std::max<std::int64_t>(low, 0)) + ", " + std::to_string(high) +
               "] allowed by initial " + std::to_string(prog_.initial) + ", released " +
               std::to_string(ledger_.released()) + ", acquired " +
               std::to_string(ledger_.acquired()) + " and the calls in flight");
    }
  }

  // Black-box mode, for a Sem that cannot count: a call has begun, so the calls in flight overlap
  // and their floors may drop (a floor changes only when a call begins: when one ends, the ledger
  // books what it took, or it took nothing).
  void black_box_call_begins() {
    const std::int64_t taking = in_flight(true);
    const bool overlap = calls_in_flight() > 1;
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      thread_ctx& c = ctx_[i];
      if (!c.in_op) continue;
      c.min_available = std::min(c.min_available, ledger_floor(i, taking));
      c.overlapped |= overlap;
    }
  }

  // Feeds the run's abstract state to the fuzzer's extra counters (fuzz/sim/feedback.h).
  void note_abstract_state(std::int64_t avail) const {
    const std::uint32_t bucket = avail >= 3 ? 3 : static_cast<std::uint32_t>(avail);
    const std::uint32_t sleepers =
        static_cast<std::uint32_t>(std::min(sched_.sleeping_threads(), 3));
    sim::note_state(static_cast<std::uint32_t>(prog_.algo) | bucket << 2 | sleepers << 4 |
                    static_cast<std::uint32_t>(sched_.last_event()) << 6);
  }

  void at_quiescence() override {
    if (!sem_) return;
    if constexpr (!kCaps.counts) {
      black_box_quiescence();
      return;
    }
    const std::int64_t avail = available_now();
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      const thread_ctx& c = ctx_[i];
      if (c.in_op && contract::takes_tokens(c.op.kind) && valid(c.op.n) && c.op.n <= avail &&
          !(multi_token_lost_ && c.op.n > 1)) {  // (a known bug stepped around)
        fail(verdict_kind::lost_wakeup, "nothing can run, but T" + std::to_string(i) +
                                            " sleeps in " + describe(c.op) +
                                            " while available() = " + std::to_string(avail));
        return;
      }
    }
    bool releasing = false;
    for (const thread_ctx& c : ctx_) releasing |= c.in_op && c.op.kind == op_kind::release;
    if (!releasing && avail != ledger_.tokens()) {
      fail(verdict_kind::conservation, "at quiescence available() = " + std::to_string(avail) +
                                           ", but initial " + std::to_string(prog_.initial) +
                                           " + released " + std::to_string(ledger_.released()) +
                                           " - acquired " + std::to_string(ledger_.acquired()) +
                                           " = " + std::to_string(ledger_.tokens()));
    }
  }

  // at_quiescence() for a Sem that cannot count: the lost-wakeup oracle by the ledger. A taker
  // asleep in a timer wait (a poller: libstdc++'s timed waits sleep in steps of up to 64 ms)
  // wakes by itself, so it is no lost wakeup; and when no sleeper's request fits, nothing but
  // a call's deadline can change anything, so time jumps to the first deadline of a call in
  // flight (none: the program is blocked for good, and the run ends) instead of letting the
  // pollers look every 64 ms for up to 100 virtual years (or libc++'s futex waits every 2 s).
  void black_box_quiescence() {
    for (const thread_ctx& c : ctx_) {
      if (c.in_op && c.op.kind == op_kind::release) return;  // published or not: unknown
    }
    const std::int64_t tokens = ledger_.tokens();
    bool fits = false;
    sim::vtime first_due = sim::kNoDeadline;
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      const thread_ctx& c = ctx_[i];
      if (!c.in_op || !contract::takes_tokens(c.op.kind) || !valid(c.op.n)) continue;
      if (c.wait == patience::bounded) first_due = std::min(first_due, allowed_deadline(c));
      const sim::wait_kind w = sched_.waiting_in(static_cast<int>(i));
      if (w == sim::wait_kind::timer ||
          (w == sim::wait_kind::futex && contract::futex_waits_poll<Sem>())) {
        fits |= c.op.n <= tokens;
      } else if (c.op.n <= tokens) {
        fail(verdict_kind::lost_wakeup,
             "nothing can run, but T" + std::to_string(i) + " sleeps in " + describe(c.op) +
                 " while the ledger holds " + std::to_string(tokens) + " tokens (" + ledger_text() +
                 ", no release in flight)");
        return;
      }
    }
    if (!fits) sched_.idle_until(first_due);
  }

  const program& prog_;
  sim::scheduler& sched_;
  const bool trace_;
  std::vector<thread_ctx> ctx_;
  const std::vector<std::vector<operation>> ops_;  // each thread's, expanded for Sem
  const bool destroy_;                             // the owner-destroys protocol runs
  std::unique_ptr<Sem> sem_;
  bool destroyed_ = false;
  int destroyer_ = -1;  // the thread inside the semaphore's destructor (kDestroyInRun), or -1
  contract::token_ledger<> ledger_;
  const bool ordered_;  // the scheduler checks happens-before: check the ordering promise
  ordering_oracle promise_;
  // Known bugs stepped around (fuzz/capabilities.h), asked once, outside the run: an instrumented
  // Sem answers in instrumented code, which must make no scheduling point inside the futex model
  // (on_wait) or at quiescence.
  const bool relative_waits_;
  const bool multi_token_lost_;
  const std::int64_t cap_ns_;  // every finite timeout is capped at it (contract.h's real-time rule)
};

template <template <class> class A>
concept sim_fuzzable = contract::fuzzable_semaphore<basic_semaphore<A, sim::sim_platform>>;
static_assert(sim_fuzzable<internal::split64_core> && sim_fuzzable<internal::word32_core> &&
              sim_fuzzable<internal::condvar_core>);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RUNNER_H_
