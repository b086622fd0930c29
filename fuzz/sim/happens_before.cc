#include "fuzz/sim/happens_before.h"

namespace semfuzz::sim {
namespace {

bool acquires(std::memory_order o) {
  return o == std::memory_order_consume || o == std::memory_order_acquire ||
         o == std::memory_order_acq_rel || o == std::memory_order_seq_cst;
}
bool releases(std::memory_order o) {
  return o == std::memory_order_release || o == std::memory_order_acq_rel ||
         o == std::memory_order_seq_cst;
}

}  // namespace

void happens_before::reset(int threads) {
  threads_.assign(static_cast<std::size_t>(threads), thread_clocks{});
  for (int t = 0; t < threads; ++t) threads_[t].now.at[t] = 1;
  locations_.clear();
  last_ = 0;
}

happens_before::location& happens_before::at(const void* address) {
  if (last_ < locations_.size() && locations_[last_].address == address) return locations_[last_];
  for (last_ = 0; last_ < locations_.size(); ++last_) {
    if (locations_[last_].address == address) return locations_[last_];
  }
  locations_.push_back(location{address, vclock{}});
  return locations_[last_];
}

void happens_before::forget(const void* location) {
  for (std::size_t i = 0; i < locations_.size(); ++i) {
    if (locations_[i].address == location) {
      locations_[i] = locations_.back();
      locations_.pop_back();
      last_ = 0;
      return;
    }
  }
}

void happens_before::load(int thread, const void* address, std::memory_order order) {
  thread_clocks& t = threads_[thread];
  const location& m = at(address);
  if (acquires(order)) {
    t.now.join(m.released);
  } else {
    t.pending.join(m.released);
  }
}

void happens_before::store(int thread, const void* address, std::memory_order order) {
  thread_clocks& t = threads_[thread];
  location& m = at(address);
  if (releases(order)) {
    m.released = t.now;
    tick(thread);
  } else {
    m.released = t.fence_release;
  }
}

void happens_before::rmw(int thread, const void* address, std::memory_order order) {
  thread_clocks& t = threads_[thread];
  location& m = at(address);
  if (acquires(order)) {
    t.now.join(m.released);
  } else {
    t.pending.join(m.released);
  }
  if (releases(order)) {
    m.released.join(t.now);
    tick(thread);
  } else {
    m.released.join(t.fence_release);
  }
}

void happens_before::fence(int thread, std::memory_order order) {
  thread_clocks& t = threads_[thread];
  if (acquires(order)) t.now.join(t.pending);
  if (releases(order)) {
    t.fence_release = t.now;
    tick(thread);
  }
}

}  // namespace semfuzz::sim
