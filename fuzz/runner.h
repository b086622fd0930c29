// Runs a decoded program against a semaphore on the simulated platform and checks the oracles.
//
// Sem is any type with the semfuzz::basic_semaphore API over sim::sim_platform (the real
// algorithms, or deliberately broken ones in tests). Oracles, each with its own verdict kind:
//   conservation   after every step: available() lies between what completed operations and
//                  in-flight ones allow; at quiescence it equals initial + released - acquired.
//   lost-wakeup    at quiescence: no sleeper in an acquire whose request fits available().
//   early-timeout  a timed acquire that returns false has reached its deadline.
//   late-timeout   every futex / condvar wait of a timed acquire has a deadline no later than
//                  the call's (measured from its first clock read).
//   infinite-timeout  negative Qt timeouts, duration::max() and time_point::max() never give up.
//   try-acquire    a try-once call never sleeps, and fails only if available() dipped below n.
//   bad-result     invalid counts throw std::invalid_argument, valid ones never; overflow errors
//                  only near max().
//   use after destroy  in destroy mode T0 deletes the semaphore after its last acquire; ASan
//                  reports any later touch.
//   wasted-wake    split64 only (it counts its waiters, so it promises exact wakes): a release
//                  whose futex wake comes although no other thread was in a call that may block
//                  at any point of the release, so nobody can have been registered.
#ifndef SEMFUZZ_FUZZ_RUNNER_H_
#define SEMFUZZ_FUZZ_RUNNER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

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
};

template <class Sem>
class program_runner final : public sim::observer {
 public:
  program_runner(const program& prog, sim::scheduler& sched, bool trace)
      : prog_(prog), sched_(sched), trace_(trace), ctx_(prog.threads.size()) {}

  // `choose` decides the schedule (sim::byte_stream_chooser: the input's choice bytes).
  run_result run(sim::chooser& choose) {
    sim::scheduler::scope scope(sched_);
    sem_ = std::make_unique<Sem>(prog_.initial);
    sim::reset_states();
    if (trace_) std::fprintf(stderr, "%s", describe(prog_).c_str());
    run_result r;
    r.outcome = sched_.run(static_cast<int>(prog_.threads.size()), &program_runner::body, this,
                           choose, this, trace_);
    sem_.reset();
    r.trace_hash = sched_.trace_hash();
    return r;
  }

 private:
  static constexpr std::int64_t kMax = internal::kMaxTokens;
  // Whether Sem wakes only registered waiters, so the wasted-wake oracle applies.
  static constexpr bool kExactWakes =
      std::is_same_v<Sem, basic_semaphore<internal::split64_core, sim::sim_platform>>;
  enum class outcome {
    returned_true,
    returned_false,
    returned_value,
    threw_invalid,
    threw_overflow
  };
  // How a timed call may wait.
  enum class patience { none, bounded, forever };

  struct thread_ctx {
    bool in_op = false;
    operation op;
    patience wait = patience::none;
    sim::vtime start = 0;
    sim::vtime first_clock = -1;
    sim::vtime relative = 0;         // bounded: the timeout from the first clock read
    sim::vtime absolute = 0;         // bounded try_acquire_until: the deadline
    std::int64_t min_available = 0;  // the least available() seen during the call
    std::size_t op_index = 0;        // which of the thread's operations runs (or ran last)
    bool blocking_overlap = false;   // release: another thread was in a call that may block
    bool finished = false;
  };

  static bool valid(std::int64_t n) { return n >= 0 && n <= kMax; }
  static bool takes_tokens(op_kind k) { return k != op_kind::release && k != op_kind::available; }

  static void body(void* self, int thread) {
    static_cast<program_runner*>(self)->thread_main(thread);
  }

  void thread_main(int t) {
    const std::vector<operation>& ops = prog_.threads[t].ops;
    for (std::size_t i = 0; i < ops.size(); ++i) {
      ctx_[t].op_index = i;
      execute(t, ops[i]);
    }
    if (prog_.owner_destroys && t == 0) owner_destroys();
    ctx_[t].finished = true;
  }

  // T0's ending in destroy mode: once every other thread is in (or past) its final release, take
  // every token there will be, then delete the semaphore while those releases may be unwinding.
  void owner_destroys() {
    if (!peers_in_final_release()) sched_.park();  // until after_step unparks it
    const std::int64_t all = ledger() + releasing_now();
    if (!valid(all)) return;
    operation last;
    last.kind = op_kind::acquire;
    last.n = all;
    if (!execute(0, last)) return;
    note("T0 deletes the semaphore");
    sim::scheduler::harness_section quiet(sched_);
    sem_.reset();
    destroyed_ = true;
  }

  bool peers_in_final_release() const {
    for (std::size_t i = 1; i < ctx_.size(); ++i) {
      const thread_ctx& c = ctx_[i];
      if (!c.finished && !(c.in_op && c.op_index + 1 == prog_.threads[i].ops.size())) {
        return false;
      }
    }
    return true;
  }

  std::int64_t ledger() const { return prog_.initial + released_ - acquired_; }

  // Tokens of the releases that have begun and not returned.
  std::int64_t releasing_now() const {
    std::int64_t sum = 0;
    for (const thread_ctx& c : ctx_) {
      if (c.in_op && c.op.kind == op_kind::release && valid(c.op.n)) sum += c.op.n;
    }
    return sum;
  }

  // available() read by the harness: no scheduling point, no event.
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
    c.min_available = available_now();
    c.wait = patience::none;
    c.blocking_overlap = false;
    classify(c);
    c.in_op = true;
    if (trace_) note("T" + std::to_string(t) + " > " + describe(op));
    outcome result = outcome::returned_true;
    std::int64_t value = 0;
    bool woke = false;  // release: its last shared-memory event was a futex wake
    try {
      switch (op.kind) {
        case op_kind::acquire:
          sem_->acquire(op.n);
          break;
        case op_kind::release:
          sem_->release(op.n);
          woke = op.n > 0 && sched_.last_event() == sim::ev::futex_wake;
          break;
        case op_kind::try_acquire:
          result = as_outcome(sem_->try_acquire(op.n));
          break;
        case op_kind::try_acquire_ms:
          result = as_outcome(sem_->try_acquire(op.n, static_cast<int>(op.timeout)));
          break;
        case op_kind::try_acquire_for:
          result =
              op.infinite
                  ? as_outcome(sem_->try_acquire_for(op.n, std::chrono::nanoseconds::max()))
                  : as_outcome(sem_->try_acquire_for(op.n, std::chrono::nanoseconds(op.timeout)));
          break;
        case op_kind::try_acquire_until: {
          using tp = sim::sim_clock::time_point;
          const tp until =
              c.wait == patience::forever ? tp::max() : tp(sim::sim_clock::duration(c.absolute));
          result = as_outcome(sem_->try_acquire_until(op.n, until));
          break;
        }
        case op_kind::available:
          value = sem_->available();
          result = outcome::returned_value;
          break;
      }
    } catch (const std::invalid_argument&) {
      result = outcome::threw_invalid;
    } catch (const std::overflow_error&) {
      result = outcome::threw_overflow;
    }
    c.in_op = false;
    if (trace_)
      note("T" + std::to_string(t) + " < " + describe(op) + " = " + outcome_name(result, value));
    check(t, c, result, value);
    if (kExactWakes && woke && !c.blocking_overlap) {
      fail(verdict_kind::wasted_wake,
           who(t, op) +
               " made a futex wake, but no other thread was in a call that may block at "
               "any point of the release: nobody can have been registered");
    }
    if (result == outcome::returned_true && valid(op.n)) {
      if (op.kind == op_kind::release) {
        released_ += op.n;
      } else {
        acquired_ += op.n;
        return true;
      }
    }
    return false;
  }

  static outcome as_outcome(bool b) { return b ? outcome::returned_true : outcome::returned_false; }
  static std::string outcome_name(outcome o, std::int64_t value) {
    switch (o) {
      case outcome::returned_true:
        return "true";
      case outcome::returned_false:
        return "false";
      case outcome::returned_value:
        return std::to_string(value);
      case outcome::threw_invalid:
        return "std::invalid_argument";
      case outcome::threw_overflow:
        return "std::overflow_error";
    }
    return "?";
  }

  // Sets how long the call may wait, from its kind and timeout.
  void classify(thread_ctx& c) const {
    const operation& op = c.op;
    switch (op.kind) {
      case op_kind::acquire:
        c.wait = patience::forever;
        break;
      case op_kind::try_acquire_ms:
        c.wait = op.timeout < 0    ? patience::forever
                 : op.timeout == 0 ? patience::none
                                   : patience::bounded;
        c.relative = op.timeout * 1'000'000;
        break;
      case op_kind::try_acquire_for:
        c.wait = op.infinite       ? patience::forever
                 : op.timeout <= 0 ? patience::none
                                   : patience::bounded;
        c.relative = op.timeout;
        break;
      case op_kind::try_acquire_until:
        c.absolute = sat_add(c.start, op.timeout);
        c.wait =
            op.infinite || c.absolute == sim::kNoDeadline ? patience::forever : patience::bounded;
        break;
      default:
        c.wait = patience::none;
        break;
    }
  }

  // The latest deadline the call may sleep until, and the earliest time it may give up; a
  // deadline past the clock's range is none (the semaphore then waits forever).
  sim::vtime allowed_deadline(const thread_ctx& c) const {
    if (c.op.kind == op_kind::try_acquire_until) return c.absolute;
    return sat_add(c.first_clock >= 0 ? c.first_clock : c.start, c.relative);
  }
  static sim::vtime sat_add(sim::vtime a, sim::vtime b) {
    sim::vtime r;
    if (b > 0 && __builtin_add_overflow(a, b, &r)) return sim::kNoDeadline;
    return std::min(a + b, sim::kNoDeadline);
  }

  static std::string who(int t, const operation& op) {
    return "T" + std::to_string(t) + " " + describe(op);
  }

  void check(int t, const thread_ctx& c, outcome result, std::int64_t value) {
    const operation& op = c.op;
    if (op.kind == op_kind::available) {
      if (value < 0 || value > kMax)
        fail(verdict_kind::conservation, who(t, op) + " returned " + std::to_string(value));
      return;
    }
    if (!valid(op.n)) {
      if (result != outcome::threw_invalid) {
        fail(verdict_kind::bad_result,
             who(t, op) + ": an invalid count was not rejected with std::invalid_argument");
      }
      return;
    }
    if (op.n == 0 && result != outcome::returned_true) {
      fail(verdict_kind::bad_result,
           who(t, op) + ": n == 0 must succeed at once, got " + outcome_name(result, 0));
    }
    switch (result) {
      case outcome::threw_invalid:
        fail(verdict_kind::bad_result,
             who(t, op) + ": a valid count was rejected with std::invalid_argument");
        return;
      case outcome::threw_overflow:
        // Possible only near max(): tokens (with releases still in flight), plus blocked
        // waiters in the split64 layout.
        if (ledger() + releasing_now() + op.n + static_cast<std::int64_t>(ctx_.size()) <= kMax &&
            c.min_available + static_cast<std::int64_t>(ctx_.size()) < kMax) {
          fail(verdict_kind::bad_result, who(t, op) +
                                             ": std::overflow_error far from max() (ledger " +
                                             std::to_string(ledger()) + ")");
        }
        return;
      case outcome::returned_false:
        if (c.wait == patience::forever) {
          fail(verdict_kind::infinite_timeout,
               who(t, op) + " gave up although its timeout is infinite");
        } else if (c.wait == patience::none) {
          if (c.min_available >= op.n) {
            fail(verdict_kind::try_acquire, who(t, op) +
                                                " returned false although available() stayed >= " +
                                                std::to_string(op.n) + " throughout the call");
          }
        } else if (sched_.now() < allowed_deadline(c)) {
          fail(verdict_kind::early_timeout,
               who(t, op) + " returned false at " + ms(sched_.now() - c.start) +
                   " into the call, before its deadline at " + ms(allowed_deadline(c) - c.start));
        }
        return;
      default:
        return;
    }
  }

  static std::string ms(sim::vtime ns) { return std::to_string(ns / 1e6) + " ms"; }

  void fail(verdict_kind kind, const std::string& message) { sched_.fail(kind, message); }
  void note(const std::string& line) {
    if (trace_) sched_.note("       " + line);
  }

  // ---- sim::observer
  void on_clock_read(int t, sim::vtime now) override {
    thread_ctx& c = ctx_[t];
    if (c.in_op && c.first_clock < 0) c.first_clock = now;
  }

  void on_wait(int t, sim::vtime deadline) override {
    const thread_ctx& c = ctx_[t];
    if (!c.in_op) return;
    if (c.wait == patience::none) {
      fail(verdict_kind::try_acquire, who(t, c.op) + " sleeps although it must not block");
    } else if (c.wait == patience::bounded && deadline > allowed_deadline(c)) {
      fail(verdict_kind::late_timeout,
           who(t, c.op) + " sleeps " +
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
    const std::int64_t avail = available_now();
    std::int64_t low = ledger(), high = ledger();
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      thread_ctx& c = ctx_[i];
      if (!c.in_op || !valid(c.op.n)) continue;
      if (avail < c.min_available) c.min_available = avail;
      if (c.op.kind == op_kind::release) high += c.op.n;
      if (takes_tokens(c.op.kind)) low -= c.op.n;
      if (kExactWakes && c.op.kind == op_kind::release && !c.blocking_overlap) {
        for (std::size_t j = 0; j < ctx_.size(); ++j) {
          c.blocking_overlap |= j != i && ctx_[j].in_op && ctx_[j].wait != patience::none;
        }
      }
    }
    note_abstract_state(avail);
    if (avail < 0 || avail > kMax || avail < low || avail > high) {
      fail(verdict_kind::conservation, "available() = " + std::to_string(avail) + " outside [" +
                                           std::to_string(std::max<std::int64_t>(low, 0)) + ", " +
                                           std::to_string(high) + "] allowed by initial " +
                                           std::to_string(prog_.initial) + ", released " +
                                           std::to_string(released_) + ", acquired " +
                                           std::to_string(acquired_) + " and the calls in flight");
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
    const std::int64_t avail = available_now();
    for (std::size_t i = 0; i < ctx_.size(); ++i) {
      const thread_ctx& c = ctx_[i];
      if (c.in_op && takes_tokens(c.op.kind) && valid(c.op.n) && c.op.n <= avail) {
        fail(verdict_kind::lost_wakeup, "nothing can run, but T" + std::to_string(i) +
                                            " sleeps in " + describe(c.op) +
                                            " while available() = " + std::to_string(avail));
        return;
      }
    }
    bool releasing = false;
    for (const thread_ctx& c : ctx_) releasing |= c.in_op && c.op.kind == op_kind::release;
    if (!releasing && avail != ledger()) {
      fail(verdict_kind::conservation,
           "at quiescence available() = " + std::to_string(avail) + ", but initial " +
               std::to_string(prog_.initial) + " + released " + std::to_string(released_) +
               " - acquired " + std::to_string(acquired_) + " = " + std::to_string(ledger()));
    }
  }

  const program& prog_;
  sim::scheduler& sched_;
  const bool trace_;
  std::vector<thread_ctx> ctx_;
  std::unique_ptr<Sem> sem_;
  bool destroyed_ = false;
  std::int64_t released_ = 0;
  std::int64_t acquired_ = 0;
};

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RUNNER_H_
