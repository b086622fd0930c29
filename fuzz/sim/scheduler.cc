#include "fuzz/sim/scheduler.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "fuzz/sim/scheduler_thread.h"

namespace semfuzz::sim {

thread_local scheduler* scheduler::current_ = nullptr;

scheduler::scheduler() = default;
scheduler::~scheduler() = default;

run_end scheduler::run_with(int threads, body_fn body, void* arg, chooser& choose,
                            choice_bytes* bytes, observer* obs, bool trace) {
  threads = std::clamp(threads, 0, kMaxThreads);
  body_ = body;
  body_arg_ = arg;
  chooser_ = &choose;
  bytes_ = bytes;
  obs_ = obs;
  trace_.begin(trace);
  now_ = kStartTime;
  running_ = -1;
  quiet_ = false;
  last_ = 0;
  steps_ = 0;
  stutter_ = nullptr;
  stutter_run_ = 0;
  wait_seq_ = 0;
  sleeping_ = 0;
  parked_ = 0;
  ended_ = false;
  handoff_ = kNoPick;
  stepped_ = false;
  end_ = run_end{};
  hb_.reset(threads);
  races_.reset();
  while (static_cast<int>(fibers_.size()) < threads) {
    fibers_.push_back(std::make_unique<fiber>(kStackBytes));
  }
  threads_.assign(threads, thread_state{});
  for (int i = 0; i < threads; ++i) {
    threads_[i].owner = this;
    threads_[i].id = i;
    fibers_[i]->start(&scheduler::fiber_body, &threads_[i]);
    if (i >= parked_from_) {
      threads_[i].state = run_state::blocked;
      threads_[i].kind = wait_kind::parked;
      ++parked_;
    }
  }
  schedule_loop();
  return end_;
}

void scheduler::fiber_body(void* arg) {
  auto* t = static_cast<thread_state*>(arg);
  t->owner->body_(t->owner->body_arg_, t->id);
}

vtime scheduler::earliest_deadline() const {
  vtime best = kNoDeadline;
  for (const thread_state& t : threads_) {
    if (t.sleeping() && t.deadline < best) best = t.deadline;
  }
  return best;
}

void scheduler::make_runnable(thread_state& t, futex_status result) {
  sleeping_ -= t.sleeping();
  t.state = run_state::runnable;
  t.result = result;
  t.kind = wait_kind::none;
  t.key = nullptr;
}

vtime scheduler::read_clock() {
  point();
  if (simulating()) obs_->on_clock_read(running_, now_);
  event(ev::clock, nullptr, static_cast<std::uint64_t>(now_));
  return now_;
}

void scheduler::register_word(const void* address, std::size_t bytes) {
  futex_.register_word(address, bytes);
  hb_.forget(address);
}

futex_status scheduler::futex_wait(const void* word, std::size_t width, std::uint32_t expected,
                                   vtime deadline) {
  point();
  const futex_call call = futex_.wait_call(running_, word, width);
  obs_->on_futex_call(call);
  if (!call.supported || failed()) return futex_status::woken;
  if (order_checking_ && simulating()) hb_.futex_call(running_);  // a full barrier, or nothing
  std::uint32_t value;
  std::memcpy(&value, word, sizeof value);
  event(ev::futex_wait, word, value, expected, static_cast<std::uint64_t>(deadline));
  if (const auto ended = futex_model::before_sleep(value, expected, deadline, now_)) return *ended;
  const futex_status result = sleep(wait_kind::futex, word, width, deadline);
  if (order_checking_ && simulating()) hb_.futex_call(running_);  // the return: a barrier again
  return result;
}

futex_status scheduler::sleep(wait_kind kind, const void* key, std::size_t width, vtime deadline) {
  obs_->on_wait(running_, deadline);
  return block(kind, key, width, deadline);
}

int scheduler::futex_wake(const void* word, std::size_t width, int count) {
  point();
  return wake_futex(word, width, count);
}

int scheduler::wake_futex(const void* word, std::size_t width, int count) {
  futex_call call;
  call.thread = running_;
  call.wake = true;
  call.word = word;
  call.width = width;
  for (const thread_state& t : threads_) {
    if (t.state == run_state::blocked && t.kind == wait_kind::futex && t.key == word &&
        t.width != width) {
      call.other_width_sleeper = t.id;
      call.other_width = t.width;
      break;
    }
  }
  obs_->on_futex_call(call);
  if (failed()) return 0;
  if (order_checking_ && simulating()) hb_.futex_call(running_);
  const int woken = wake_key(wait_kind::futex, word, width, count);
  event(ev::futex_wake, word, static_cast<std::uint64_t>(count), static_cast<std::uint64_t>(woken));
  return woken;
}

futex_status scheduler::block(wait_kind kind, const void* key, std::size_t width, vtime deadline) {
  if (failed() || ended_) {  // the run is over: stop this thread at once
    host_.yield_to_host();
    return futex_status::woken;
  }
  thread_state& t = threads_[running_];
  t.state = run_state::blocked;
  t.kind = kind;
  t.key = key;
  t.width = width;
  t.deadline = deadline;
  t.seq = wait_seq_++;
  sleeping_ += t.sleeping();
  host_.yield_to_host();
  return t.result;
}

void scheduler::pass_time(vtime ns) { advance_time(std::min(now_, kNoDeadline - 1 - ns) + ns); }

wait_kind scheduler::waiting_in(int thread) const {
  const thread_state& t = threads_[static_cast<std::size_t>(thread)];
  return t.state == run_state::blocked ? t.kind : wait_kind::none;
}

int scheduler::threads() const { return static_cast<int>(threads_.size()); }

const void* scheduler::waiting_on(int thread) const {
  const thread_state& t = threads_[static_cast<std::size_t>(thread)];
  return t.state == run_state::blocked ? t.key : nullptr;
}

int scheduler::wake_key(wait_kind kind, const void* key, std::size_t width, int count) {
  thread_state* queue[kMaxThreads];
  int n = 0;
  for (thread_state& t : threads_) {
    if (t.state == run_state::blocked && t.kind == kind && t.key == key && t.width == width) {
      queue[n++] = &t;
    }
  }
  std::sort(queue, queue + n,
            [](const thread_state* a, const thread_state* b) { return a->seq < b->seq; });
  int woken = 0;
  while (woken < count && n > 0) {
    // FIFO by default; with several candidates and fewer wakes, the chooser picks.
    int i = 0;
    if (count - woken < n && !(bytes_ ? bytes_->waiter(n, &i) : chooser_->choose_waiter(n, &i))) {
      i = 0;
    }
    trace_.print("T%d woken", queue[i]->id);
    trace_.woken(queue[i]->id);
    make_runnable(*queue[i], futex_status::woken);
    std::copy(queue + i + 1, queue + n, queue + i);
    --n;
    ++woken;
  }
  return woken;
}

void scheduler::park() {
  ++parked_;
  block(wait_kind::parked, nullptr, 0, kNoDeadline);
}

void scheduler::unpark(int thread) {
  thread_state& t = threads_[thread];
  if (t.state == run_state::blocked && t.kind == wait_kind::parked) {
    --parked_;
    make_runnable(t, futex_status::woken);
  }
}

std::uint64_t scheduler::load_value(const void* address, std::memory_order order,
                                    std::uint64_t newest, int* stale) {
  *stale = 0;
  happens_before* hb = ordering();
  if (hb == nullptr) return newest;
  const int candidates = hb->readable(running_, address, order, newest);
  int k = 0;
  if (candidates > 1 &&
      !(bytes_ ? bytes_->waiter(candidates, &k) : chooser_->choose_read(candidates, &k))) {
    k = 0;
  }
  const store_record& r = hb->load_from(running_, address, order, k);
  if (k == 0) return newest;
  *stale = k;
  if (trace_.printing()) {
    trace_.print("T%d reads %s = 0x%" PRIx64 ", store #%" PRIu64 " of %" PRIu64 ", stale by %d",
                 running_, name_of(address).c_str(), r.value, r.seq, hb->stores(address), k);
  }
  return r.value;
}

void scheduler::fail(int code, const char* name, std::string message) {
  if (failed()) return;
  end_.code = code;
  end_.message = std::move(message);
  trace_.print("VIOLATION %s: %s", name, end_.message.c_str());
}

void scheduler::event(ev what, const void* address, std::uint64_t a, std::uint64_t b,
                      std::uint64_t c) {
  if (!simulating()) return;
  last_event_ = what;
  stutter_ = stutter_elision_ && what == ev::load ? address : nullptr;
  trace_.event(running_, what, futex_.hash_id(address), a, b, c);
  if (!trace_.printing()) return;
  trace_.print_event(steps_, (now_ - kStartTime) / 1e6, running_, what, name_of(address), a, b, c,
                     threads_[running_].location);
}

void scheduler::trace_location(std::string where) {
  if (running_ >= 0) threads_[running_].location = std::move(where);
}

void scheduler::note(const std::string& line) { trace_.print_line(line); }

}  // namespace semfuzz::sim
