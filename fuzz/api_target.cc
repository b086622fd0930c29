// Fuzz target `api`: the single-threaded contract of every algorithm against a reference model.
//
// The input is the schedule target's format (so corpora are shared); the threads' operations run
// one after another on one thread, on the production platform. Before each call the model
// predicts the exact outcome: the result, std::invalid_argument for a count outside [0, max()],
// std::overflow_error for a release past max(); afterwards available() must equal the model, so
// an error that loses or adds tokens is caught. Calls that would block forever on one thread
// (not enough tokens, no timeout) are skipped; finite timeouts are capped at 50 us of real time.
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz/program.h"
#include "fuzz/verdict.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {
namespace {

enum class result { yes, no, invalid, overflow, skipped };

const char* name(result r) {
  switch (r) {
    case result::yes:
      return "true";
    case result::no:
      return "false";
    case result::invalid:
      return "std::invalid_argument";
    case result::overflow:
      return "std::overflow_error";
    case result::skipped:
      return "skipped";
  }
  return "?";
}

// Qt 6's spellings of the timed calls, try_acquire(n, duration) and try_acquire(n, deadline),
// have the contracts of try_acquire_for and try_acquire_until, so the model's prediction holds
// for either. A try_acquire_for or try_acquire_until operation uses Qt's spelling when its
// position in the program (counting every thread's operations in order) is odd: a property every
// input already has, so inputs decode as before and both spellings are checked.
bool qt_spelling(std::size_t position) { return position % 2 == 1; }

template <class Sem>
bool timed_for(Sem& sem, std::int64_t n, std::chrono::nanoseconds timeout, bool qt) {
  return qt ? sem.try_acquire(n, timeout) : sem.try_acquire_for(n, timeout);
}

template <class Sem>
bool timed_until(Sem& sem, std::int64_t n, std::chrono::steady_clock::time_point deadline,
                 bool qt) {
  return qt ? sem.try_acquire(n, deadline) : sem.try_acquire_until(n, deadline);
}

template <class Sem>
verdict check_program(const program& prog) {
  constexpr std::int64_t kMax = Sem::max();
  constexpr auto kCap = std::chrono::microseconds(50);
  Sem sem(prog.initial);
  std::int64_t model = prog.initial;
  std::size_t position = 0;
  for (const thread_program& thread : prog.threads) {
    for (const operation& op : thread.ops) {
      const bool qt = qt_spelling(position++);
      const bool valid = op.n >= 0 && op.n <= kMax;
      const bool fits = valid && op.n <= model;
      const bool forever =
          op.kind == op_kind::acquire || (op.kind == op_kind::try_acquire_ms && op.timeout < 0) ||
          ((op.kind == op_kind::try_acquire_for || op.kind == op_kind::try_acquire_until) &&
           op.infinite);
      // The model's prediction.
      result expected = result::yes;
      if (op.kind == op_kind::available) {
        expected = result::yes;
      } else if (!valid) {
        expected = result::invalid;
      } else if (op.kind == op_kind::release) {
        expected = op.n > kMax - model ? result::overflow : result::yes;
      } else if (!fits) {
        expected = forever ? result::skipped : result::no;
      }
      if (expected == result::skipped) continue;
      result got = result::yes;
      try {
        switch (op.kind) {
          case op_kind::acquire:
            sem.acquire(op.n);
            break;
          case op_kind::release:
            sem.release(op.n);
            break;
          case op_kind::try_acquire:
            got = sem.try_acquire(op.n) ? result::yes : result::no;
            break;
          case op_kind::try_acquire_ms:
            got = sem.try_acquire(op.n, op.timeout > 0 ? 0 : static_cast<int>(op.timeout))
                      ? result::yes
                      : result::no;
            break;
          case op_kind::try_acquire_for:
            got = (op.infinite ? timed_for(sem, op.n, std::chrono::nanoseconds::max(), qt)
                               : timed_for(sem, op.n,
                                           std::min<std::chrono::nanoseconds>(
                                               std::chrono::nanoseconds(op.timeout), kCap),
                                           qt))
                      ? result::yes
                      : result::no;
            break;
          case op_kind::try_acquire_until: {
            using clock = std::chrono::steady_clock;
            const auto until = op.infinite
                                   ? clock::time_point::max()
                                   : clock::now() + std::min<std::chrono::nanoseconds>(
                                                        std::chrono::nanoseconds(op.timeout), kCap);
            got = timed_until(sem, op.n, until, qt) ? result::yes : result::no;
            break;
          }
          case op_kind::available:
            break;
        }
      } catch (const std::invalid_argument&) {
        got = result::invalid;
      } catch (const std::overflow_error&) {
        got = result::overflow;
      }
      const bool spelled_qt =
          qt && (op.kind == op_kind::try_acquire_for || op.kind == op_kind::try_acquire_until);
      const auto call = [&] {
        return (spelled_qt ? "Qt's try_acquire(n, timeout) as " : "") + describe(op);
      };
      if (got != expected) {
        return {verdict_kind::bad_result, call() + " with " + std::to_string(model) +
                                              " tokens returned " + name(got) +
                                              ", the model says " + name(expected)};
      }
      if (got == result::yes && op.kind == op_kind::release) model += op.n;
      if (got == result::yes && op.kind != op_kind::release && op.kind != op_kind::available)
        model -= op.n;
      if (sem.available() != model) {
        return {verdict_kind::conservation,
                "after " + call() + " available() = " + std::to_string(sem.available()) +
                    ", the model says " + std::to_string(model)};
      }
    }
  }
  return {};
}

}  // namespace
}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semfuzz;
  const decoded_input in = decode(data, size);
  verdict v;
  switch (in.prog.algo) {
    case algorithm::split64:
      v = check_program<split64_semaphore>(in.prog);
      break;
    case algorithm::word32:
      v = check_program<word32_semaphore>(in.prog);
      break;
    case algorithm::condvar:
      v = check_program<condvar_semaphore>(in.prog);
      break;
  }
  report_and_abort(v);
  return 0;
}
