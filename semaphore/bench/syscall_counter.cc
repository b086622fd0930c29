#include "syscall_counter.h"

#include <atomic>
#include <optional>
#include <thread>

#if defined(__x86_64__) && defined(__linux__)
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include <cstddef>
#include <cstring>
#include <mutex>

// semfuzz_bench_syscall6(nr, a1..a6): a raw system call. Its `syscall` instruction is the only
// one the filter lets a futex call through from; semfuzz_bench_syscall_return is the address
// right after it, which is what the kernel reports as the instruction pointer.
extern "C" long semfuzz_bench_syscall6(long nr, long a1, long a2, long a3, long a4, long a5,
                                       long a6);
extern "C" const char semfuzz_bench_syscall_return[];
asm(R"(
  .text
  .globl semfuzz_bench_syscall6
  .type semfuzz_bench_syscall6, @function
semfuzz_bench_syscall6:
  movq %rdi, %rax
  movq %rsi, %rdi
  movq %rdx, %rsi
  movq %rcx, %rdx
  movq %r8, %r10
  movq %r9, %r8
  movq 8(%rsp), %r9
  syscall
  .globl semfuzz_bench_syscall_return
semfuzz_bench_syscall_return:
  ret
  .size semfuzz_bench_syscall6, .-semfuzz_bench_syscall6
)");

namespace semfuzz_bench {
namespace {

std::atomic<std::uint64_t> g_trapped{0};  // futex calls trapped on any thread (lock-free)

void on_sigsys(int, siginfo_t* info, void* context) {
  greg_t* r = static_cast<ucontext_t*>(context)->uc_mcontext.gregs;
  g_trapped.fetch_add(1, std::memory_order_relaxed);
  r[REG_RAX] = semfuzz_bench_syscall6(info->si_syscall, r[REG_RDI], r[REG_RSI], r[REG_RDX],
                                      r[REG_R10], r[REG_R8], r[REG_R9]);
}

bool install_handler() {
  static const bool installed = [] {
    struct sigaction action;
    std::memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigsys;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGSYS, &action, nullptr) == 0;
  }();
  return installed;
}

// Traps futex calls of the calling thread, except those made by semfuzz_bench_syscall6.
bool trap_futex_calls_of_this_thread() {
  const auto ip = reinterpret_cast<std::uintptr_t>(semfuzz_bench_syscall_return);
  const auto ip_low = static_cast<std::uint32_t>(ip);
  const auto ip_high = static_cast<std::uint32_t>(ip >> 32);
  constexpr std::uint32_t kIp = offsetof(seccomp_data, instruction_pointer);
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_futex, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIp),  // little-endian: the low half first
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip_low, 0, 2),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, kIp + 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ip_high, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  return install_handler() && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program, 0, 0) == 0;
}

}  // namespace

std::optional<std::uint64_t> run_counted(const std::function<void()>& fn) {
  std::optional<std::uint64_t> result;
  // The filter stays with the thread until it exits, so every count gets a thread of its own.
  std::thread counted([&] {
    if (!trap_futex_calls_of_this_thread()) return;
    const std::uint64_t before = g_trapped.load(std::memory_order_relaxed);
    fn();
    result = g_trapped.load(std::memory_order_relaxed) - before;
  });
  counted.join();
  return result;
}

}  // namespace semfuzz_bench

#else

namespace semfuzz_bench {

std::optional<std::uint64_t> run_counted(const std::function<void()>&) { return std::nullopt; }

}  // namespace semfuzz_bench

#endif
