#include "fuzz/oracles/ordering_oracle.h"

#include <algorithm>
#include <utility>

namespace semfuzz {
namespace {

std::string who(const ordering_oracle::call& c) {
  return "T" + std::to_string(c.thread) + " " + describe(c.op);
}

}  // namespace

ordering_oracle::ordering_oracle() {
  releases_.clear();
  acquires_.clear();
  releases_.reserve(kMaxReleases);
  acquires_.reserve(kMaxReleases);
}

void ordering_oracle::reset(std::int64_t initial) {
  releases_.clear();
  acquires_.clear();
  overflowed_ = false;
  violation_.clear();
  release_rec pool;  // the initial tokens: id 0, which every acquire may take
  pool.c.thread = -1;
  pool.tokens = std::max<std::int64_t>(initial, 0);
  releases_.push_back(pool);
}

int ordering_oracle::release_begins(const call& c, sim::epoch e) {
  if (releases_.size() == kMaxReleases) {
    overflowed_ = true;
    return -1;
  }
  release_rec r;
  r.c = c;
  r.e = e;
  r.tokens = c.op.n;
  releases_.push_back(r);
  return static_cast<int>(releases_.size() - 1);
}

bool ordering_oracle::release_failed(int id) {
  if (id < 0 || overflowed_) return true;
  releases_[id].tokens = 0;
  // Route every acquire again without it.
  for (release_rec& r : releases_) r.used = 0;
  for (acquire_rec& a : acquires_) a.flow.fill(0);
  for (std::size_t a = 0; a < acquires_.size(); ++a) {
    if (!route(a)) return false;
  }
  return true;
}

bool ordering_oracle::acquired(const call& c, const sim::vclock& now) {
  if (overflowed_ || acquires_.size() == kMaxReleases) {
    overflowed_ = true;
    return true;
  }
  acquire_rec a;
  a.c = c;
  a.now = now;
  a.allowed = 1;  // the initial tokens
  for (std::size_t r = 1; r < releases_.size(); ++r) {
    if (now.knows(releases_[r].c.thread, releases_[r].e)) a.allowed |= mask{1} << r;
  }
  acquires_.push_back(a);
  return route(acquires_.size() - 1);
}

// Breadth-first search in the residual graph from acquire a0 (edges: acquire -> release it may
// take from; release -> acquire routing some of its tokens, which may move them elsewhere) to a
// release with tokens left; augment along the path found; repeat until a0's tokens are routed.
bool ordering_oracle::route(std::size_t a0) {
  std::int64_t remaining = acquires_[a0].c.op.n;
  std::array<int, kMaxReleases> from_acquire;  // per release: the acquire the search came from
  std::array<int, kMaxReleases> from_release;  // per acquire: the release the search came from
  std::array<int, 2 * kMaxReleases> queue;     // acquire i as i, release r as ~r
  while (remaining > 0) {
    mask reached = mask{1} << a0;  // acquires
    mask seen = 0;                 // releases
    int target = -1;
    int head = 0, tail = 0;
    queue[tail++] = static_cast<int>(a0);
    while (head < tail && target < 0) {
      const int node = queue[head++];
      if (node >= 0) {
        for (mask next = acquires_[node].allowed & ~seen; next != 0; next &= next - 1) {
          const int r = __builtin_ctzll(next);
          seen |= mask{1} << r;
          from_acquire[r] = node;
          if (releases_[r].used < releases_[r].tokens) {
            target = r;
            break;
          }
          queue[tail++] = ~r;
        }
      } else {
        const int r = ~node;
        for (std::size_t b = 0; b < acquires_.size(); ++b) {
          if ((reached >> b & 1) == 0 && acquires_[b].flow[r] > 0) {
            reached |= mask{1} << b;
            from_release[b] = r;
            queue[tail++] = static_cast<int>(b);
          }
        }
      }
    }
    if (target < 0) {
      explain(a0, reached, seen);
      return false;
    }
    std::int64_t amount = std::min(remaining, releases_[target].tokens - releases_[target].used);
    for (int b = from_acquire[target]; b != static_cast<int>(a0);
         b = from_acquire[from_release[b]]) {
      amount = std::min(amount, acquires_[b].flow[from_release[b]]);
    }
    releases_[target].used += amount;
    for (int r = target;;) {
      const int b = from_acquire[r];
      acquires_[b].flow[r] += amount;
      if (b == static_cast<int>(a0)) break;
      r = from_release[b];
      acquires_[b].flow[r] -= amount;
    }
    remaining -= amount;
  }
  return true;
}

void ordering_oracle::explain(std::size_t a0, mask acquires_reached, mask releases_reached) {
  const acquire_rec& a = acquires_[a0];
  std::int64_t taken = 0, supplied = 0;
  std::string takers, suppliers;
  for (std::size_t b = 0; b < acquires_.size(); ++b) {
    if ((acquires_reached >> b & 1) == 0) continue;
    taken += acquires_[b].c.op.n;
    if (b != a0) {
      takers += " and " + who(acquires_[b].c) + " (returned at step " +
                std::to_string(acquires_[b].c.step) + ")";
    }
  }
  for (std::size_t r = 0; r < releases_.size(); ++r) {
    if ((releases_reached >> r & 1) == 0) continue;
    supplied += releases_[r].tokens;
    if (r > 0) {
      suppliers += (suppliers.empty() ? "" : ", ") + who(releases_[r].c) + " (began at step " +
                   std::to_string(releases_[r].c.step) + ")";
    }
  }
  std::string unordered;
  for (std::size_t r = 1; r < releases_.size(); ++r) {
    const release_rec& rel = releases_[r];
    if ((a.allowed >> r & 1) != 0 || rel.tokens == 0) continue;
    unordered += (unordered.empty() ? "" : "; ") + who(rel.c) + ", begun at step " +
                 std::to_string(rel.c.step) + " in T" + std::to_string(rel.c.thread) + "'s epoch " +
                 std::to_string(rel.e) + " (T" + std::to_string(a.c.thread) + " knows T" +
                 std::to_string(rel.c.thread) + " only up to epoch " +
                 std::to_string(a.now.at[rel.c.thread]) + ")";
  }
  const bool several = !takers.empty();
  violation_ = who(a.c) + " returned at step " + std::to_string(a.c.step) +
               " holding tokens that no release ordered before it can have supplied: it" +
               (several ? takers + ", which can take only from the same releases," : "") +
               " took " + std::to_string(taken) + ", while the initial tokens (" +
               std::to_string(releases_[0].tokens) + ") and the releases that happen-before " +
               (several ? "them" : "it") + " (" + (suppliers.empty() ? "none" : suppliers) +
               ") hold " + std::to_string(supplied) +
               ". Not ordered before it: " + (unordered.empty() ? std::string("none") : unordered);
}

}  // namespace semfuzz
