// Compiled instrumented with -stdlib=libc++ (libcxx_threads_probe.h), linked with the model of
// libc++.so (fuzz/instrumented/runtime/libcxx_threads.cc, libcxx_sync.cc).
#include "fuzz/instrumented/tests/libcxx_threads_probe.h"

#include <sched.h>

#include <atomic>
#include <barrier>
#include <chrono>
#include <condition_variable>
#include <latch>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <system_error>
#include <thread>

namespace semfuzz::instr_libcxx_threads_probe {
namespace {

struct objects {
  explicit objects(int barrier_threads) : barrier(barrier_threads) {}
  std::mutex mutex;
  std::recursive_mutex recursive;
  std::condition_variable cv;
  std::timed_mutex timed;
  std::recursive_timed_mutex recursive_timed;
  std::shared_mutex shared;
  std::shared_timed_mutex shared_timed;
  std::once_flag once;
  std::condition_variable_any cv_any;
  std::barrier<> barrier;
  int counter = 0;
  bool ready = false;
  int consumed = 0;
  int once_runs = 0;
  int once_value = 0;
  int slots[8] = {};
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  std::atomic<int> readers{0};
  std::atomic<int> max_readers{0};
};

alignas(objects) unsigned char g_storage[sizeof(objects)];
objects* g = nullptr;

void enter_section(std::atomic<int>& inside, std::atomic<int>* most) {
  const int now = inside.fetch_add(1) + 1;
  if (most != nullptr) {
    int seen = most->load();
    while (now > seen && !most->compare_exchange_weak(seen, now)) {
    }
  } else if (now > 1) {
    g->overlapped.store(true);
  }
  sched_yield();
  inside.fetch_sub(1);
}

}  // namespace

void reset(int barrier_threads) {
  if (g != nullptr) g->~objects();
  g = new (g_storage) objects(barrier_threads);
}

void increment(bool locked) {
  if (!locked) {
    ++g->counter;
    return;
  }
  std::lock_guard<std::mutex> hold(g->mutex);
  enter_section(g->inside, nullptr);
  ++g->counter;
}
int counter() { return g->counter; }
bool overlaps() { return g->overlapped.load(); }

bool recursive_twice() {
  g->recursive.lock();
  g->recursive.lock();
  const bool again = g->recursive.try_lock();
  if (again) g->recursive.unlock();
  g->recursive.unlock();
  g->recursive.unlock();
  return again;
}
bool other_try_lock() {
  const bool got = g->recursive.try_lock();
  if (got) g->recursive.unlock();
  return got;
}
void hold_recursive() { g->recursive.lock(); }

void produce() {
  {
    std::lock_guard<std::mutex> hold(g->mutex);
    g->ready = true;
  }
  g->cv.notify_one();
}
void consume(bool with_predicate) {
  std::unique_lock<std::mutex> lk(g->mutex);
  if (with_predicate) {
    while (!g->ready) g->cv.wait(lk);
  } else {
    g->cv.wait(lk);
  }
  ++g->consumed;
}
int consumed() { return g->consumed; }

bool wait_for_ms(int ms) {
  std::unique_lock<std::mutex> lk(g->mutex);
  return g->cv.wait_for(lk, std::chrono::milliseconds(ms)) == std::cv_status::no_timeout;
}
bool wait_until_system_ms(int ms) {
  std::unique_lock<std::mutex> lk(g->mutex);
  const auto at = std::chrono::system_clock::now() + std::chrono::milliseconds(ms);
  return g->cv.wait_until(lk, at) == std::cv_status::no_timeout;
}
void wait_unlocked() {
  std::unique_lock<std::mutex> lk(g->mutex, std::defer_lock);
  g->cv.wait(lk);
}

void hold_timed() { g->timed.lock(); }
void unlock_timed() { g->timed.unlock(); }
bool try_lock_for_ms(int ms) {
  const bool got = g->timed.try_lock_for(std::chrono::milliseconds(ms));
  if (got) g->timed.unlock();
  return got;
}
bool recursive_try_lock_for_ms(int ms) {
  const bool got = g->recursive_timed.try_lock_for(std::chrono::milliseconds(ms));
  if (got) g->recursive_timed.unlock();
  return got;
}
bool recursive_timed_twice() {
  g->recursive_timed.lock();
  g->recursive_timed.lock();
  const bool again = g->recursive_timed.try_lock();
  if (again) g->recursive_timed.unlock();
  g->recursive_timed.unlock();
  g->recursive_timed.unlock();
  return again;
}
void hold_recursive_timed() { g->recursive_timed.lock(); }

void write() {
  std::unique_lock<std::shared_mutex> lk(g->shared);
  ++g->counter;
}
int read() {
  std::shared_lock<std::shared_mutex> lk(g->shared);
  enter_section(g->readers, &g->max_readers);
  return g->counter;
}
void read_and_write() {
  std::shared_lock<std::shared_mutex> lk(g->shared);
  ++g->counter;
}
int max_readers() { return g->max_readers.load(); }
void hold_shared_timed() { g->shared_timed.lock_shared(); }
bool shared_timed_try_lock_for_ms(int ms) {
  const bool got = g->shared_timed.try_lock_for(std::chrono::milliseconds(ms));
  if (got) g->shared_timed.unlock();
  return got;
}

int once() {
  std::call_once(g->once, [] {
    ++g->once_runs;
    g->once_value = 42;
  });
  return g->once_value;
}
int runs() { return g->once_runs; }
int once_throwing_first() {
  try {
    std::call_once(g->once, [] {
      if (++g->once_runs == 1) throw 1;
      g->once_value = 42;
    });
  } catch (int) {
    return -1;
  }
  return g->once_value;
}

int barrier_rounds(int slot, int rounds) {
  int sum = 0;
  for (int r = 1; r <= rounds; ++r) {
    g->slots[slot] = r;
    g->barrier.arrive_and_wait();
    for (int s : g->slots) sum += s;
    g->barrier.arrive_and_wait();  // every read of this round before the next round's writes
  }
  return sum;
}

int spawn_and_join(bool locked) {
  std::thread a([locked] { increment(locked); });
  std::thread b([locked] { increment(locked); });
  a.join();
  b.join();
  return g->counter;
}
bool detach_leaves_unjoinable() {
  std::thread t([] {});
  t.detach();
  return t.joinable();
}
void join_twice() {
  std::thread t([] {});
  t.join();
  t.join();
}
bool exit_notification() {
  std::thread t([] {
    std::unique_lock<std::mutex> lk(g->mutex);
    g->ready = true;
    std::notify_all_at_thread_exit(g->cv, std::move(lk));
  });
  t.detach();
  std::unique_lock<std::mutex> lk(g->mutex);
  while (!g->ready) g->cv.wait(lk);
  return g->ready;
}

bool condition_variable_any_handoff() {
  std::thread t([] {
    {
      std::lock_guard<std::mutex> hold(g->mutex);
      g->ready = true;
    }
    g->cv_any.notify_one();
  });
  bool seen = false;
  {
    std::unique_lock<std::mutex> lk(g->mutex);
    g->cv_any.wait(lk, [] { return g->ready; });
    seen = g->ready;
  }
  t.join();
  return seen;
}
int latch_handoff() {
  std::latch done(2);
  std::thread a([&done] {
    g->slots[0] = 1;
    done.count_down();
  });
  std::thread b([&done] {
    g->slots[1] = 2;
    done.count_down();
  });
  done.wait();
  const int sum = g->slots[0] + g->slots[1];
  a.join();
  b.join();
  return sum;
}

}  // namespace semfuzz::instr_libcxx_threads_probe
