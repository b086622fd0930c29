// Code under test for the runtime's own tests (runtime_test.cc): compiled instrumented
// (probe.cc), so that every hook clang emits and every modelled OS call is reached through the
// real compiler output and the real interposition, not called by hand.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROBE_H_

#include <time.h>

#include <atomic>
#include <chrono>
#include <cstdint>

namespace semfuzz::instr_probe {

// Every atomic operation at width T on a: load, store, exchange, fetch_add/sub/and/or/xor,
// __atomic_fetch_nand, compare_exchange_strong (failing) and _weak (succeeding), and both fences:
// 12 atomic operations and one thread fence. Starting from a == 1, returns a digest of every
// result; a ends at 6. Inline, so that the tests can run an uninstrumented copy as the reference
// (the instrumented copy is renamed apart from it: fuzz/instrumented/runtime/interpose.py).
template <class T>
std::uint64_t all_atomics(std::atomic<T>& a) {
  std::uint64_t d = a.load(std::memory_order_acquire);
  a.store(2, std::memory_order_release);
  d = d * 7 + a.exchange(3);
  d = d * 7 + a.fetch_add(2, std::memory_order_relaxed);
  d = d * 7 + a.fetch_sub(1, std::memory_order_acq_rel);
  d = d * 7 + a.fetch_or(3);
  d = d * 7 + a.fetch_and(6);
  d = d * 7 + a.fetch_xor(5);
  d = d * 7 + __atomic_fetch_nand(reinterpret_cast<T*>(&a), static_cast<T>(~T(6)), 5);
  d = d * 7 + a.fetch_xor(static_cast<T>(~T(0)));
  T expected = 0;
  d = d * 7 + a.compare_exchange_strong(expected, 9);  // fails: expected becomes the value
  d = d * 7 + expected;
  d = d * 7 +
      a.compare_exchange_weak(expected, 6, std::memory_order_acq_rel, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_seq_cst);
  std::atomic_signal_fence(std::memory_order_seq_cst);
  return d;
}
std::uint64_t atomics8(std::atomic<std::uint8_t>& a);
std::uint64_t atomics16(std::atomic<std::uint16_t>& a);
std::uint64_t atomics32(std::atomic<std::uint32_t>& a);
std::uint64_t atomics64(std::atomic<std::uint64_t>& a);
// A 16-byte compare-exchange (a lock-free one: the probe is built with -mcx16).
bool cas128(unsigned __int128* a, unsigned __int128 expected, unsigned __int128 desired);

std::uint32_t add_one(std::atomic<std::uint32_t>& a);  // a.fetch_add(1)

// Plain accesses of every size, aligned and not, volatile and compound, and a virtual call
// (vptr read) on p's 64 bytes; returns their sum.
std::uint64_t plain(void* p);

// One increment of *counter, as a plain read and write (a data race, which the scheduler does not
// split: plain accesses are no scheduling points).
void plain_increment(int* counter);

// Message passing through a plain payload: publish writes *payload = value, then stores 1 to
// flag with `order`; consume loads flag with `order` and returns *payload if it was set, else -1.
// With release / acquire the read happens-after the write; with relaxed, the two race.
void publish(int* payload, std::atomic<std::uint32_t>& flag, int value, std::memory_order order);
int consume(const int* payload, const std::atomic<std::uint32_t>& flag, std::memory_order order);
// The same with relaxed atomics and fences: `fence` (release or relaxed: none) between the write
// and the store, `fence` (acquire or relaxed: none) between the load and the read.
void publish_fenced(int* payload, std::atomic<std::uint32_t>& flag, int value,
                    std::memory_order fence);
int consume_fenced(const int* payload, const std::atomic<std::uint32_t>& flag,
                   std::memory_order fence);

// The OS calls, as the code under test makes them.
long futex(std::uint32_t* word, int op, std::uint32_t val, const timespec* timeout,
           std::uint32_t* word2, std::uint32_t val3);
long getpid_syscall();  // syscall(SYS_getpid): not modelled
int get_time(clockid_t clock, timespec* ts);
std::chrono::steady_clock::time_point steady_now();
std::chrono::system_clock::time_point system_now();
int yield();
int sleep_ns(long ns);
int sleep_us(unsigned us);
int unmodelled_call();  // getppid(): a libc call the runtime does not model

}  // namespace semfuzz::instr_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_PROBE_H_
