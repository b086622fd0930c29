#include "fuzz/instrumented/runtime/program.h"

#include <cxxabi.h>
#include <sanitizer/common_interface_defs.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/model_records.h"
#include "fuzz/instrumented/runtime/pthread_key.h"
#include "fuzz/instrumented/runtime/pthread_mutex.h"
#include "fuzz/instrumented/runtime/pthread_rwlock.h"
#include "fuzz/instrumented/runtime/pthread_spin.h"
#include "fuzz/instrumented/runtime/pthread_thread.h"
#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/schedule_entry.h"
#include "fuzz/sim/scheduler.h"

// The bounds of the program object's writable data (interpose.py --entry), defined by the linker
// for sections named as C identifiers; weak: absent from targets that are no program.
extern "C" {
// LeakSanitizer's (sanitizer/lsan_interface.h), there with ASan.
[[gnu::weak]] void __lsan_disable();
[[gnu::weak]] void __lsan_enable();
[[gnu::weak]] extern char __start_semfuzz_program_data[];
[[gnu::weak]] extern char __stop_semfuzz_program_data[];
[[gnu::weak]] extern char __start_semfuzz_program_bss[];
[[gnu::weak]] extern char __stop_semfuzz_program_bss[];
}

namespace semfuzz::instr {
namespace {

using sim::scheduler;

// The program's globals as static initialisation left them, copied at the first run.
struct globals_snapshot {
  struct part {
    char* begin;
    std::vector<char> bytes;
  };
  part data, bss;
  static part take(char* begin, char* end) {
    if (begin == nullptr || end == nullptr || end <= begin) return {nullptr, {}};
    return {begin, std::vector<char>(begin, end)};
  }
  static void put_back(const part& p) {
    if (!p.bytes.empty()) std::memcpy(p.begin, p.bytes.data(), p.bytes.size());
  }
};

void restore_globals() {
  static const globals_snapshot* snapshot = new globals_snapshot{
      globals_snapshot::take(__start_semfuzz_program_data, __stop_semfuzz_program_data),
      globals_snapshot::take(__start_semfuzz_program_bss, __stop_semfuzz_program_bss)};
  globals_snapshot::put_back(snapshot->data);
  globals_snapshot::put_back(snapshot->bss);
}

using model::thread_name;

// LeakSanitizer ignores what is allocated in its lifetime (on this OS thread, so every fiber's).
struct leak_checks_off {
  leak_checks_off() {
    if (reinterpret_cast<std::uintptr_t>(&__lsan_disable) != 0) __lsan_disable();
  }
  ~leak_checks_off() {
    if (reinterpret_cast<std::uintptr_t>(&__lsan_enable) != 0) __lsan_enable();
  }
  leak_checks_off(const leak_checks_off&) = delete;
  leak_checks_off& operator=(const leak_checks_off&) = delete;
};

// Present when a sanitizer runtime is linked (the harness's ASan), absent otherwise.
#pragma weak __sanitizer_symbolize_global

// The name of the global at p, as the code under test spells it (interpose.py's prefix off,
// demangled), or "" when the symbolizer does not know it.
std::string global_name(const void* p) {
  if (reinterpret_cast<std::uintptr_t>(&__sanitizer_symbolize_global) == 0) return "";
  char name[512] = {};
  __sanitizer_symbolize_global(const_cast<void*>(p), "%g", name, sizeof name);
  std::string symbol(name);
  const std::string prefix = "semfuzz_instr.";
  if (symbol.rfind(prefix, 0) == 0) symbol.erase(0, prefix.size());
  int status = -1;
  char* readable = abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status);
  if (status == 0 && readable != nullptr) symbol = readable;
  std::free(readable);
  return symbol;
}

// The running simulated thread's scheduler; outside one (a static constructor), the call is
// unsupported-call (which aborts there).
scheduler& running(const char* call) {
  scheduler* s = scheduler::current();
  if (s == nullptr || !s->simulating()) unsupported("%s", call);
  return *s;
}

// Ends the run with program-failure: `what` the running thread did.
[[noreturn]] void program_fails(scheduler& s, const std::string& what) {
  fail_run(s, verdict_kind::program_failure, thread_name(s.running_thread()) + " " + what);
  s.point();  // the run is over: the thread stops here, never resumed
  std::abort();
}

// The process ends with `status` (exit, or main's return): 0 ends the run, anything else is a
// finding.
void program_exits(scheduler& s, int status, const char* how) {
  if (status != 0) program_fails(s, std::string(how) + " " + std::to_string(status));
  run_exit_destructors(s, s.running_thread());  // its thread_locals', as glibc's exit runs them
  if (s.tracing()) s.note(thread_name(s.running_thread()) + " " + how + " 0: the program ends");
  s.end_run();
}

class program_run final : public sim::observer {
 public:
  program_run(scheduler& s, program_entry entry) : s_(s), entry_(entry) {}

  static void body(void* self, int t) {
    if (t == 0) {
      static_cast<program_run*>(self)->run_main();
    } else {
      thread_slot(t);
    }
  }

  // ---- sim::observer
  void on_clock_read(int, sim::vtime) override {}
  void on_wait(int, sim::vtime) override {}
  void on_futex_call(const sim::futex_call& call) override { check_futex_call(s_, call); }
  void after_step(std::uint64_t steps) override { check_step_bound(s_, steps); }
  // Nothing can run: with no timer pending, every thread still in the program is blocked for
  // good (spare threads are parked, not blocked).
  void at_quiescence() override {
    if (s_.failed() || s_.timers_pending()) return;
    std::string blocked;
    for (int t = 0; t < s_.threads(); ++t) {
      const sim::wait_kind kind = s_.waiting_in(t);
      if (kind == sim::wait_kind::none || kind == sim::wait_kind::parked) continue;
      const call_site c = last_call(t);
      blocked += (blocked.empty() ? "" : "; ") + thread_name(t) + " in " +
                 (c.call != nullptr ? c.call : "a futex wait");
      if (c.pc != nullptr) blocked += " (" + detail::code_location(c.pc) + ")";
      blocked += " on " + waits_on(t);
      std::vector<model::held_lock> held;
      mutexes_held_by(t, &held);
      rwlocks_held_by(t, &held);
      spin_locks_held_by(t, &held);
      for (std::size_t i = 0; i < held.size(); ++i) {
        blocked += (i == 0 ? ", holding " : ", ") + object_name(held[i].address);
        if (*held[i].how != '\0') blocked += std::string(" ") + held[i].how;
      }
    }
    if (blocked.empty()) return;  // every thread has ended
    fail_run(s_, verdict_kind::deadlock,
             "every thread of the program is blocked and no timer is pending: " + blocked);
  }

 private:
  // What thread t waits on: the thread it joins, else the object (a registered word's trace
  // name, else the global's name, else its address).
  std::string waits_on(int t) const {
    const std::string joined = joining(t);
    return joined.empty() ? object_name(s_.waiting_on(t)) : joined;
  }
  // An object of the program: the global's name and its trace name (a registered word's), or
  // either, else its address.
  std::string object_name(const void* key) const {
    const std::string word = s_.registered(key) ? s_.name_of(key) : "";
    const std::string global = global_name(key);
    if (!global.empty()) return word.empty() ? global : global + " (" + word + ")";
    if (!word.empty()) return word;
    char text[32];
    std::snprintf(text, sizeof text, "the object at %p", key);
    return text;
  }
  static std::string joining(int t) {
    const int target = joined_thread(t);
    return target < 0 ? "" : "T" + std::to_string(target) + " (its end)";
  }

  void run_main() {
    static char name[] = "program";
    char* argv[] = {name, nullptr};
    int status = 0;
    bool ended_by_exit = false, escaped = false;
    try {
      status = entry_(1, argv);
    } catch (const thread_exit&) {
      ended_by_exit = true;
    } catch (...) {
      escaped = true;  // judged outside the handler (an abandoned fiber ends no catch)
    }
    if (escaped) program_fails(s_, "lets an exception leave main: std::terminate");
    if (ended_by_exit) end_thread_storage(s_, 0);  // pthread_exit: the main thread's destructors
    if (!ended_by_exit) program_exits(s_, status, "returns from main with");
  }

  scheduler& s_;
  program_entry entry_;
};

// C: the chooser's static type (the byte stream's picks the scheduler's direct path).
template <class C>
run_result run_with(program_entry entry, C& choose, bool trace) {
  scheduler& s = shared_scheduler();
  restore_globals();
  // No leak is a finding: what a run allocates may stay reachable only from a thread's fiber
  // stack (a thread still running at exit(0), a thread abandoned at a verdict), which
  // LeakSanitizer does not scan, or from a global the next run's restore overwrites.
  const leak_checks_off quiet;
  run_result r;
  {
    scheduler::scope scope(s);
    s.set_weak_memory(false, true);
    s.set_stutter_elision(true);
    s.set_parked_from(1);
    program_run run(s, entry);
    r.outcome =
        verdict_of(s.run(scheduler::kMaxThreads, &program_run::body, &run, choose, &run, trace));
    r.trace_hash = s.trace_hash();
    r.steps = s.steps();
    forget_destroyed();
  }
  return r;
}

}  // namespace

run_result run_program(program_entry entry, sim::byte_stream_chooser& choose, bool trace) {
  return run_with(entry, choose, trace);
}

run_result run_program(program_entry entry, sim::chooser& choose, bool trace) {
  return run_with(entry, choose, trace);
}

int fuzz_program(const std::uint8_t* data, std::size_t size, program_entry entry,
                 sim::chooser* tail) {
  const bool trace = tracing_requested();
  sim::byte_stream_chooser bytes(data, size, tail);
  report_run(run_program(entry, bytes, trace), trace);
  return 0;
}

}  // namespace semfuzz::instr

using semfuzz::instr::program_fails;  // NOLINT: the definitions below are extern "C"
using semfuzz::instr::running;

extern "C" {

void semfuzz_instr_abort() { program_fails(running("abort"), "calls abort()"); }

void semfuzz_instr_exit(int status) {
  semfuzz::sim::scheduler& s = running("exit");
  semfuzz::instr::program_exits(s, status, "calls exit with");
  s.point();  // the run is over: the thread stops here, never resumed
  std::abort();
}

void semfuzz_instr_exit_now(int status) { semfuzz_instr_exit(status); }

void semfuzz_instr_assert_fail(const char* expression, const char* file, unsigned line,
                               const char* function) {
  program_fails(running("__assert_fail"), std::string("fails the assertion `") + expression +
                                              "` at " + file + ":" + std::to_string(line) + " in " +
                                              function);
}

void semfuzz_instr_terminate() {
  program_fails(running("std::terminate"), "calls std::terminate()");
}

int semfuzz_instr_cxa_atexit(void (*)(void*), void*, void*) { return 0; }
int semfuzz_instr_atexit(void (*)()) { return 0; }

}  // extern "C"
