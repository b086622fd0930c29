// Compiled with -fsanitize=thread (fuzz/instrumented/instrumented.cmake): see probe.h.
#include "fuzz/instrumented/tests/probe.h"

#include <sys/syscall.h>
#include <unistd.h>

namespace semfuzz::instr_probe {
namespace {

struct [[gnu::packed]] unaligned {
  char c;
  std::uint16_t s;
  std::uint32_t i;
  std::uint64_t l;
};

struct base {
  virtual ~base() = default;
  virtual std::uint64_t value() const { return 1; }
};
struct derived : base {
  std::uint64_t value() const override { return 2; }
};

}  // namespace

std::uint64_t atomics8(std::atomic<std::uint8_t>& a) { return all_atomics(a); }
std::uint64_t atomics16(std::atomic<std::uint16_t>& a) { return all_atomics(a); }
std::uint64_t atomics32(std::atomic<std::uint32_t>& a) { return all_atomics(a); }
std::uint64_t atomics64(std::atomic<std::uint64_t>& a) { return all_atomics(a); }

std::uint32_t add_one(std::atomic<std::uint32_t>& a) { return a.fetch_add(1); }

bool cas128(unsigned __int128* a, unsigned __int128 expected, unsigned __int128 desired) {
  return __atomic_compare_exchange_n(a, &expected, desired, false, __ATOMIC_SEQ_CST,
                                     __ATOMIC_SEQ_CST);
}

std::uint64_t plain(void* p) {
  auto* bytes = static_cast<unsigned char*>(p);
  std::uint64_t sum = 0;
  bytes[0] = 1;
  auto* u = reinterpret_cast<unaligned*>(bytes + 1);
  u->s = 2;
  u->i = 3;
  u->l = 4;
  sum += bytes[0] + u->s + u->i + u->l;
  volatile std::uint32_t* v = reinterpret_cast<std::uint32_t*>(bytes + 16);
  *v = 5;
  sum += *v;
  auto* w = reinterpret_cast<std::uint64_t*>(bytes + 24);
  *w = 6;
  *w += 1;  // compound
  sum += *w;
  using v16 = std::uint64_t __attribute__((vector_size(16)));
  auto* x = reinterpret_cast<v16*>(bytes + 32);
  *x = v16{8, 9};
  sum += (*x)[0] + (*x)[1];
  derived d;
  base* b = &d;
  asm volatile("" : "+r"(b));  // no devirtualization: the call reads the vptr
  sum += b->value();
  return sum;  // 1 + 2 + 3 + 4 + 5 + 7 + 8 + 9 + 2
}

void plain_increment(int* counter) { *counter = *counter + 1; }

void publish(int* payload, std::atomic<std::uint32_t>& flag, int value, std::memory_order order) {
  *payload = value;
  flag.store(1, order);
}
int consume(const int* payload, const std::atomic<std::uint32_t>& flag, std::memory_order order) {
  return flag.load(order) != 0 ? *payload : -1;
}

void publish_fenced(int* payload, std::atomic<std::uint32_t>& flag, int value,
                    std::memory_order fence) {
  *payload = value;
  if (fence != std::memory_order_relaxed) std::atomic_thread_fence(fence);
  flag.store(1, std::memory_order_relaxed);
}
int consume_fenced(const int* payload, const std::atomic<std::uint32_t>& flag,
                   std::memory_order fence) {
  if (flag.load(std::memory_order_relaxed) == 0) return -1;
  if (fence != std::memory_order_relaxed) std::atomic_thread_fence(fence);
  return *payload;
}

long futex(std::uint32_t* word, int op, std::uint32_t val, const timespec* timeout,
           std::uint32_t* word2, std::uint32_t val3) {
  return syscall(SYS_futex, word, op, val, timeout, word2, val3);
}
long getpid_syscall() { return syscall(SYS_getpid); }
int get_time(clockid_t clock, timespec* ts) { return clock_gettime(clock, ts); }
std::chrono::steady_clock::time_point steady_now() { return std::chrono::steady_clock::now(); }
std::chrono::system_clock::time_point system_now() { return std::chrono::system_clock::now(); }
int yield() { return sched_yield(); }
int sleep_ns(long ns) {
  const timespec t{ns / 1'000'000'000, ns % 1'000'000'000};
  return nanosleep(&t, nullptr);
}
int sleep_us(unsigned us) { return usleep(us); }
int unmodelled_call() { return getppid(); }

}  // namespace semfuzz::instr_probe
