// Tests of -random_schedules (fuzz/schedule/random_schedules.h): a random schedule, written back as
// an input, replays with the byte-stream chooser to the same run; SHA-1 names artifacts as
// libFuzzer does.
#include "fuzz/schedule/random_schedules.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz/engine/sha1.h"
#include "fuzz/schedule/schedule_target.h"

namespace semfuzz {
namespace {

TEST(RandomSchedules, ReencodedInputsReplayToTheSameRun) {
  // The first corpus files, each under 20 seeds: the same program, the same trace hash and
  // verdict with the input's bytes as with the random chooser.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(SEMFUZZ_SOURCE_DIR "/corpus/schedule"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  files.resize(std::min<std::size_t>(files.size(), 40));
  int schedules = 0;
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const program prog = decode(bytes.data(), bytes.size()).prog;
    for (std::uint64_t seed = 1; seed <= 20; ++seed, ++schedules) {
      std::vector<std::uint8_t> input;
      const run_result random = run_random_schedule(prog, seed, &input);
      EXPECT_EQ(describe(decode(input.data(), input.size()).prog), describe(prog)) << path;
      const run_result replay = run_schedule_input(input.data(), input.size(), false);
      EXPECT_EQ(replay.trace_hash, random.trace_hash) << path << " seed " << seed;
      EXPECT_EQ(replay.outcome.kind, random.outcome.kind) << path << " seed " << seed;
    }
  }
  EXPECT_EQ(schedules, 800);
}

TEST(RandomSchedules, PctSchedulesReplayToTheSameRun) {
  // The first corpus files, each under 10 PCT seeds of depth 3 (k: a fair-policy run's
  // decisions), written back as inputs: the same run with the byte-stream chooser.
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(SEMFUZZ_SOURCE_DIR "/corpus/schedule"))
    files.push_back(e.path());
  std::sort(files.begin(), files.end());
  files.resize(std::min<std::size_t>(files.size(), 40));
  for (const auto& path : files) {
    std::ifstream in(path, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const program prog = decode(bytes.data(), bytes.size()).prog;
    std::vector<std::uint8_t> input;
    sim::fair_chooser fair;
    run_chosen_schedule(prog, fair, &input);
    EXPECT_EQ(input, encode(prog, {})) << path;  // the fair policy: no choice bytes
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
      sim::pct_chooser pct(seed, 3, std::max<std::uint64_t>(1, fair.decisions()),
                           sim::scheduler::kMaxThreads);
      const run_result chosen = run_chosen_schedule(prog, pct, &input);
      const run_result replay = run_schedule_input(input.data(), input.size(), false);
      EXPECT_EQ(replay.trace_hash, chosen.trace_hash) << path << " seed " << seed;
      EXPECT_EQ(replay.outcome.kind, chosen.outcome.kind) << path << " seed " << seed;
      EXPECT_FALSE(chosen.outcome.failed()) << path << " seed " << seed;
    }
  }
}

TEST(RandomSchedules, UnknownChooserIsAnError) {
  schedules_request request;
  request.schedules = 1;
  request.chooser = "walk";
  EXPECT_EQ(random_schedules_main({}, request), 2);
  request.chooser = "pct:99";
  EXPECT_EQ(random_schedules_main({}, request), 2);
  request.chooser = "pct:2";
  EXPECT_EQ(random_schedules_main({}, request), 0);  // no file: nothing fails
}

TEST(RandomSchedules, SeedsGiveDifferentSchedules) {
  // Two threads contending: acquire(1) / release(1) twice each, split64, 1 token.
  const std::uint8_t bytes[] = {0x04, 0x01, 0x02, 0x00, 0x01, 0x01,
                                0x01, 0x02, 0x00, 0x01, 0x01, 0x01};
  const program prog = decode(bytes, sizeof bytes).prog;
  std::vector<std::uint8_t> a, b, again;
  const run_result ra = run_random_schedule(prog, 1, &a);
  run_random_schedule(prog, 2, &b);
  const run_result rc = run_random_schedule(prog, 1, &again);
  EXPECT_EQ(a, again);
  EXPECT_EQ(ra.trace_hash, rc.trace_hash);
  EXPECT_NE(a, b);
}

TEST(Sha1, KnownVectors) {  // FIPS 180-4 examples
  const std::string abc = "abc";
  EXPECT_EQ(sha1_hex(reinterpret_cast<const std::uint8_t*>(abc.data()), abc.size()),
            "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex(nullptr, 0), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  EXPECT_EQ(sha1_hex(reinterpret_cast<const std::uint8_t*>(two_blocks.data()), two_blocks.size()),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}

}  // namespace
}  // namespace semfuzz
