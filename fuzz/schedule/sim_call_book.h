// What the simulated runner (fuzz/schedule/runner.h) knows of the calls of a run, apart from the
// semaphore: each thread's call in flight (thread_ctx: when it began, its clock reads and waits,
// the least available() it saw), the token ledger, the bounds they give (tokens in flight, the
// ledger's floor, a call's deadline), and the oracles of black-box mode that judge from the ledger
// alone (for a Sem that cannot count: fuzz/oracles/capabilities.h). It holds no Sem;
// program_runner<Sem> adds the semaphore, runs the calls and judges the rest.
//
// Synchronisation: none; the simulated threads run one at a time on one OS thread.
#ifndef SEMFUZZ_FUZZ_SIM_CALL_BOOK_H_
#define SEMFUZZ_FUZZ_SIM_CALL_BOOK_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/capabilities.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/run_skeleton.h"
#include "fuzz/sim/feedback.h"
#include "fuzz/sim/recycled.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz {

class sim_call_book {
 public:
  // caps: what the semaphore can take (fuzz/oracles/capabilities.h); a black-box one runs the
  // program's operations as contract::expand_operations() gives them, any other the program's own.
  // cap_ns: every finite timeout is capped at it (fuzz/oracles/contract.h's real-time rule).
  // The thread contexts and expanded operations are recycled storage (fuzz/sim/recycled.h).
  sim_call_book(const program& prog, sim::scheduler& sched, bool trace, contract::capabilities caps,
                std::int64_t cap_ns)
      : prog_(prog),
        sched_(sched),
        trace_(trace),
        expanded_(caps.black_box()),
        ledger_(prog.initial),
        cap_ns_(cap_ns) {
    ctx_.assign(prog.threads.size(), thread_ctx{});
    if (expanded_) contract::expand_operations(prog, caps, 0, *expanded_ops_);
  }

  // Thread t's operations, as the semaphore takes them.
  const std::vector<operation>& ops_of(int t) const {
    return expanded_ ? (*expanded_ops_)[t] : prog_.threads[t].ops;
  }

  // Thread i has finished, or is in its final operation (the skeleton's peer check,
  // fuzz/schedule/run_skeleton.h).
  bool done_or_final(std::size_t i) const {
    const thread_ctx& c = ctx_[i];
    return c.finished || (c.in_op && c.op_index + 1 == ops_of(static_cast<int>(i)).size());
  }

 protected:
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

  bool all_finished() const {
    for (const thread_ctx& c : ctx_) {
      if (!c.finished) return false;
    }
    return true;
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

  // A black-box Sem's operations, expanded (empty for any other Sem: ops_of() is the program's).
  const std::vector<std::vector<operation>>& expanded_ops() const { return *expanded_ops_; }

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

  // The call's deadline (fuzz/oracles/contract.h: deadline_ns), from its first clock read if any.
  sim::vtime allowed_deadline(const thread_ctx& c) const {
    return contract::deadline_ns(c.op, c.start, c.first_clock, cap_ns_);
  }

  // Black-box conservation: a take that succeeded had its tokens from the ledger or from
  // releases still in flight (which may have published theirs).
  void check_ledger(int t, const operation& op) {
    const std::int64_t releasing = in_flight();
    if (ledger_.tokens() + releasing >= 0) return;
    fail(verdict_kind::conservation, msg::who(t, op) + " took its tokens, but " + ledger_text() +
                                         " + in flight " + std::to_string(releasing) + " < 0");
  }

  std::string ledger_text() const {
    return msg::ledger_terms(prog_.initial, ledger_.released(), ledger_.acquired());
  }

  void fail(verdict_kind kind, const std::string& message) { fail_run(sched_, kind, message); }
  void note(const std::string& line) {
    if (trace_) sched_.note("       " + line);
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

  // At quiescence, for a Sem that cannot count: the lost-wakeup oracle by the ledger. A taker
  // asleep in a timer wait (a poller: libstdc++'s timed waits sleep in steps of up to 64 ms)
  // wakes by itself, so it is no lost wakeup; and when no sleeper's request fits, nothing but
  // a call's deadline can change anything, so time jumps to the first deadline of a call in
  // flight (none: the program is blocked for good, and the run ends) instead of letting the
  // pollers look every 64 ms for up to 100 virtual years (or libc++'s futex waits every 2 s:
  // futex_waits_poll, contract::futex_waits_poll<Sem>()).
  void black_box_quiescence(bool futex_waits_poll) {
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
      if (w == sim::wait_kind::timer || (w == sim::wait_kind::futex && futex_waits_poll)) {
        fits |= c.op.n <= tokens;
      } else if (c.op.n <= tokens) {
        fail(verdict_kind::lost_wakeup,
             msg::sleeper_lost(static_cast<int>(i), c.op,
                               "the ledger holds " + std::to_string(tokens) + " tokens (" +
                                   ledger_text() + ", no release in flight)"));
        return;
      }
    }
    if (!fits) sched_.idle_until(first_due);
  }

  // A clock read of thread t (the scheduler's observer::on_clock_read).
  void book_clock_read(int t, sim::vtime now) {
    thread_ctx& c = ctx_[t];
    if (c.in_op && c.first_clock < 0) c.first_clock = now;
    if (c.in_op) {
      c.last_clock = now;
      c.read_since_wait = true;
    }
  }

  // The sleep rule (late-timeout, try-acquire; fuzz/oracles/contract.h) when thread t is about to
  // sleep until `deadline` (the scheduler's observer::on_wait). relative_waits: a known bug's
  // leeway (contract::relative_timed_waits<Sem>()); resolution:
  // contract::timeout_resolution_ns<Sem>.
  void check_wait(int t, sim::vtime deadline, bool relative_waits, std::int64_t resolution) {
    thread_ctx& c = ctx_[t];
    if (!c.in_op) return;
    sim::vtime allowed = allowed_deadline(c);
    if (relative_waits) {  // a known bug's leeway (fuzz/oracles/capabilities.h)
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
        contract::sleep_rule(c.wait, deadline, contract::saturating_add(allowed, resolution - 1));
    if (broken == verdict_kind::try_acquire) {
      fail(broken, msg::who(t, c.op) + " sleeps although it must not block");
    } else if (broken == verdict_kind::late_timeout) {
      fail(broken, msg::who(t, c.op) + " sleeps " +
                       (deadline == sim::kNoDeadline ? std::string("without a deadline")
                                                     : "until " + msg::ms(deadline - c.start)) +
                       " into the call, past its deadline at " +
                       msg::ms(allowed_deadline(c) - c.start));
    }
  }

  const program& prog_;
  sim::scheduler& sched_;
  const bool trace_;
  sim::recycled<std::vector<thread_ctx>> ctx_storage_;
  std::vector<thread_ctx>& ctx_ = *ctx_storage_;
  const bool expanded_;  // a black-box Sem: the operations are expanded_ops_, not the program's
  sim::recycled<std::vector<std::vector<operation>>> expanded_ops_;
  contract::token_ledger<> ledger_;
  const std::int64_t cap_ns_;  // every finite timeout is capped at it (contract.h's real-time rule)
};

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SIM_CALL_BOOK_H_
