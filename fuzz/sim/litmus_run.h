// Runs the litmus cases of fuzz/sim/litmus.h on the deterministic scheduler with the
// weak-memory model on: random schedules (seeded random_chooser: which thread steps and which
// allowed store each load reads), counting how often the asked-about outcome appears.
#ifndef SEMFUZZ_FUZZ_TESTS_LITMUS_RUN_H_
#define SEMFUZZ_FUZZ_TESTS_LITMUS_RUN_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "fuzz/sim/chooser.h"
#include "fuzz/sim/litmus.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::litmus {

struct tally {
  std::uint64_t runs = 0;
  std::uint64_t asked = 0;       // runs that ended in the asked-about outcome
  std::int64_t first_seed = -1;  // the first seed that did
};

// The scheduler's observer for litmus runs: no oracle applies (the outcome is the verdict).
struct no_oracles final : sim::observer {
  void on_clock_read(int, sim::vtime) override {}
  void on_wait(int, sim::vtime) override {}
  void on_futex_call(const sim::futex_call&) override {}
  void after_step(std::uint64_t) override {}
  void at_quiescence() override {}
};

// Schedules per case: SEMFUZZ_LITMUS_RUNS, else 100,000.
inline std::uint64_t litmus_runs() {
  const char* v = std::getenv("SEMFUZZ_LITMUS_RUNS");
  return v != nullptr ? std::strtoull(v, nullptr, 10) : 100'000;
}

template <class Atomic>
tally run_case(const litmus_case<Atomic>& lc, std::uint64_t runs, bool weak = true) {
  struct arg_t {
    const litmus_case<Atomic>* lc;
    cells<Atomic>* c;
    outcome* o;
  };
  sim::scheduler s;
  s.set_weak_memory(weak, true);
  no_oracles obs;
  tally t;
  for (std::uint64_t seed = 0; seed < runs; ++seed) {
    sim::scheduler::scope scope(s);
    cells<Atomic> c;
    outcome o;
    arg_t arg{&lc, &c, &o};
    sim::random_chooser chooser(seed);
    s.run(
        lc.threads,
        [](void* p, int thread) {
          auto* a = static_cast<arg_t*>(p);
          a->lc->body(thread, *a->c, a->o->r);
        },
        &arg, chooser, &obs, false);
    o.x = c.x.load(rlx);  // outside the run: the newest values
    o.y = c.y.load(rlx);
    ++t.runs;
    if (lc.asked(o)) {
      if (t.asked++ == 0) t.first_seed = static_cast<std::int64_t>(seed);
    }
  }
  return t;
}

// Runs the case `runs` times with the model on, prints its row of the litmus table and expects
// what the C++ model says: an allowed outcome reached at least once, a forbidden one never. One
// judgement for the simulated platform's and the instrumented code's tests.
template <class Atomic>
void expect_as_the_model_says(const litmus_case<Atomic>& lc, std::uint64_t runs) {
  const tally t = run_case(lc, runs);
  std::printf("litmus | %s | %s | %s | %llu of %llu (first: seed %lld)\n", lc.name, lc.outcome_text,
              lc.allowed ? "allowed" : "forbidden", static_cast<unsigned long long>(t.asked),
              static_cast<unsigned long long>(t.runs), static_cast<long long>(t.first_seed));
  if (lc.allowed) {
    EXPECT_GT(t.asked, 0u) << lc.name << ": allowed " << lc.outcome_text << " never reached";
  } else {
    EXPECT_EQ(t.asked, 0u) << lc.name << ": forbidden " << lc.outcome_text
                           << " reached, first by seed " << t.first_seed;
  }
}

}  // namespace semfuzz::litmus

#endif  // SEMFUZZ_FUZZ_TESTS_LITMUS_RUN_H_
