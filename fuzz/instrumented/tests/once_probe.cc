#include "fuzz/instrumented/tests/once_probe.h"

#include <sched.h>

#include <thread>

namespace semfuzz::once_probe {
namespace {
int g_counter = 0;
pthread_once_t* g_recursive = nullptr;

void increment() {
  const int seen = g_counter;
  sched_yield();
  g_counter = seen + 1;
}
void again() { pthread_once(g_recursive, again); }
}  // namespace

void reset() { g_counter = 0; }
int once_then_read(pthread_once_t* o) {
  pthread_once(o, increment);
  return g_counter;
}
int once_recursive(pthread_once_t* o) {
  g_recursive = o;
  return pthread_once(o, again);
}

bool call_once(std::once_flag& f, int* runner, int me, std::chrono::milliseconds d, bool fail) {
  try {
    std::call_once(f, [&] {
      *runner = me;
      std::this_thread::sleep_for(d);
      if (fail) throw me;
    });
  } catch (int) {
    return true;
  }
  return false;
}
int call_once_then_read(std::once_flag& f, int* counter) {
  std::call_once(f, [counter] {
    const int seen = *counter;
    sched_yield();
    *counter = seen + 1;
  });
  return *counter;
}
void sleep_for(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

}  // namespace semfuzz::once_probe
