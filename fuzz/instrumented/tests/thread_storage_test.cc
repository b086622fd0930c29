// Tests of per-thread storage through instrumented code (storage_probe.h): the key model
// (fuzz/instrumented/runtime/pthread_key.h): a value per simulated thread, destructors at a
// thread's end in POSIX's rounds, glibc's results, keys undone between runs.
#include <gtest/gtest.h>
#include <limits.h>
#include <pthread.h>
#include <sanitizer/lsan_interface.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/pthread_key.h"
#include "fuzz/instrumented/runtime/pthread_thread.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/storage_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = storage_probe;

TEST(PthreadKey, EachThreadHasItsOwnValueUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    probe::per_thread_seen seen;
    const verdict v =
        run_main([&] { seen = probe::counters_through_a_key(3); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(seen.child_start[i], nullptr) << "seed " << int(seed);  // not the creator's
      EXPECT_EQ(seen.child_count[i], 3) << "seed " << int(seed);
    }
    EXPECT_TRUE(seen.main_kept) << "seed " << int(seed);
  }
}

TEST(PthreadKey, ASpareReusedByANewThreadStartsClean) {
  void* seen = &seen;
  const verdict v = run_main([&] { seen = probe::value_after_reuse(); });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(seen, nullptr);
}

TEST(PthreadKey, DestructorsRunOnTheEndingThreadBeforeItsJoinReturns) {
  for (const bool by_exit : {false, true}) {
    for (std::uint8_t seed = 0; seed < 40; ++seed) {
      std::vector<long> log;
      const verdict v =
          run_main([&] { log = probe::destructors_at_end(by_exit); }, schedule_bytes(seed));
      EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
      std::sort(log.begin(), log.end());
      EXPECT_EQ(log, (std::vector<long>{11, 22})) << "seed " << int(seed) << " exit " << by_exit;
    }
  }
}

TEST(PthreadKey, DestructorRoundsStopAtPthreadDestructorIterations) {
  for (const int resets : {0, 1, 10}) {
    int calls = 0;
    const verdict v = run_main([&] { probe::destructor_rounds(resets, &calls); });
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(calls, std::min(resets + 1, PTHREAD_DESTRUCTOR_ITERATIONS)) << resets << " resets";
  }
}

TEST(PthreadKey, GlibcResults) {
  std::vector<long> got;
  const verdict v = run_main([&] {
    pthread_key_t a = 99, b = 99, c = 99;
    int x = 0;
    got.push_back(probe::key_create(&a, nullptr));
    got.push_back(static_cast<long>(a));  // 0: the lowest free key
    got.push_back(probe::key_create(&b, nullptr));
    got.push_back(static_cast<long>(b));
    got.push_back(probe::set(a, &x));
    got.push_back(probe::key_delete(a));
    got.push_back(probe::key_delete(a));                     // EINVAL: deleted
    got.push_back(probe::set(a, &x));                        // EINVAL: deleted
    got.push_back(probe::get(a) == nullptr);                 // NULL
    got.push_back(probe::set(1000, &x));                     // EINVAL: never created
    got.push_back(probe::get(PTHREAD_KEYS_MAX) == nullptr);  // NULL
    got.push_back(probe::key_create(&c, nullptr));
    got.push_back(static_cast<long>(c));      // a's index again
    got.push_back(probe::get(c) == nullptr);  // a's value is not c's
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(got, (std::vector<long>{0, 0, 0, 1, 0, 0, EINVAL, EINVAL, 1, EINVAL, 1, 0, 0, 1}));
}

TEST(PthreadKey, KeysRunOutAtPthreadKeysMax) {
  int created = 0, last = 0;
  const verdict v = run_main([&] {
    pthread_key_t k;
    while ((last = probe::key_create(&k, nullptr)) == 0) ++created;
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(created, PTHREAD_KEYS_MAX);
  EXPECT_EQ(last, EAGAIN);
}

TEST(PthreadKey, ARunsKeysAreUndoneAtItsEndAndTheHarnesssKept) {
  pthread_key_t kept = 99;
  ASSERT_EQ(probe::key_create(&kept, nullptr), 0);  // outside a run: as a static constructor
  int x = 0;
  ASSERT_EQ(probe::set(kept, &x), 0);
  for (int run = 0; run < 2; ++run) {
    pthread_key_t in_run = 99;
    void* seen = &seen;
    const verdict v = run_main([&] {
      probe::key_create(&in_run, nullptr);
      seen = probe::get(kept);  // the harness's value is not T0's
      probe::key_delete(kept);
    });
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(in_run, kept + 1) << "run " << run;
    EXPECT_EQ(seen, nullptr);
  }
  EXPECT_EQ(probe::get(kept), &x);  // the deletion in the runs is undone
  EXPECT_EQ(probe::key_delete(kept), 0);
}

TEST(PthreadKey, AnExceptionLeavingADestructorTerminates) {
  const verdict v = run_main_to_verdict([] { probe::destructor_throws(); });
  EXPECT_EQ(v.kind, verdict_kind::program_failure) << v.message;
  EXPECT_NE(v.message.find("thread-specific data destructor"), std::string::npos) << v.message;
}

TEST(ThreadLocal, EachThreadHasItsOwnCopyUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    probe::thread_local_seen seen;
    const verdict v =
        run_main([&] { seen = probe::counters_in_thread_locals(3); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(seen.child_start[i], 7) << "seed " << int(seed);  // the template's value
      EXPECT_EQ(seen.child_count[i], 3) << "seed " << int(seed);
    }
    EXPECT_EQ(seen.main_count, 4) << "seed " << int(seed);
    EXPECT_EQ(seen.reused_start, 7) << "seed " << int(seed);  // a fresh copy on a reused spare
  }
}

TEST(ThreadLocal, DestructorsRunOnTheEndingThreadBeforeItsKeysAndItsJoin) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    std::vector<long> log;
    const verdict v =
        run_main([&] { log = probe::thread_local_destructors_at_end(); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    ASSERT_EQ(log.size(), 4U) << "seed " << int(seed);
    for (const long n : {1L, 2L}) {  // each thread's thread_local (n) before its key (-n)
      const auto object = std::find(log.begin(), log.end(), n);
      const auto key = std::find(log.begin(), log.end(), -n);
      EXPECT_TRUE(object < key && key != log.end()) << "seed " << int(seed) << " thread " << n;
    }
  }
}

TEST(ThreadLocal, TheMainThreadsCopyIsItsOwnAndFreshEachRun) {
  for (int run = 0; run < 2; ++run) {
    int length = 0;
    const verdict v = run_main([&] { length = probe::main_thread_local_string(5); });
    EXPECT_FALSE(v.failed()) << v.message;
    EXPECT_EQ(length, 10) << "run " << run;
  }
}

}  // namespace
}  // namespace semfuzz::instr
