#include "fuzz/sim/scheduler.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace semfuzz::sim {

thread_local scheduler* scheduler::current_ = nullptr;

namespace {

enum class run_state : std::uint8_t { runnable, blocked, done };

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

}  // namespace

struct scheduler::thread_state {
  scheduler* owner = nullptr;
  int id = 0;
  run_state state = run_state::runnable;
  wait_kind kind = wait_kind::none;
  const void* key = nullptr;
  std::size_t width = 0;
  vtime deadline = kNoDeadline;
  std::uint64_t seq = 0;
  futex_status result = futex_status::woken;
  std::string location;  // trace only (trace_location)

  bool sleeping() const {
    return state == run_state::blocked &&
           (kind == wait_kind::futex || kind == wait_kind::condvar || kind == wait_kind::timer);
  }
};

const char* event_name(ev e) {
  static constexpr const char* kNames[] = {
      "load",     "store",     "exchange",  "cas ok",     "cas fail",   "fetch_add", "fetch_sub",
      "fetch_or", "fetch_and", "clock",     "futex_wait", "futex_wake", "lock",      "lock busy",
      "unlock",   "cv_wait",   "cv_notify", "fetch_xor",  "fetch_nand", "fence"};
  return kNames[static_cast<int>(e)];
}

scheduler::scheduler() = default;
scheduler::~scheduler() = default;

void scheduler::mix(std::uint64_t v) {
  hash_ = (hash_ ^ v) * kFnvPrime;
  hash_ ^= hash_ >> 29;
}

verdict scheduler::run(int threads, body_fn body, void* arg, chooser& choose, observer* obs,
                       bool trace) {
  threads = std::clamp(threads, 0, kMaxThreads);
  body_ = body;
  body_arg_ = arg;
  chooser_ = &choose;
  auto* stream = dynamic_cast<byte_stream_chooser*>(&choose);
  bytes_ = stream ? &stream->stream() : nullptr;
  obs_ = obs;
  trace_ = trace;
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
  hash_ = kFnvOffset;
  verdict_ = verdict{};
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
  }
  schedule_loop();
  return verdict_;
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

bool scheduler::advance_time(vtime to) {
  stutter_ = nullptr;
  if (to > now_) {
    now_ = to;
    mix(0x7157);
    mix(static_cast<std::uint64_t>(now_));
    if (trace_) std::fprintf(stderr, "       time -> %.6f ms\n", (now_ - kStartTime) / 1e6);
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
    if (trace_) std::fprintf(stderr, "       T%d times out\n", due->id);
    mix(0x71e0 + due->id);
    make_runnable(*due, futex_status::timed_out);
    fired = true;
  }
}

void scheduler::schedule_loop() {
  int runnable[kMaxThreads];
  int sleepers[kMaxThreads];
  while (!failed()) {
    int n_runnable = 0, n_sleepers = 0;
    bool timers = false;
    for (const thread_state& t : threads_) {
      if (t.state == run_state::runnable) runnable[n_runnable++] = t.id;
      if (t.sleeping()) {
        sleepers[n_sleepers++] = t.id;
        timers |= t.deadline != kNoDeadline;
      }
    }
    if (n_runnable == 0) {
      idle_until_ = -1;
      obs_->at_quiescence();
      if (failed()) break;
      vtime next = earliest_deadline();
      if (idle_until_ >= 0)
        next = idle_until_ == kNoDeadline ? kNoDeadline : std::max(next, idle_until_);
      if (next == kNoDeadline) break;  // finished, or blocked for good
      advance_time(next);
      continue;
    }
    int pick = -1;
    step_choice c;
    const step_options options{runnable, n_runnable, sleepers, n_sleepers, timers};
    if ((n_runnable > 1 || n_sleepers > 0) &&
        (bytes_ ? bytes_->step(options, &c) : chooser_->choose_step(options, &c))) {
      if (c.kind == step_kind::run) {
        pick = c.thread;
      } else {
        act(c);
        continue;
      }
    } else {  // the fair policy: keep the last thread, else the next one round-robin
      for (int k = 0; k < kMaxThreads && pick < 0; ++k) {
        const int id = (last_ + k) % static_cast<int>(threads_.size());
        if (threads_[id].state == run_state::runnable) pick = id;
      }
    }
    last_ = pick;
    running_ = pick;
    stutter_ = nullptr;
    host_.resume(*fibers_[pick]);
    running_ = -1;
    if (fibers_[pick]->finished()) threads_[pick].state = run_state::done;
    ++steps_;
    if (!failed()) obs_->after_step(steps_);
  }
}

void scheduler::act(const step_choice& c) {
  switch (c.kind) {
    case step_kind::spurious:
    case step_kind::interrupt: {
      thread_state& s = threads_[c.thread];
      const bool eintr = c.kind == step_kind::interrupt &&
                         (s.kind == wait_kind::futex || s.kind == wait_kind::timer);
      if (trace_)
        std::fprintf(stderr, "       T%d %s\n", s.id, eintr ? "EINTR" : "spurious wakeup");
      mix(0x5b00 + s.id * 2 + eintr);
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

vtime scheduler::read_clock() {
  point();
  if (simulating()) obs_->on_clock_read(running_, now_);
  event(ev::clock, nullptr, static_cast<std::uint64_t>(now_));
  return now_;
}

void scheduler::point() {
  if (simulating()) host_.yield_to_host();
}

void scheduler::register_word(const void* address, std::size_t bytes) {
  words_.push_back(word_info{address, bytes, next_word_id_++});
  hb_.forget(address);
}

void scheduler::unregister_word(const void* address) {
  for (auto it = words_.begin(); it != words_.end(); ++it) {
    if (it->address == address) {
      words_.erase(it);
      return;
    }
  }
}

const scheduler::word_info* scheduler::find_word(const void* address) const {
  const char* a = static_cast<const char*>(address);
  for (const word_info& w : words_) {
    const char* base = static_cast<const char*>(w.address);
    if (a >= base && a < base + w.bytes) return &w;
  }
  return nullptr;
}

std::string scheduler::name_of(const void* address) const {
  if (address == nullptr) return "-";
  const word_info* w = find_word(address);
  if (w == nullptr) return "(dead word)";
  return "word" + std::to_string(w->id) + "+" +
         std::to_string(static_cast<const char*>(address) - static_cast<const char*>(w->address));
}

futex_status scheduler::futex_wait(const void* word, std::size_t width, std::uint32_t expected,
                                   vtime deadline) {
  point();
  const word_info* w = find_word(word);
  const auto offset = w ? static_cast<const char*>(word) - static_cast<const char*>(w->address) : 0;
  futex_call call;
  call.thread = running_;
  call.word = word;
  call.width = width;
  call.supported = w != nullptr && width == sizeof(std::uint32_t) && offset % width == 0 &&
                   offset + width <= w->bytes;
  obs_->on_futex_call(call);
  if (!call.supported || failed()) return futex_status::woken;
  if (order_checking_ && simulating()) hb_.futex_call(running_);  // a full barrier, or nothing
  std::uint32_t value;
  std::memcpy(&value, word, sizeof value);
  event(ev::futex_wait, word, value, expected, static_cast<std::uint64_t>(deadline));
  if (value != expected) return futex_status::value_changed;
  if (deadline <= now_) return futex_status::timed_out;
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
  if (failed()) {  // the run is over: stop this thread at once
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
    if (trace_) std::fprintf(stderr, "       T%d woken\n", queue[i]->id);
    mix(0x3a4e + queue[i]->id);
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
  if (trace_) {
    const std::uint64_t all = hb->stores(address);
    std::fprintf(stderr,
                 "       T%d reads %s = 0x%" PRIx64 ", store #%" PRIu64 " of %" PRIu64
                 ", stale by %d\n",
                 running_, name_of(address).c_str(), r.value, r.seq, all, k);
  }
  return r.value;
}

void scheduler::fail(verdict_kind kind, std::string message) {
  if (failed()) return;
  verdict_.kind = kind;
  verdict_.message = std::move(message);
  if (trace_) {
    std::fprintf(stderr, "       VIOLATION %s: %s\n", verdict_name(kind), verdict_.message.c_str());
  }
}

void scheduler::event(ev what, const void* address, std::uint64_t a, std::uint64_t b,
                      std::uint64_t c) {
  if (!simulating()) return;
  last_event_ = what;
  stutter_ = stutter_elision_ && what == ev::load ? address : nullptr;
  mix(static_cast<std::uint64_t>(running_) << 8 | static_cast<std::uint64_t>(what));
  const word_info* w = address ? find_word(address) : nullptr;
  mix(w ? static_cast<std::uint64_t>(w->id) : ~0ull);
  mix(a);
  mix(b);
  mix(c);
  if (!trace_) return;
  const std::string& where = threads_[running_].location;
  std::fprintf(stderr,
               "%6" PRIu64 " %10.6f ms  T%d  %-11s %-9s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
               "%s%s\n",
               steps_, (now_ - kStartTime) / 1e6, running_, event_name(what),
               name_of(address).c_str(), a, b, c, where.empty() ? "" : "  at ", where.c_str());
}

void scheduler::trace_location(std::string where) {
  if (running_ >= 0) threads_[running_].location = std::move(where);
}

void scheduler::note(const std::string& line) {
  if (trace_) std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace semfuzz::sim
