#include "fuzz/input/program.h"

#include <climits>
#include <cstdlib>
#include <string>
#include <utility>

#include "semfuzz/internal/limits.h"

namespace semfuzz {
namespace {

constexpr std::int64_t kMax = internal::kMaxTokens;
constexpr std::int64_t kMs = 1'000'000;  // nanoseconds

// The operation byte pair (opcode, argument) of format v1: fuzz/input/FORMAT.md, "Program bytes".
constexpr op_kind kKinds[8] = {op_kind::acquire,         op_kind::release,
                               op_kind::try_acquire,     op_kind::try_acquire_ms,
                               op_kind::try_acquire_for, op_kind::try_acquire_until,
                               op_kind::available,       op_kind::release};
// Qt milliseconds: zero, negative, INT_MIN (both forever), short, ordinary, long, INT_MAX.
constexpr std::int64_t kMsTimeouts[8] = {0, -1, INT_MIN, 1, 10, 100, INT_MAX, 1000};
// Nanoseconds; class 2 is infinite (duration::max() / time_point::max()); class 6 is ~100 years.
constexpr std::int64_t kNsTimeouts[8] = {
    0, -kMs, 0, kMs, 10 * kMs, 100 * kMs, 100LL * 365 * 24 * 3600 * 1'000'000'000LL, 1'000};
constexpr int kInfiniteClass = 2;
// Format v2 (fuzz/input/FORMAT.md): header bit 7, then the options byte.
constexpr std::uint8_t kVersion2 = 0x80;
constexpr std::uint8_t kWeakMemory = 0x01;
constexpr std::uint8_t kFutexNoFence = 0x02;

class reader {
 public:
  reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::size_t pos() const { return pos_ < size_ ? pos_ : size_; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

operation decode_operation(std::uint8_t opcode, std::uint8_t arg) {
  operation op;
  op.kind = kKinds[opcode & 7];
  const int timeout_class = (opcode >> 3) & 7;
  switch (opcode >> 6) {
    case 0:
    case 1:
      op.n = arg % 5;
      break;
    case 2:
      op.n = (arg & 1) ? kMax - ((arg >> 1) & 7) : kMax + 1 + ((arg >> 1) & 7);
      break;
    default:
      op.n = -1 - (arg & 7);
      break;
  }
  if (op.kind == op_kind::try_acquire_ms) {
    op.timeout = kMsTimeouts[timeout_class];
  } else if (op.kind == op_kind::try_acquire_for || op.kind == op_kind::try_acquire_until) {
    op.infinite = timeout_class == kInfiniteClass;
    op.timeout = kNsTimeouts[timeout_class];
  }
  return op;
}

std::pair<std::uint8_t, std::uint8_t> encode_operation(const operation& op) {
  int kind = 0;
  while (kKinds[kind] != op.kind) ++kind;
  int timeout_class = 0;
  if (op.kind == op_kind::try_acquire_ms || op.kind == op_kind::try_acquire_for ||
      op.kind == op_kind::try_acquire_until) {
    const std::int64_t* table = op.kind == op_kind::try_acquire_ms ? kMsTimeouts : kNsTimeouts;
    if (op.infinite) {
      timeout_class = kInfiniteClass;
    } else {  // the nearest expressible timeout
      std::int64_t best = -1;
      for (int c = 0; c < 8; ++c) {
        if (op.kind != op_kind::try_acquire_ms && c == kInfiniteClass) continue;
        const std::int64_t distance = std::llabs(table[c] - op.timeout);
        if (best < 0 || distance < best) {
          best = distance;
          timeout_class = c;
        }
      }
    }
  }
  int count_class = 0;
  std::uint8_t arg = 0;
  if (op.n >= 0 && op.n <= 4) {
    arg = static_cast<std::uint8_t>(op.n);
  } else if (op.n < 0) {
    count_class = 3;
    arg = static_cast<std::uint8_t>(std::min<std::int64_t>(-1 - op.n, 7));
  } else {
    count_class = 2;
    arg = op.n <= kMax
              ? static_cast<std::uint8_t>(1 | (std::min<std::int64_t>(kMax - op.n, 7) << 1))
              : static_cast<std::uint8_t>(std::min<std::int64_t>(op.n - kMax - 1, 7) << 1);
  }
  return {static_cast<std::uint8_t>(kind | (timeout_class << 3) | (count_class << 6)), arg};
}

std::string format_ns(std::int64_t ns) {
  if (ns != 0 && ns % kMs == 0) return std::to_string(ns / kMs) + "ms";
  return std::to_string(ns) + "ns";
}

}  // namespace

const char* algorithm_name(algorithm a) {
  switch (a) {
    case algorithm::split64:
      return "split64";
    case algorithm::word32:
      return "word32";
    case algorithm::condvar:
      return "condvar";
  }
  return "?";
}

decoded_input decode(const std::uint8_t* data, std::size_t size) {
  return decode(data, size, program{});
}

decoded_input decode(const std::uint8_t* data, std::size_t size, program storage) {
  reader in(data, size);
  decoded_input out;
  out.prog = std::move(storage);
  program& p = out.prog;
  const std::uint8_t header = in.next();
  static constexpr algorithm kAlgorithms[4] = {algorithm::split64, algorithm::word32,
                                               algorithm::condvar, algorithm::split64};
  p.algo = kAlgorithms[header & 3];
  const int threads = 1 + ((header >> 2) & 7) % kMaxProgramThreads;
  p.owner_destroys = (header & 0x20) != 0;
  p.version = 1;  // storage may hold the previous input's program: every field is set here
  p.weak_memory = false;
  p.futex_fence = true;
  if (header & kVersion2) {
    p.version = 2;
    const std::uint8_t options = in.next();
    p.weak_memory = (options & kWeakMemory) != 0;
    p.futex_fence = (options & kFutexNoFence) == 0;
  }
  const std::uint8_t initial = in.next();
  p.initial = initial < 0xF8 ? initial % 8 : kMax - (initial & 7);
  p.threads.resize(threads);
  for (int t = 0; t < threads; ++t) {
    const std::uint8_t count = in.next();
    const int ops = count % (kMaxOpsPerThread + 1);
    p.threads[t].ops.clear();
    p.threads[t].ops.reserve(static_cast<std::size_t>(ops) + 1);  // at most one allocation
    for (int i = 0; i < ops; ++i) {
      const std::uint8_t opcode = in.next();
      const std::uint8_t arg = in.next();
      p.threads[t].ops.push_back(decode_operation(opcode, arg));
    }
    if (p.owner_destroys && t != 0) {
      operation done;
      done.kind = op_kind::release;
      done.n = 1 + ((count >> 3) & 1);
      p.threads[t].ops.push_back(done);
    }
  }
  out.choices = data + in.pos();
  out.choice_size = size - in.pos();
  return out;
}

std::vector<std::uint8_t> encode(const program& prog, const std::vector<std::uint8_t>& choices) {
  std::vector<std::uint8_t> out;
  int algo = static_cast<int>(prog.algo);
  const int threads = static_cast<int>(prog.threads.size());
  const bool v2 = prog.version >= 2 || prog.weak_memory;
  out.push_back(static_cast<std::uint8_t>(algo | ((threads - 1) << 2) |
                                          (prog.owner_destroys ? 0x20 : 0) | (v2 ? kVersion2 : 0)));
  if (v2) {
    out.push_back(static_cast<std::uint8_t>((prog.weak_memory ? kWeakMemory : 0) |
                                            (prog.futex_fence ? 0 : kFutexNoFence)));
  }
  out.push_back(prog.initial <= 7 ? static_cast<std::uint8_t>(prog.initial)
                                  : static_cast<std::uint8_t>(0xF8 | (kMax - prog.initial)));
  for (int t = 0; t < threads; ++t) {
    std::vector<operation> ops = prog.threads[t].ops;
    std::uint8_t count_extra = 0;
    if (prog.owner_destroys && t != 0 && !ops.empty()) {
      count_extra = ops.back().n == 2 ? 8 : 0;  // the final release(1|2) is implied
      ops.pop_back();
    }
    out.push_back(static_cast<std::uint8_t>(ops.size() | count_extra));
    for (const operation& op : ops) {
      const auto [opcode, arg] = encode_operation(op);
      out.push_back(opcode);
      out.push_back(arg);
    }
  }
  out.insert(out.end(), choices.begin(), choices.end());
  return out;
}

std::string describe(const operation& op) {
  const std::string n = std::to_string(op.n);
  switch (op.kind) {
    case op_kind::acquire:
      return "acquire(" + n + ")";
    case op_kind::release:
      return "release(" + n + ")";
    case op_kind::try_acquire:
      return "try_acquire(" + n + ")";
    case op_kind::try_acquire_ms:
      return "try_acquire(" + n + ", " + std::to_string(op.timeout) + ")";
    case op_kind::try_acquire_for:
      return "try_acquire_for(" + n + ", " +
             (op.infinite ? "duration::max()" : format_ns(op.timeout)) + ")";
    case op_kind::try_acquire_until:
      return "try_acquire_until(" + n + ", " +
             (op.infinite ? "time_point::max()" : "now + " + format_ns(op.timeout)) + ")";
    case op_kind::available:
      return "available()";
  }
  return "?";
}

std::string describe(const program& prog) {
  std::string s = "program v" + std::to_string(prog.version) + ": algorithm " +
                  algorithm_name(prog.algo) + ", initial " + std::to_string(prog.initial) + ", " +
                  std::to_string(prog.threads.size()) + " threads" +
                  (prog.owner_destroys ? ", T0 destroys the semaphore after its last acquire" : "");
  if (prog.weak_memory) {
    s += prog.futex_fence ? ", weak memory (futex: full barrier)"
                          : ", weak memory (futex: no fence)";
  }
  s += "\n";
  for (std::size_t t = 0; t < prog.threads.size(); ++t) {
    s += "  T" + std::to_string(t) + ":";
    for (const operation& op : prog.threads[t].ops) s += " " + describe(op) + ";";
    if (prog.owner_destroys && t == 0)
      s += " [wait for peers' last releases; acquire(all); delete]";
    s += "\n";
  }
  return s;
}

}  // namespace semfuzz
