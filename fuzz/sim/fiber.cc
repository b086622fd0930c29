#include "fuzz/sim/fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SEMFUZZ_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define SEMFUZZ_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define SEMFUZZ_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define SEMFUZZ_TSAN 1
#endif

#if SEMFUZZ_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#if SEMFUZZ_TSAN
#include <sanitizer/tsan_interface.h>
#endif

#if defined(__x86_64__)
#define SEMFUZZ_ASM_SWITCH 1
#else
#include <ucontext.h>
#endif

#if SEMFUZZ_ASM_SWITCH
// semfuzz_switch_stack(save, next): saves the callee-saved registers, MXCSR and the x87 control
// word on the current stack, stores the stack pointer in *save, and resumes the stack `next`.
// It leaves through `pop; jmp *` rather than `ret`: a ret to another stack's return address
// always misses the CPU's return-stack predictor (about 5 ns per switch here; Boost.Context's
// jump_fcontext does the same).
// A fresh stack is laid out by prepare_stack() so that the first switch "returns" into
// semfuzz_fiber_trampoline with r12 = argument and r13 = entry function.
extern "C" void semfuzz_switch_stack(void** save, void* next);
extern "C" void semfuzz_fiber_trampoline();
asm(R"(
  .text
  .globl semfuzz_switch_stack
  .type semfuzz_switch_stack,@function
semfuzz_switch_stack:
  .cfi_startproc
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  subq $8, %rsp
  stmxcsr (%rsp)
  fnstcw 4(%rsp)
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  ldmxcsr (%rsp)
  fldcw 4(%rsp)
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  popq %rcx
  jmpq *%rcx
  .cfi_endproc
  .size semfuzz_switch_stack,.-semfuzz_switch_stack

  .globl semfuzz_fiber_trampoline
  .type semfuzz_fiber_trampoline,@function
semfuzz_fiber_trampoline:
  .cfi_startproc
  .cfi_undefined rip
  movq %r12, %rdi
  callq *%r13
  ud2
  .cfi_endproc
  .size semfuzz_fiber_trampoline,.-semfuzz_fiber_trampoline
)");
#endif

namespace semfuzz::sim {

namespace {
std::size_t page_size() { return static_cast<std::size_t>(sysconf(_SC_PAGESIZE)); }
}  // namespace

// What a switch saves and the sanitizers track, for a fiber and for the host alike.
struct switch_state {
#if SEMFUZZ_ASM_SWITCH
  void* sp = nullptr;
#else
  ucontext_t context;
#endif
#if SEMFUZZ_ASAN
  void* fake_stack = nullptr;
#endif
#if SEMFUZZ_TSAN
  void* tsan_fiber = nullptr;
#endif
};

struct fiber::impl : switch_state {
  char* mapping = nullptr;  // guard page + stack
  std::size_t mapping_bytes = 0;
  char* stack = nullptr;  // lowest usable address
  std::size_t stack_bytes = 0;
  body_fn body = nullptr;
  void* arg = nullptr;
};

struct fiber_host::impl : switch_state {
#if SEMFUZZ_ASAN
  const void* stack_bottom = nullptr;
  std::size_t stack_size = 0;
#endif
};

fiber::fiber(std::size_t stack_bytes) : impl_(new impl) {
  const std::size_t page = page_size();
  stack_bytes = (stack_bytes + page - 1) / page * page;
  impl_->mapping_bytes = stack_bytes + page;
  void* m = mmap(nullptr, impl_->mapping_bytes, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED) {
    std::perror("semfuzz: mmap of a fiber stack");
    std::abort();
  }
  impl_->mapping = static_cast<char*>(m);
  mprotect(impl_->mapping, page, PROT_NONE);  // guard page: an overflow faults
  impl_->stack = impl_->mapping + page;
  impl_->stack_bytes = stack_bytes;
}

fiber::~fiber() {
#if SEMFUZZ_TSAN
  if (impl_->tsan_fiber != nullptr) __tsan_destroy_fiber(impl_->tsan_fiber);
#endif
#if SEMFUZZ_ASAN
  ASAN_UNPOISON_MEMORY_REGION(impl_->stack, impl_->stack_bytes);
#endif
  munmap(impl_->mapping, impl_->mapping_bytes);
}

void fiber::start(body_fn body, void* arg) {
  if (dirty_) {
    // The last body was abandoned mid-call: its frames' redzones are still poisoned. Only the
    // part of the stack it used (above its saved stack pointer) needs clearing.
#if SEMFUZZ_ASAN
    char* low = impl_->stack;
#if SEMFUZZ_ASM_SWITCH
    if (impl_->sp != nullptr) low = std::max(impl_->stack, static_cast<char*>(impl_->sp) - 4096);
#endif
    ASAN_UNPOISON_MEMORY_REGION(low,
                                static_cast<std::size_t>(impl_->stack + impl_->stack_bytes - low));
#endif
#if SEMFUZZ_TSAN
    __tsan_destroy_fiber(impl_->tsan_fiber);
    impl_->tsan_fiber = nullptr;
#endif
  }
#if SEMFUZZ_TSAN
  if (impl_->tsan_fiber == nullptr) impl_->tsan_fiber = __tsan_create_fiber(0);
#endif
  impl_->body = body;
  impl_->arg = arg;
  finished_ = false;
  dirty_ = false;
#if SEMFUZZ_ASM_SWITCH
  // Layout matching semfuzz_switch_stack's pops, top of stack 16-byte aligned.
  auto top =
      reinterpret_cast<std::uintptr_t>(impl_->stack + impl_->stack_bytes) & ~std::uintptr_t{15};
  auto* slots = reinterpret_cast<std::uint64_t*>(top - 80);
  slots[0] = 0x037F'00001F80ull;  // MXCSR default (low half), x87 control word (high half)
  slots[1] = 0;                   // r15
  slots[2] = 0;                   // r14
  slots[3] = reinterpret_cast<std::uint64_t>(&fiber_host::entry);  // r13: entry
  slots[4] = reinterpret_cast<std::uint64_t>(this);                // r12: argument
  slots[5] = 0;                                                    // rbx
  slots[6] = 0;                                                    // rbp
  slots[7] = reinterpret_cast<std::uint64_t>(&semfuzz_fiber_trampoline);
  impl_->sp = slots;
#else
  getcontext(&impl_->context);
  impl_->context.uc_stack.ss_sp = impl_->stack;
  impl_->context.uc_stack.ss_size = impl_->stack_bytes;
  impl_->context.uc_link = nullptr;
  makecontext(&impl_->context, reinterpret_cast<void (*)()>(&fiber_host::entry), 1, this);
#endif
}

fiber_host::fiber_host() : impl_(new impl) {
#if SEMFUZZ_TSAN
  impl_->tsan_fiber = __tsan_get_current_fiber();
#endif
}

fiber_host::~fiber_host() = default;

namespace {
thread_local fiber_host* t_host = nullptr;
}  // namespace

void fiber_host::resume(fiber& f) {
  running_ = &f;
  f.dirty_ = true;
  t_host = this;
#if SEMFUZZ_ASAN
  __sanitizer_start_switch_fiber(&impl_->fake_stack, f.impl_->stack, f.impl_->stack_bytes);
#endif
#if SEMFUZZ_TSAN
  __tsan_switch_to_fiber(f.impl_->tsan_fiber, 0);
#endif
#if SEMFUZZ_ASM_SWITCH
  semfuzz_switch_stack(&impl_->sp, f.impl_->sp);
#else
  swapcontext(&impl_->context, &f.impl_->context);
#endif
#if SEMFUZZ_ASAN
  __sanitizer_finish_switch_fiber(impl_->fake_stack, nullptr, nullptr);
#endif
  running_ = nullptr;
  if (f.finished_) f.dirty_ = false;
}

void fiber_host::yield_to_host() {
  fiber& f = *running_;
#if SEMFUZZ_ASAN
  __sanitizer_start_switch_fiber(f.finished_ ? nullptr : &f.impl_->fake_stack, impl_->stack_bottom,
                                 impl_->stack_size);
#endif
#if SEMFUZZ_TSAN
  __tsan_switch_to_fiber(impl_->tsan_fiber, 0);
#endif
#if SEMFUZZ_ASM_SWITCH
  semfuzz_switch_stack(&f.impl_->sp, impl_->sp);
#else
  swapcontext(&f.impl_->context, &impl_->context);
#endif
#if SEMFUZZ_ASAN
  __sanitizer_finish_switch_fiber(f.impl_->fake_stack, &impl_->stack_bottom, &impl_->stack_size);
#endif
}

void fiber_host::entry(void* arg) {
  fiber& f = *static_cast<fiber*>(arg);
  fiber_host& host = *t_host;
#if SEMFUZZ_ASAN
  __sanitizer_finish_switch_fiber(nullptr, &host.impl_->stack_bottom, &host.impl_->stack_size);
#endif
  f.impl_->body(f.impl_->arg);
  f.finished_ = true;
  host.yield_to_host();
  std::fprintf(stderr, "semfuzz: a finished fiber was resumed\n");
  std::abort();
}

}  // namespace semfuzz::sim
