// The scheduler's steps: the host's loop, the scheduling point where a thread's step ends, the
// choice of the next step, and what a choice other than "run" does (timers, the clock,
// spurious wakeups and EINTR). The rest of the scheduler is scheduler.cc.
#include <algorithm>

#include "fuzz/sim/scheduler.h"
#include "fuzz/sim/scheduler_thread.h"

namespace semfuzz::sim {

bool scheduler::advance_time(vtime to) {
  stutter_ = nullptr;
  if (to > now_) {
    now_ = to;
    trace_.time_moved(now_);
    trace_.print("time -> %.6f ms", (now_ - kStartTime) / 1e6);
  }
  bool fired = false;
  for (;;) {  // fire due timers in (deadline, arrival) order
    thread_state* due = nullptr;
    for (thread_state& t : threads_) {
      if (t.sleeping() && t.deadline <= now_ &&
          (due == nullptr || t.deadline < due->deadline ||
           (t.deadline == due->deadline && t.seq < due->seq))) {
        due = &t;
      }
    }
    if (due == nullptr) return fired;
    trace_.print("T%d times out", due->id);
    trace_.timed_out(due->id);
    make_runnable(*due, futex_status::timed_out);
    fired = true;
  }
}

// The host's loop. Each step runs one thread from its scheduling point to the next. The thread
// itself ends its step at that point and chooses the next one (point()); only when the choice is
// another thread, or when the step ended otherwise (it blocked or finished), does it come back
// here. Either way the same choices and observer calls happen in the same order.
void scheduler::schedule_loop() {
  for (;;) {
    int pick = handoff_;
    handoff_ = kNoPick;
    if (pick == kNoPick) pick = next_pick();
    if (pick == kRunOver) break;
    if (pick == kQuiescent) {
      if (!quiesce()) break;
      continue;
    }
    begin_step(pick);
    host_.resume(*fibers_[pick]);
    if (stepped_) {  // ended by the thread, at point()
      stepped_ = false;
      continue;
    }
    running_ = -1;
    if (fibers_[pick]->finished()) threads_[pick].state = run_state::done;
    end_step();
  }
}

void scheduler::point() {
  if (!simulating()) return;
  const int self = running_;
  running_ = -1;
  end_step();
  const int pick = next_pick();
  if (pick == self) {  // this thread again: no switch to the host and back
    begin_step(self);
    return;
  }
  handoff_ = pick;
  stepped_ = true;
  host_.yield_to_host();
}

int scheduler::next_pick() {
  int runnable[kMaxThreads];
  int sleepers[kMaxThreads];
  for (;;) {
    if (failed() || ended_) return kRunOver;
    int n_runnable = 0, n_sleepers = 0;
    bool timers = false;
    for (const thread_state& t : threads_) {
      if (t.state == run_state::runnable) runnable[n_runnable++] = t.id;
      if (t.sleeping()) {
        sleepers[n_sleepers++] = t.id;
        timers |= t.deadline != kNoDeadline;
      }
    }
    if (n_runnable == 0) return kQuiescent;
    step_choice c;
    const step_options options{runnable, n_runnable, sleepers, n_sleepers, timers};
    if ((n_runnable > 1 || n_sleepers > 0) && choose_step(options, &c)) {
      if (c.kind == step_kind::run) return c.thread;
      act(c);
      continue;
    }
    return pick_fair();
  }
}

bool scheduler::quiesce() {
  idle_until_ = -1;
  obs_->at_quiescence();
  if (failed() || ended_) return false;
  vtime next = earliest_deadline();
  if (idle_until_ >= 0)
    next = idle_until_ == kNoDeadline ? kNoDeadline : std::max(next, idle_until_);
  if (next == kNoDeadline) return false;  // finished, or blocked for good
  advance_time(next);
  return true;
}

void scheduler::begin_step(int pick) {
  last_ = pick;
  running_ = pick;
  stutter_ = nullptr;
}

void scheduler::end_step() {
  ++steps_;
  if (!failed() && !ended_) obs_->after_step(steps_);
}

int scheduler::pick_fair() const {
  for (int k = 0; k < kMaxThreads; ++k) {
    const int id = (last_ + k) % static_cast<int>(threads_.size());
    if (threads_[id].state == run_state::runnable) return id;
  }
  return -1;
}

void scheduler::act(const step_choice& c) {
  switch (c.kind) {
    case step_kind::spurious:
    case step_kind::interrupt: {
      thread_state& s = threads_[c.thread];
      const bool eintr = c.kind == step_kind::interrupt &&
                         (s.kind == wait_kind::futex || s.kind == wait_kind::timer);
      trace_.print("T%d %s", s.id, eintr ? "EINTR" : "spurious wakeup");
      trace_.returned_early(s.id, eintr);
      make_runnable(s, eintr ? futex_status::interrupted : futex_status::woken);
      return;
    }
    case step_kind::fire_timer:
      advance_time(earliest_deadline());
      return;
    case step_kind::advance_clock:
      advance_time(std::min(now_, kNoDeadline - 1 - kClockBumps[3]) + c.advance);
      return;
    case step_kind::run:
      return;
  }
}

}  // namespace semfuzz::sim
