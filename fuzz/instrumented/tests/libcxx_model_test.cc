// Tests of libc++ 14's modelled synchronization library (fuzz/instrumented/runtime/libcxx_sync.cc),
// through libc++'s own headers (libcxx_probe.h): std::atomic<T>::wait / notify reach the contention
// table and the futex model as libc++.so's code does, sleep_for and steady_clock::now run on
// virtual time.
#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/targets/libcxx_process.h"
#include "fuzz/instrumented/tests/libcxx_probe.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::kStartTime;
using sim::scheduler;
namespace probe = instr_libcxx_probe;
constexpr sim::vtime kUs = 1'000, kMs = 1'000'000, kS = 1'000'000'000;

struct recorder final : sim::observer {
  scheduler* judge = nullptr;
  std::vector<sim::futex_call> calls;
  std::vector<sim::vtime> waits;  // the deadline of each futex wait that sleeps
  void on_clock_read(int, sim::vtime) override {}
  void on_wait(int, sim::vtime deadline) override { waits.push_back(deadline); }
  void on_futex_call(const sim::futex_call& call) override {
    calls.push_back(call);
    check_futex_call(*judge, call);
  }
  void after_step(std::uint64_t) override {}
  void at_quiescence() override {}
  int wakes() const {
    int n = 0;
    for (const sim::futex_call& c : calls) n += c.wake;
    return n;
  }
};

// Simulated threads running lambdas, with libc++'s shared state fresh and the probe's atomics
// registered (futex words).
struct harness {
  scheduler sched;
  scheduler::scope scope{sched};
  libcxx_process process{sched};
  recorder obs;
  std::vector<std::function<void(int)>> bodies;

  harness() {
    obs.judge = &sched;
    probe::set(0, 0);
    sched.register_word(probe::int_address(), sizeof(int));
    sched.register_word(probe::long_address(), sizeof(long));
  }
  ~harness() {
    sched.unregister_word(probe::long_address());
    sched.unregister_word(probe::int_address());
  }
  static void run_body(void* self, int t) { static_cast<harness*>(self)->bodies[t](t); }
  verdict run(std::vector<std::uint8_t> bytes = {}) {
    sim::byte_stream_chooser c(bytes.data(), bytes.size());
    return verdict_of(
        sched.run(static_cast<int>(bodies.size()), &harness::run_body, this, c, &obs, false));
  }
};

TEST(LibcxxModel, ClockReadsCostVirtualTimeAndSleepForSleepsInIt) {
  harness h;
  std::vector<std::int64_t> t;
  h.bodies.push_back([&](int) {
    t.push_back(probe::steady_now_ns());
    t.push_back(probe::steady_now_ns());
    probe::sleep_ns(5 * kMs);
    probe::sleep_ns(0);
    probe::sleep_ns(-kS);
    t.push_back(probe::steady_now_ns());
  });
  EXPECT_FALSE(h.run().failed());
  constexpr sim::vtime kRead = kLibcxxClockReadNs;
  EXPECT_EQ(t, (std::vector<std::int64_t>{kStartTime + kRead, kStartTime + 2 * kRead,
                                          kStartTime + 5 * kMs + 3 * kRead}));
  EXPECT_TRUE(h.obs.calls.empty());  // sleeps are timers, not futex waits
}

TEST(LibcxxModel, NotifyWithoutWaitersMakesNoSystemCall) {
  harness h;
  h.bodies.push_back([&](int) {
    probe::notify_long_one();
    probe::notify_long_all();
    probe::notify_int_one();
    probe::notify_int_all();
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_TRUE(h.obs.calls.empty());
}

// The laundered path: a wait sleeps on its table entry's platform word with libc++'s 2 s timeout,
// and ends after 2 s of virtual time when nobody notifies.
TEST(LibcxxModel, LaunderedWaitSleepsTwoSecondsOnTheTable) {
  harness h;
  sim::vtime woke = 0;
  h.bodies.push_back([&](int) {
    probe::wait_long_once(probe::monitor_long());
    woke = h.sched.now();
  });
  EXPECT_FALSE(h.run().failed());
  ASSERT_EQ(h.obs.calls.size(), 1u);
  EXPECT_FALSE(h.obs.calls[0].wake);
  EXPECT_TRUE(h.obs.calls[0].supported);  // an aligned word of the registered table
  EXPECT_NE(h.obs.calls[0].word, probe::long_address());
  // Its entry: the one libc++.so.1.0 (14.0.6, Debian) picks, by the hash as its disassembly
  // computes it (CityHash of the 8 pointer bytes, modulo 256), the platform word at offset 4.
  std::size_t bytes = 0;
  const auto* table = static_cast<const char*>(semfuzz_instr_libcxx_state(&bytes));
  ASSERT_EQ(bytes, 256u * 64);
  const auto p = reinterpret_cast<std::uint64_t>(probe::long_address());
  constexpr std::uint64_t kMul = 0x9ddfea08eb382d69ull;
  const std::uint64_t high = p >> 32;
  std::uint64_t x = ((static_cast<std::uint32_t>(p) << 3) + 8ull ^ high) * kMul;
  x ^= x >> 47;
  std::uint64_t y = (high ^ x) * kMul;
  y ^= y >> 47;
  y *= kMul;
  EXPECT_EQ(static_cast<const char*>(h.obs.calls[0].word), table + (y % 256) * 64 + 4);
  EXPECT_EQ(h.obs.waits, (std::vector<sim::vtime>{kStartTime + 2 * kS}));
  EXPECT_EQ(woke, kStartTime + 2 * kS);
}

// A notify between the monitor and the wait changes the platform word: the wait returns at once.
TEST(LibcxxModel, ANotifyAfterTheMonitorKeepsTheWaitFromSleeping) {
  harness h;
  int monitored = 0;
  h.bodies.push_back([&](int) {
    monitored = probe::monitor_long();
    h.sched.park();
    probe::wait_long_once(monitored);
  });
  h.bodies.push_back([&](int) {
    probe::notify_long_one();
    h.sched.unpark(0);
  });
  EXPECT_FALSE(h.run().failed());
  ASSERT_EQ(h.obs.calls.size(), 1u);  // the wait; no waiter yet, so the notify made no call
  EXPECT_TRUE(h.obs.waits.empty());   // value changed: no sleep
}

// Laundered notify_one wakes every waiter (libc++ cannot tell them apart on the shared word);
// std::atomic<int>'s notify_one wakes one, notify_all both. A waiter nobody wakes sees the new
// value when its 2 s timeout ends.
TEST(LibcxxModel, LaunderedNotifyOneWakesEveryWaiterIntNotifyOneWakesOne) {
  for (int kind = 0; kind < 3; ++kind) {
    harness h;
    std::vector<sim::vtime> returned;
    for (int t = 0; t < 2; ++t) {
      h.bodies.push_back([&](int) {
        if (kind == 0) {
          probe::wait_long(0);
        } else {
          probe::wait_int(0);
        }
        returned.push_back(h.sched.now());
      });
    }
    sim::vtime notified = 0;
    h.bodies.push_back([&](int) {
      while (h.sched.waiting_in(0) != sim::wait_kind::futex ||
             h.sched.waiting_in(1) != sim::wait_kind::futex) {
        probe::sleep_ns(10 * kUs);
      }
      probe::set(1, 1);
      notified = h.sched.now();
      if (kind == 0) probe::notify_long_one();
      if (kind == 1) probe::notify_int_one();
      if (kind == 2) probe::notify_int_all();
    });
    EXPECT_FALSE(h.run().failed());
    EXPECT_EQ(h.obs.wakes(), 1) << kind;
    ASSERT_EQ(returned.size(), 2u) << kind;
    EXPECT_LT(returned[0], notified + kMs) << kind;
    if (kind == 1) {
      EXPECT_GE(returned[1], notified + kS) << kind;  // its 2 s futex timeout
    } else {
      EXPECT_LT(returned[1], notified + kMs) << kind;
    }
  }
}

}  // namespace
}  // namespace semfuzz::instr
