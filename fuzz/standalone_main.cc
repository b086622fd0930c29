// A main() for builds without a fuzzing engine (GCC, plain builds): replays every file given,
// and every file in every directory given, several times each (-runs=N, default 3), and prints
// the throughput. Other libFuzzer-style flags are accepted and ignored. Exit status 0 when all
// pass; a failing input aborts with its verdict, like under libFuzzer.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

int g_repetitions = 3;

bool replay_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "semfuzz: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                                std::istreambuf_iterator<char>());
  for (int i = 0; i < g_repetitions; ++i) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s [-runs=N] FILE|DIR...\n  replays each input N times (default 3); this "
                 "build has no fuzzing engine\n",
                 argv[0]);
    return 2;
  }
  const auto started = std::chrono::steady_clock::now();
  bool ok = true;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (arg.c_str()[0] == '-') {  // libFuzzer-style flags: -runs=N counts, the rest are ignored
      if (std::strncmp(argv[i], "-runs=", 6) == 0)
        g_repetitions = std::max(1, std::atoi(argv[i] + 6));
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> entries;
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
            e.path().filename() != "README.md") {
          entries.push_back(e.path());
        }
      }
      std::sort(entries.begin(), entries.end());
      for (const auto& p : entries) ok &= replay_file(p), ++files;
    } else {
      ok &= replay_file(arg);
      ++files;
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double execs = static_cast<double>(files) * g_repetitions;
  std::fprintf(stderr, "semfuzz: replayed %d inputs x%d in %.3f s (%.0f exec/s): %s\n", files,
               g_repetitions, seconds, seconds > 0 ? execs / seconds : 0.0,
               ok ? "all passed" : "errors");
  return ok ? 0 : 1;
}
