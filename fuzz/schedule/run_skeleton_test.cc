// Tests of the runner skeleton (fuzz/schedule/run_skeleton.h) on its own: the order in which a
// runner's hooks are called (the thread loop, the owner-destroys protocol), and the shared verdict
// messages word for word. The runners themselves are tested through their targets (schedule,
// threads, api: their corpus and reproducer replays).
#include "fuzz/schedule/run_skeleton.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fuzz/input/program_builder.h"

namespace semfuzz::skeleton {
namespace {

using namespace builder;

// A runner that runs nothing: it logs each hook as the skeleton calls it.
struct logging_runner {
  std::vector<std::vector<operation>> ops;
  std::vector<std::string> log;
  int stop_after = 1 << 30;  // keeps_going() turns false after this many calls
  bool destroys = false;
  bool peers_ready = true;
  std::int64_t tokens = 0;

  const std::vector<operation>& ops_of(int t) const { return ops[t]; }
  bool keeps_going() const { return static_cast<int>(log.size()) < stop_after; }
  void begin_op(int t, std::size_t i) {
    log.push_back("T" + std::to_string(t) + " op " + std::to_string(i));
  }
  bool execute(int t, const operation& op) {
    log.push_back(message::who(t, op));
    return true;
  }
  void thread_finished(int t) { log.push_back("T" + std::to_string(t) + " finished"); }
  bool destroy_mode() const { return destroys; }
  bool done_or_final(std::size_t) const { return peers_ready; }
  bool await_peers() {
    log.push_back("await");
    return peers_in_final_release(*this, ops.size());
  }
  std::int64_t tokens_to_take() const { return tokens; }
  bool take_all(const operation& last) { return execute(0, last); }
  void destroy() { log.push_back("destroy"); }
};
static_assert(owner_destroying<logging_runner>);

TEST(RunSkeleton, ThreadLoopRunsTheOperationsInOrderThenFinishes) {
  logging_runner r;
  r.ops = {{acq(1), rel(2)}, {rel(1)}};
  run_thread(r, 0);
  run_thread(r, 1);
  EXPECT_EQ(r.log,
            (std::vector<std::string>{"T0 op 0", "T0 acquire(1)", "T0 op 1", "T0 release(2)",
                                      "T0 finished", "T1 op 0", "T1 release(1)", "T1 finished"}));
}

TEST(RunSkeleton, ThreadLoopStopsWhenTheRunStops) {
  logging_runner r;
  r.ops = {{acq(1), rel(2), rel(3)}};
  r.stop_after = 2;
  run_thread(r, 0);
  EXPECT_EQ(r.log, (std::vector<std::string>{"T0 op 0", "T0 acquire(1)", "T0 finished"}));
}

TEST(RunSkeleton, OwnerDestroysAfterTakingEveryToken) {
  logging_runner r;
  r.ops = {{acq(1)}, {rel(2)}};
  r.destroys = true;
  r.tokens = 3;
  run_thread(r, 1);  // only T0 ends by the protocol
  run_thread(r, 0);
  EXPECT_EQ(r.log, (std::vector<std::string>{"T1 op 0", "T1 release(2)", "T1 finished", "T0 op 0",
                                             "T0 acquire(1)", "await", "T0 acquire(3)", "destroy",
                                             "T0 finished"}));
}

TEST(RunSkeleton, OwnerDestroysNothingWithoutItsPeersOrAValidCount) {
  logging_runner waiting;
  waiting.ops = {{}, {rel(1)}};
  waiting.destroys = true;
  waiting.peers_ready = false;
  run_thread(waiting, 0);
  EXPECT_EQ(waiting.log, (std::vector<std::string>{"await", "T0 finished"}));
  logging_runner too_many;
  too_many.ops = {{}, {rel(1)}};
  too_many.destroys = true;
  too_many.tokens = contract::kMax + 1;
  run_thread(too_many, 0);
  EXPECT_EQ(too_many.log, (std::vector<std::string>{"await", "T0 finished"}));
}

TEST(RunSkeleton, SharedMessagesWordForWord) {
  EXPECT_EQ(message::who(2, try_acq(3)), "T2 try_acquire(3)");
  EXPECT_EQ(message::ledger_terms(1, 5, 4), "initial 1 + released 5 - acquired 4");
  EXPECT_EQ(message::conservation_at_rest("at the end", 3, 1, 5, 4),
            "at the end available() = 3, but initial 1 + released 5 - acquired 4 = 2");
  EXPECT_EQ(message::early_timeout(500'000, 2'000'000),
            " returned false at 0.500000 ms into the call, before its deadline at 2.000000 ms");
  EXPECT_EQ(message::sleeper_lost(1, acq(2), "available() = 4"),
            "nothing can run, but T1 sleeps in acquire(2) while available() = 4");
}

}  // namespace
}  // namespace semfuzz::skeleton
