// ns per context switch: semfuzz's fibers (fuzz/sim/fiber.h) against Boost.Context (raw
// fcontext: make_fcontext / jump_fcontext; and boost::context::fiber) and ucontext's
// swapcontext, each as a host <-> fiber round trip (two switches) in a loop. The figures and the
// decision they back are at the head of fiber.h. Built when CMake finds Boost.Context
// (libboost-context-dev); run: build/<preset>/fuzz/fiber_bench [round trips, default 10^7].
#include <ucontext.h>

#include <algorithm>
#include <boost/context/detail/fcontext.hpp>
#include <boost/context/fiber.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "fuzz/sim/fiber.h"

namespace {

constexpr std::size_t kStack = 256 * 1024;
long g_round_trips = 10'000'000;

// Best of 5 runs of body(), in ns per switch (two per round trip).
template <class F>
double ns_per_switch(F body) {
  double best = 1e300;
  for (int run = 0; run < 5; ++run) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const std::chrono::duration<double, std::nano> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count() / (2.0 * static_cast<double>(g_round_trips)));
  }
  return best;
}

// ---- semfuzz
semfuzz::sim::fiber_host* g_host = nullptr;
void semfuzz_body(void*) {
  for (;;) g_host->yield_to_host();
}

double semfuzz_fibers() {
  semfuzz::sim::fiber_host host;
  semfuzz::sim::fiber f(kStack);
  g_host = &host;
  f.start(&semfuzz_body, nullptr);
  return ns_per_switch([&] {
    for (long i = 0; i < g_round_trips; ++i) host.resume(f);
  });
}

// ---- semfuzz's switch alone (fiber.cc's semfuzz_switch_stack), as bare as jump_fcontext below:
// a first frame laid out as fiber::start lays it out, then switches in a loop.
extern "C" void semfuzz_switch_stack(void** save, void* next);
extern "C" void semfuzz_fiber_trampoline();
void* g_host_sp = nullptr;
void* g_fiber_sp = nullptr;
void raw_body(void*) {
  for (;;) semfuzz_switch_stack(&g_fiber_sp, g_host_sp);
}

double semfuzz_raw_switch() {
  std::vector<char> stack(kStack);
  auto top = reinterpret_cast<std::uintptr_t>(stack.data() + stack.size()) & ~std::uintptr_t{15};
  auto* slots = reinterpret_cast<std::uint64_t*>(top - 80);
  slots[0] = 0x037F'00001F80ull;                          // MXCSR, x87 control word
  slots[1] = slots[2] = slots[5] = slots[6] = 0;          // r15, r14, rbx, rbp
  slots[3] = reinterpret_cast<std::uint64_t>(&raw_body);  // r13: entry
  slots[4] = 0;                                           // r12: argument
  slots[7] = reinterpret_cast<std::uint64_t>(&semfuzz_fiber_trampoline);
  g_fiber_sp = slots;
  return ns_per_switch([&] {
    for (long i = 0; i < g_round_trips; ++i) semfuzz_switch_stack(&g_host_sp, g_fiber_sp);
  });
}

// ---- Boost.Context, raw fcontext
namespace bcd = boost::context::detail;
void fcontext_body(bcd::transfer_t t) {
  for (;;) t = bcd::jump_fcontext(t.fctx, nullptr);
}

double boost_fcontext() {
  std::vector<char> stack(kStack);
  bcd::fcontext_t ctx =
      bcd::make_fcontext(stack.data() + stack.size(), stack.size(), fcontext_body);
  return ns_per_switch([&] {
    for (long i = 0; i < g_round_trips; ++i) ctx = bcd::jump_fcontext(ctx, nullptr).fctx;
  });
}

// ---- boost::context::fiber (fcontext backend, fixedsize_stack)
double boost_fiber() {
  namespace ctx = boost::context;
  ctx::fiber f{std::allocator_arg, ctx::fixedsize_stack(kStack), [](ctx::fiber&& host) {
                 for (;;) host = std::move(host).resume();
                 return std::move(host);
               }};
  return ns_per_switch([&] {
    for (long i = 0; i < g_round_trips; ++i) f = std::move(f).resume();
  });
}

// ---- ucontext (semfuzz's fallback off x86-64)
ucontext_t g_main_uc, g_fiber_uc;
void ucontext_body() {
  for (;;) swapcontext(&g_fiber_uc, &g_main_uc);
}

double ucontext_switch() {
  std::vector<char> stack(kStack);
  getcontext(&g_fiber_uc);
  g_fiber_uc.uc_stack.ss_sp = stack.data();
  g_fiber_uc.uc_stack.ss_size = stack.size();
  g_fiber_uc.uc_link = nullptr;
  makecontext(&g_fiber_uc, &ucontext_body, 0);
  return ns_per_switch([&] {
    for (long i = 0; i < g_round_trips; ++i) swapcontext(&g_main_uc, &g_fiber_uc);
  });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1) g_round_trips = std::max(1L, std::atol(argv[1]));
  std::printf("ns per switch (best of 5 x %ld round trips)\n", g_round_trips);
  std::printf("  semfuzz fiber_host::resume + yield_to_host  %6.2f\n", semfuzz_fibers());
  std::printf("  semfuzz_switch_stack alone                   %6.2f\n", semfuzz_raw_switch());
  std::printf("  Boost.Context jump_fcontext                  %6.2f\n", boost_fcontext());
  std::printf("  boost::context::fiber                        %6.2f\n", boost_fiber());
  std::printf("  ucontext swapcontext                         %6.2f\n", ucontext_switch());
  return 0;
}
