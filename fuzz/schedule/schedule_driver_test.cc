// Tests of the chosen-schedules driver (fuzz/schedule/schedule_driver.h) on a subject of its own:
// the scheduler tests' lost update (fuzz/sim/sim_test_harness.h), a depth-2 bug. PCT with depth 2
// finds it, every artifact replays to the same run, the summary names the first failing
// schedule; depth 1 never finds it; chooser names are checked.
#include "fuzz/schedule/schedule_driver.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "fuzz/sim/sim_test_harness.h"

namespace semfuzz {
namespace {

class lost_update_subject final : public schedule_subject {
 public:
  run_result run(sim::chooser& choose) override {
    sim::lost_update program;
    run_result r;
    if (program.lost(choose)) r.outcome = {verdict_kind::data_race, "the update was lost"};
    r.trace_hash = program.h.sched.trace_hash();
    r.steps = program.h.sched.steps();
    return r;
  }
  std::vector<std::uint8_t> input(const std::vector<std::uint8_t>& choices) const override {
    return choices;  // no fixed part: the input is all choice bytes
  }
  run_result replay(const std::vector<std::uint8_t>& input) override {
    sim::byte_stream_chooser stream(input.data(), input.size());
    return run(stream);
  }
};

std::unique_ptr<schedule_subject> make_lost_update(const std::vector<std::uint8_t>&) {
  return std::make_unique<lost_update_subject>();
}

struct driven {
  int status = 0;
  std::string out;
  std::filesystem::path artifacts;
};

driven drive(const std::string& chooser, int schedules, bool stop_at_failure = false) {
  driven d;
  std::string name = chooser;
  std::replace(name.begin(), name.end(), ':', '_');
  d.artifacts = std::filesystem::temp_directory_path() / ("schedule_driver_test-" + name);
  std::filesystem::remove_all(d.artifacts);
  std::filesystem::create_directories(d.artifacts);
  const std::filesystem::path file = d.artifacts / "input";
  std::ofstream(file) << "any";
  schedules_request request;
  request.schedules = schedules;
  request.artifact_prefix = d.artifacts.string() + "/";
  request.chooser = chooser;
  request.stop_at_failure = stop_at_failure;
  testing::internal::CaptureStdout();
  d.status = schedules_main({file}, request, &make_lost_update);
  d.out = testing::internal::GetCapturedStdout();
  return d;
}

TEST(ScheduleDriver, PctDepthTwoFindsTheLostUpdateAndItsArtifactsReplay) {
  const driven d = drive("pct:2", 200);
  EXPECT_EQ(d.status, 1) << d.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      d.out, m, std::regex("random schedules: 200 run, (\\d+) failed, first at schedule (\\d+)\n")))
      << d.out;
  const int failed = std::stoi(m[1]);
  // k is 10 (the fair run's decisions) growing to at most 19: a rate between 1/19 and 1/10.
  EXPECT_GE(failed, 4);
  EXPECT_LE(failed, 40);
  EXPECT_GE(std::stoi(m[2]), 1);
  EXPECT_EQ(d.out.find("semfuzz bug"), std::string::npos) << d.out;
  // The first failing schedule's line names its seed: seed 1 is schedule 1.
  EXPECT_NE(d.out.find("seed " + std::to_string(std::stoi(m[2])) + ": VERDICT data-race"),
            std::string::npos)
      << d.out;
  int crashes = 0;
  for (const auto& e : std::filesystem::directory_iterator(d.artifacts)) {
    if (e.path().filename().string().rfind("crash-", 0) != 0) continue;
    ++crashes;
    std::ifstream in(e.path(), std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    lost_update_subject subject;
    EXPECT_EQ(subject.replay(bytes).outcome.kind, verdict_kind::data_race) << e.path();
  }
  EXPECT_GE(crashes, 1);
  EXPECT_LE(crashes, failed);
}

TEST(ScheduleDriver, PctDepthOneNeverPreemptsTheIncrement) {
  const driven d = drive("pct:1", 100);
  EXPECT_EQ(d.status, 0) << d.out;
  EXPECT_NE(d.out.find("random schedules: 100 run, 0 failed\n"), std::string::npos) << d.out;
}

TEST(ScheduleDriver, TheRandomWalkFindsItToo) {
  const driven d = drive("random", 100);
  EXPECT_EQ(d.status, 1) << d.out;
  EXPECT_NE(d.out.find("first at schedule"), std::string::npos) << d.out;
}

TEST(ScheduleDriver, StopAtFailureEndsAtTheFirstFailingSchedule) {
  const driven all = drive("pct:2", 200);
  const driven first = drive("pct:2", 200, true);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(all.out, m, std::regex("first at schedule (\\d+)"))) << all.out;
  const std::string expected =
      "random schedules: " + m[1].str() + " run, 1 failed, first at schedule " + m[1].str() + "\n";
  EXPECT_NE(first.out.find(expected), std::string::npos) << first.out;
  EXPECT_EQ(first.status, 1);
}

TEST(ScheduleDriver, ChooserNames) {
  chooser_spec spec;
  std::string error;
  EXPECT_TRUE(parse_chooser_spec("random", &spec, &error));
  EXPECT_FALSE(spec.pct);
  EXPECT_TRUE(parse_chooser_spec("pct", &spec, &error));
  EXPECT_TRUE(spec.pct);
  EXPECT_EQ(spec.depth, kDefaultPctDepth);
  EXPECT_TRUE(parse_chooser_spec("pct:2", &spec, &error));
  EXPECT_EQ(describe(spec), "pct:2");
  EXPECT_TRUE(parse_chooser_spec("pct:16", &spec, &error));
  for (const char* bad : {"walk", "pctx", "pct:", "pct:0", "pct:17", "pct:x", "pct:2:3", ""}) {
    error.clear();
    EXPECT_FALSE(parse_chooser_spec(bad, &spec, &error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

// A schedule tail decides once the bytes run out: with the fair policy a one-byte input never
// loses the update (no preemption), with the random walk seeded by the input some do; the same
// input always runs the same schedule.
TEST(ScheduleTail, DecidesOnceTheBytesRunOutSeededByTheInput) {
  schedule_tail fair, random, pct;
  std::string error;
  ASSERT_TRUE(schedule_tail::parse("fair", &fair, &error));
  ASSERT_TRUE(schedule_tail::parse("random", &random, &error));
  ASSERT_TRUE(schedule_tail::parse("pct:2", &pct, &error));
  EXPECT_EQ(fair.describe(), "fair");
  EXPECT_EQ(random.describe(), "random");
  EXPECT_EQ(pct.describe(), "pct:2");
  int lost_fair = 0, lost_random = 0, lost_pct = 0;
  for (int i = 0; i < 200; ++i) {
    const std::uint8_t input[2] = {static_cast<std::uint8_t>(i % 2),
                                   static_cast<std::uint8_t>(i / 2)};
    EXPECT_EQ(fair.for_input(input, 2), nullptr);
    sim::byte_stream_chooser by_fair(input, 1, fair.for_input(input, 2));
    lost_fair += sim::lost_update().lost(by_fair);
    sim::byte_stream_chooser by_random(input, 1, random.for_input(input, 2));
    lost_random += sim::lost_update().lost(by_random);
    sim::byte_stream_chooser by_pct(input, 1, pct.for_input(input, 2));
    lost_pct += sim::lost_update().lost(by_pct);
  }
  EXPECT_EQ(lost_fair, 0);
  EXPECT_GT(lost_random, 10);
  EXPECT_GT(lost_pct, 0);
  EXPECT_LT(lost_random, 200);

  const std::uint8_t input[3] = {1, 2, 3};
  std::uint64_t hashes[2];
  for (std::uint64_t& hash : hashes) {
    sim::lost_update program;
    sim::byte_stream_chooser c(input, 1, random.for_input(input, 3));
    program.lost(c);
    hash = program.h.sched.trace_hash();
  }
  EXPECT_EQ(hashes[0], hashes[1]);
}

TEST(ScheduleTail, Names) {
  schedule_tail tail;
  std::string error;
  for (const char* good : {"random", "pct", "pct:3", "fair"}) {
    EXPECT_TRUE(schedule_tail::parse(good, &tail, &error)) << good;
  }
  for (const char* bad : {"walk", "fair:2", "pct:0", ""}) {
    error.clear();
    EXPECT_FALSE(schedule_tail::parse(bad, &tail, &error)) << bad;
    EXPECT_NE(error.find("schedule tail"), std::string::npos) << error;
  }
}

}  // namespace
}  // namespace semfuzz
