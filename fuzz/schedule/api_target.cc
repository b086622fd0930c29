// Fuzz target `api`: the single-threaded contract of every algorithm against a reference model.
//
// The input is the schedule target's format (so corpora are shared); the threads' operations run
// one after another on one thread, on the production platform. The reference model is the token
// ledger (fuzz/oracles/contract.h), which one thread knows exactly: each call is judged by
// contract::judge() with available() known to equal the model throughout, so the result is
// predicted exactly (a try form succeeds if and only if the tokens are there, a release throws
// std::overflow_error if and only if it would pass max()), and afterwards available() must equal
// the model, so an error that loses or adds tokens is caught. Calls that would block forever on
// one thread (not enough tokens, patience forever) are skipped; finite timeouts are capped at
// 50 us of real time (the real-time rule in fuzz/oracles/contract.h: Qt's positive timeouts become
// 0).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/contract.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/run_skeleton.h"
#include "semfuzz/semaphore.h"

namespace semfuzz {
namespace {

constexpr std::int64_t kCapNs = 50'000;

// Qt 6's spellings of the timed calls, try_acquire(n, duration) and try_acquire(n, deadline),
// have the contracts of try_acquire_for and try_acquire_until, so the model's prediction holds
// for either. A try_acquire_for or try_acquire_until operation uses Qt's spelling when its
// position in the program (counting every thread's operations in order) is odd: a property every
// input already has, so inputs decode as before and both spellings are checked. This wrapper
// routes the two calls contract::invoke() makes to the spelling chosen for the current operation.
template <class Sem>
class spelled {
 public:
  using clock = typename Sem::clock;
  explicit spelled(std::int64_t initial) : sem_(initial) {}
  void use_qt_spelling(bool qt) { qt_ = qt; }
  bool qt_spelling() const { return qt_; }

  void acquire(std::int64_t n) { sem_.acquire(n); }
  bool try_acquire(std::int64_t n) { return sem_.try_acquire(n); }
  bool try_acquire(std::int64_t n, int ms) { return sem_.try_acquire(n, ms); }
  bool try_acquire_for(std::int64_t n, std::chrono::nanoseconds d) {
    return qt_ ? sem_.try_acquire(n, d) : sem_.try_acquire_for(n, d);
  }
  bool try_acquire_until(std::int64_t n, typename clock::time_point t) {
    return qt_ ? sem_.try_acquire(n, t) : sem_.try_acquire_until(n, t);
  }
  void release(std::int64_t n) { sem_.release(n); }
  std::int64_t available() const { return sem_.available(); }

 private:
  Sem sem_;
  bool qt_ = false;
};

// One thread runs every thread's operations in program order (fuzz/schedule/run_skeleton.h's loop;
// no destroy mode: nobody else's release can be in flight), each judged against the model.
template <class Sem>
class api_runner {
 public:
  explicit api_runner(const program& prog)
      : prog_(prog), sem_(prog.initial), model_(prog.initial) {}

  verdict run() {
    for (std::size_t t = 0; t < prog_.threads.size() && keeps_going(); ++t) {
      skeleton::run_thread(*this, static_cast<int>(t));
    }
    return verdict_;
  }

  // ---- The skeleton's hooks
  const std::vector<operation>& ops_of(int t) const { return prog_.threads[t].ops; }
  bool keeps_going() const { return !verdict_.failed(); }
  void begin_op(int, std::size_t) {}
  void thread_finished(int) {}

  bool execute(int, const operation& op) {
    sem_.use_qt_spelling(position_++ % 2 == 1 && (op.kind == op_kind::try_acquire_for ||
                                                  op.kind == op_kind::try_acquire_until));
    const std::int64_t tokens = model_.tokens();
    contract::knowledge k;
    k.wait = contract::patience_of(op);
    k.least_available = k.most_available = tokens;
    k.overflow_required = op.kind == op_kind::release && contract::valid_count(op.n) &&
                          op.n > contract::kMax - tokens;
    k.overflow_plausible = k.overflow_required;
    // Nobody else can release: a call that must wait forever for its tokens would hang.
    if (k.wait == contract::patience::forever && contract::valid_count(op.n) && op.n > tokens)
      return false;
    const contract::call_result r =
        contract::invoke(sem_, op, kCapNs, [] { return std::chrono::steady_clock::now(); });
    verdict v = contract::judge(op, r, k);
    if (v.failed()) {
      v.message = (sem_.qt_spelling() ? "Qt's try_acquire(n, timeout) as " : "") + describe(op) +
                  v.message + " (the model: " + std::to_string(tokens) + ")";
      verdict_ = v;
      return false;
    }
    const bool took = model_.record(op, r.result);
    if (sem_.available() != model_.tokens()) {
      verdict_ = {
          verdict_kind::conservation,
          msg::conservation_at_rest("after " + describe(op), sem_.available(), model_.initial(),
                                    model_.released(), model_.acquired())};
    }
    return took;
  }

 private:
  const program& prog_;
  spelled<Sem> sem_;
  contract::token_ledger<> model_;
  std::size_t position_ = 0;
  verdict verdict_;
};

}  // namespace
}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semfuzz;
  const decoded_input in = decode(data, size);
  // The production platform of each algorithm (condvar's runs on it as on std_platform).
  report_and_abort(contract::visit_algorithm(
      in.prog.algo, [&]<template <class> class A>(contract::algorithm_tag<A>) {
        return api_runner<basic_semaphore<A, linux_futex_platform>>(in.prog).run();
      }));
  return 0;
}
