// Turns inputs of the deterministic targets into readable, self-contained GoogleTest cases: the
// decoded program (algorithm, initial tokens, each thread's operations as fuzz/input/program.h
// structs) and the choice bytes spelled out, re-encoded with semfuzz::encode and run with the
// target's input function (semfuzz::run_schedule_input, or run_production_input for
// schedule_production), expecting a pass. `scripts/semfuzz replay FILE --as-test [--target NAME]`
// runs it.
//
// usage: as_test [--target NAME] [-o OUT] FILE|DIR...  prints the includes once, then one TEST
//                                                      per input (NAME: schedule by default)
//        as_test --check FILE|DIR...  checks that every input survives decode + encode exactly and
//                                     replays on the schedule target with the same verdict and
//                                     trace hash (a ctest)
#include <algorithm>
#include <cctype>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/schedule_target.h"

namespace semfuzz {
namespace {

namespace fs = std::filesystem;

struct input_file {
  fs::path path;
  std::vector<std::uint8_t> bytes;
};

bool read_file(const fs::path& path, std::vector<input_file>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "as_test: cannot read %s\n", path.c_str());
    return false;
  }
  input_file f{path, {}};
  f.bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  out->push_back(std::move(f));
  return true;
}

// Files, and the files in directories (not hidden, not *.md), each directory sorted by name.
bool collect(const std::vector<std::string>& args, std::vector<input_file>* out) {
  bool ok = true;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      ok &= read_file(arg, out);
      continue;
    }
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(arg)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name[0] != '.' && e.path().extension() != ".md") {
        entries.push_back(e.path());
      }
    }
    std::sort(entries.begin(), entries.end());
    for (const fs::path& p : entries) ok &= read_file(p, out);
  }
  return ok;
}

bool same_operation(const operation& a, const operation& b) {
  return a.kind == b.kind && a.n == b.n && a.timeout == b.timeout && a.infinite == b.infinite;
}

bool same_program(const program& a, const program& b) {
  if (a.algo != b.algo || a.initial != b.initial || a.owner_destroys != b.owner_destroys ||
      a.threads.size() != b.threads.size()) {
    return false;
  }
  for (std::size_t t = 0; t < a.threads.size(); ++t) {
    const auto& x = a.threads[t].ops;
    const auto& y = b.threads[t].ops;
    if (!std::equal(x.begin(), x.end(), y.begin(), y.end(), same_operation)) return false;
  }
  return true;
}

// Whether encode(decode(bytes)) decodes to the same program and choices: then the generated test
// runs exactly the schedule of the file.
bool round_trips(const std::vector<std::uint8_t>& bytes) {
  const decoded_input in = decode(bytes.data(), bytes.size());
  const std::vector<std::uint8_t> choices(in.choices, in.choices + in.choice_size);
  const std::vector<std::uint8_t> again = encode(in.prog, choices);
  const decoded_input out = decode(again.data(), again.size());
  return same_program(in.prog, out.prog) && std::equal(in.choices, in.choices + in.choice_size,
                                                       out.choices, out.choices + out.choice_size);
}

// "lost-wakeup-split64-high-word-aba" -> "LostWakeupSplit64HighWordAba"; a SHA-1 is cut to 12.
std::string test_name(const fs::path& path) {
  std::string name, word;
  const std::string file = path.filename().string() + "-";
  for (char c : file) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += c;
      continue;
    }
    if (word.empty()) continue;
    const bool sha1 = word.size() == 40 && std::all_of(word.begin(), word.end(), [](char h) {
                        return std::isxdigit(static_cast<unsigned char>(h));
                      });
    if (sha1) word.resize(12);
    word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
    name += word;
    word.clear();
  }
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) name = "Input" + name;
  return name;
}

// 10000000 -> "10'000'000"
std::string with_separators(std::int64_t v) {
  const bool negative = v < 0;
  std::string digits = std::to_string(v);
  if (negative) digits.erase(0, 1);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += '\'';
    out += digits[i];
  }
  return (negative ? "-" : "") + out;
}

const char* kind_name(op_kind k) {
  switch (k) {
    case op_kind::acquire:
      return "acquire";
    case op_kind::release:
      return "release";
    case op_kind::try_acquire:
      return "try_acquire";
    case op_kind::try_acquire_ms:
      return "try_acquire_ms";
    case op_kind::try_acquire_for:
      return "try_acquire_for";
    case op_kind::try_acquire_until:
      return "try_acquire_until";
    case op_kind::available:
      return "available";
  }
  return "?";
}

std::string operation_literal(const operation& op) {
  std::string s =
      std::string("op{.kind = op_kind::") + kind_name(op.kind) + ", .n = " + with_separators(op.n);
  if (op.timeout != 0) s += ", .timeout = " + with_separators(op.timeout);
  if (op.infinite) s += ", .infinite = true";
  return s + "},  // " + describe(op);
}

std::string choice_comment(std::uint8_t b) {
  if (b < 0xF0) return "";
  if (b < 0xF8) return "wake a sleeper";
  if (b < 0xFC) return "fire next timer";
  static const char* const kBumps[4] = {"+0.1ms", "+1ms", "+10ms", "+100ms"};
  return kBumps[b & 3];
}

// A target the tests can be printed for: what they include, call and link.
struct printed_target {
  const char* name;
  const char* header;    // declares `function`
  const char* function;  // run_result (const std::uint8_t*, std::size_t, bool trace)
  const char* runs_on;
  const char* build;
};
constexpr printed_target kTargets[] = {
    {"schedule", "fuzz/schedule/schedule_target.h", "run_schedule_input", "the simulated platform",
     "Build it like fuzz/schedule/schedule_test.cc: link semfuzz_sim and "
     "fuzz/schedule/schedule_target.cc"},
    {"schedule_production", "fuzz/instrumented/targets/production_target.h", "run_production_input",
     "the production platform (linux_futex.cc), compiled instrumented",
     "Build it like production_reproducer_tests (fuzz/instrumented/instrumented.cmake)"},
};

const printed_target* find_target(const std::string& name) {
  for (const printed_target& t : kTargets) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

void print_preamble(const printed_target& t) {
  const bool named = &t != &kTargets[0];
  std::printf(
      "// Generated by `scripts/semfuzz replay FILE --as-test%s%s`\n"
      "// (fuzz/tools/as_test.cc). Each test replays one input of the %s target\n"
      "// on %s.\n"
      "// %s.\n"
      "#include <gtest/gtest.h>\n"
      "\n"
      "#include <cstdint>\n"
      "#include <vector>\n"
      "\n"
      "#include \"fuzz/input/program.h\"\n"
      "#include \"%s\"\n",
      named ? " --target " : "", named ? t.name : "", t.name, t.runs_on, t.build, t.header);
}

void print_test(const input_file& f, const printed_target& t) {
  const decoded_input in = decode(f.bytes.data(), f.bytes.size());
  const program& p = in.prog;
  std::printf("\n// %s: %zu bytes\n", f.path.filename().c_str(), f.bytes.size());
  std::printf("TEST(SemfuzzReproducer, %s) {\n", test_name(f.path).c_str());
  std::printf("  using semfuzz::op_kind;\n  using op = semfuzz::operation;\n");
  std::printf("  semfuzz::program prog;\n");
  std::printf("  prog.algo = semfuzz::algorithm::%s;\n", algorithm_name(p.algo));
  std::printf("  prog.initial = %s;\n", with_separators(p.initial).c_str());
  if (p.owner_destroys) {
    std::printf(
        "  // T0 ends by waiting for every peer's final release, acquiring every token and\n"
        "  // deleting the semaphore while those releases may still be running.\n"
        "  prog.owner_destroys = true;\n");
  }
  for (std::size_t t = 0; t < p.threads.size(); ++t) {
    const std::vector<operation>& ops = p.threads[t].ops;
    std::printf("  prog.threads.push_back(semfuzz::thread_program{{  // T%zu\n", t);
    for (std::size_t i = 0; i < ops.size(); ++i) {
      std::string line = operation_literal(ops[i]);
      if (p.owner_destroys && t != 0 && i + 1 == ops.size()) line += " (final release)";
      std::printf("      %s\n", line.c_str());
    }
    std::printf("  }});\n");
  }
  std::printf(
      "  // The schedule. At each scheduling point (every atomic operation, futex call, clock "
      "read,\n"
      "  // mutex / condvar operation) a byte below 0xF0 picks the runnable thread that steps "
      "next\n"
      "  // (byte %% number runnable; a wake that can release fewer sleepers than wait picks "
      "likewise);\n"
      "  // 0xF0-0xF7: a sleeper wakes spuriously (odd: EINTR), 0xF8-0xFB: the next timer fires,\n"
      "  // 0xFC-0xFF: the clock advances. When the bytes run out, a fair round-robin policy "
      "ends the run.\n");
  std::printf("  const std::vector<std::uint8_t> choices = {");
  if (in.choice_size == 0) {
    std::printf("};  // none: the fair policy only\n");
  } else {
    std::printf("\n");
    std::string line, comments;
    for (std::size_t i = 0; i < in.choice_size; ++i) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X,", in.choices[i]);
      line += (line.empty() ? "" : " ") + std::string(hex);
      const std::string c = choice_comment(in.choices[i]);
      if (!c.empty()) comments += (comments.empty() ? "" : ", ") + std::string(hex, 4) + " " + c;
      if ((i + 1) % 12 == 0 || i + 1 == in.choice_size) {
        std::printf("      %s%s\n", line.c_str(),
                    comments.empty() ? "" : ("  // " + comments).c_str());
        line.clear();
        comments.clear();
      }
    }
    std::printf("  };\n");
  }
  std::printf(
      "  const std::vector<std::uint8_t> input = semfuzz::encode(prog, choices);\n"
      "  const semfuzz::run_result r =\n"
      "      semfuzz::%s(input.data(), input.size(), /*trace=*/false);\n"
      "  EXPECT_FALSE(r.outcome.failed())\n"
      "      << semfuzz::verdict_name(r.outcome.kind) << \": \" << r.outcome.message;\n"
      "}\n",
      t.function);
}

// Replays the file and its re-encoding: both must give the same verdict and trace hash.
bool check(const input_file& f) {
  if (!round_trips(f.bytes)) {
    std::fprintf(stderr, "as_test: %s does not survive decode + encode\n", f.path.c_str());
    return false;
  }
  const decoded_input in = decode(f.bytes.data(), f.bytes.size());
  const std::vector<std::uint8_t> again =
      encode(in.prog, std::vector<std::uint8_t>(in.choices, in.choices + in.choice_size));
  const run_result a = run_schedule_input(f.bytes.data(), f.bytes.size(), false);
  const run_result b = run_schedule_input(again.data(), again.size(), false);
  if (a.outcome.kind != b.outcome.kind || a.trace_hash != b.trace_hash) {
    std::fprintf(stderr,
                 "as_test: %s: the file gives %s (trace %016" PRIx64
                 "), the generated test %s "
                 "(trace %016" PRIx64 ")\n",
                 f.path.c_str(), verdict_name(a.outcome.kind), a.trace_hash,
                 verdict_name(b.outcome.kind), b.trace_hash);
    return false;
  }
  return true;
}

}  // namespace
}  // namespace semfuzz

int main(int argc, char** argv) {
  bool check_mode = false;
  const char* output = nullptr;
  const semfuzz::printed_target* target = &semfuzz::kTargets[0];
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--check") == 0) {
      check_mode = true;
    } else if (std::strcmp(argv[i], "--target") == 0 && i + 1 < argc) {
      target = semfuzz::find_target(argv[++i]);
      if (target == nullptr) {
        std::fprintf(stderr, "as_test: no tests can be printed for target %s (only", argv[i]);
        for (const auto& t : semfuzz::kTargets) std::fprintf(stderr, " %s", t.name);
        std::fprintf(stderr, ")\n");
        return 2;
      }
    } else if (std::strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
      output = argv[++i];
    } else {
      args.emplace_back(argv[i]);
    }
  }
  if (args.empty()) {
    std::fprintf(stderr,
                 "usage: %s [--check] [--target NAME] [-o OUTPUT] FILE|DIR...\n"
                 "  prints a GoogleTest case per input of the target (schedule by default, or\n"
                 "  schedule_production); --check verifies that each generated schedule test\n"
                 "  would replay its input exactly\n",
                 argv[0]);
    return 2;
  }
  std::vector<semfuzz::input_file> files;
  if (!semfuzz::collect(args, &files)) return 1;
  if (check_mode && target != &semfuzz::kTargets[0]) {
    std::fprintf(stderr, "as_test --check replays on the schedule target only\n");
    return 2;
  }
  if (check_mode) {
    int bad = 0;
    for (const auto& f : files) bad += !semfuzz::check(f);
    std::printf("as_test --check: %zu inputs, %d mismatches\n", files.size(), bad);
    return bad == 0 ? 0 : 1;
  }
  for (const auto& f : files) {
    if (!semfuzz::round_trips(f.bytes)) {
      std::fprintf(stderr, "as_test: %s does not survive decode + encode; no test printed\n",
                   f.path.c_str());
      return 1;
    }
  }
  if (output != nullptr && std::freopen(output, "w", stdout) == nullptr) {
    std::fprintf(stderr, "as_test: cannot write %s\n", output);
    return 1;
  }
  semfuzz::print_preamble(*target);
  for (const auto& f : files) semfuzz::print_test(f, *target);
  return 0;
}
