#include "fuzz/instrumented/runtime.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/sim/scheduler.h"
#include "fuzz/verdict.h"

namespace semfuzz::instr {
namespace {

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

namespace detail {
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
  s.fail(verdict_kind::use_after_destroy, "T" + std::to_string(s.running_thread()) + " " + access +
                                              " of " + std::to_string(bytes) + " bytes at offset " +
                                              std::to_string(a - begin) +
                                              " of the semaphore after the owner deleted it");
  return true;
}
}  // namespace detail

void object_created(const void* p, std::size_t bytes) { current("object").register_word(p, bytes); }

void object_destroyed(const void* p, std::size_t bytes) {
  current("object").unregister_word(p);
  const char* a = static_cast<const char*>(p);
  destroyed().push_back(range{a, a + bytes});
  detail::g_destroyed_count = destroyed().size();
}

void forget_destroyed() {
  destroyed().clear();
  detail::g_destroyed_count = 0;
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
    s->fail(verdict_kind::unsupported_call,
            "T" + std::to_string(s->running_thread()) + " calls " + std::string(what) +
                ", which the instrumentation runtime does not model (fuzz/instrumented/os.cc)");
    s->point();  // the run is over: the thread stops here
  }
  std::fprintf(stderr, "semfuzz: instrumented code calls %s outside a simulated thread\n", what);
  std::abort();
}

}  // namespace semfuzz::instr
