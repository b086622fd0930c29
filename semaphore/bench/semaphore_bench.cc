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
// Counter `futex_syscalls` (semfuzz's own futex_syscall_count() delta over the whole timed loop;
// expect 0 for the uncontended cases) appears on split64 and word32; it counts every thread of the
// process: on wake_* it includes woken threads that go back to sleep, which is why
// `wake_syscalls` counts the releasing thread alone. The threaded cases (threaded_cases.h) report
// `futex_syscalls_per_op` for every implementation (every futex call of every thread of the case,
// trapped and counted in an untimed second pass) and, for split64 and word32,
// `own_futex_syscalls_per_op` (their own count during the timed pass), and `sleeps_per_op` for
// every implementation: the times the case's threads blocked in the timed pass (voluntary context
// switches, getrusage). On this project's 2-vCPU VM (cpuidle haltpoll with guest polling off) a
// CPU whose thread blocks halts, and the wake that ends the sleep costs ~20 us when the machine
// is otherwise idle (a few us when other work keeps the CPUs busy): the threaded figures follow
// sleeps_per_op more than futex_syscalls_per_op, and move with the machine's load.
//
// Flags besides Google Benchmark's own: --semfuzz_quick (shorter runs), --semfuzz_threads=N (add
// contended_tN), --semfuzz_pin (pin the two-thread cases to CPUs 0 and 1; threads are unpinned
// by default), --semfuzz_case_timeout=S (seconds a threaded run may take before the stall
// watchdog rescues it and the case reports "stalled"; default 30), --semfuzz_load=N (N threads
// that spin from before the first benchmark until after the last one: a fixed background load,
// so that a run on a quiet machine can also be measured as a busy one; they make no system call
// and are not counted in any case's sleeps or futex calls). Single-thread cases are best read by
// CPU time, which other load barely changes; threaded ones by wall (manual) time.
// --semfuzz_padded adds the implementation word32_padded (common.h, `padded`): an experiment
// that tells a difference of the algorithm from one of a system call per release.
#include <benchmark/benchmark.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "semfuzz/semaphore.h"
#include "stall_watchdog.h"
#include "syscall_counter.h"
#include "threaded_cases.h"

namespace {

using namespace semfuzz_bench;

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
wake_result wake_trial(const std::string& name, int n, int k) {
  wake_result result;
  I s(0);
  stall_watchdog::guard watch(name, [&] { flood(s, k); });
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
void bm_wake(benchmark::State& state, const std::string& name, int n, int k) {
  wake_result r;
  for (auto _ : state) r = wake_trial<I>(name, n, k);
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
  if (g_padded) f.template operator()<padded<semfuzz::word32_semaphore>>("word32_padded");
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
    benchmark::RegisterBenchmark(name("pingpong", impl).c_str(), bm_threaded<pingpong_case, I>,
                                 name("pingpong", impl))
        ->UseManualTime()
        ->MinTime(threaded_min_time());
  });
  for (int slots : {64, 4096}) {
    for_each_impl([&]<class I>(const char* impl) {
      const std::string test = name("pc_ring" + std::to_string(slots), impl);
      benchmark::RegisterBenchmark(test.c_str(), bm_threaded<pc_ring_case, I, int>, test, slots)
          ->UseManualTime()
          ->MinTime(threaded_min_time());
    });
  }
  for_each_impl([&]<class I>(const char* impl) {
    benchmark::RegisterBenchmark(name("oversub_6c1p", impl).c_str(),
                                 bm_threaded<mpmc_case, I, int, int, int>,
                                 name("oversub_6c1p", impl), 1, 6, 64)
        ->UseManualTime()
        ->MinTime(threaded_min_time());
  });
  if (contended_threads >= 2) {
    const int producers = contended_threads / 2;
    const std::string test = "contended_t" + std::to_string(contended_threads);
    for_each_impl([&]<class I>(const char* impl) {
      benchmark::RegisterBenchmark(name(test, impl).c_str(),
                                   bm_threaded<mpmc_case, I, int, int, int>, name(test, impl),
                                   producers, contended_threads - producers, 64)
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
      benchmark::RegisterBenchmark(name(test, impl).c_str(), bm_wake<I>, name(test, impl), n, k)
          ->Iterations(1);
    });
  }
}

// --semfuzz_load=N: N threads that keep a CPU busy each until the object is destroyed.
class busy_load {
 public:
  explicit busy_load(int threads) {
    for (int i = 0; i < threads; ++i) {
      threads_.emplace_back([this] {
        std::uint64_t spins = 0;
        while (!stop_.load(std::memory_order_relaxed)) {
          for (int j = 0; j < 4096; ++j) benchmark::DoNotOptimize(++spins);
        }
      });
    }
  }
  ~busy_load() {
    stop_.store(true, std::memory_order_relaxed);
    for (std::thread& t : threads_) t.join();
  }
  busy_load(const busy_load&) = delete;
  busy_load& operator=(const busy_load&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace

int main(int argc, char** argv) {
  int contended_threads = 0;
  int load_threads = 0;
  double case_timeout_s = 30;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--semfuzz_quick") == 0) {
      g_quick = true;
    } else if (std::strcmp(argv[i], "--semfuzz_pin") == 0) {
      g_pin = true;
    } else if (std::strcmp(argv[i], "--semfuzz_padded") == 0) {
      g_padded = true;
    } else if (std::strncmp(argv[i], "--semfuzz_threads=", 18) == 0) {
      contended_threads = std::atoi(argv[i] + 18);
    } else if (std::strncmp(argv[i], "--semfuzz_load=", 15) == 0) {
      char* end = nullptr;
      const long n = std::strtol(argv[i] + 15, &end, 10);
      if (end == argv[i] + 15 || *end != '\0' || n < 0 || n > 256) {
        std::fprintf(stderr, "semaphore_bench: --semfuzz_load wants 0..256 threads, not '%s'\n",
                     argv[i] + 15);
        return 2;
      }
      load_threads = static_cast<int>(n);
    } else if (std::strncmp(argv[i], "--semfuzz_case_timeout=", 23) == 0) {
      case_timeout_s = std::max(0.1, std::atof(argv[i] + 23));
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  // glibc runs std::mutex and pthread mutexes without atomic instructions while the process has
  // never had a second thread; a semaphore is for multithreaded programs, so measure them there.
  std::thread([] {}).join();
  stall_watchdog::start(case_timeout_s);
  register_all(contended_threads);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  busy_load load(load_threads);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
