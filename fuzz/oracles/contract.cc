#include "fuzz/oracles/contract.h"

#include <string>

namespace semfuzz::contract {

std::string outcome_name(const call_result& r) {
  switch (r.result) {
    case outcome::returned_true:
      return "true";
    case outcome::returned_false:
      return "false";
    case outcome::returned_value:
      return std::to_string(r.value);
    case outcome::threw_invalid:
      return "std::invalid_argument";
    case outcome::threw_overflow:
      return "std::overflow_error";
  }
  return "?";
}

verdict judge(const operation& op, const call_result& r, const knowledge& k) {
  if (op.kind == op_kind::available) {
    if (r.value > kMax || (r.value < 0 && !(k.count_may_be_unknown && r.value == kUnknownCount)))
      return {verdict_kind::conservation, " returned " + std::to_string(r.value)};
    return {};
  }
  if (!valid_count(op.n)) {
    if (r.result != outcome::threw_invalid) {
      return {verdict_kind::bad_result,
              ": an invalid count was not rejected with std::invalid_argument"};
    }
    return {};
  }
  if (op.n == 0 && r.result != outcome::returned_true)
    return {verdict_kind::bad_result, ": n == 0 must succeed at once, got " + outcome_name(r)};
  if (k.overflow_required && r.result != outcome::threw_overflow) {
    return {verdict_kind::bad_result, ": must throw std::overflow_error (available() " +
                                          std::to_string(k.least_available) + "), got " +
                                          outcome_name(r)};
  }
  switch (r.result) {
    case outcome::threw_invalid:
      return {verdict_kind::bad_result, ": a valid count was rejected with std::invalid_argument"};
    case outcome::threw_overflow:
      if (!k.overflow_plausible)
        return {verdict_kind::bad_result, ": std::overflow_error far from max()"};
      return {};
    case outcome::returned_true:
      if (takes_tokens(op.kind) && op.n > k.most_available) {
        return {verdict_kind::bad_result,
                " returned true, but available() stayed <= " + std::to_string(k.most_available) +
                    " throughout the call"};
      }
      return {};
    case outcome::returned_false:
      if (k.wait == patience::forever)
        return {verdict_kind::infinite_timeout, " gave up although its timeout is infinite"};
      if (k.wait == patience::bounded && !k.deadline_passed)
        return {verdict_kind::early_timeout, " returned false before its deadline"};
      if (k.least_available >= op.n) {
        return {verdict_kind::try_acquire, " returned false although available() stayed >= " +
                                               std::to_string(op.n) + " throughout the call"};
      }
      return {};
    case outcome::returned_value:
      return {verdict_kind::bad_result, " returned a value"};
  }
  return {};
}

}  // namespace semfuzz::contract
