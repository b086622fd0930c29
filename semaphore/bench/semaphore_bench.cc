// Google Benchmark cases for semfuzz's three semaphores and three baselines, in one process.
//
// Implementations (the name after the '/' of each benchmark):
//   split64, word32, condvar  semfuzz::split64_semaphore, word32_semaphore, condvar_semaphore
//   sem_t                     glibc's sem_t (sem_clockwait(CLOCK_MONOTONIC) for the timed case)
//   std_counting              std::counting_semaphore<INT_MAX> of the standard library in use
//   mutex_cv                  a plain mutex + condition-variable semaphore, written below
//
// Cases (the name before the '/'); time is per iteration:
//   pair_1to0        acquire() + release() with one token: the count goes 1 -> 0 -> 1
//   pair_high        the same with 1000 tokens
//   try_pair         try_acquire() + release(), one token
//   timed_pair       try_acquire_for(1 s) + release(), one token (tokens present)
//   pingpong         two threads, one round trip = two hand-offs
//   pc_ring64        one producer, one consumer, a 64-slot ring guarded by two semaphores (free
//   pc_ring4096      slots, full slots); time per item
//   oversub_6c1p     6 consumers + 1 producer (7 threads, unpinned), 64 slots; time per item
//   contended_tN     (with --semfuzz_threads=N) N/2 producers, N - N/2 consumers, 64 slots
//   wake_nN_kK       release(N) while K threads sleep in acquire(1): counters `woken` (threads
//                    that ran again, from /proc/self/task/*/schedstat) and `wake_syscalls` (futex
//                    calls of the releasing thread, see syscall_counter.h); time meaningless
//   syscalls_100k    100,000 uncontended pair_1to0 iterations on a counted thread: counter
//                    `syscalls` (every futex call, any library)
// Counters `futex_syscalls` (semfuzz's own futex_syscall_count() delta over the whole timed loop;
// expect 0 for the uncontended cases) appear on split64 and word32, and on the threaded cases
// `futex_syscalls_per_op` (per round trip or item). It counts every thread of the process: on
// wake_* it includes woken threads that go back to sleep, which is why `wake_syscalls` counts
// the releasing thread alone.
//
// Flags besides Google Benchmark's own: --semfuzz_quick (shorter runs), --semfuzz_threads=N (add
// contended_tN), --semfuzz_pin (pin the two-thread cases to CPUs 0 and 1; threads are unpinned
// by default). Single-thread cases are best read by CPU time, which other load barely changes;
// threaded ones by wall (manual) time.
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <semaphore>
#include <string>
#include <thread>
#include <vector>

#include "semfuzz/semaphore.h"
#include "syscall_counter.h"

namespace {

using std::chrono::steady_clock;

// ---------------------------------------------------------------------------------------------
// The implementations, behind one interface: acquire(), try_acquire(), try_acquire_1s(),
// release(n).

template <class S>
struct ours {
  explicit ours(int initial) : s(initial) {}
  void acquire() { s.acquire(); }
  bool try_acquire() { return s.try_acquire(); }
  bool try_acquire_1s() { return s.try_acquire_for(std::chrono::seconds(1)); }
  void release(int n = 1) { s.release(n); }
  S s;
};

struct glibc_sem {
  explicit glibc_sem(int initial) { sem_init(&s, 0, static_cast<unsigned>(initial)); }
  ~glibc_sem() { sem_destroy(&s); }
  void acquire() {
    while (sem_wait(&s) != 0) {
    }
  }
  bool try_acquire() { return sem_trywait(&s) == 0; }
  bool try_acquire_1s() {  // sem_t takes an absolute deadline: the clock read is the API's cost
    timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 1;
    for (;;) {
      if (sem_clockwait(&s, CLOCK_MONOTONIC, &deadline) == 0) return true;
      if (errno != EINTR) return false;
    }
  }
  void release(int n = 1) {
    for (int i = 0; i < n; ++i) sem_post(&s);
  }
  sem_t s;
};

struct std_counting {
  explicit std_counting(int initial) : s(initial) {}
  void acquire() { s.acquire(); }
  bool try_acquire() { return s.try_acquire(); }
  bool try_acquire_1s() { return s.try_acquire_for(std::chrono::seconds(1)); }
  void release(int n = 1) { s.release(n); }
  std::counting_semaphore<INT_MAX> s;
};

// The textbook semaphore: a count under a mutex, one condition variable, notify after unlocking
// (notify_one for one token, notify_all for more).
struct mutex_cv {
  explicit mutex_cv(int initial) : count(initial) {}
  void acquire() {
    std::unique_lock<std::mutex> lock(m);
    cv.wait(lock, [&] { return count > 0; });
    --count;
  }
  bool try_acquire() {
    std::lock_guard<std::mutex> lock(m);
    if (count == 0) return false;
    --count;
    return true;
  }
  bool try_acquire_1s() {
    std::unique_lock<std::mutex> lock(m);
    if (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return count > 0; })) return false;
    --count;
    return true;
  }
  void release(int n = 1) {
    {
      std::lock_guard<std::mutex> lock(m);
      count += n;
    }
    if (n == 1) {
      cv.notify_one();
    } else {
      cv.notify_all();
    }
  }
  std::mutex m;
  std::condition_variable cv;
  long count;
};

// Which implementations count their own futex calls (semfuzz::futex_syscall_count()).
template <class I>
constexpr bool kCountsOwnFutexCalls = false;
template <>
constexpr bool kCountsOwnFutexCalls<ours<semfuzz::split64_semaphore>> = true;
template <>
constexpr bool kCountsOwnFutexCalls<ours<semfuzz::word32_semaphore>> = true;

// ---------------------------------------------------------------------------------------------
// Helpers

bool g_quick = false;

double pair_min_time() { return g_quick ? 0.05 : 0.1; }
double threaded_min_time() { return g_quick ? 0.1 : 0.3; }

// --semfuzz_pin: pin the two threads of pingpong and pc_ring* to CPUs 0 and 1 (as the anchors in
// shared/reference/semaphores.md section 5 were measured). Off by default: on a machine that other
// work shares, a pinned thread waits for its one CPU and the figures measure the other load.
bool g_pin = false;

// Pins the calling thread to one CPU (modulo the CPUs there are) if g_pin; false if not pinned.
bool pin_to(unsigned cpu) {
  if (!g_pin) return false;
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu % cpus, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Restores the calling thread's CPU mask when it goes out of scope.
class affinity_guard {
 public:
  affinity_guard() {
    saved_ok_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
  }
  ~affinity_guard() {
    if (saved_ok_) pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
  }
  affinity_guard(const affinity_guard&) = delete;
  affinity_guard& operator=(const affinity_guard&) = delete;

 private:
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

// Partners arrive and wait; the main thread opens the gate once all of them run and only then
// starts the clock, so that thread creation and start-up latency are not timed.
class start_gate {
 public:
  explicit start_gate(int partners) : partners_(partners) {}
  void arrive_and_wait() {
    ready_.fetch_add(1, std::memory_order_relaxed);
    while (!go_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  void open() {
    while (ready_.load(std::memory_order_relaxed) < partners_) std::this_thread::yield();
    go_.store(true, std::memory_order_release);
  }

 private:
  const int partners_;
  std::atomic<int> ready_{0};
  std::atomic<bool> go_{false};
};

double seconds_since(steady_clock::time_point start) {
  return std::chrono::duration<double>(steady_clock::now() - start).count();
}

template <class I>
std::uint64_t own_futex_calls() {
  if constexpr (kCountsOwnFutexCalls<I>) {
    return semfuzz::futex_syscall_count();
  } else {
    return 0;
  }
}

template <class I>
void report_own_futex_calls(benchmark::State& state, std::uint64_t before) {
  if constexpr (kCountsOwnFutexCalls<I>) {
    state.counters["futex_syscalls"] = static_cast<double>(semfuzz::futex_syscall_count() - before);
  }
}

// Threaded cases: semfuzz's own futex calls (all threads) per iteration (round trip or item).
template <class I>
void report_own_futex_calls_per_op(benchmark::State& state, std::uint64_t before,
                                   benchmark::IterationCount ops) {
  if constexpr (kCountsOwnFutexCalls<I>) {
    const auto calls = static_cast<double>(semfuzz::futex_syscall_count() - before);
    state.counters["futex_syscalls_per_op"] = ops > 0 ? calls / static_cast<double>(ops) : 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Uncontended cases (one thread)

template <class I>
void bm_pair(benchmark::State& state, int initial) {
  I s(initial);
  const std::uint64_t before = own_futex_calls<I>();
  for (auto _ : state) {
    s.acquire();
    s.release();
  }
  report_own_futex_calls<I>(state, before);
}

template <class I>
void bm_try_pair(benchmark::State& state) {
  I s(1);
  const std::uint64_t before = own_futex_calls<I>();
  for (auto _ : state) {
    if (!s.try_acquire()) state.SkipWithError("try_acquire failed with a token present");
    s.release();
  }
  report_own_futex_calls<I>(state, before);
}

template <class I>
void bm_timed_pair(benchmark::State& state) {
  I s(1);
  const std::uint64_t before = own_futex_calls<I>();
  for (auto _ : state) {
    if (!s.try_acquire_1s()) state.SkipWithError("timed try_acquire failed with a token present");
    s.release();
  }
  report_own_futex_calls<I>(state, before);
}

template <class I>
void bm_syscalls_100k(benchmark::State& state) {
  constexpr int kPairs = 100000;
  for (auto _ : state) {
    I s(1);
    const std::uint64_t own_before = own_futex_calls<I>();
    const auto counted = semfuzz_bench::run_counted([&] {
      for (int i = 0; i < kPairs; ++i) {
        s.acquire();
        s.release();
      }
    });
    if (counted) {
      state.counters["syscalls"] = static_cast<double>(*counted);
    } else {
      state.counters["syscalls_uncounted"] = 1;  // seccomp unavailable here: n/a
    }
    report_own_futex_calls<I>(state, own_before);
  }
}

// ---------------------------------------------------------------------------------------------
// Threaded cases: the main thread runs the benchmark loop, partners run the same number of
// iterations; time (manual) runs from the start signal until every partner has finished.

template <class I>
void bm_pingpong(benchmark::State& state) {
  affinity_guard restore;
  I ping(0), pong(0);
  const auto n = state.max_iterations;
  start_gate gate(1);
  std::thread partner([&] {
    pin_to(1);
    gate.arrive_and_wait();
    for (benchmark::IterationCount i = 0; i < n; ++i) {
      ping.acquire();
      pong.release();
    }
  });
  pin_to(0);
  const std::uint64_t before = own_futex_calls<I>();
  gate.open();
  const auto start = steady_clock::now();
  for (auto _ : state) {
    ping.release();
    pong.acquire();
  }
  partner.join();
  state.SetIterationTime(seconds_since(start));
  report_own_futex_calls_per_op<I>(state, before, state.iterations());
}

template <class I>
void bm_pc_ring(benchmark::State& state, int slots) {
  affinity_guard restore;
  I free_slots(slots), full_slots(0);
  std::vector<std::uint64_t> ring(static_cast<std::size_t>(slots));
  const auto n = state.max_iterations;
  start_gate gate(1);
  std::uint64_t sum = 0;
  std::thread consumer([&] {
    pin_to(1);
    gate.arrive_and_wait();
    for (benchmark::IterationCount i = 0; i < n; ++i) {
      full_slots.acquire();
      sum += ring[static_cast<std::size_t>(i % slots)];
      free_slots.release();
    }
  });
  pin_to(0);
  const std::uint64_t before = own_futex_calls<I>();
  gate.open();
  const auto start = steady_clock::now();
  std::uint64_t next = 0;
  for (auto _ : state) {
    free_slots.acquire();
    ring[static_cast<std::size_t>(next % static_cast<std::uint64_t>(slots))] = next;
    ++next;
    full_slots.release();
  }
  consumer.join();
  state.SetIterationTime(seconds_since(start));
  state.SetItemsProcessed(state.iterations());
  report_own_futex_calls_per_op<I>(state, before, state.iterations());
  if (sum != next * (next - 1) / 2) state.SkipWithError("the consumer saw wrong items");
}

// `producers` producers (the main thread and producers - 1 more) each put max_iterations items;
// `consumers` consumers take them until each takes one of the `consumers` extra "stop" tokens
// released at the end. Only the semaphores are shared (no payload), so any counts are valid.
template <class I>
void bm_mpmc(benchmark::State& state, int producers, int consumers, int slots) {
  I free_slots(slots), full_slots(0);
  const auto n = state.max_iterations;
  const auto total = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(producers);
  start_gate gate(consumers + producers - 1);
  std::atomic<std::uint64_t> taken{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < consumers; ++c) {
    threads.emplace_back([&] {
      gate.arrive_and_wait();
      for (;;) {
        full_slots.acquire();
        if (taken.fetch_add(1, std::memory_order_relaxed) >= total) return;  // a stop token
        free_slots.release();
      }
    });
  }
  std::vector<std::thread> other_producers;
  for (int p = 1; p < producers; ++p) {
    other_producers.emplace_back([&] {
      gate.arrive_and_wait();
      for (benchmark::IterationCount i = 0; i < n; ++i) {
        free_slots.acquire();
        full_slots.release();
      }
    });
  }
  const std::uint64_t before = own_futex_calls<I>();
  gate.open();
  const auto start = steady_clock::now();
  for (auto _ : state) {
    free_slots.acquire();
    full_slots.release();
  }
  for (auto& t : other_producers) t.join();
  full_slots.release(consumers);
  for (auto& t : threads) t.join();
  // The time of one iteration is that of one item: the wall time over all producers' items.
  // Google Benchmark divides items by that manual time, so items/s is right with iterations.
  state.SetIterationTime(seconds_since(start) / producers);
  state.SetItemsProcessed(state.iterations());
  report_own_futex_calls_per_op<I>(state, before, state.iterations() * producers);
}

// ---------------------------------------------------------------------------------------------
// release(n) with k sleepers

long this_tid() { return static_cast<long>(syscall(SYS_gettid)); }

// How many times the thread was scheduled onto a CPU (third field of schedstat), or -1.
long long times_scheduled(long tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%ld/schedstat", tid);
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return -1;
  unsigned long long on_cpu = 0, waiting = 0, slices = 0;
  const int got = std::fscanf(f, "%llu %llu %llu", &on_cpu, &waiting, &slices);
  std::fclose(f);
  return got == 3 ? static_cast<long long>(slices) : -1;
}

char thread_state(long tid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/self/task/%ld/stat", tid);
  FILE* f = std::fopen(path, "r");
  if (f == nullptr) return '?';
  char line[512] = {};
  const bool ok = std::fgets(line, sizeof line, f) != nullptr;
  std::fclose(f);
  const char* paren = ok ? std::strrchr(line, ')') : nullptr;  // "pid (comm) S ..."
  return paren != nullptr && paren[1] == ' ' ? paren[2] : '?';
}

struct wake_result {
  int woken = -1;            // threads scheduled again after the release
  long long syscalls = -1;   // futex calls of the releasing thread (-1: cannot count)
  long long own_calls = -1;  // futex_syscall_count() delta across release() (ours only)
  bool ok = false;
};

template <class I>
wake_result wake_trial(int n, int k) {
  wake_result result;
  I s(0);
  std::atomic<int> started{0}, acquired{0};
  std::atomic<bool> done{false};
  std::vector<long> tids(static_cast<std::size_t>(k), 0);
  std::vector<std::thread> sleepers;
  for (int i = 0; i < k; ++i) {
    sleepers.emplace_back([&, i] {
      tids[static_cast<std::size_t>(i)] = this_tid();
      started.fetch_add(1);
      s.acquire();
      acquired.fetch_add(1);
      while (!done.load()) done.wait(false);
    });
  }
  while (started.load() < k) std::this_thread::yield();
  // Asleep: every sleeper in state S and not scheduled at all over 5 ms, twice in a row.
  std::vector<long long> before(static_cast<std::size_t>(k));
  for (int settled = 0, tries = 0; settled < 2 && tries < 400; ++tries) {
    bool asleep = true;
    for (int i = 0; i < k; ++i) {
      const long long now = times_scheduled(tids[static_cast<std::size_t>(i)]);
      asleep = asleep && thread_state(tids[static_cast<std::size_t>(i)]) == 'S' && now >= 0 &&
               now == before[static_cast<std::size_t>(i)];
      before[static_cast<std::size_t>(i)] = now;
    }
    settled = asleep ? settled + 1 : 0;
    if (settled < 2) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const std::uint64_t own_before = own_futex_calls<I>();
  const auto counted = semfuzz_bench::run_counted([&] { s.release(n); });
  if (!counted) s.release(n);  // not countable here: release anyway
  const std::uint64_t own_after = own_futex_calls<I>();
  const int expect = std::min(n, k);
  const auto deadline = steady_clock::now() + std::chrono::seconds(2);
  while (acquired.load() < expect && steady_clock::now() < deadline) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // woken losers go back to sleep
  int woken = 0;
  for (int i = 0; i < k; ++i) {
    woken +=
        times_scheduled(tids[static_cast<std::size_t>(i)]) != before[static_cast<std::size_t>(i)];
  }
  result.ok = acquired.load() == expect;
  result.woken = woken;
  result.syscalls = counted ? static_cast<long long>(*counted) : -1;
  if (kCountsOwnFutexCalls<I>) result.own_calls = static_cast<long long>(own_after - own_before);
  if (k > n) s.release(k - n);
  while (acquired.load() < k) std::this_thread::yield();
  done.store(true);
  done.notify_all();
  for (auto& t : sleepers) t.join();
  return result;
}

template <class I>
void bm_wake(benchmark::State& state, int n, int k) {
  wake_result r;
  for (auto _ : state) r = wake_trial<I>(n, k);
  if (!r.ok) state.SkipWithError("the release did not let exactly min(n, k) sleepers through");
  state.counters["woken"] = r.woken;
  if (r.syscalls >= 0) state.counters["wake_syscalls"] = static_cast<double>(r.syscalls);
  if (r.own_calls >= 0) state.counters["futex_syscalls"] = static_cast<double>(r.own_calls);
}

// ---------------------------------------------------------------------------------------------
// Registration

// Calls f.template operator()<I>(name) for every implementation, ours first, sem_t as the
// reference in the middle of the run order.
template <class F>
void for_each_impl(F&& f) {
  f.template operator()<ours<semfuzz::split64_semaphore>>("split64");
  f.template operator()<ours<semfuzz::word32_semaphore>>("word32");
  f.template operator()<ours<semfuzz::condvar_semaphore>>("condvar");
  f.template operator()<glibc_sem>("sem_t");
  f.template operator()<std_counting>("std_counting");
  f.template operator()<mutex_cv>("mutex_cv");
}

// Case-major order, so that every implementation of a case runs close together in time.
void register_all(int contended_threads) {
  const auto name = [](const std::string& test, const char* impl) { return test + "/" + impl; };
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("pair_1to0", impl).c_str(), bm_pair<I>, 1)
        ->MinTime(pair_min_time());
  });
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("pair_high", impl).c_str(), bm_pair<I>, 1000)
        ->MinTime(pair_min_time());
  });
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("try_pair", impl).c_str(), bm_try_pair<I>)
        ->MinTime(pair_min_time());
  });
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("timed_pair", impl).c_str(), bm_timed_pair<I>)
        ->MinTime(pair_min_time());
  });
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("syscalls_100k", impl).c_str(), bm_syscalls_100k<I>)
        ->Iterations(1);
  });
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("pingpong", impl).c_str(), bm_pingpong<I>)
        ->UseManualTime()
        ->MinTime(threaded_min_time());
  });
  for (int slots : {64, 4096}) {
    for_each_impl([&]<class I>(const char* impl) {
      benchmark::RegisterBenchmark(name("pc_ring" + std::to_string(slots), impl).c_str(),
                                   bm_pc_ring<I>, slots)
          ->UseManualTime()
          ->MinTime(threaded_min_time());
    });
  }
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("oversub_6c1p", impl).c_str(), bm_mpmc<I>, 1, 6, 64)
        ->UseManualTime()
        ->MinTime(threaded_min_time());
  });
  if (contended_threads >= 2) {
    const int producers = contended_threads / 2;
    const std::string test = "contended_t" + std::to_string(contended_threads);
    for_each_impl([&]<class I>(const char* impl) {
      benchmark::RegisterBenchmark(name(test, impl).c_str(), bm_mpmc<I>, producers,
                                   contended_threads - producers, 64)
          ->UseManualTime()
          ->MinTime(threaded_min_time());
    });
  }
  const std::vector<std::pair<int, int>> wakes =
      g_quick ? std::vector<std::pair<int, int>>{{1, 4}, {2, 4}}
              : std::vector<std::pair<int, int>>{{1, 4}, {2, 4}, {4, 4}, {8, 4}};
  for (const auto& wake : wakes) {
    const int n = wake.first, k = wake.second;
    const std::string test = "wake_n" + std::to_string(n) + "_k" + std::to_string(k);
    for_each_impl([&]<class I>(const char* impl) {
      benchmark::RegisterBenchmark(name(test, impl).c_str(), bm_wake<I>, n, k)->Iterations(1);
    });
  }
}

}  // namespace

int main(int argc, char** argv) {
  int contended_threads = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--semfuzz_quick") == 0) {
      g_quick = true;
    } else if (std::strcmp(argv[i], "--semfuzz_pin") == 0) {
      g_pin = true;
    } else if (std::strncmp(argv[i], "--semfuzz_threads=", 18) == 0) {
      contended_threads = std::atoi(argv[i] + 18);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  // glibc runs std::mutex and pthread mutexes without atomic instructions while the process has
  // never had a second thread; a semaphore is for multithreaded programs, so measure them there.
  std::thread([] {}).join();
  register_all(contended_threads);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
