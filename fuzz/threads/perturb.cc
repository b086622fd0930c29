#include "fuzz/threads/perturb.h"

namespace semfuzz::threads {
namespace {

thread_local const std::uint8_t* t_bytes = nullptr;
thread_local std::size_t t_size = 0;
thread_local std::size_t t_next = 0;

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

void set_perturbation(const std::uint8_t* bytes, std::size_t size) {
  t_bytes = bytes;
  t_size = size;
  t_next = 0;
}

void perturb() {
  if (t_size == 0) return;
  const std::uint8_t b = t_bytes[t_next];
  t_next = t_next + 1 == t_size ? 0 : t_next + 1;
  if (b < 0xC0) return;  // three quarters of the points run undisturbed
  if (b < 0xF0) {
    sched_yield();
    return;
  }
  for (int i = 0, spins = (b & 15) * 32; i < spins; ++i) cpu_relax();
}

}  // namespace semfuzz::threads
