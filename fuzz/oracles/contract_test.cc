// Tests of the operation contract (fuzz/oracles/contract.h) on its own: patience, the real-time
// rule, invoke() on a real semaphore, each rule of judge(), the ledger and the owner-destroys
// protocol, and the expansion rule for semaphores that lack a capability
// (fuzz/oracles/capabilities.h).
#include "fuzz/oracles/contract.h"

#include <gtest/gtest.h>

#include <climits>
#include <vector>

#include "fuzz/input/program_builder.h"
#include "fuzz/oracles/capabilities.h"

namespace semfuzz::contract {
namespace {

using namespace builder;

TEST(Contract, Patience) {
  EXPECT_EQ(patience_of(acq(1)), patience::forever);
  EXPECT_EQ(patience_of(try_ms(1, -1)), patience::forever);
  EXPECT_EQ(patience_of(try_ms(1, INT_MIN)), patience::forever);
  EXPECT_EQ(patience_of(try_ms(1, 0)), patience::none);
  EXPECT_EQ(patience_of(try_ms(1, 10)), patience::bounded);
  EXPECT_EQ(patience_of(try_for(1, 0)), patience::none);
  EXPECT_EQ(patience_of(try_for(1, -kMs)), patience::none);
  EXPECT_EQ(patience_of(op(op_kind::try_acquire_for, 1, 0, true)), patience::forever);
  EXPECT_EQ(patience_of(try_until(1, -kMs)), patience::bounded);  // past: try once, then give up
  EXPECT_EQ(patience_of(try_acq(1)), patience::none);
  EXPECT_EQ(patience_of(rel(1)), patience::none);
  // A deadline past the clock's range is none: the semaphore then waits forever.
  EXPECT_EQ(patience_at(try_until(1, INT64_MAX - 5), 10), patience::forever);
  EXPECT_EQ(patience_at(try_until(1, 5), 10), patience::bounded);
}

TEST(Contract, RealTimeRule) {
  // Uncapped (virtual time): the timeout as given, Qt's in ns.
  EXPECT_EQ(timeout_ns(try_ms(1, 10)), 10 * kMs);
  EXPECT_EQ(timeout_ns(try_for(1, 7)), 7);
  // The real-thread cap (2 ms) and the API target's (50 us): Qt's form in whole ms, so positive
  // Qt timeouts become 0 under the API target's cap.
  EXPECT_EQ(timeout_ns(try_ms(1, 10), 2 * kMs), 2 * kMs);
  EXPECT_EQ(timeout_ns(try_ms(1, 1), 2 * kMs), kMs);
  EXPECT_EQ(timeout_ns(try_ms(1, INT_MAX), 50'000), 0);
  EXPECT_EQ(timeout_ns(try_ms(1, 1), 50'000), 0);
  EXPECT_EQ(timeout_ns(try_for(1, 10 * kMs), 50'000), 50'000);
  EXPECT_EQ(timeout_ns(try_for(1, -kMs), 50'000), -kMs);
  // Deadlines: until's from the start, the others' from the first clock read.
  EXPECT_EQ(deadline_ns(try_until(1, 5), 100, 150), 105);
  EXPECT_EQ(deadline_ns(try_for(1, 5), 100, 150), 155);
  EXPECT_EQ(deadline_ns(try_for(1, 5), 100, -1), 105);
  EXPECT_EQ(deadline_ns(try_for(1, INT64_MAX - 1), 100, -1), INT64_MAX);
}

TEST(Contract, InvokeOnARealSemaphore) {
  split64_semaphore s(2);
  const auto now = [] { return std::chrono::steady_clock::now(); };
  EXPECT_EQ(invoke(s, try_acq(3), 50'000, now).result, outcome::returned_false);
  EXPECT_EQ(invoke(s, try_ms(3, 1000), 50'000, now).result, outcome::returned_false);
  EXPECT_EQ(invoke(s, try_until(2, kMs), 50'000, now).result, outcome::returned_true);
  EXPECT_EQ(invoke(s, rel(-1), 50'000, now).result, outcome::threw_invalid);
  EXPECT_EQ(invoke(s, rel(kMax), 50'000, now).result, outcome::returned_true);
  EXPECT_EQ(invoke(s, rel(1), 50'000, now).result, outcome::threw_overflow);
  const call_result a = invoke(s, avail(), 50'000, now);
  EXPECT_EQ(a.result, outcome::returned_value);
  EXPECT_EQ(a.value, kMax);
}

verdict_kind kind(const operation& o, outcome r, const knowledge& k, std::int64_t value = 0) {
  return judge(o, call_result{r, value}, k).kind;
}

TEST(Contract, JudgeRules) {
  knowledge k;
  EXPECT_EQ(kind(rel(-1), outcome::returned_true, k), verdict_kind::bad_result);
  EXPECT_EQ(kind(rel(-1), outcome::threw_invalid, k), verdict_kind::pass);
  EXPECT_EQ(kind(rel(1), outcome::threw_invalid, k), verdict_kind::bad_result);
  EXPECT_EQ(kind(try_acq(0), outcome::returned_false, k), verdict_kind::bad_result);
  EXPECT_EQ(kind(rel(1), outcome::threw_overflow, k), verdict_kind::pass);
  k.overflow_plausible = false;
  EXPECT_EQ(kind(rel(1), outcome::threw_overflow, k), verdict_kind::bad_result);
  k.overflow_required = true;
  EXPECT_EQ(kind(rel(1), outcome::returned_true, k), verdict_kind::bad_result);
  k = {};
  EXPECT_EQ(kind(avail(), outcome::returned_value, k, kMax + 1), verdict_kind::conservation);
  EXPECT_EQ(kind(avail(), outcome::returned_value, k, kUnknownCount), verdict_kind::conservation);
  k.count_may_be_unknown = true;
  EXPECT_EQ(kind(avail(), outcome::returned_value, k, kUnknownCount), verdict_kind::pass);
  k = {};
  k.wait = patience::forever;
  EXPECT_EQ(kind(try_ms(1, -1), outcome::returned_false, k), verdict_kind::infinite_timeout);
  k.wait = patience::none;
  EXPECT_EQ(kind(try_acq(2), outcome::returned_false, k), verdict_kind::pass);
  k.least_available = 2;
  EXPECT_EQ(kind(try_acq(2), outcome::returned_false, k), verdict_kind::try_acquire);
  k.wait = patience::bounded;
  k.deadline_passed = false;
  EXPECT_EQ(kind(try_for(2, kMs), outcome::returned_false, k), verdict_kind::early_timeout);
  k.deadline_passed = true;
  EXPECT_EQ(kind(try_for(2, kMs), outcome::returned_false, k), verdict_kind::try_acquire);
  k.most_available = 1;
  EXPECT_EQ(kind(try_for(2, kMs), outcome::returned_true, k), verdict_kind::bad_result);
  // Sleeps: none never, bounded not past its deadline.
  EXPECT_EQ(sleep_rule(patience::none, 5, 10), verdict_kind::try_acquire);
  EXPECT_EQ(sleep_rule(patience::bounded, 11, 10), verdict_kind::late_timeout);
  EXPECT_EQ(sleep_rule(patience::bounded, 10, 10), verdict_kind::pass);
  EXPECT_EQ(sleep_rule(patience::forever, INT64_MAX, 10), verdict_kind::pass);
}

TEST(Contract, LedgerAndOwnerDestroys) {
  token_ledger<> l(3);
  EXPECT_FALSE(l.record(rel(2), outcome::returned_true));
  EXPECT_TRUE(l.record(acq(4), outcome::returned_true));
  EXPECT_FALSE(l.record(try_acq(1), outcome::returned_false));
  EXPECT_FALSE(l.record(rel(-1), outcome::threw_invalid));
  EXPECT_FALSE(l.record(avail(), outcome::returned_value));
  EXPECT_EQ(l.tokens(), 1);
  const std::vector<bool> done = {false, true, true};
  EXPECT_TRUE(peers_in_final_release(3, [&](std::size_t i) { return done[i]; }));
  EXPECT_FALSE(peers_in_final_release(3, [&](std::size_t i) { return i == 1; }));
  operation last;
  EXPECT_TRUE(owner_last_acquire(5, last));
  EXPECT_EQ(last.kind, op_kind::acquire);
  EXPECT_EQ(last.n, 5);
  EXPECT_FALSE(owner_last_acquire(kMax + 1, last));
}

struct lacks_nothing {};
struct std_like {
  static constexpr bool multi_token = false;
  static constexpr bool rejects_bad_counts = false;
  static constexpr bool counts = false;
  static constexpr bool strong_try = false;
};
static_assert(!capabilities_of<lacks_nothing>.black_box());
static_assert(capabilities_of<std_like>.black_box() && !capabilities_of<std_like>.multi_token);

bool same(const std::vector<operation>& a, const std::vector<operation>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].kind != b[i].kind || a[i].n != b[i].n || a[i].timeout != b[i].timeout) return false;
  }
  return true;
}

TEST(Contract, ExpansionRule) {
  const program p = make(
      kMax - 4, {{acq(3), try_ms(2, 10), rel(-1), rel(kMax), avail()}, {rel(3), rel(2), acq(0)}});
  // Every capability: unchanged.
  const auto full = expand_operations(p, capabilities_of<lacks_nothing>, 0);
  EXPECT_TRUE(same(full[0], p.threads[0].ops));
  EXPECT_TRUE(same(full[1], p.threads[1].ops));
  // Single-token takes, releases whole; bad counts and available() dropped; releases past the
  // budget of max() - reserve - initial (4 here) dropped in program order.
  const auto bb = expand_operations(p, capabilities_of<std_like>, 0);
  EXPECT_TRUE(same(bb[0], {acq(1), acq(1), acq(1), try_ms(1, 10), try_ms(1, 10)}));
  EXPECT_TRUE(same(bb[1], {rel(3), acq(0)}));
  // The reserve comes out of the budget (2 left): release(3) does not fit, release(2) does.
  const auto reserved = expand_operations(p, capabilities_of<std_like>, 2);
  EXPECT_TRUE(same(reserved[1], {rel(2), acq(0)}));
}

}  // namespace
}  // namespace semfuzz::contract
