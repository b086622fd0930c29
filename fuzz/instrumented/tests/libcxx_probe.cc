// Compiled instrumented with -stdlib=libc++ (libcxx_probe.h), linked with the model of libc++.so
// (fuzz/instrumented/runtime/libcxx_sync.cc).
#include "fuzz/instrumented/tests/libcxx_probe.h"

#include <atomic>
#include <chrono>
#include <thread>

namespace semfuzz::instr_libcxx_probe {
namespace {
std::atomic<int> g_int{0};
std::atomic<long> g_long{0};
}  // namespace

void* int_address() { return &g_int; }
void* long_address() { return &g_long; }
void set(int i, long l) {
  g_int.store(i);
  g_long.store(l);
}

void wait_int(int old) { g_int.wait(old); }
void notify_int_one() { g_int.notify_one(); }
void notify_int_all() { g_int.notify_all(); }
void wait_long(long old) { g_long.wait(old); }
void notify_long_one() { g_long.notify_one(); }
void notify_long_all() { g_long.notify_all(); }

int monitor_long() { return std::__libcpp_atomic_monitor(&g_long); }
void wait_long_once(int monitored) { std::__libcpp_atomic_wait(&g_long, monitored); }

void sleep_ns(std::int64_t ns) { std::this_thread::sleep_for(std::chrono::nanoseconds(ns)); }
std::int64_t steady_now_ns() { return std::chrono::steady_clock::now().time_since_epoch().count(); }

}  // namespace semfuzz::instr_libcxx_probe
