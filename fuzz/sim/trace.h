// The trace of a simulated run: a hash of every event, and, when printing, one line per event and
// per decision on stderr.
//
// The hash identifies a run: two runs with the same hash took the same steps with the same values
// (fuzz/tests/golden/trace_hashes.txt records it for every committed input, so the mixing below
// is part of the input format's promise and must not change). Each step's shared-memory event is
// mixed in as (thread << 8 | event), the word's id (~0 for none) and three values; the scheduler's
// own decisions (time steps, timeouts, spurious wakeups, which sleeper a wake releases) are mixed
// in with tags of their own. Trace-only lines (notes, code locations) are never hashed.
//
// The scheduler (fuzz/sim/scheduler.h) owns one and feeds it; this file knows nothing of threads
// or words beyond the numbers and names it is given.
//
// Synchronisation: none; a trace belongs to one scheduler run.
#ifndef SEMFUZZ_FUZZ_SIM_TRACE_H_
#define SEMFUZZ_FUZZ_SIM_TRACE_H_

#include <cstdint>
#include <string>

namespace semfuzz::sim {

// The shared-memory events of a step, as traced and hashed (their numbers are hashed: append only).
enum class ev : std::uint8_t {
  load,
  store,
  exchange,
  cas_ok,
  cas_fail,
  fetch_add,
  fetch_sub,
  fetch_or,
  fetch_and,
  clock,
  futex_wait,
  futex_wake,
  lock,
  lock_busy,
  unlock,
  cv_wait,
  cv_notify,
  // Only from the instrumentation runtime (fuzz/instrumented/): operations sim_atomic lacks.
  fetch_xor,
  fetch_nand,
  fence,
};
const char* event_name(ev e);

class run_trace {
 public:
  // A new run: the hash starts over; `print`: lines go to stderr.
  void begin(bool print);
  bool printing() const { return print_; }
  std::uint64_t hash() const { return hash_; }

  // One step's event by `thread` on the word with id `word` (~0ull: none), with its values.
  void event(int thread, ev what, std::uint64_t word, std::uint64_t a, std::uint64_t b,
             std::uint64_t c) {
    mix(static_cast<std::uint64_t>(thread) << 8 | static_cast<std::uint64_t>(what));
    mix(word);
    mix(a);
    mix(b);
    mix(c);
  }
  // The scheduler's decisions, each with its tag: time moved to `now`; `thread` timed out, woke
  // spuriously or with EINTR (`eintr`), was woken by a wake.
  void time_moved(std::int64_t now) {
    mix(0x7157);
    mix(static_cast<std::uint64_t>(now));
  }
  void timed_out(int thread) { mix(0x71e0 + thread); }
  void returned_early(int thread, bool eintr) { mix(0x5b00 + thread * 2 + eintr); }
  void woken(int thread) { mix(0x3a4e + thread); }

  // Printing (only while printing()): the event's line, "<step> <ms> ms  T<thread>  <event>
  // <word> <a> <b> <c>", with "  at <where>" when where is not empty.
  void print_event(std::uint64_t step, double ms, int thread, ev what, const std::string& word,
                   std::uint64_t a, std::uint64_t b, std::uint64_t c,
                   const std::string& where) const;
  // One line, printf-style, indented as the scheduler's decisions are.
  [[gnu::format(printf, 2, 3)]] void print(const char* format, ...) const;
  void print_line(const std::string& line) const;  // as it is

 private:
  void mix(std::uint64_t v) {
    hash_ = (hash_ ^ v) * kFnvPrime;
    hash_ ^= hash_ >> 29;
  }

  static constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
  static constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;
  std::uint64_t hash_ = kFnvOffset;
  bool print_ = false;
};

}  // namespace semfuzz::sim

#endif  // SEMFUZZ_FUZZ_SIM_TRACE_H_
