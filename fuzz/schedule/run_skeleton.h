// The skeleton every runner of a decoded program shares: the simulated runner
// (fuzz/schedule/runner.h), the real-thread runner (fuzz/threads/runner.h) and the API target
// (fuzz/schedule/api_target.cc) run each thread's operations through the same loop, end destroy
// mode by the same owner-destroys protocol (its steps: fuzz/oracles/contract.h) with the same peer
// check, and word the verdicts they share with the same formatters (skeleton::message). What
// differs stays each runner's own: how a call runs and is judged, how T0 waits for its peers
// (parked by the scheduler, or yielding on real threads), what the ledger is (plain, or atomics the
// threads share).
//
// A runner R gives the loop (thread_runner concept):
//   ops_of(t)          thread t's operations, as the semaphore takes them (expand_operations)
//   keeps_going()      whether a thread goes on to its next operation (false once a run on real
//                      threads has failed; a scheduler stops its fibers by itself)
//   begin_op(t, i)     bookkeeping before thread t's i-th operation
//   execute(t, op)     runs and judges one call; returns whether it took tokens
//   thread_finished(t) bookkeeping once thread t is done (after the owner's ending, for T0)
// and, for destroy mode (owner_destroying concept; a runner without it never destroys):
//   destroy_mode()     whether the protocol runs (program::owner_destroys, and what R allows)
//   done_or_final(i)   thread i has finished, or is in its final operation (its final release)
//   await_peers()      T0 waits until peers_in_final_release(); false: it gives up
//   tokens_to_take()   the tokens T0's last acquire takes: the ledger and the final releases
//   take_all(last)     T0's last acquire (one call, or several); whether it took them all
//   destroy()          T0 deletes the semaphore (its peers may still be inside release())
//
// Synchronisation: the runner's; run_thread runs on the thread it is called for.
#ifndef SEMFUZZ_FUZZ_RUN_SKELETON_H_
#define SEMFUZZ_FUZZ_RUN_SKELETON_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/contract.h"

namespace semfuzz::skeleton {

template <class R>
concept thread_runner = requires(R& r, const R& cr, int t, std::size_t i, const operation& op) {
  { cr.ops_of(t) } -> std::same_as<const std::vector<operation>&>;
  { cr.keeps_going() } -> std::same_as<bool>;
  r.begin_op(t, i);
  { r.execute(t, op) } -> std::same_as<bool>;
  r.thread_finished(t);
};

template <class R>
concept owner_destroying = thread_runner<R> &&
    requires(R& r, const R& cr, std::size_t i, const operation& op) {
  { cr.destroy_mode() } -> std::same_as<bool>;
  { cr.done_or_final(i) } -> std::same_as<bool>;
  { r.await_peers() } -> std::same_as<bool>;
  { cr.tokens_to_take() } -> std::same_as<std::int64_t>;
  { r.take_all(op) } -> std::same_as<bool>;
  r.destroy();
};

// The protocol's step 1 (fuzz/oracles/contract.h) by the runner's own bookkeeping.
template <owner_destroying R>
bool peers_in_final_release(const R& r, std::size_t threads) {
  return contract::peers_in_final_release(threads,
                                          [&r](std::size_t i) { return r.done_or_final(i); });
}

// T0's ending in destroy mode: waits for its peers, takes every token there will be, and deletes
// the semaphore the moment its last acquire returns (fuzz/oracles/contract.h, steps 1 to 3).
template <owner_destroying R>
void owner_destroys(R& r) {
  if (!r.await_peers()) return;
  operation last;
  if (!contract::owner_last_acquire(r.tokens_to_take(), last) || !r.take_all(last)) return;
  r.destroy();
}

// Thread t of a run: its operations in order while the run keeps going, then, in destroy mode,
// the owner's ending for T0.
template <thread_runner R>
void run_thread(R& r, int t) {
  const std::vector<operation>& ops = r.ops_of(t);
  for (std::size_t i = 0; i < ops.size() && r.keeps_going(); ++i) {
    r.begin_op(t, i);
    r.execute(t, ops[i]);
  }
  if constexpr (owner_destroying<R>) {
    if (r.destroy_mode() && t == 0) owner_destroys(r);
  }
  r.thread_finished(t);
}

// The verdict messages the runners share, each written once.
namespace message {

// "T<t> <operation>": how a verdict names a call.
std::string who(int t, const operation& op);
// "initial I + released R - acquired A": the ledger's terms.
std::string ledger_terms(std::int64_t initial, std::int64_t released, std::int64_t acquired);
// conservation, with no call in flight: "<when> available() = X, but initial I + released R -
// acquired A = T".
std::string conservation_at_rest(const std::string& when, std::int64_t available,
                                 std::int64_t initial, std::int64_t released,
                                 std::int64_t acquired);
// early-timeout, after who(): " returned false at E ms into the call, before its deadline at
// D ms" (E, D: nanoseconds since the call began).
std::string early_timeout(std::int64_t elapsed_ns, std::int64_t deadline_ns);
// lost-wakeup of a sleeper: "nothing can run, but T<t> sleeps in <operation> while <evidence>".
std::string sleeper_lost(int t, const operation& op, const std::string& evidence);
// Nanoseconds as milliseconds: "1.500000 ms".
std::string ms(std::int64_t ns);

}  // namespace message
}  // namespace semfuzz::skeleton

namespace semfuzz {
namespace msg = skeleton::message;
}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RUN_SKELETON_H_
