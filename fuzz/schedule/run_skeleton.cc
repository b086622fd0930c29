#include "fuzz/schedule/run_skeleton.h"

namespace semfuzz::skeleton::message {

std::string who(int t, const operation& op) { return "T" + std::to_string(t) + " " + describe(op); }

std::string ledger_terms(std::int64_t initial, std::int64_t released, std::int64_t acquired) {
  return "initial " + std::to_string(initial) + " + released " + std::to_string(released) +
         " - acquired " + std::to_string(acquired);
}

std::string conservation_at_rest(const std::string& when, std::int64_t available,
                                 std::int64_t initial, std::int64_t released,
                                 std::int64_t acquired) {
  return when + " available() = " + std::to_string(available) + ", but " +
         ledger_terms(initial, released, acquired) + " = " +
         std::to_string(initial + released - acquired);
}

std::string early_timeout(std::int64_t elapsed_ns, std::int64_t deadline_ns) {
  return " returned false at " + ms(elapsed_ns) + " into the call, before its deadline at " +
         ms(deadline_ns);
}

std::string sleeper_lost(int t, const operation& op, const std::string& evidence) {
  return "nothing can run, but T" + std::to_string(t) + " sleeps in " + describe(op) + " while " +
         evidence;
}

std::string ms(std::int64_t ns) { return std::to_string(ns / 1e6) + " ms"; }

}  // namespace semfuzz::skeleton::message
