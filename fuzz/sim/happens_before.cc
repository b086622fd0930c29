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
  locations_.push_back(location{address, store_history{}});
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

store_record& happens_before::newest(location& m) {
  if (m.history.empty()) m.history.push(store_record{}, weak_);
  return m.history.from_newest(0);
}

void happens_before::sync_newest(location& m, std::uint64_t value) {
  if (!weak_ || (!m.history.empty() && m.history.from_newest(0).value == value)) return;
  store_record r;  // written outside the model: known to every thread, same release clock
  r.value = value;
  if (!m.history.empty()) r.released = m.history.from_newest(0).released;
  m.history.push(r, weak_);
}

int happens_before::readable(int thread, const void* address, std::memory_order order,
                             std::uint64_t value) {
  if (!weak_) return 1;
  location& m = at(address);
  sync_newest(m, value);
  return m.history.readable(thread, threads_[thread].now, order == std::memory_order_seq_cst);
}

const store_record& happens_before::load_from(int thread, const void* address,
                                              std::memory_order order, int k) {
  thread_clocks& t = threads_[thread];
  location& m = at(address);
  store_record& r = k == 0 ? newest(m) : m.history.from_newest(k);
  if (acquires(order)) {
    t.now.join(r.released);
  } else {
    t.pending.join(r.released);
  }
  if (weak_ && r.read_at.at[thread] == 0) r.read_at.at[thread] = t.now.at[thread];
  return r;
}

void happens_before::store(int thread, const void* address, std::memory_order order,
                           std::uint64_t old, std::uint64_t value) {
  thread_clocks& t = threads_[thread];
  location& m = at(address);
  sync_newest(m, old);
  store_record r;
  r.value = value;
  r.thread = thread;
  r.at = t.now.at[thread];
  r.seq_cst = order == std::memory_order_seq_cst;
  if (releases(order)) {
    r.released = t.now;
    tick(thread);
  } else {
    r.released = t.fence_release;
  }
  m.history.push(r, weak_);
}

void happens_before::rmw(int thread, const void* address, std::memory_order order,
                         std::uint64_t old, std::uint64_t value) {
  thread_clocks& t = threads_[thread];
  location& m = at(address);
  sync_newest(m, old);
  store_record r;  // reads the newest store, continues its release sequence
  r.released = newest(m).released;
  if (acquires(order)) {
    t.now.join(r.released);
  } else {
    t.pending.join(r.released);
  }
  r.value = value;
  r.thread = thread;
  r.at = t.now.at[thread];
  r.seq_cst = order == std::memory_order_seq_cst;
  if (releases(order)) {
    r.released.join(t.now);
    tick(thread);
  } else {
    r.released.join(t.fence_release);
  }
  m.history.push(r, weak_);
}

void happens_before::seq_cst_fence(int thread) {
  for (location& m : locations_) m.history.fence(thread);
  for (location& m : locations_) m.history.floor(thread);
}

void happens_before::fence(int thread, std::memory_order order) {
  thread_clocks& t = threads_[thread];
  if (acquires(order)) t.now.join(t.pending);
  if (releases(order)) {
    t.fence_release = t.now;
    tick(thread);
  }
  if (weak_ && order == std::memory_order_seq_cst) seq_cst_fence(thread);
}

void happens_before::futex_call(int thread) {
  if (weak_ && futex_fence_) seq_cst_fence(thread);
}

}  // namespace semfuzz::sim
