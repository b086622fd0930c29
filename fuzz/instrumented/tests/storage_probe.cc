#include "fuzz/instrumented/tests/storage_probe.h"

#include <pthread.h>

#include <stdexcept>
#include <vector>

namespace semfuzz::storage_probe {
namespace {

struct counter_args {
  pthread_key_t key;
  int times;
  void* start;
  int count;
};
void* count_through_key(void* p) {
  counter_args* a = static_cast<counter_args*>(p);
  a->start = pthread_getspecific(a->key);
  int own = 0;
  pthread_setspecific(a->key, &own);
  for (int i = 0; i < a->times; ++i) ++*static_cast<int*>(pthread_getspecific(a->key));
  a->count = *static_cast<int*>(pthread_getspecific(a->key));
  return nullptr;
}

void* set_marker(void* p) {
  pthread_setspecific(*static_cast<pthread_key_t*>(p), p);
  return nullptr;
}
void* read_key(void* p) { return pthread_getspecific(*static_cast<pthread_key_t*>(p)); }

pthread_mutex_t g_log_lock = PTHREAD_MUTEX_INITIALIZER;
std::vector<long>* g_log = nullptr;
void log_value(void* value) {
  pthread_mutex_lock(&g_log_lock);
  g_log->push_back(reinterpret_cast<long>(value));
  pthread_mutex_unlock(&g_log_lock);
}
struct end_args {
  pthread_key_t key;
  long value;
  bool by_exit;
};
[[noreturn]] void exit_now() { pthread_exit(nullptr); }
void* set_then_end(void* p) {
  const end_args* a = static_cast<end_args*>(p);
  pthread_setspecific(a->key, reinterpret_cast<void*>(a->value));
  if (a->by_exit) exit_now();
  return nullptr;
}

pthread_key_t g_rounds_key;
int g_resets = 0;
int* g_calls = nullptr;
void reset_value(void* value) {
  if (++*g_calls <= g_resets) pthread_setspecific(g_rounds_key, value);
}
void* set_rounds(void* p) {
  pthread_setspecific(g_rounds_key, p);
  return nullptr;
}

void throw_from_destructor(void*) { throw std::runtime_error("thrown by a destructor"); }
void* set_throwing(void* p) {
  pthread_setspecific(*static_cast<pthread_key_t*>(p), p);
  return nullptr;
}

}  // namespace

int key_create(pthread_key_t* key, void (*destructor)(void*)) {
  return pthread_key_create(key, destructor);
}
int key_delete(pthread_key_t key) { return pthread_key_delete(key); }
void* get(pthread_key_t key) { return pthread_getspecific(key); }
int set(pthread_key_t key, const void* value) { return pthread_setspecific(key, value); }

per_thread_seen counters_through_a_key(int times) {
  per_thread_seen seen;
  pthread_key_t key;
  pthread_key_create(&key, nullptr);
  int mine = 0;
  pthread_setspecific(key, &mine);
  counter_args args[2] = {{key, times, nullptr, 0}, {key, times, nullptr, 0}};
  pthread_t t[2];
  for (int i = 0; i < 2; ++i) pthread_create(&t[i], nullptr, count_through_key, &args[i]);
  const bool before = pthread_getspecific(key) == &mine;
  for (int i = 0; i < 2; ++i) pthread_join(t[i], nullptr);
  seen.main_kept = before && pthread_getspecific(key) == &mine && mine == 0;
  for (int i = 0; i < 2; ++i) {
    seen.child_start[i] = args[i].start;
    seen.child_count[i] = args[i].count;
  }
  pthread_key_delete(key);
  return seen;
}

void* value_after_reuse() {
  pthread_key_t key;
  pthread_key_create(&key, nullptr);
  pthread_t t;
  pthread_create(&t, nullptr, set_marker, &key);
  pthread_join(t, nullptr);
  void* seen = &seen;
  pthread_create(&t, nullptr, read_key, &key);
  pthread_join(t, &seen);
  return seen;
}

std::vector<long> destructors_at_end(bool by_exit) {
  std::vector<long> log;
  g_log = &log;
  pthread_key_t key;
  pthread_key_create(&key, log_value);
  end_args args[2] = {{key, 11, by_exit}, {key, 22, by_exit}};
  pthread_t t[2];
  for (int i = 0; i < 2; ++i) pthread_create(&t[i], nullptr, set_then_end, &args[i]);
  for (int i = 0; i < 2; ++i) pthread_join(t[i], nullptr);
  std::vector<long> seen = log;  // read after the joins: ordered after both destructors
  pthread_key_delete(key);
  return seen;
}

void destructor_rounds(int resets, int* calls) {
  g_resets = resets;
  g_calls = calls;
  pthread_key_create(&g_rounds_key, reset_value);
  pthread_t t;
  pthread_create(&t, nullptr, set_rounds, calls);
  pthread_join(t, nullptr);
}

void destructor_throws() {
  pthread_key_t key;
  pthread_key_create(&key, throw_from_destructor);
  pthread_t t;
  pthread_create(&t, nullptr, set_throwing, &key);
  pthread_join(t, nullptr);
}

}  // namespace semfuzz::storage_probe
