// The threaded benchmark cases: ping-pong, a producer/consumer ring, and producers/consumers on
// one ring (oversubscribed or contended), each run twice per benchmark run:
//   timed    the main thread runs Google Benchmark's loop, partners the same number of iterations;
//            time (manual) runs from the start signal until every partner has finished.
//            Counter own_futex_syscalls_per_op: semfuzz's own futex_syscall_count() delta per
//            iteration (all threads; split64 and word32 only), the pre-issue-14 figure.
//            Counter sleeps_per_op: the times the case's threads blocked (common.h,
//            sleep_tally), per round trip or item, any implementation.
//   counted  the same workload, untimed, with min(iterations, 5,000 or 20,000) iterations on
//            threads whose every futex call is trapped and counted (syscall_counter.h), so it
//            covers every library. Counter futex_syscalls_per_op: calls per round trip or item,
//            all threads, thread start and join included (a handful per run).
// Both passes run under the stall watchdog (stall_watchdog.h): a stalled run is rescued with
// extra tokens and the case reports "stalled" instead of hanging the benchmark.
#ifndef SEMFUZZ_BENCH_THREADED_CASES_H_
#define SEMFUZZ_BENCH_THREADED_CASES_H_

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "common.h"
#include "stall_watchdog.h"
#include "syscall_counter.h"

namespace semfuzz_bench {

// What one pass of a threaded workload reports.
struct pass_result {
  double iteration_time = 0;  // seconds to hand to SetIterationTime for all iterations
  double ops = 1;             // round trips or items, for the per-op counters
  long sleeps = 0;            // times the case's threads blocked between gate and finish
  bool stalled = false;       // the watchdog rescued it: the figures mean nothing
  const char* error = nullptr;
};

// Runs body() n times on the calling thread: Google Benchmark's loop when timed (state given),
// a plain loop in the counted pass.
template <class Body>
void main_loop(benchmark::State* state, std::int64_t n, Body&& body) {
  if (state != nullptr) {
    for (auto _ : *state) body();
  } else {
    for (std::int64_t i = 0; i < n; ++i) body();
  }
}

// Two threads, one round trip = two hand-offs.
struct pingpong_case {
  static constexpr bool kItems = false;
  template <class I>
  static pass_result run(benchmark::State* state, std::int64_t n, const std::string& name) {
    affinity_guard restore;
    I ping(0), pong(0);
    stall_watchdog::guard watch(name, [&] {
      flood(ping, n + 1);
      flood(pong, n + 1);
    });
    start_gate gate(1);
    std::atomic<long> sleeps{0};
    std::thread partner([&] {
      pin_to(1);
      gate.arrive_and_wait();
      sleep_tally tally(sleeps);
      for (std::int64_t i = 0; i < n; ++i) {
        ping.acquire();
        pong.release();
      }
    });
    pin_to(0);
    gate.open();
    const auto start = steady_clock::now();
    {
      sleep_tally tally(sleeps);
      main_loop(state, n, [&] {
        ping.release();
        pong.acquire();
      });
    }
    partner.join();
    return {seconds_since(start), static_cast<double>(n), sleeps.load(), watch.stalled()};
  }
};

// One producer, one consumer, a ring of `slots` guarded by two semaphores; time per item.
struct pc_ring_case {
  static constexpr bool kItems = true;
  template <class I>
  static pass_result run(benchmark::State* state, std::int64_t n, const std::string& name,
                         int slots) {
    affinity_guard restore;
    I free_slots(slots), full_slots(0);
    stall_watchdog::guard watch(name, [&] {
      flood(free_slots, n + slots);
      flood(full_slots, n + 1);
    });
    std::vector<std::uint64_t> ring(static_cast<std::size_t>(slots));
    start_gate gate(1);
    std::uint64_t sum = 0;
    std::atomic<long> sleeps{0};
    std::thread consumer([&] {
      pin_to(1);
      gate.arrive_and_wait();
      sleep_tally tally(sleeps);
      for (std::int64_t i = 0; i < n; ++i) {
        full_slots.acquire();
        sum += ring[static_cast<std::size_t>(i % slots)];
        free_slots.release();
      }
    });
    pin_to(0);
    gate.open();
    const auto start = steady_clock::now();
    std::uint64_t next = 0;
    {
      sleep_tally tally(sleeps);
      main_loop(state, n, [&] {
        free_slots.acquire();
        ring[static_cast<std::size_t>(next % static_cast<std::uint64_t>(slots))] = next;
        ++next;
        full_slots.release();
      });
    }
    consumer.join();
    pass_result r{seconds_since(start), static_cast<double>(n), sleeps.load(), watch.stalled()};
    if (!r.stalled && sum != next * (next - 1) / 2) r.error = "the consumer saw wrong items";
    return r;
  }
};

// `producers` producers (the main thread and producers - 1 more) each put n items; `consumers`
// consumers take them until each takes one of the `consumers` extra "stop" tokens released at
// the end. Only the semaphores are shared (no payload), so any counts are valid. The time of one
// iteration is that of one item: the wall time over all producers' items (Google Benchmark
// divides items, set to iterations, by that manual time, so items/s is right).
struct mpmc_case {
  static constexpr bool kItems = true;
  template <class I>
  static pass_result run(benchmark::State* state, std::int64_t n, const std::string& name,
                         int producers, int consumers, int slots) {
    I free_slots(slots), full_slots(0);
    const auto total = static_cast<std::uint64_t>(n) * static_cast<std::uint64_t>(producers);
    stall_watchdog::guard watch(name, [&] {
      flood(free_slots, static_cast<long long>(total) + slots);
      flood(full_slots, static_cast<long long>(total) + consumers);
    });
    start_gate gate(consumers + producers - 1);
    std::atomic<std::uint64_t> taken{0};
    std::atomic<long> sleeps{0};
    std::vector<std::thread> threads;
    for (int c = 0; c < consumers; ++c) {
      threads.emplace_back([&] {
        gate.arrive_and_wait();
        sleep_tally tally(sleeps);
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
        sleep_tally tally(sleeps);
        for (std::int64_t i = 0; i < n; ++i) {
          free_slots.acquire();
          full_slots.release();
        }
      });
    }
    gate.open();
    const auto start = steady_clock::now();
    {
      sleep_tally tally(sleeps);
      main_loop(state, n, [&] {
        free_slots.acquire();
        full_slots.release();
      });
    }
    for (auto& t : other_producers) t.join();
    full_slots.release(consumers);
    for (auto& t : threads) t.join();
    return {seconds_since(start) / producers, static_cast<double>(total), sleeps.load(),
            watch.stalled()};
  }
};

// Iterations of the counted pass (see the top of this file).
inline std::int64_t counted_iterations(std::int64_t timed) {
  return std::min<std::int64_t>(timed, g_quick ? 5000 : 20000);
}

// A threaded case of implementation I, registered as `name`: the timed pass, then the counted
// pass.
template <class Case, class I, class... Args>
void bm_threaded(benchmark::State& state, const std::string& name, Args... args) {
  const std::uint64_t own_before = own_futex_calls<I>();
  const pass_result timed = Case::template run<I>(&state, state.max_iterations, name, args...);
  const std::uint64_t own_calls = own_futex_calls<I>() - own_before;
  state.SetIterationTime(timed.iteration_time);
  if (Case::kItems) state.SetItemsProcessed(state.iterations());
  if (kCountsOwnFutexCalls<I>) {
    state.counters["own_futex_syscalls_per_op"] = static_cast<double>(own_calls) / timed.ops;
  }
  state.counters["sleeps_per_op"] = static_cast<double>(timed.sleeps) / timed.ops;
  pass_result counted;
  const auto calls = run_counted([&] {
    counted = Case::template run<I>(nullptr, counted_iterations(state.max_iterations),
                                    name + " (counted pass)", args...);
  });
  if (calls && !counted.stalled) {
    state.counters["futex_syscalls_per_op"] = static_cast<double>(*calls) / counted.ops;
  }
  if (timed.stalled || counted.stalled) {
    state.SkipWithError(
        "stalled: threads still blocked after the watchdog's limit (a lost "
        "wakeup?); finished by releasing extra tokens");
  } else if (timed.error != nullptr) {
    state.SkipWithError(timed.error);
  }
}

}  // namespace semfuzz_bench

#endif  // SEMFUZZ_BENCH_THREADED_CASES_H_
