// The semaphore's ordering promise (semfuzz/semaphore.h, "Memory ordering"): everything a thread
// did before release(n) happens-before everything a thread does after an acquire that takes any
// of those n tokens. Checked on every scheduled run with the clocks of the happens-before checker
// (fuzz/sim/happens_before.h); verdict data-race. It is what the real-thread target checks with a
// payload under TSan, made deterministic.
//
// Tokens are fungible: which release's tokens an acquire took cannot be observed. So the promise
// holds iff the tokens taken CAN be matched to the tokens released (plus the initial ones, which
// the setup put there before any thread started, so every acquire may take them) such that each
// acquire takes only tokens of releases that happen-before its return. A release counts from its
// start, with its thread's epoch there (what it wrote before release(n)), since its tokens may be
// taken before it returns; one that throws added none and is taken out again. The releases an
// acquire happens-after are read from its clock when it returns: per releasing thread, a prefix
// of that thread's releases (epochs grow along a thread).
//
// The matching is a flow (source -> acquire: tokens it took; acquire -> each release it
// happens-after; release -> sink: its tokens), kept maximal as the run goes: each acquire
// augments it along shortest residual paths (Edmonds-Karp: the number of augmentations does not
// depend on the token counts). If an acquire's tokens cannot all be routed, Hall's condition
// fails on the acquires the last search reached: together they took more tokens than everything
// that happens-before them supplied.
//
// No false positive on a correct semaphore: in split64 and word32 every change of the state word
// after construction is a read-modify-write, so each release's compare-exchange heads a release
// sequence that runs through all later changes; a token-taking acquire compare-exchange reads
// one of them and so happens-after every release whose compare-exchange came earlier in the
// word's modification order, which are the only ones whose tokens it can have taken. Taking the
// acquires in that order, each finds its tokens among those it may take. In condvar the mutex's
// lock order plays the same part.
#ifndef SEMFUZZ_FUZZ_ORDERING_ORACLE_H_
#define SEMFUZZ_FUZZ_ORDERING_ORACLE_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/sim/happens_before.h"
#include "fuzz/sim/recycled.h"

namespace semfuzz {

class ordering_oracle {
 public:
  // One call of the program: its thread, its operation, the step (trace numbering) it began
  // (release) or returned (acquire) at.
  struct call {
    int thread = 0;
    operation op;
    std::uint64_t step = 0;
  };

  // The records' storage is recycled (fuzz/sim/recycled.h): an oracle takes what the last one
  // destroyed on this OS thread left, so a run allocates nothing here once the first has grown it.
  ordering_oracle();
  ordering_oracle(const ordering_oracle&) = delete;
  ordering_oracle& operator=(const ordering_oracle&) = delete;

  // A new run; `initial` tokens are there before any thread starts.
  void reset(std::int64_t initial);

  // A release of n = c.op.n > 0 valid tokens begins, its thread at epoch e. Returns its id.
  int release_begins(const call& c, sim::epoch e);
  // Release `id` threw: its tokens were never added. Returns false when the promise no longer
  // holds without them (see violation()).
  bool release_failed(int id);
  // An acquiring call took c.op.n > 0 tokens and returns with clock `now`. Returns false when
  // the promise is broken; violation() says how.
  bool acquired(const call& c, const sim::vclock& now);

  // The last violation found: both calls' threads and steps, and what was not ordered.
  const std::string& violation() const { return violation_; }

 private:
  static constexpr int kMaxReleases = 64;  // the initial tokens + 6 threads x 7 operations
  using mask = std::uint64_t;              // a set of releases, bit 0: the initial tokens

  struct release_rec {
    call c;
    sim::epoch e = 0;
    std::int64_t tokens = 0;  // capacity (0 once it threw)
    std::int64_t used = 0;    // routed to acquires
  };
  struct acquire_rec {
    call c;
    sim::vclock now;  // its clock when it returned
    mask allowed = 0;
    std::array<std::int64_t, kMaxReleases> flow{};  // tokens routed from each release
  };

  bool route(std::size_t a);  // augments from acquire a; false (and violation_) if it cannot
  void explain(std::size_t a, mask acquires_reached, mask releases_reached);

  struct storage {
    std::vector<release_rec> releases;
    std::vector<acquire_rec> acquires;
  };
  sim::recycled<storage> storage_;
  std::vector<release_rec>& releases_ = storage_->releases;
  std::vector<acquire_rec>& acquires_ = storage_->acquires;
  bool overflowed_ = false;  // more releases than a mask holds: stop checking (not reachable
                             // with the program format's limits)
  std::string violation_;
};

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_ORDERING_ORACLE_H_
