#include "fuzz/instrumented/runtime/runtime.h"

#include <dlfcn.h>
#include <sanitizer/common_interface_defs.h>

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "fuzz/instrumented/runtime/emutls.h"
#include "fuzz/instrumented/runtime/futex_memory.h"
#include "fuzz/instrumented/runtime/lock_graph.h"
#include "fuzz/instrumented/runtime/posix_sem.h"
#include "fuzz/instrumented/runtime/pthread_barrier.h"
#include "fuzz/instrumented/runtime/pthread_cond.h"
#include "fuzz/instrumented/runtime/pthread_key.h"
#include "fuzz/instrumented/runtime/pthread_mutex.h"
#include "fuzz/instrumented/runtime/pthread_once.h"
#include "fuzz/instrumented/runtime/pthread_rwlock.h"
#include "fuzz/instrumented/runtime/pthread_spin.h"
#include "fuzz/instrumented/runtime/pthread_thread.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

// The sanitizer runtime's allocator hooks (sanitizer/allocator_interface.h), weak: a build without
// a sanitizer runtime has none.
extern "C" {
[[gnu::weak]] int __sanitizer_install_malloc_and_free_hooks(
    void (*malloc_hook)(const volatile void*, std::size_t),
    void (*free_hook)(const volatile void*));
// libFuzzer's inline 8-bit counters, which the instrumented code increments with plain accesses
// that -fsanitize=thread instruments too (none when the build has no such coverage).
[[gnu::weak]] extern char __start___sancov_cntrs[];
// LeakSanitizer's (sanitizer/lsan_interface.h), there with ASan.
[[gnu::weak]] void __lsan_ignore_object(const void* p);
[[gnu::weak]] extern char __stop___sancov_cntrs[];
}

namespace semfuzz::instr {
namespace {

// A block the allocator hands out on the simulation's OS thread has no access history.
void forget_new_block(const volatile void* p, std::size_t bytes) {
  if (sim::scheduler* s = sim::scheduler::current()) {
    s->shadow().forget(const_cast<const void*>(p), bytes);
  }
}
// A freed block may hold a futex word a thread sleeps on
// (fuzz/instrumented/runtime/futex_memory.h).
void on_free(const volatile void* p) { futex_memory_freed(const_cast<const void*>(p)); }
const bool g_allocator_hooked =
    __sanitizer_install_malloc_and_free_hooks != nullptr &&
    __sanitizer_install_malloc_and_free_hooks(forget_new_block, on_free) != 0;

struct range {
  const char* begin;
  const char* end;
};
std::vector<range>& destroyed() {
  static std::vector<range>* r = new std::vector<range>;
  return *r;
}

sim::scheduler& current(const char* what) {
  sim::scheduler* s = sim::scheduler::current();
  if (s == nullptr) {
    std::fprintf(stderr, "semfuzz: instrumented %s outside a scheduler scope\n", what);
    std::abort();
  }
  return *s;
}

}  // namespace

static_assert(kCallSites == sim::scheduler::kMaxThreads);

namespace detail {
call_site g_calls[kCallSites];
std::size_t g_destroyed_count = 0;

const char* destroyed_at(const void* p, std::size_t bytes) {
  const char* a = static_cast<const char*>(p);
  for (const range& r : destroyed()) {
    if (a < r.end && a + bytes > r.begin) return r.begin;
  }
  return nullptr;
}

bool touches_destroyed(const void* p, std::size_t bytes, const char* access) {
  const char* a = static_cast<const char*>(p);
  const char* begin = destroyed_at(p, bytes);
  if (begin == nullptr) return false;
  sim::scheduler& s = current("access");
  semfuzz::fail_run(s, semfuzz::verdict_kind::use_after_destroy,
                    "T" + std::to_string(s.running_thread()) + " " + access + " of " +
                        std::to_string(bytes) + " bytes at offset " + std::to_string(a - begin) +
                        " of the semaphore after the owner deleted it");
  return true;
}

// On every plain access: no ASan stack redzones around its one local (they would cost more than
// the check; the function only passes values on).
__attribute__((no_sanitize("address"))) bool races(sim::scheduler& s, const void* p,
                                                   std::size_t bytes, bool write,
                                                   const char* access, const void* pc) {
  sim::race_detector* detector = s.races();
  if (detector == nullptr || !g_allocator_hooked) return false;
  // The coverage counters: the compiler's own benign races, not the code's.
  if (p >= __start___sancov_cntrs && p < __stop___sancov_cntrs) return false;
  const int t = s.running_thread();
  const sim::vclock& now = s.clocks().clock(t);
  sim::race_detector::access a;
  a.thread = t;
  a.e = now.at[t];
  a.step = s.steps();
  a.pc = pc;
  a.bytes = bytes;
  a.write = write;
  a.what = access;
  const sim::race_detector::access* earlier = detector->check(p, a, now);
  if (earlier == nullptr) return false;
  const auto who = [](const sim::race_detector::access& x) {
    return "T" + std::to_string(x.thread) + " " + x.what + " of " + std::to_string(x.bytes) +
           " bytes at step " + std::to_string(x.step) + " (" + code_location(x.pc) + ")";
  };
  const std::string other = "T" + std::to_string(earlier->thread);
  semfuzz::fail_run(s, semfuzz::verdict_kind::data_race,
                    who(a) + " races with " + who(*earlier) +
                        ": no happens-before between them (T" + std::to_string(t) + " knows " +
                        other + " only up to epoch " + std::to_string(now.at[earlier->thread]) +
                        ", the " + (earlier->write ? "write" : "read") + " was in " + other +
                        "'s epoch " + std::to_string(earlier->e) + ")");
  return true;
}
}  // namespace detail

namespace {

// Present when a sanitizer runtime is linked (the harness's ASan or UBSan), absent otherwise.
#pragma weak __sanitizer_symbolize_pc

bool system_header(std::string_view file) {
  const std::string normal = std::filesystem::path(file).lexically_normal().string();
  return normal.starts_with("/usr/include/") || normal.starts_with("/usr/lib/");
}

// The first two frames at pc outside the system headers, innermost first, "file:line < file:line"
// (base names); when every frame is a system header's (code inlined from, say, libstdc++'s
// atomic wait), the innermost one; when no frame has a line, "file in function" of the innermost;
// "" when no frame has source information.
std::string symbolized(const void* pc) {
  if (reinterpret_cast<std::uintptr_t>(&__sanitizer_symbolize_pc) == 0) return "";
  char frames[4096] = {};  // one "file:line" per inlined frame, innermost first, '\0'-separated
  __sanitizer_symbolize_pc(const_cast<void*>(pc), "%s:%l", frames, sizeof frames);
  std::string where, innermost;
  int found = 0;
  for (const char* f = frames; *f != 0 && found < 2; f += std::strlen(f) + 1) {
    const std::string_view frame(f);
    const std::size_t colon = frame.rfind(':');
    if (frame[0] != '/' || colon == std::string_view::npos || frame.substr(colon + 1) == "0") {
      continue;  // no source information
    }
    const std::string name(frame.substr(frame.rfind('/', colon) + 1));
    if (system_header(frame.substr(0, colon))) {
      if (innermost.empty()) innermost = name;
      continue;
    }
    where += (found++ ? " < " : "") + name;
  }
  if (found) return where;
  if (!innermost.empty()) return innermost;
  // Every frame without a line (code the optimiser merged, e.g. a loop of increments folded into
  // one add): the innermost frame's file and function.
  __sanitizer_symbolize_pc(const_cast<void*>(pc), "%s|%f", frames, sizeof frames);
  const std::string_view frame(frames);
  const std::size_t bar = frame.find('|');
  if (frame.empty() || frame[0] != '/' || bar == std::string_view::npos) return "";
  const std::string_view file = frame.substr(0, bar);
  return std::string(file.substr(file.rfind('/') + 1)) + " in " +
         std::string(frame.substr(bar + 1));
}

std::string module_offset(const void* pc) {
  Dl_info info{};
  char text[64];
  if (dladdr(pc, &info) == 0 || info.dli_fname == nullptr) {
    std::snprintf(text, sizeof text, "%p", pc);
    return text;
  }
  const char* slash = std::strrchr(info.dli_fname, '/');
  std::snprintf(
      text, sizeof text, "+0x%" PRIxPTR,
      reinterpret_cast<std::uintptr_t>(pc) - reinterpret_cast<std::uintptr_t>(info.dli_fbase));
  return (slash ? slash + 1 : info.dli_fname) + std::string(text);
}

}  // namespace

const std::string& detail::code_location(const void* pc) {
  static auto* cache = new std::unordered_map<const void*, std::string>;
  auto [it, fresh] = cache->try_emplace(pc);
  if (fresh) {
    it->second = symbolized(pc);
    if (it->second.empty()) it->second = module_offset(pc);
  }
  return it->second;
}

bool checks_plain_races() { return g_allocator_hooked; }

void object_created(const void* p, std::size_t bytes) {
  sim::scheduler& s = current("object");
  s.register_word(p, bytes);
  s.shadow().forget(p, bytes);  // a new object: none of a dead one's accesses
}

void object_destroyed(const void* p, std::size_t bytes) {
  current("object").unregister_word(p);
  const char* a = static_cast<const char*>(p);
  destroyed().push_back(range{a, a + bytes});
  detail::g_destroyed_count = destroyed().size();
}

bool absolute_deadline(clockid_t clock, const timespec* at, std::int64_t* out) {
  constexpr long long kNsPerSec = 1'000'000'000;
  if ((clock != CLOCK_REALTIME && clock != CLOCK_MONOTONIC) || at->tv_nsec < 0 ||
      at->tv_nsec >= kNsPerSec) {
    return false;
  }
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(static_cast<std::int64_t>(at->tv_sec), kNsPerSec, &ns) ||
      __builtin_add_overflow(ns, static_cast<std::int64_t>(at->tv_nsec), &ns)) {
    *out = sim::kNoDeadline;
    return true;
  }
  *out = clock == CLOCK_REALTIME ? ns - kRealtimeOffsetNs : ns;
  return true;
}

void object_abandoned(const void* p, std::size_t bytes) {
  object_destroyed(p, bytes);
  if (reinterpret_cast<std::uintptr_t>(&__lsan_ignore_object) != 0) __lsan_ignore_object(p);
}

void forget_destroyed() {
  destroyed().clear();
  detail::g_destroyed_count = 0;
  forget_futex_memory();
  forget_mutexes();
  model::forget_lock_waits();
  forget_conds();
  forget_posix_semaphores();
  forget_rwlocks();
  forget_onces();
  forget_spinlocks();
  forget_barriers();
  forget_threads();
  forget_keys();
  forget_thread_locals();
}

void spend_virtual_time(long long ns) {
  sim::scheduler* s = sim::scheduler::current();
  if (s != nullptr && s->simulating()) s->pass_time(ns);
}

void unsupported(const char* format, ...) {
  char what[256];
  va_list args;
  va_start(args, format);
  std::vsnprintf(what, sizeof what, format, args);
  va_end(args);
  sim::scheduler* s = sim::scheduler::current();
  if (s != nullptr && s->simulating()) {
    semfuzz::fail_run(
        *s, semfuzz::verdict_kind::unsupported_call,
        "T" + std::to_string(s->running_thread()) + " calls " + std::string(what) +
            ", which the instrumentation runtime does not model (fuzz/instrumented/runtime/os.cc)");
    s->point();  // the run is over: the thread stops here
  }
  std::fprintf(stderr, "semfuzz: instrumented code calls %s outside a simulated thread\n", what);
  std::abort();
}

}  // namespace semfuzz::instr
