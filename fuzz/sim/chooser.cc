#include "fuzz/sim/chooser.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace semfuzz::sim {
namespace {

int index_of(const int* ids, int count, int id) {
  for (int i = 0; i < count; ++i) {
    if (ids[i] == id) return i;
  }
  return -1;
}

bool offered(const step_choice& c, const step_options& o) {
  switch (c.kind) {
    case step_kind::run:
      return index_of(o.runnable, o.runnable_count, c.thread) >= 0;
    case step_kind::spurious:
    case step_kind::interrupt:
      return index_of(o.sleepers, o.sleeper_count, c.thread) >= 0;
    case step_kind::fire_timer:
      return o.timers;
    case step_kind::advance_clock:
      return std::find(std::begin(kClockBumps), std::end(kClockBumps), c.advance) !=
             std::end(kClockBumps);
  }
  return false;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

}  // namespace

int encode_step(const step_choice& c, const step_options& o) {
  if (!offered(c, o)) return -1;
  switch (c.kind) {
    case step_kind::run:
      return index_of(o.runnable, o.runnable_count, c.thread);
    case step_kind::spurious:
    case step_kind::interrupt: {
      // An action a < 8 wakes sleeper a % count, with EINTR when a is odd.
      const int k = index_of(o.sleepers, o.sleeper_count, c.thread);
      const int parity = c.kind == step_kind::interrupt ? 1 : 0;
      for (int a = k; a < kWakeActions; a += o.sleeper_count) {
        if ((a & 1) == parity) return kActionBase + a;
      }
      return -1;
    }
    case step_kind::fire_timer:
      return kActionBase + kWakeActions;
    case step_kind::advance_clock:
      return kBumpBase +
             static_cast<int>(std::find(std::begin(kClockBumps), std::end(kClockBumps), c.advance) -
                              std::begin(kClockBumps));
  }
  return -1;
}

std::uint64_t random_chooser::next() { return splitmix64(state_); }

bool random_chooser::choose_step(const step_options& options, step_choice* out) {
  const std::uint64_t r = next();
  if (r % 8 != 0) {
    out->kind = step_kind::run;
    out->thread = options.runnable[(r >> 3) % static_cast<std::uint64_t>(options.runnable_count)];
    return true;
  }
  *out = decode_step(static_cast<std::uint8_t>(kActionBase + ((r >> 3) & 15)), options);
  return true;
}

bool random_chooser::choose_waiter(int queued, int* index) {
  *index = static_cast<int>(next() % static_cast<std::uint64_t>(queued));
  return true;
}

pct_chooser::pct_chooser(std::uint64_t seed, int depth, std::uint64_t steps, int threads)
    : state_(seed), priorities_(static_cast<std::size_t>(std::max(threads, 0))) {
  if (depth < 1) throw std::invalid_argument("pct_chooser: depth must be at least 1");
  // A random permutation of depth .. depth + threads - 1 (Fisher-Yates).
  for (std::size_t i = 0; i < priorities_.size(); ++i) {
    priorities_[i] = depth + static_cast<int>(i);
  }
  for (std::size_t i = priorities_.size(); i > 1; --i) {
    std::swap(priorities_[i - 1], priorities_[next() % i]);
  }
  // depth - 1 distinct change points among 1 .. steps; k_i is the i-th drawn.
  const std::uint64_t points =
      std::min<std::uint64_t>(static_cast<std::uint64_t>(depth - 1), steps);
  while (change_points_.size() < points) {
    const std::uint64_t k = 1 + next() % steps;
    if (std::find(change_points_.begin(), change_points_.end(), k) == change_points_.end()) {
      change_points_.push_back(k);
    }
  }
}

std::uint64_t pct_chooser::next() { return splitmix64(state_); }

bool pct_chooser::choose_step(const step_options& options, step_choice* out) {
  ++decisions_;
  const auto highest = [&] {
    int best = options.runnable[0];
    for (int i = 1; i < options.runnable_count; ++i) {
      const int t = options.runnable[i];
      if (priorities_.at(static_cast<std::size_t>(t)) >
          priorities_.at(static_cast<std::size_t>(best))) {
        best = t;
      }
    }
    return best;
  };
  const auto point = std::find(change_points_.begin(), change_points_.end(), decisions_);
  if (point != change_points_.end()) {
    priorities_.at(static_cast<std::size_t>(highest())) =
        static_cast<int>(point - change_points_.begin()) + 1;
  }
  int pick = highest();
  if (options.runnable_count > 1 && pick == last_ && ++streak_ >= kPctStarvation) {
    priorities_.at(static_cast<std::size_t>(pick)) = floor_--;  // below every other thread
    pick = highest();
  }
  if (pick != last_ || options.runnable_count == 1) streak_ = 0;
  last_ = pick;
  out->kind = step_kind::run;
  out->thread = pick;
  out->advance = 0;
  return true;
}

bool pct_chooser::choose_waiter(int queued, int* index) {
  *index = static_cast<int>(next() % static_cast<std::uint64_t>(queued));
  return true;
}

std::string describe(const decision& d) {
  if (!d.is_step) return (d.read ? "read " : "waiter ") + std::to_string(d.waiter);
  const std::string t = "T" + std::to_string(d.step.thread);
  switch (d.step.kind) {
    case step_kind::run:
      return "run " + t;
    case step_kind::spurious:
      return "spurious " + t;
    case step_kind::interrupt:
      return "EINTR " + t;
    case step_kind::fire_timer:
      return "fire timer";
    case step_kind::advance_clock:
      return "advance " + std::to_string(d.step.advance / 1000) + "us";
  }
  return "?";
}

bool recording_chooser::choose_step(const step_options& options, step_choice* out) {
  if (!inner_.choose_step(options, out)) return false;
  decision d;
  d.step = *out;
  decisions_.push_back(d);
  const int byte = encode_step(*out, options);
  if (byte < 0) encodable_ = false;
  bytes_.push_back(static_cast<std::uint8_t>(byte < 0 ? 0 : byte));
  return true;
}

bool recording_chooser::choose_waiter(int queued, int* index) {
  if (!inner_.choose_waiter(queued, index)) return false;
  decision d;
  d.is_step = false;
  d.waiter = *index;
  decisions_.push_back(d);
  bytes_.push_back(static_cast<std::uint8_t>(*index));
  return true;
}

bool recording_chooser::choose_read(int candidates, int* index) {
  if (!inner_.choose_read(candidates, index)) return false;
  decision d;
  d.is_step = false;
  d.waiter = *index;
  d.read = true;
  decisions_.push_back(d);
  bytes_.push_back(static_cast<std::uint8_t>(*index));
  return true;
}

bool recorded_chooser::choose_step(const step_options& options, step_choice* out) {
  if (diverged_ || pos_ >= decisions_.size()) return false;
  const decision& d = decisions_[pos_];
  if (!d.is_step || !offered(d.step, options)) {
    diverged_ = true;
    return false;
  }
  ++pos_;
  *out = d.step;
  return true;
}

bool recorded_chooser::choose_read(int candidates, int* index) {
  if (diverged_ || pos_ >= decisions_.size()) return false;
  const decision& d = decisions_[pos_];
  if (d.is_step || !d.read || d.waiter >= candidates) {
    diverged_ = true;
    return false;
  }
  ++pos_;
  *index = d.waiter;
  return true;
}

bool recorded_chooser::choose_waiter(int queued, int* index) {
  if (diverged_ || pos_ >= decisions_.size()) return false;
  const decision& d = decisions_[pos_];
  if (d.is_step || d.read || d.waiter >= queued) {
    diverged_ = true;
    return false;
  }
  ++pos_;
  *index = d.waiter;
  return true;
}

}  // namespace semfuzz::sim
