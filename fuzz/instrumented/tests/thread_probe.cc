#include "fuzz/instrumented/tests/thread_probe.h"

#include <pthread.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace semfuzz::thread_probe {
namespace {

void* read_int(void* p) {
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(*static_cast<int*>(p)));
}
void* write_one(void* p) {
  *static_cast<int*>(p) = 1;
  return nullptr;
}
void* write_five(void* p) {
  *static_cast<int*>(p) = 5;
  return nullptr;
}
void* nothing(void*) { return nullptr; }

struct exit_args {
  long value;
  bool by_exit;
  bool* unwound;
};
struct sets_on_unwind {
  bool* flag;
  ~sets_on_unwind() { *flag = true; }
};
[[noreturn]] void exit_from_nested(long value) { pthread_exit(reinterpret_cast<void*>(value)); }
void* returns_or_exits(void* p) {
  const exit_args* a = static_cast<exit_args*>(p);
  sets_on_unwind guard{a->unwound};
  if (a->by_exit) exit_from_nested(a->value);
  return reinterpret_cast<void*>(a->value);
}

void* store_self(void* p) {
  *static_cast<pthread_t*>(p) = pthread_self();
  return nullptr;
}

struct sum_args {
  pthread_mutex_t* m;
  int* sum;
};
void* add_locked(void* p) {
  sum_args* a = static_cast<sum_args*>(p);
  pthread_mutex_lock(a->m);
  *a->sum += 1;
  pthread_mutex_unlock(a->m);
  return nullptr;
}

void* wait_barrier(void* p) {
  pthread_barrier_wait(static_cast<pthread_barrier_t*>(p));
  return nullptr;
}

void* throws(void*) { throw std::runtime_error("thrown in a thread"); }

}  // namespace

int publish_then_spawn(int* x) {
  *x = 42;
  pthread_t t;
  pthread_create(&t, nullptr, read_int, x);
  void* seen = nullptr;
  pthread_join(t, &seen);
  return static_cast<int>(reinterpret_cast<std::intptr_t>(seen));
}

void write_beside_child(int* x) {
  pthread_t t;
  pthread_create(&t, nullptr, write_one, x);
  *x = 2;
  pthread_join(t, nullptr);
}

int read_after_join(int* x) {
  pthread_t t;
  pthread_create(&t, nullptr, write_five, x);
  pthread_join(t, nullptr);
  return *x;
}

long join_result(long value, bool by_exit, bool* unwound) {
  exit_args a{value, by_exit, unwound};
  pthread_t t;
  pthread_create(&t, nullptr, returns_or_exits, &a);
  void* result = nullptr;
  pthread_join(t, &result);
  return reinterpret_cast<long>(result);
}

int create(pthread_t* id, bool detached) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, detached ? PTHREAD_CREATE_DETACHED : PTHREAD_CREATE_JOINABLE);
  const int rc = pthread_create(id, &attr, nothing, nullptr);
  pthread_attr_destroy(&attr);
  return rc;
}
int join(pthread_t id) { return pthread_join(id, nullptr); }
int tryjoin(pthread_t id) { return pthread_tryjoin_np(id, nullptr); }
int detach(pthread_t id) { return pthread_detach(id); }
pthread_t self() { return pthread_self(); }
bool equal(pthread_t a, pthread_t b) { return pthread_equal(a, b) != 0; }

pthread_t child_self(pthread_t* id) {
  pthread_t t;
  pthread_create(&t, nullptr, store_self, id);
  pthread_join(t, nullptr);
  return t;
}

void rounds_of_two(int rounds, int* sum) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  sum_args a{&m, sum};
  for (int i = 0; i < rounds; ++i) {
    pthread_t t1, t2;
    pthread_create(&t1, nullptr, add_locked, &a);
    pthread_create(&t2, nullptr, add_locked, &a);
    pthread_join(t1, nullptr);
    pthread_join(t2, nullptr);
  }
}

int create_many(int n) {
  pthread_barrier_t b;
  pthread_barrier_init(&b, nullptr, static_cast<unsigned>(n + 1));
  std::vector<pthread_t> ids(static_cast<std::size_t>(n));
  for (pthread_t& id : ids) {
    const int rc = pthread_create(&id, nullptr, wait_barrier, &b);
    if (rc != 0) return rc;
  }
  pthread_barrier_wait(&b);
  for (pthread_t id : ids) pthread_join(id, nullptr);
  pthread_barrier_destroy(&b);
  return 0;
}

void child_throws() {
  pthread_t t;
  pthread_create(&t, nullptr, throws, nullptr);
  pthread_join(t, nullptr);
}

void std_counter(int threads, int times, bool locked, int* count) {
  std::mutex m;
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&] {
      for (int k = 0; k < times; ++k) {
        if (locked) {
          std::lock_guard<std::mutex> hold(m);
          *count += 1;
        } else {
          *count += 1;
        }
      }
    });
  }
  for (std::thread& t : pool) t.join();
}

void std_detach(int* x) {
  std::thread([x] { *x = 3; }).detach();
  std::thread([] {}).join();
}

bool std_ids() {
  std::thread::id inside;
  std::thread t([&inside] { inside = std::this_thread::get_id(); });
  const std::thread::id outside = t.get_id();
  t.join();
  return inside == outside && inside != std::this_thread::get_id();
}

}  // namespace semfuzz::thread_probe
