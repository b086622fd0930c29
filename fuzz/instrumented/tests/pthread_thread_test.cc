// Tests of the thread model (fuzz/instrumented/runtime/pthread_thread.h) through instrumented code
// (thread_probe.h): create and join as happens-before edges for the race detector, results
// through join and pthread_exit, glibc's error results, misuse as the verdict sync-misuse, the
// limit on threads, spare threads reused after a join, and libstdc++'s std::thread.
#include "fuzz/instrumented/runtime/pthread_thread.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sanitizer/lsan_interface.h>

#include <cerrno>
#include <functional>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/instrumented/tests/harness.h"
#include "fuzz/instrumented/tests/thread_probe.h"

namespace semfuzz::instr {
namespace {

namespace probe = thread_probe;

TEST(PthreadThread, CreateOrdersTheParentsWritesBeforeTheChildUnderEverySchedule) {
  ASSERT_TRUE(checks_plain_races());
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    int x = 0, seen = -1;
    const verdict v = run_main([&] { seen = probe::publish_then_spawn(&x); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(seen, 42) << "seed " << int(seed);
  }
}

TEST(PthreadThread, JoinOrdersTheChildsWritesBeforeTheJoinersReads) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    int x = 0, seen = -1;
    const verdict v = run_main([&] { seen = probe::read_after_join(&x); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(seen, 5) << "seed " << int(seed);
  }
}

TEST(PthreadThread, AWriteBesideTheChildsIsADataRace) {
  int x = 0;
  const verdict v = run_main_to_verdict([&] { probe::write_beside_child(&x); });
  EXPECT_EQ(v.kind, verdict_kind::data_race) << v.message;
}

TEST(PthreadThread, ResultsThroughJoinAndPthreadExit) {
  bool unwound = false;
  long got = 0;
  verdict v = run_main([&] { got = probe::join_result(7, false, &unwound); });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(got, 7);
  EXPECT_TRUE(unwound);
  unwound = false;
  v = run_main([&] { got = probe::join_result(9, true, &unwound); });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(got, 9);
  EXPECT_TRUE(unwound);  // pthread_exit ran the destructors of the frames it left
}

TEST(PthreadThread, GlibcResults) {
  std::vector<int> rc;
  const verdict v = run_main([&] {
    pthread_t a, b;
    rc.push_back(probe::create(&a, false));
    rc.push_back(probe::join(probe::self()));  // EDEADLK
    rc.push_back(probe::join(12345));          // ESRCH: no such thread
    rc.push_back(probe::create(&b, true));
    rc.push_back(probe::detach(b));  // EINVAL: detached already
    rc.push_back(probe::join(a));
    rc.push_back(probe::detach(a));  // ESRCH: joined
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{0, EDEADLK, ESRCH, 0, EINVAL, 0, ESRCH}));
}

TEST(PthreadThread, TryjoinOfARunningThreadIsBusy) {
  // No schedule bytes: T0 runs until it blocks, so the child has not run at the tryjoin.
  std::vector<int> rc;
  const verdict v = run_main([&] {
    pthread_t a;
    probe::create(&a, false);
    rc.push_back(probe::tryjoin(a));
    rc.push_back(probe::join(a));
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, (std::vector<int>{EBUSY, 0}));
}

TEST(PthreadThread, IdsAreDistinctAndSelfIsTheCreatedId) {
  pthread_t inside = 0, created = 0, main_id = 0;
  bool equal_self = false;
  const verdict v = run_main([&] {
    main_id = probe::self();
    created = probe::child_self(&inside);
    equal_self = probe::equal(probe::self(), main_id);
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(inside, created);
  EXPECT_NE(created, main_id);
  EXPECT_EQ(main_id, pthread_t{1});
  EXPECT_TRUE(equal_self);
}

TEST(PthreadThread, SparesAreReusedAfterJoin) {
  int sum = 0;
  const verdict v = run_main([&] { probe::rounds_of_two(10, &sum); }, schedule_bytes(3));
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(sum, 20);
}

TEST(PthreadThread, SevenThreadsFitAndAnEighthIsTheLimit) {
  int rc = -1;
  verdict v = run_main([&] { rc = probe::create_many(7); });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(rc, 0);
  v = run_main_to_verdict([&] { rc = probe::create_many(8); });
  EXPECT_EQ(v.kind, verdict_kind::unsupported_call);
  EXPECT_NE(v.message.find("a run holds at most 7"), std::string::npos) << v.message;
}

TEST(PthreadThread, MisuseIsAVerdict) {
  const struct {
    std::function<void()> main;
    const char* says;
  } cases[] = {
      {[] {
         pthread_t a;
         probe::create(&a, true);
         probe::join(a);
       },
       "which is detached"},
      {[] {
         pthread_t a;
         probe::create(&a, false);
         probe::join(a);
         probe::join(a);
       },
       "which was joined already"},
  };
  for (const auto& c : cases) {
    const verdict v = run_main_to_verdict(c.main);
    EXPECT_EQ(v.kind, verdict_kind::sync_misuse) << v.message;
    EXPECT_NE(v.message.find(c.says), std::string::npos) << v.message;
  }
}

TEST(PthreadThread, AnExceptionLeavingAThreadTerminates) {
  const verdict v = run_main_to_verdict([] { probe::child_throws(); });
  EXPECT_EQ(v.kind, verdict_kind::program_failure) << v.message;
  EXPECT_NE(v.message.find("std::terminate"), std::string::npos) << v.message;
}

TEST(PthreadThread, SameBytesSameRun) {
  std::uint64_t first = 0, again = 0;
  int sum = 0;
  run_main([&] { probe::rounds_of_two(2, &sum); }, schedule_bytes(5), &first);
  run_main([&] { probe::rounds_of_two(2, &sum); }, schedule_bytes(5), &again);
  EXPECT_EQ(first, again);
}

TEST(StdThread, ALockedCounterHasNoRaceUnderEverySchedule) {
  for (std::uint8_t seed = 0; seed < 40; ++seed) {
    int count = 0;
    const verdict v =
        run_main([&] { probe::std_counter(3, 2, true, &count); }, schedule_bytes(seed));
    EXPECT_FALSE(v.failed()) << "seed " << int(seed) << ": " << v.message;
    EXPECT_EQ(count, 6) << "seed " << int(seed);
  }
}

TEST(StdThread, AnUnlockedCounterIsADataRace) {
  int count = 0;
  const verdict v = run_main_to_verdict([&] { probe::std_counter(2, 1, false, &count); });
  EXPECT_EQ(v.kind, verdict_kind::data_race) << v.message;
}

TEST(StdThread, DetachAndIds) {
  int x = 0;
  bool ids = false;
  const verdict v = run_main([&] {
    probe::std_detach(&x);
    ids = probe::std_ids();
  });
  EXPECT_FALSE(v.failed()) << v.message;
  EXPECT_EQ(x, 3);  // the detached thread ran to its end within the run
  EXPECT_TRUE(ids);
}

}  // namespace
}  // namespace semfuzz::instr
