// Tests of the instrumentation runtime (fuzz/instrumented/runtime/runtime.h) through instrumented
// code (probe.h): the hooks perform the real operations and are scheduling points, plain accesses
// are not, use after destroy is seen, and the OS calls reach the futex model and virtual time, or
// end the run with unsupported-call.
#include "fuzz/instrumented/runtime/runtime.h"

#include <gtest/gtest.h>
#include <linux/futex.h>

#include <cerrno>
#include <climits>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/probe.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/sim/chooser.h"
#include "fuzz/sim/scheduler.h"

namespace semfuzz::instr {
namespace {

using sim::kStartTime;
using sim::scheduler;
namespace probe = instr_probe;

template <class T>
void expect_real_atomics(std::uint64_t (*instrumented)(std::atomic<T>&)) {
  std::atomic<T> reference{1};
  const std::uint64_t want = probe::all_atomics(reference);
  ASSERT_EQ(reference.load(), 6u);
  std::atomic<T> outside{1};  // no simulation: the hooks only perform the operations
  EXPECT_EQ(instrumented(outside), want);
  EXPECT_EQ(outside.load(), 6u);

  harness h;
  std::atomic<T> inside{1};
  std::uint64_t got = 0;
  h.bodies.push_back([&](int) { got = instrumented(inside); });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(got, want);
  EXPECT_EQ(inside.load(), 6u);
  EXPECT_EQ(h.obs.steps, 14u);  // 12 atomics + 1 fence are scheduling points, + the body's end
}

TEST(InstrumentedRuntime, AtomicsPerformTheRealOperationAtEveryWidth) {
  expect_real_atomics<std::uint8_t>(probe::atomics8);
  expect_real_atomics<std::uint16_t>(probe::atomics16);
  expect_real_atomics<std::uint32_t>(probe::atomics32);
  expect_real_atomics<std::uint64_t>(probe::atomics64);
  alignas(16) unsigned __int128 wide = 5;
  EXPECT_FALSE(probe::cas128(&wide, 4, 9));
  EXPECT_TRUE(probe::cas128(&wide, 5, static_cast<unsigned __int128>(1) << 100));
  EXPECT_EQ(wide, static_cast<unsigned __int128>(1) << 100);
}

TEST(InstrumentedRuntime, ChoiceBytesPickWhichAtomicRunsNext) {
  // As Scheduler.ChoiceBytesPickAmongRunnableThreads with simulated atomics: the same bytes give
  // the same interleaving of instrumented std::atomic operations.
  harness h;
  std::atomic<std::uint32_t> w{0};
  std::vector<int> order;
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&](int self) {
      for (int i = 0; i < 2; ++i) {
        probe::add_one(w);
        order.push_back(self);
      }
    });
  }
  EXPECT_FALSE(h.run({1, 0, 1, 2, 1}).failed());
  EXPECT_EQ(order, (std::vector<int>{1, 0, 1, 0}));
  EXPECT_EQ(w.load(), 4u);
}

TEST(InstrumentedRuntime, PlainAccessesAreNoSchedulingPoints) {
  harness h;
  alignas(16) unsigned char buffer[64] = {};
  std::uint64_t sum = 0;
  h.bodies.push_back([&](int) { sum = probe::plain(buffer); });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(sum, 41u);
  EXPECT_EQ(h.obs.steps, 1u);
}

TEST(InstrumentedRuntime, AnAccessAfterDestroyFailsTheRun) {
  harness h;
  alignas(16) unsigned char buffer[64] = {};
  object_created(buffer + 16, 8);
  object_destroyed(buffer + 16, 8);
  h.bodies.push_back([&](int) { probe::plain(buffer); });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::use_after_destroy);
  EXPECT_NE(v.message.find("write of 4 bytes at offset 0"), std::string::npos) << v.message;

  harness atomic;
  std::atomic<std::uint32_t> gone{0};
  object_created(&gone, sizeof gone);
  object_destroyed(&gone, sizeof gone);
  atomic.bodies.push_back([&](int) { probe::add_one(gone); });
  EXPECT_EQ(atomic.run().kind, verdict_kind::use_after_destroy);
  EXPECT_EQ(gone.load(), 0u);  // stopped before the access
}

// Sleeper T0 on `word` with op, until T1 (if any) runs `waker`.
struct futex_case {
  harness h;
  std::uint32_t word = 0;
  long rc = 0;
  int err = 0;
  sim::vtime woke_at = 0;
  futex_case() { object_created(&word, sizeof word); }
  void sleeper(int op, std::uint32_t expected, const timespec* timeout) {
    h.bodies.push_back([=, this](int) {
      rc = probe::futex(&word, op, expected, timeout, nullptr, FUTEX_BITSET_MATCH_ANY);
      err = rc < 0 ? errno : 0;
      woke_at = h.sched.now();
    });
  }
};

TEST(InstrumentedRuntime, FutexWaitAndWakeReachTheModel) {
  for (int flag : {0, FUTEX_PRIVATE_FLAG}) {
    for (int wait : {FUTEX_WAIT, FUTEX_WAIT_BITSET}) {
      for (int wake : {FUTEX_WAKE, FUTEX_WAKE_BITSET}) {
        futex_case c;
        long woken = -1;
        c.sleeper(wait | flag, 0, nullptr);
        c.h.bodies.push_back([&](int) {
          woken = probe::futex(&c.word, wake | flag, 1, nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
        });
        EXPECT_FALSE(c.h.run().failed());
        EXPECT_EQ(c.rc, 0);
        EXPECT_EQ(woken, 1);
      }
    }
  }
  futex_case changed;
  changed.sleeper(FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 1, nullptr);
  EXPECT_FALSE(changed.h.run().failed());
  EXPECT_EQ(changed.err, EAGAIN);
}

std::uint32_t g_futex_word = 0;  // a global of the program: memory a futex may wait on

// A futex wait on memory no object registered (a global, the waiter's own stack, a heap block)
// sleeps until a wake on that address (fuzz/instrumented/runtime/futex_memory.h).
TEST(InstrumentedRuntime, FutexWaitsOnAnyMemory) {
  for (const char* where : {"global", "stack", "heap"}) {
    harness h;
    std::uint32_t* word = nullptr;
    std::unique_ptr<std::uint32_t> block;
    long rc = -1, woken = -1;
    h.bodies.push_back([&](int) {
      std::uint32_t local = 0;
      if (where == std::string("global")) word = &g_futex_word;
      if (where == std::string("stack")) word = &local;
      if (where == std::string("heap")) word = (block = std::make_unique<std::uint32_t>(0)).get();
      rc = probe::futex(word, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
    });
    h.bodies.push_back([&](int) {
      woken = probe::futex(word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
      block.reset();  // its sleeper is awake: no finding
    });
    const verdict v = h.run();
    EXPECT_FALSE(v.failed()) << where << ": " << v.message;
    EXPECT_EQ(rc, 0) << where;
    EXPECT_EQ(woken, 1) << where;
  }
}

// Freeing a heap block while a thread sleeps on a futex word inside it is use-after-destroy, at
// the free; a misaligned word stays futex-misuse.
TEST(InstrumentedRuntime, FreeingAFutexWordsBlockUnderItsSleeperIsUseAfterDestroy) {
  harness h;
  auto* block = new std::uint32_t[4]{};
  h.bodies.push_back(
      [&](int) { probe::futex(block + 2, FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0); });
  h.bodies.push_back([&](int) { delete[] block; });
  const verdict v = h.run();
  EXPECT_EQ(v.kind, verdict_kind::use_after_destroy);
  EXPECT_NE(v.message.find("T1 frees the heap block of 16 bytes holding futex word word0+0 "
                           "(offset 8), while T0 sleeps in a futex wait on it"),
            std::string::npos)
      << v.message;

  harness misaligned;
  alignas(4) char bytes[8] = {};
  misaligned.bodies.push_back([&](int) {
    probe::futex(reinterpret_cast<std::uint32_t*>(bytes + 1), FUTEX_WAIT_PRIVATE, 0, nullptr,
                 nullptr, 0);
  });
  EXPECT_EQ(misaligned.run().kind, verdict_kind::futex_misuse);
}

TEST(InstrumentedRuntime, FutexDeadlinesRunOnVirtualTime) {
  const sim::vtime ms = 1'000'000;
  const timespec relative{0, 3 * ms};
  const timespec monotonic{(kStartTime + 5 * ms) / 1'000'000'000,
                           (kStartTime + 5 * ms) % 1'000'000'000};
  const sim::vtime real = kStartTime + kRealtimeOffsetNs + 7 * ms;
  const timespec realtime{real / 1'000'000'000, real % 1'000'000'000};
  struct {
    int op;
    const timespec* t;
    sim::vtime at;
  } cases[] = {{FUTEX_WAIT, &relative, 3 * ms},
               {FUTEX_WAIT_BITSET, &monotonic, 5 * ms},
               {FUTEX_WAIT_BITSET | FUTEX_CLOCK_REALTIME, &realtime, 7 * ms}};
  for (const auto& k : cases) {
    futex_case c;
    c.sleeper(k.op | FUTEX_PRIVATE_FLAG, 0, k.t);
    EXPECT_FALSE(c.h.run().failed());
    EXPECT_EQ(c.err, ETIMEDOUT);
    EXPECT_EQ(c.woke_at, kStartTime + k.at);
  }
  const timespec bad{0, 1'000'000'000};
  futex_case invalid;
  invalid.sleeper(FUTEX_WAIT_BITSET, 0, &bad);
  EXPECT_FALSE(invalid.h.run().failed());
  EXPECT_EQ(invalid.err, EINVAL);
}

TEST(InstrumentedRuntime, FutexWakeOpDoesTheKernelsOperationAndComparison) {
  // semfuzz's encoding (linux_futex.cc): OR 0 into word2, wake word2's sleepers if it was != 0.
  for (std::uint32_t second : {0u, 5u}) {
    futex_case c;
    std::uint32_t word2 = second;
    object_created(&word2, sizeof word2);
    long second_rc = 1;
    c.sleeper(FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, nullptr);
    c.h.bodies.push_back([&](int) {
      second_rc =
          probe::futex(&word2, FUTEX_WAIT_BITSET, second, nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
    });
    long woken = -1;
    c.h.bodies.push_back([&](int) {
      woken = probe::futex(&c.word, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1,
                           reinterpret_cast<const timespec*>(1L), &word2,
                           FUTEX_OP(FUTEX_OP_OR, 0, FUTEX_OP_CMP_NE, 0));
    });
    c.h.run();
    EXPECT_EQ(woken, second != 0 ? 2 : 1);
    EXPECT_EQ(word2, second);
  }
  // SET with the shift flag and GE: *word2 = 1 << 4, wake word2 if old >= -1.
  futex_case set;
  std::uint32_t word2 = 3;
  object_created(&word2, sizeof word2);
  set.h.bodies.push_back([&](int) {
    probe::futex(&set.word, FUTEX_WAKE_OP, 1, nullptr, &word2,
                 FUTEX_OP(FUTEX_OP_SET | FUTEX_OP_OPARG_SHIFT, 4, FUTEX_OP_CMP_GE, 0xfff));
  });
  EXPECT_FALSE(set.h.run().failed());
  EXPECT_EQ(word2, 16u);
}

verdict run_alone(const std::function<void()>& f) {
  harness h;
  h.bodies.push_back([&](int) { f(); });
  return h.run();
}

TEST(InstrumentedRuntime, UnmodelledCallsEndTheRunNamingThem) {
  struct {
    std::function<void()> call;
    const char* named;
  } cases[] = {
      {[] { probe::getpid_syscall(); }, "syscall(39)"},
      {[] { probe::unmodelled_call(); }, "getppid"},
      {[] {
         timespec t;
         probe::get_time(CLOCK_PROCESS_CPUTIME_ID, &t);
       },
       "clock_gettime(clock 2)"},
      {[] {
         std::uint32_t w = 0;
         probe::futex(&w, FUTEX_WAKE_BITSET, 1, nullptr, nullptr, 1);
       },
       "bitset other than all ones"},
      {[] {
         std::uint32_t w = 0;
         probe::futex(&w, FUTEX_REQUEUE, 1, nullptr, &w, 0);
       },
       "op 3"},
  };
  for (const auto& c : cases) {
    const verdict v = run_alone(c.call);
    EXPECT_EQ(v.kind, verdict_kind::unsupported_call) << c.named;
    EXPECT_NE(v.message.find(c.named), std::string::npos) << v.message;
  }
}

TEST(InstrumentedRuntime, ClocksAndSleepsRunOnVirtualTime) {
  harness h;
  timespec mono{}, real{};
  sim::vtime steady = 0, system = 0, after_yield = 0, after_sleep = 0, after_usleep = 0;
  int yield_rc = -1;
  h.bodies.push_back([&](int) {
    probe::get_time(CLOCK_MONOTONIC, &mono);
    probe::get_time(CLOCK_REALTIME, &real);
    steady = std::chrono::nanoseconds(probe::steady_now().time_since_epoch()).count();
    system = std::chrono::nanoseconds(probe::system_now().time_since_epoch()).count();
    yield_rc = probe::yield();
    after_yield = h.sched.now();
    probe::sleep_ns(2'000'000);
    after_sleep = h.sched.now();
    probe::sleep_us(1000);
    after_usleep = h.sched.now();
  });
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(mono.tv_sec * 1'000'000'000LL + mono.tv_nsec, kStartTime);
  EXPECT_EQ(real.tv_sec * 1'000'000'000LL + real.tv_nsec, kStartTime + kRealtimeOffsetNs);
  EXPECT_EQ(steady, kStartTime);
  EXPECT_EQ(system, kStartTime + kRealtimeOffsetNs);
  EXPECT_EQ(yield_rc, 0);
  EXPECT_EQ(after_yield, kStartTime + 1'000);  // a yield passes 1 us (os.cc: kYieldNs)
  EXPECT_EQ(after_sleep, after_yield + 2'000'000);
  EXPECT_EQ(after_usleep, after_yield + 3'000'000);
}

// ---- The happens-before checker and the race detector, fed by the hooks (issue 12, 2(b)).

// T0 publishes a plain payload through `flag`, T1 consumes it (the fair policy runs T0 to its end
// first, so T1 always sees the flag set). Returns the run's verdict; *got is what T1 read.
verdict message_passing(std::memory_order store, std::memory_order load, int* got,
                        bool fenced = false) {
  harness h;
  int payload = 0;
  std::atomic<std::uint32_t> flag{0};
  h.bodies.push_back([&](int) {
    if (fenced) {
      probe::publish_fenced(&payload, flag, 42, store);
    } else {
      probe::publish(&payload, flag, 42, store);
    }
  });
  h.bodies.push_back([&](int) {
    *got =
        fenced ? probe::consume_fenced(&payload, flag, load) : probe::consume(&payload, flag, load);
  });
  return h.run();
}

// v is a data race: the access `later` (e.g. "T1 read of 4 bytes") races with `earlier`.
void expect_race(const verdict& v, const std::string& later, const std::string& earlier) {
  EXPECT_EQ(v.kind, verdict_kind::data_race);
  EXPECT_EQ(v.message.find(later + " at step "), 0u) << v.message;
  EXPECT_NE(v.message.find(") races with " + earlier + " at step "), std::string::npos)
      << v.message;
}

TEST(InstrumentedOrdering, APlainPayloadBehindARelaxedFlagIsADataRace) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  int got = 0;
  const verdict v = message_passing(std::memory_order_relaxed, std::memory_order_relaxed, &got);
  ASSERT_EQ(v.kind, verdict_kind::data_race);
  EXPECT_EQ(got, 0);  // T1 stopped before its racing read returned
  // Both accesses: thread, kind, size, step, and the code location of each (probe.cc).
  // T0's write (step 0: before its first scheduling point), T1's read in step 3 (its load's).
  EXPECT_NE(v.message.find("T1 read of 4 bytes at step 3 ("), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("races with T0 write of 4 bytes at step 0 ("), std::string::npos)
      << v.message;
  // Each access's code location: a line of probe.cc (consume's read, publish's write).
  const std::size_t first = v.message.find("(probe.cc:");
  EXPECT_NE(first, std::string::npos) << v.message;
  EXPECT_NE(v.message.find("(probe.cc:", first + 1), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("T1 knows T0 only up to epoch 0"), std::string::npos) << v.message;
  for (int i = 0; i < 20; ++i) {  // deterministic: the same finding on every replay
    int again = 0;
    EXPECT_EQ(message_passing(std::memory_order_relaxed, std::memory_order_relaxed, &again).message,
              v.message);
  }
  // Either half relaxed is enough.
  EXPECT_EQ(message_passing(std::memory_order_release, std::memory_order_relaxed, &got).kind,
            verdict_kind::data_race);
  EXPECT_EQ(message_passing(std::memory_order_relaxed, std::memory_order_acquire, &got).kind,
            verdict_kind::data_race);
}

TEST(InstrumentedOrdering, ReleaseAcquireOrdersThePlainPayload) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  for (auto [store, load] : {std::pair{std::memory_order_release, std::memory_order_acquire},
                             std::pair{std::memory_order_seq_cst, std::memory_order_seq_cst},
                             std::pair{std::memory_order_release, std::memory_order_consume}}) {
    int got = 0;
    EXPECT_FALSE(message_passing(store, load, &got).failed());
    EXPECT_EQ(got, 42);
  }
}

TEST(InstrumentedOrdering, FencesOrderRelaxedAtomicsAsTheMemoryModelSays) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  int got = 0;
  EXPECT_FALSE(
      message_passing(std::memory_order_release, std::memory_order_acquire, &got, true).failed());
  EXPECT_EQ(got, 42);
  EXPECT_EQ(message_passing(std::memory_order_release, std::memory_order_relaxed, &got, true).kind,
            verdict_kind::data_race);
  EXPECT_EQ(message_passing(std::memory_order_relaxed, std::memory_order_acquire, &got, true).kind,
            verdict_kind::data_race);
}

TEST(InstrumentedOrdering, AFutexWakeIsNoSynchronisation) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  // T0 sleeps on the futex, then reads the payload; T1 writes it, then wakes T0.
  futex_case c;
  int payload = 0;
  int got = -1;
  c.h.bodies.push_back([&](int) {
    probe::futex(&c.word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 0, nullptr, nullptr,
                 FUTEX_BITSET_MATCH_ANY);
    got = probe::consume(&payload, std::atomic<std::uint32_t>{1}, std::memory_order_acquire);
  });
  std::atomic<std::uint32_t> unused{0};
  c.h.bodies.push_back([&](int) {
    probe::publish(&payload, unused, 7, std::memory_order_release);
    probe::futex(&c.word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, nullptr, nullptr, 0);
  });
  expect_race(c.h.run(), "T0 read of 4 bytes", "T1 write of 4 bytes");
}

TEST(InstrumentedOrdering, ThreadStartAndJoinAreEdgesAndBytesAreApart) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  harness h;
  alignas(8) int counters[2] = {5, 5};  // one 8-byte granule, one int per thread
  counters[0] = 10;                     // before the run: happens-before every thread
  for (int t = 0; t < 2; ++t) {
    h.bodies.push_back([&](int self) {
      probe::plain_increment(&counters[self]);
      probe::plain_increment(&counters[self]);
    });
  }
  EXPECT_FALSE(h.run().failed());
  EXPECT_EQ(counters[0], 12);  // after the run (joined): no race with the harness either
  EXPECT_EQ(counters[1], 7);

  // The same counter in both threads: a race. (The compiler instruments only the write of a
  // read followed by a write of the same location: TSan's default.)
  harness both;
  for (int t = 0; t < 2; ++t) both.bodies.push_back([&](int) { probe::plain_increment(counters); });
  expect_race(both.run(), "T1 write of 4 bytes", "T0 write of 4 bytes");
}

TEST(InstrumentedOrdering, EachRunStartsWithoutHistoryAndOrderCheckingCanBeOff) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  harness h;
  int payload = 0;
  std::atomic<std::uint32_t> flag{0};
  h.bodies.push_back([&](int) { probe::publish(&payload, flag, 1, std::memory_order_relaxed); });
  EXPECT_FALSE(h.run().failed());
  // The next run: T1 reads what the last run's T0 wrote (T1 never knew T0's epoch 1 of that
  // run), with no race, since a run begins without history.
  h.bodies[0] = [](int) {};
  h.bodies.push_back([&](int) { probe::consume(&payload, flag, std::memory_order_relaxed); });
  EXPECT_FALSE(h.run().failed());
  // A relaxed hand-over is a race, unless order checking is off.
  h.bodies[0] = [&](int) { probe::publish(&payload, flag, 2, std::memory_order_relaxed); };
  EXPECT_EQ(h.run().kind, verdict_kind::data_race);
  h.sched.set_order_checking(false);
  EXPECT_FALSE(h.run().failed());
}

TEST(InstrumentedOrdering, ANewObjectHasNoHistory) {
  if (!checks_plain_races()) GTEST_SKIP() << "no allocator hook: plain accesses go unchecked";
  // T0 writes the bytes, then T1 creates an object there (as after a delete and a new) and
  // writes them: no race with the dead object's accesses. Without the new object, a race.
  for (bool created : {true, false}) {
    harness h;
    std::atomic<std::uint32_t> flag{0};
    alignas(8) int bytes = 0;
    h.bodies.push_back([&](int) { probe::publish(&bytes, flag, 1, std::memory_order_relaxed); });
    h.bodies.push_back([&](int) {
      if (created) object_created(&bytes, sizeof bytes);
      probe::publish(&bytes, flag, 2, std::memory_order_relaxed);
    });
    EXPECT_EQ(h.run().kind, created ? verdict_kind::pass : verdict_kind::data_race) << created;
  }
}

}  // namespace
}  // namespace semfuzz::instr
