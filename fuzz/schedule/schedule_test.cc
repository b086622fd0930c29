// Tests of the schedule target: every oracle fires on a deliberately broken semaphore from a
// hand-made input, the correct algorithms pass the same inputs, and every corpus and reproducer
// file replays with the same trace hash twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/input/program_builder.h"
#include "fuzz/oracles/ordering_oracle.h"
#include "fuzz/schedule/runner.h"
#include "fuzz/schedule/schedule_target.h"
#include "fuzz/tests/broken_semaphores.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEMFUZZ_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SEMFUZZ_TEST_ASAN 1
#endif

namespace semfuzz {
namespace {

using namespace builder;

template <class Sem>
verdict run_with(const program& p, const std::vector<std::uint8_t>& choices = {}) {
  static sim::scheduler sched;
  sim::byte_stream_chooser bytes(choices.data(), choices.size());
  return program_runner<Sem>(p, sched, false).run(bytes).outcome;
}

// The same program on all three real algorithms must pass.
void expect_correct_algorithms_pass(program p, const std::vector<std::uint8_t>& choices = {}) {
  for (algorithm a : {algorithm::split64, algorithm::word32, algorithm::condvar}) {
    p.algo = a;
    const auto bytes = encode(p, choices);
    const run_result r = run_schedule_input(bytes.data(), bytes.size(), false);
    EXPECT_FALSE(r.outcome.failed()) << algorithm_name(a) << ": " << r.outcome.message;
  }
}

#define EXPECT_VERDICT(v, k)                                             \
  do {                                                                   \
    const verdict got_ = (v);                                            \
    EXPECT_EQ(verdict_name(got_.kind), verdict_name(k)) << got_.message; \
  } while (0)

// T0 sleeps in acquire(1) first (the fair policy runs it until it blocks), then T1 releases.
const program kHandOff = make(0, {{op(op_kind::acquire, 1)}, {op(op_kind::release, 1)}});

constexpr broken::defects kNoWake{.release_never_wakes = true};
TEST(Oracles, LostWakeup) {
  EXPECT_VERDICT(run_with<broken::semaphore_with<kNoWake>>(kHandOff), verdict_kind::lost_wakeup);
  expect_correct_algorithms_pass(kHandOff);
}

// Black-box mode (fuzz/schedule/runner.h): with no available(), the ledger finds the sleeper whose
// request fits, and the take beyond what was released; the correct semaphore as a black box
// passes the same programs.
TEST(Oracles, BlackBoxLostWakeupByLedger) {
  const verdict v = run_with<broken::black_box<broken::semaphore_with<kNoWake>>>(kHandOff);
  EXPECT_VERDICT(v, verdict_kind::lost_wakeup);
  EXPECT_NE(v.message.find("while the ledger holds 1 tokens"), std::string::npos) << v.message;
  EXPECT_VERDICT(run_with<broken::black_box<broken::good>>(kHandOff), verdict_kind::pass);
  // Counts > 1 become single-token calls: acquire(2) is two acquire(1), the second of which
  // sleeps with the ledger at 1 once release(3) has run.
  const program split = make(0, {{acq(2), acq(2)}, {rel(3)}});
  EXPECT_VERDICT(run_with<broken::black_box<broken::semaphore_with<kNoWake>>>(split),
                 verdict_kind::lost_wakeup);
  EXPECT_VERDICT(run_with<broken::black_box<broken::good>>(split), verdict_kind::pass);
}

constexpr broken::defects kExtraToken{.release_adds_extra = true};
TEST(Oracles, BlackBoxConservationByLedger) {
  const program p = make(0, {{rel(1), acq(1), acq(1)}});
  EXPECT_VERDICT(run_with<broken::black_box<broken::semaphore_with<kExtraToken>>>(p),
                 verdict_kind::conservation);
  const program fits = make(0, {{rel(1), acq(1), rel(1), acq(1)}});
  EXPECT_VERDICT(run_with<broken::black_box<broken::good>>(fits), verdict_kind::pass);
}

TEST(Oracles, BlackBoxTryAcquireHonesty) {
  const program p = make(2, {{op(op_kind::try_acquire, 1)}});
  EXPECT_VERDICT(run_with<broken::black_box<broken::try_acquire_always_fails>>(p),
                 verdict_kind::try_acquire);
}

TEST(Oracles, Conservation) {
  const program p = make(0, {{op(op_kind::release, 1), op(op_kind::acquire, 1)}});
  EXPECT_VERDICT(run_with<broken::semaphore_with<kExtraToken>>(p), verdict_kind::conservation);
  expect_correct_algorithms_pass(p);
}

constexpr broken::defects kGiveUp{.gives_up_at_once = true};
TEST(Oracles, EarlyTimeout) {
  const program p = make(0, {{op(op_kind::try_acquire_for, 1, 10 * kMs)}});
  EXPECT_VERDICT(run_with<broken::semaphore_with<kGiveUp>>(p), verdict_kind::early_timeout);
  expect_correct_algorithms_pass(p);
}

constexpr broken::defects kNoDeadline{.ignores_deadline = true};
TEST(Oracles, LateTimeout) {
  const program p = make(0, {{op(op_kind::try_acquire_ms, 1, 10)}, {op(op_kind::release, 1)}});
  EXPECT_VERDICT(run_with<broken::semaphore_with<kNoDeadline>>(p), verdict_kind::late_timeout);
  expect_correct_algorithms_pass(p);
}

TEST(Oracles, InfiniteTimeout) {
  for (std::int64_t forever : {-1LL, static_cast<long long>(INT_MIN)}) {
    const program p =
        make(0, {{op(op_kind::try_acquire_ms, 1, forever)}, {op(op_kind::release, 1)}});
    EXPECT_VERDICT(run_with<broken::forever_is_try_once>(p), verdict_kind::infinite_timeout);
    expect_correct_algorithms_pass(p);
  }
}

TEST(Oracles, TryAcquire) {
  const program p = make(2, {{op(op_kind::try_acquire, 1)}});
  EXPECT_VERDICT(run_with<broken::try_acquire_always_fails>(p), verdict_kind::try_acquire);
  expect_correct_algorithms_pass(p);
}

TEST(Oracles, BadResult) {
  const program p = make(0, {{op(op_kind::release, -3)}});
  EXPECT_VERDICT(run_with<broken::accepts_negative_counts>(p), verdict_kind::bad_result);
  expect_correct_algorithms_pass(p);
}

constexpr broken::defects kWideWake{.wakes_as_64_bit = true};
TEST(Oracles, FutexMisuse) {
  EXPECT_VERDICT(run_with<broken::semaphore_with<kWideWake>>(kHandOff), verdict_kind::futex_misuse);
}

constexpr broken::defects kSpin{.spins_instead_of_sleeping = true};
TEST(Oracles, Runaway) {
  const program p = make(0, {{op(op_kind::acquire, 1)}});
  EXPECT_VERDICT(run_with<broken::semaphore_with<kSpin>>(p), verdict_kind::runaway);
}

// The ordering promise (fuzz/oracles/ordering_oracle.h): a release that does not publish, or a take
// that does not acquire, leaves the acquirer unordered after the releaser, with no other path (the
// futex wake that ends T0's sleep is no edge).
constexpr broken::defects kRelaxedRelease{.release_is_relaxed = true};
constexpr broken::defects kRelaxedTake{.take_is_relaxed = true};
TEST(Oracles, DataRace) {
  const program released_first = make(0, {{rel(1)}, {acq(1)}});
  for (const program& p : {kHandOff, released_first}) {
    const verdict relaxed_release = run_with<broken::semaphore_with<kRelaxedRelease>>(p);
    EXPECT_VERDICT(relaxed_release, verdict_kind::data_race);
    EXPECT_NE(relaxed_release.message.find("Not ordered before it: T"), std::string::npos)
        << relaxed_release.message;
    EXPECT_VERDICT(run_with<broken::semaphore_with<kRelaxedTake>>(p), verdict_kind::data_race);
    expect_correct_algorithms_pass(p);
  }
  // Initial tokens need no release: everyone may take them.
  const program initial_only = make(2, {{acq(1)}, {acq(1)}});
  EXPECT_VERDICT(run_with<broken::semaphore_with<kRelaxedTake>>(initial_only), verdict_kind::pass);
}

// The matching itself: tokens are fungible, so an acquire may use any release it happens-after,
// and an earlier acquire's choice is moved when a later one needs it.
sim::vclock knowing(std::initializer_list<std::pair<int, sim::epoch>> known) {
  sim::vclock c;
  for (const auto& [thread, e] : known) c.at[thread] = e;
  return c;
}
ordering_oracle::call at(int thread, operation o, std::uint64_t step) { return {thread, o, step}; }

TEST(OrderingOracle, MovesAnEarlierChoiceToMakeRoom) {
  ordering_oracle o;
  o.reset(0);
  o.release_begins(at(1, rel(1), 1), 1);
  o.release_begins(at(2, rel(1), 2), 1);
  // T4 happens-after both releases, returns first and is routed to T1's token; T3 happens-after
  // T1's only: T4 must move to T2's token.
  EXPECT_TRUE(o.acquired(at(4, acq(1), 3), knowing({{1, 1}, {2, 1}})));
  EXPECT_TRUE(o.acquired(at(3, acq(1), 4), knowing({{1, 1}})));
  // A third acquire that happens-after T1's release only: nothing left for it.
  EXPECT_FALSE(o.acquired(at(5, acq(1), 5), knowing({{1, 1}})));
  EXPECT_NE(o.violation().find("T5 acquire(1) returned at step 5"), std::string::npos)
      << o.violation();
  EXPECT_NE(o.violation().find("T2 release(1), begun at step 2"), std::string::npos)
      << o.violation();
}

TEST(OrderingOracle, InitialTokensNeedNoRelease) {
  ordering_oracle o;
  o.reset(2);
  o.release_begins(at(1, rel(1), 1), 1);
  EXPECT_TRUE(o.acquired(at(0, acq(2), 2), knowing({})));
  EXPECT_FALSE(o.acquired(at(2, acq(1), 3), knowing({{1, 0}})));  // T1's release: not ordered
}

TEST(OrderingOracle, AReleaseThatThrewSuppliesNothing) {
  ordering_oracle o;
  o.reset(0);
  const int id = o.release_begins(at(1, rel(2), 1), 1);
  o.release_begins(at(1, rel(1), 3), 2);
  EXPECT_TRUE(o.acquired(at(0, acq(1), 4), knowing({{1, 2}})));  // routed to the first release
  EXPECT_TRUE(o.release_failed(id));                             // re-routed to the second
  EXPECT_FALSE(o.acquired(at(2, acq(1), 5), knowing({{1, 2}})));
}

// Destroy mode: T1's final release(1) publishes its token; T0 takes it and deletes the semaphore
// while T1 is still inside release(). Choices: T1 runs to its first atomic, performs the
// fetch_add, then T0 runs its acquire to the end and deletes.
const program kDestroy = make(0, {{}, {op(op_kind::release, 1)}}, /*destroy=*/true);
const std::vector<std::uint8_t> kDestroyChoices = {1, 1, 0, 0, 0, 0};

TEST(Oracles, CorrectAlgorithmsSurviveDestroyAfterAcquire) {
  expect_correct_algorithms_pass(kDestroy, kDestroyChoices);
}

constexpr broken::defects kTouch{.touches_after_release = true};
TEST(OraclesDeathTest, UseAfterDestroy) {
#if SEMFUZZ_TEST_ASAN
  EXPECT_DEATH(run_with<broken::semaphore_with<kTouch>>(kDestroy, kDestroyChoices),
               "heap-use-after-free");
#else
  GTEST_SKIP() << "needs AddressSanitizer";
#endif
}

// ---- Determinism: every committed input replays twice with the same trace hash.
std::vector<std::filesystem::path> committed_inputs() {
  std::vector<std::filesystem::path> files;
  for (const char* dir : {"corpus/schedule", "reproducers/schedule"}) {
    const std::filesystem::path root = std::filesystem::path(SEMFUZZ_SOURCE_DIR) / dir;
    if (!std::filesystem::is_directory(root)) continue;
    for (const auto& e : std::filesystem::directory_iterator(root)) {
      if (e.is_regular_file() && e.path().extension() != ".md") files.push_back(e.path());
    }
  }
  return files;
}

TEST(Determinism, EveryCommittedInputReplaysIdentically) {
  const auto files = committed_inputs();
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const run_result a = run_schedule_input(bytes.data(), bytes.size(), false);
    const run_result b = run_schedule_input(bytes.data(), bytes.size(), false);
    EXPECT_EQ(a.trace_hash, b.trace_hash) << path;
    EXPECT_EQ(a.outcome.kind, b.outcome.kind) << path;
  }
  std::printf("replayed %zu committed inputs twice each\n", files.size());
}

TEST(Decoder, EveryShortByteStringDecodes) {
  // Totality: all 1- and 2-byte inputs, and truncations of a long one, decode and run.
  std::vector<std::uint8_t> bytes;
  for (int a = 0; a < 256; ++a) {
    bytes = {static_cast<std::uint8_t>(a)};
    EXPECT_FALSE(run_schedule_input(bytes.data(), bytes.size(), false).outcome.failed());
  }
  const auto full = encode(kHandOff, {1, 0, 1, 0xF3, 0xFC, 1});
  for (std::size_t len = 0; len <= full.size(); ++len) {
    EXPECT_FALSE(run_schedule_input(full.data(), len, false).outcome.failed()) << len;
  }
}

TEST(Decoder, EncodeRoundTrips) {
  program p =
      make(3, {{op(op_kind::try_acquire_for, 2, 10 * kMs), op(op_kind::available, 0)},
               {op(op_kind::try_acquire_until, 1, 0, true), op(op_kind::release, 2147483647)},
               {op(op_kind::try_acquire_ms, -2, INT_MIN)}});
  p.algo = algorithm::condvar;
  const auto bytes = encode(p, {7, 8, 9});
  const decoded_input d = decode(bytes.data(), bytes.size());
  EXPECT_EQ(describe(d.prog), describe(p));
  ASSERT_EQ(d.choice_size, 3u);
  EXPECT_EQ(d.choices[0], 7);
}

TEST(Decoder, ReusedStorageKeepsNothingOfThePreviousProgram) {
  // run_input decodes each input into the last one's program storage: a v1 input decoded after a
  // v2 one with the weak-memory model on must decode exactly as it does into a fresh program.
  const std::vector<std::uint8_t> v2 = {0x85, 0x03, 0x00, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00};
  const std::vector<std::uint8_t> v1 = {0x05, 0x00, 0x02, 0x01, 0x01, 0x01, 0x01, 0x01, 0x00};
  decoded_input first = decode(v2.data(), v2.size());
  ASSERT_EQ(first.prog.version, 2);
  ASSERT_TRUE(first.prog.weak_memory);
  ASSERT_FALSE(first.prog.futex_fence);
  const decoded_input reused = decode(v1.data(), v1.size(), std::move(first.prog));
  const decoded_input fresh = decode(v1.data(), v1.size());
  EXPECT_EQ(reused.prog.version, 1);
  EXPECT_FALSE(reused.prog.weak_memory);
  EXPECT_TRUE(reused.prog.futex_fence);
  EXPECT_EQ(describe(reused.prog), describe(fresh.prog));
}

}  // namespace
}  // namespace semfuzz
