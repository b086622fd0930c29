#include "fuzz/tools/golden_decode.h"

#include <cinttypes>
#include <cstdio>
#include <sstream>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/schedule_target.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz {
namespace {

constexpr std::size_t kWidth = 100;

std::vector<std::uint8_t> parse_hex(const std::string& text) {
  std::vector<std::uint8_t> bytes;
  std::istringstream in(text);
  std::string token;
  while (in >> token) bytes.push_back(static_cast<std::uint8_t>(std::stoul(token, nullptr, 16)));
  return bytes;
}

// `items` joined with ", " after `head`, wrapped at kWidth columns with a 4-space indent.
std::string wrap(const std::string& head, const std::vector<std::string>& items) {
  std::string out, line = head;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string item = items[i] + (i + 1 < items.size() ? "," : "");
    if (line.size() + 1 + item.size() > kWidth) {
      out += line + "\n";
      line = "    ";
    } else if (line.size() > 4) {
      line += " ";
    }
    line += item;
  }
  return out + line + "\n";
}

// What one golden input decodes to and how its choice bytes drive the run.
std::string expectation(const std::vector<std::uint8_t>& bytes) {
  const decoded_input in = decode(bytes.data(), bytes.size());
  std::string out;
  std::istringstream program_text(describe(in.prog));
  std::string line;
  while (std::getline(program_text, line)) out += "  " + line + "\n";
  sim::byte_stream_chooser stream(in.choices, in.choice_size);
  sim::recording_chooser record(stream);
  const run_result r = run_schedule_program(in.prog, record, false);
  std::vector<std::string> decisions;
  for (const sim::decision& d : record.decisions()) decisions.push_back(sim::describe(d));
  if (decisions.empty()) decisions.push_back("(none)");
  out += wrap("  choices (" + std::to_string(in.choice_size) + " bytes, " +
                  std::to_string(stream.used()) + " used):",
              decisions);
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016" PRIx64, r.trace_hash);
  out += std::string("  verdict ") + verdict_name(r.outcome.kind) + ", trace hash " + hash + "\n";
  return out;
}

}  // namespace

std::string golden_decode_text(const std::string& recorded) {
  std::istringstream in(recorded);
  std::string line, out;
  while (std::getline(in, line)) {
    if (line.rfind("input", 0) == 0) {
      out += line + "\n" + expectation(parse_hex(line.substr(5)));
    } else if (line.empty() || line[0] == '#') {
      out += line + "\n";
    }  // anything else was computed: recomputed after its input line
  }
  return out;
}

}  // namespace semfuzz
