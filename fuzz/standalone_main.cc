// A main() for builds without a fuzzing engine (GCC, plain builds): replays every file given,
// and every file in every directory given, several times each, as libFuzzer would run them.
// Exit status 0 when all pass; a failing input aborts with its verdict, like under libFuzzer.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

constexpr int kRepetitions = 3;

bool replay_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "semfuzz: cannot read %s\n", path.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::fprintf(stderr, "Running: %s\n", path.c_str());
  for (int i = 0; i < kRepetitions; ++i) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE|DIR...\n  replays each input %d times (no fuzzing engine in this build)\n",
                 argv[0], kRepetitions);
    return 2;
  }
  bool ok = true;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (arg.c_str()[0] == '-') continue;  // libFuzzer-style flags are accepted and ignored
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> entries;
      for (const auto& e : std::filesystem::directory_iterator(arg)) {
        if (e.is_regular_file() && e.path().filename().string()[0] != '.' && e.path().filename() != "README.md") {
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
  std::fprintf(stderr, "semfuzz: replayed %d inputs x%d: %s\n", files, kRepetitions, ok ? "all passed" : "errors");
  return ok ? 0 : 1;
}
