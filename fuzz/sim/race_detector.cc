#include "fuzz/sim/race_detector.h"

#include <algorithm>

namespace semfuzz::sim {
namespace {

constexpr std::size_t kFirstSize = 256;

std::size_t slot(std::uintptr_t key, std::size_t size) {
  return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 32) & (size - 1);
}

// Clears busy on every way out of check().
struct busy_scope {
  bool& busy;
  explicit busy_scope(bool& b) : busy(b) { busy = true; }
  ~busy_scope() { busy = false; }
  busy_scope(const busy_scope&) = delete;
  busy_scope& operator=(const busy_scope&) = delete;
};

}  // namespace

void race_detector::reset() {
  if (++run_ == 0) {  // wrapped: every slot's run number may look current
    for (granule& g : table_) g.run = 0;
    run_ = 1;
  }
  used_ = 0;
  ++version_;
  log_.clear();
  reads_.clear();
}

race_detector::granule* race_detector::find(std::uintptr_t key) {
  if (table_.empty()) return nullptr;
  for (std::size_t i = slot(key, table_.size());; i = (i + 1) & (table_.size() - 1)) {
    granule& g = table_[i];
    if (g.run != run_) return nullptr;
    if (g.key == key) return &g;
  }
}

race_detector::granule& race_detector::entry(std::uintptr_t key) {
  if (granule* g = find(key)) return *g;
  if ((used_ + 1) * 2 > table_.size()) grow();
  std::size_t i = slot(key, table_.size());
  while (table_[i].run == run_) i = (i + 1) & (table_.size() - 1);
  table_[i] = granule{key, run_, {}};
  ++used_;
  return table_[i];
}

void race_detector::grow() {
  std::vector<granule> old(table_.empty() ? kFirstSize : table_.size() * 2);
  old.swap(table_);
  for (const granule& g : old) {
    if (g.run != run_) continue;
    std::size_t i = slot(g.key, table_.size());
    while (table_[i].run == run_) i = (i + 1) & (table_.size() - 1);
    table_[i] = g;
  }
}

void race_detector::forget(const void* address, std::size_t bytes) {
  if (busy_ || used_ == 0 || bytes == 0) return;
  ++version_;
  const auto begin = reinterpret_cast<std::uintptr_t>(address);
  const std::uintptr_t end = begin + bytes;
  const auto clear = [&](granule& g) {
    for (std::size_t b = 0; b < 8; ++b) {
      const std::uintptr_t at = g.key * 8 + b;
      if (at >= begin && at < end) g.cells[b] = cell{};
    }
  };
  if ((bytes + 7) / 8 > table_.size()) {  // a large block: visit the table, not its granules
    for (granule& g : table_) {
      if (g.run == run_ && g.key >= begin / 8 && g.key <= (end - 1) / 8) clear(g);
    }
    return;
  }
  for (std::uintptr_t k = begin / 8; k <= (end - 1) / 8; ++k) {
    if (granule* g = find(k)) clear(*g);
  }
}

const race_detector::access* race_detector::check(const void* address, const access& a,
                                                  const vclock& now) {
  if (a.bytes == 0) return nullptr;
  const auto begin = reinterpret_cast<std::uintptr_t>(address);
  recent& seen = recent_[recent_slot(begin)];
  if (seen.covers(begin, version_, a)) return nullptr;
  busy_scope busy(busy_);
  std::uint32_t id = 0;  // a's index + 1 in log_, once something records it
  const auto record = [&] {
    if (id == 0) {
      log_.push_back(a);
      id = static_cast<std::uint32_t>(log_.size());
    }
    return id;
  };
  const auto same_epoch = [&](std::uint32_t x) {
    return log_[x - 1].thread == a.thread && log_[x - 1].e == a.e;
  };
  const std::uintptr_t end = begin + a.bytes;
  for (std::uintptr_t k = begin / 8; k <= (end - 1) / 8; ++k) {
    granule* g = &entry(k);
    for (std::uintptr_t at = std::max(begin, k * 8); at < std::min(end, k * 8 + 8); ++at) {
      cell& c = g->cells[at - k * 8];
      if (c.write != 0 && !ordered(c.write, now)) return &log_[c.write - 1];
      if (a.write) {
        if (c.write != 0 && c.read == 0 && same_epoch(c.write)) continue;
        if ((c.read & kShared) != 0) {
          for (std::uint32_t r : reads_[c.read & ~kShared]) {
            if (r != 0 && !ordered(r, now)) return &log_[r - 1];
          }
        } else if (c.read != 0 && !ordered(c.read, now)) {
          return &log_[c.read - 1];
        }
        c.write = record();
        c.read = 0;
      } else if (c.read == 0) {
        c.read = record();
      } else if ((c.read & kShared) != 0) {
        std::uint32_t& mine = reads_[c.read & ~kShared][a.thread];
        if (mine == 0 || !same_epoch(mine)) mine = record();
      } else if (same_epoch(c.read)) {
        continue;
      } else if (ordered(c.read, now)) {
        c.read = record();
      } else {  // two unordered reads: keep both
        read_set set{};
        set[log_[c.read - 1].thread] = c.read;
        set[a.thread] = record();
        reads_.push_back(set);
        c.read = kShared | static_cast<std::uint32_t>(reads_.size() - 1);
      }
    }
  }
  if (id != 0) ++version_;  // something was recorded
  seen = recent::of(begin, version_, a);
  return nullptr;
}

}  // namespace semfuzz::sim
