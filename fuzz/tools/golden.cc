// The recorded-format checks of the schedule target (fuzz/input/FORMAT.md): a format or behaviour
// change cannot slip in silently, because each of these files changes with it and must be
// re-recorded.
//
// usage: golden [--record] hashes   fuzz/tests/golden/trace_hashes.txt: the verdict and trace hash
//                                   of every committed input in corpus/schedule and
//                                   reproducers/schedule, one "<relative path> <verdict> <hash>"
//                                   line each
//        golden [--record] decode   fuzz/tests/golden/decode.txt: hand-picked byte strings, each
//                                   with the program it decodes to (the printer's text), the
//                                   choices the byte stream makes when it runs, and the verdict
//        golden [--record]          both
// Without --record the files are compared with what the tree computes now (exit 1 on any
// difference, naming it); with --record they are rewritten (decode.txt keeps its comments and
// "input" lines and recomputes the rest).
#include <algorithm>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/oracles/verdict.h"
#include "fuzz/schedule/schedule_target.h"
#include "fuzz/tools/golden_decode.h"

namespace semfuzz {
namespace {

namespace fs = std::filesystem;

const fs::path kRoot = SEMFUZZ_SOURCE_DIR;
const fs::path kHashes = kRoot / "fuzz/tests/golden/trace_hashes.txt";
const fs::path kDecode = kRoot / "fuzz/tests/golden/decode.txt";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return static_cast<bool>(out);
}

// "<relative path> <verdict> <hash>\n" for every committed schedule input, sorted by path.
std::string compute_hashes() {
  std::string text;
  for (const char* dir : {"corpus/schedule", "reproducers/schedule"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kRoot / dir)) {
      const std::string name = e.path().filename().string();
      if (e.is_regular_file() && name[0] != '.' && e.path().extension() != ".md") {
        files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& f : files) {
      const std::string bytes = read_text(f);
      const run_result r = run_schedule_input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                              bytes.size(), false);
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016" PRIx64, r.trace_hash);
      text +=
          fs::relative(f, kRoot).string() + " " + verdict_name(r.outcome.kind) + " " + hash + "\n";
    }
  }
  return text;
}

std::map<std::string, std::string> by_path(const std::string& text) {
  std::map<std::string, std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space != std::string::npos) lines[line.substr(0, space)] = line.substr(space + 1);
  }
  return lines;
}

// Names every added, removed or changed input (the first 20), returns whether all match.
bool compare_hashes(const std::string& recorded, const std::string& now) {
  const auto want = by_path(recorded), got = by_path(now);
  int differences = 0;
  auto report = [&](const std::string& what) {
    if (++differences <= 20) std::fprintf(stderr, "golden: %s\n", what.c_str());
  };
  for (const auto& [path, line] : want) {
    const auto it = got.find(path);
    if (it == got.end()) {
      report(path + ": recorded, but no longer in the tree");
    } else if (it->second != line) {
      report(path + ": recorded " + line + ", now " + it->second);
    }
  }
  for (const auto& [path, line] : got) {
    if (want.find(path) == want.end()) report(path + ": not recorded (now " + line + ")");
  }
  std::printf("golden hashes: %zu inputs, %d differences from %s\n", got.size(), differences,
              fs::relative(kHashes, kRoot).c_str());
  return differences == 0;
}

// The first line where two texts differ, for the decode file.
bool compare_text(const std::string& recorded, const std::string& now) {
  std::istringstream a(recorded), b(now);
  std::string la, lb;
  for (int line = 1;; ++line) {
    const bool more_a = static_cast<bool>(std::getline(a, la));
    const bool more_b = static_cast<bool>(std::getline(b, lb));
    if (!more_a && !more_b) break;
    if (!more_a || !more_b || la != lb) {
      std::fprintf(stderr, "golden: %s:%d differs\n  recorded: %s\n  now:      %s\n",
                   fs::relative(kDecode, kRoot).c_str(), line, more_a ? la.c_str() : "(end)",
                   more_b ? lb.c_str() : "(end)");
      std::printf("golden decode: differs\n");
      return false;
    }
  }
  std::printf("golden decode: matches %s\n", fs::relative(kDecode, kRoot).c_str());
  return true;
}

bool run(const char* what, bool record) {
  const bool hashes = std::strcmp(what, "hashes") == 0;
  const fs::path& file = hashes ? kHashes : kDecode;
  const std::string recorded = read_text(file);
  const std::string now = hashes ? compute_hashes() : golden_decode_text(recorded);
  if (record) {
    if (!write_text(file, now)) {
      std::fprintf(stderr, "golden: cannot write %s\n", file.c_str());
      return false;
    }
    std::printf("golden: recorded %s\n", fs::relative(file, kRoot).c_str());
    return true;
  }
  return hashes ? compare_hashes(recorded, now) : compare_text(recorded, now);
}

}  // namespace
}  // namespace semfuzz

int main(int argc, char** argv) {
  bool record = false;
  std::vector<const char*> what;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--record") == 0) {
      record = true;
    } else if (std::strcmp(argv[i], "hashes") == 0 || std::strcmp(argv[i], "decode") == 0) {
      what.push_back(argv[i]);
    } else {
      std::fprintf(stderr, "usage: %s [--record] [hashes|decode]...\n", argv[0]);
      return 2;
    }
  }
  if (what.empty()) what = {"hashes", "decode"};
  bool ok = true;
  for (const char* w : what) ok &= semfuzz::run(w, record);
  return ok ? 0 : 1;
}
