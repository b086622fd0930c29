#include "stall_watchdog.h"

#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>
#include <utility>

namespace semfuzz_bench {
namespace {

using clock = std::chrono::steady_clock;

// The watchdog's state: at most one armed run at a time (cases run one after another).
struct watch_state {
  std::mutex m;
  std::condition_variable changed;
  unsigned long long run = 0;  // the armed run's number; 0: not armed
  unsigned long long next_run = 1;
  std::string name;
  std::function<void()> rescue;
  clock::time_point armed_at;
  int rescues = 0;
  unsigned long long last_stalled_run = 0;
};

watch_state& state() {
  static watch_state* s = new watch_state;  // never destroyed: its thread outlives main()
  return *s;
}

void watch(double limit_s) {
  watch_state& s = state();
  std::unique_lock<std::mutex> lock(s.m);
  const auto limit =
      std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(limit_s));
  for (;;) {
    if (s.run == 0) {
      s.changed.wait(lock);
      continue;
    }
    const unsigned long long run = s.run;
    const auto due = s.armed_at + limit * (s.rescues + 1);
    if (s.changed.wait_until(lock, due) != std::cv_status::timeout || s.run != run) continue;
    const double waited = std::chrono::duration<double>(clock::now() - s.armed_at).count();
    if (s.rescues == stall_watchdog::kMaxRescues) {
      std::fprintf(stderr,
                   "semaphore_bench: STALLED %s after %.1f s and %d rescues that released extra "
                   "tokens; its threads cannot finish, exiting\n",
                   s.name.c_str(), waited, s.rescues);
      std::fflush(stderr);
      _exit(3);
    }
    ++s.rescues;
    s.last_stalled_run = run;
    std::fprintf(stderr,
                 "semaphore_bench: STALLED %s after %.1f s; rescue %d: releasing extra "
                 "tokens\n",
                 s.name.c_str(), waited, s.rescues);
    std::fflush(stderr);
    if (s.rescue) s.rescue();  // under the lock: the guard cannot disarm (and free) meanwhile
  }
}

}  // namespace

void stall_watchdog::start(double limit_s) { std::thread(watch, limit_s).detach(); }

stall_watchdog::guard::guard(std::string name, std::function<void()> rescue) {
  watch_state& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  run_ = s.next_run++;
  s.run = run_;
  s.name = std::move(name);
  s.rescue = std::move(rescue);
  s.armed_at = clock::now();
  s.rescues = 0;
  s.changed.notify_all();
}

stall_watchdog::guard::~guard() {
  watch_state& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  s.run = 0;
  s.rescue = nullptr;
  s.changed.notify_all();
}

bool stall_watchdog::guard::stalled() const {
  watch_state& s = state();
  std::lock_guard<std::mutex> lock(s.m);
  return s.last_stalled_run == run_;
}

}  // namespace semfuzz_bench
