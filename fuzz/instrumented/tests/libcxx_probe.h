// Code under test for the tests of libc++'s modelled synchronization library
// (libcxx_model_test.cc, fuzz/instrumented/runtime/libcxx_sync.cc): compiled instrumented with
// libc++ (libcxx_probe.cc), so each call goes through libc++ 14's headers into the model, as
// std::counting_semaphore's do. No standard-library type crosses this header (the test is built
// with libstdc++).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_PROBE_H_

#include <cstdint>

namespace semfuzz::instr_libcxx_probe {

// Two atomics of the probe: a std::atomic<int> (libc++'s futex-sized contention type, waited on
// directly) and a std::atomic<long> (another size: laundered through the contention table).
void* int_address();
void* long_address();
void set(int i, long l);

// std::atomic<T>::wait(old), notify_one(), notify_all() on them.
void wait_int(int old);
void notify_int_one();
void notify_int_all();
void wait_long(long old);
void notify_long_one();
void notify_long_all();

// One wait of the laundered path, as <atomic>'s backoff makes it: std::__libcpp_atomic_monitor,
// then std::__libcpp_atomic_wait with what it returned.
int monitor_long();
void wait_long_once(int monitored);

// std::this_thread::sleep_for(nanoseconds(ns)); std::chrono::steady_clock::now() in ns.
void sleep_ns(std::int64_t ns);
std::int64_t steady_now_ns();

}  // namespace semfuzz::instr_libcxx_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_PROBE_H_
