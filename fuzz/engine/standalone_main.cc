// A main() for builds without a fuzzing engine (GCC, plain builds): replays every file given,
// and every file in every directory given, several times each (-runs=N, default 3), and prints
// the throughput. Other libFuzzer-style flags are accepted and ignored. Exit status 0 when all
// pass; a failing input aborts with its verdict, like under libFuzzer. -warmup_runs=K first replays
// every file K times untimed: the first executions of a process cost more (under ASan each
// allocation is fresh memory until the quarantine has filled), and a fuzzing campaign is past
// them within seconds, so a throughput figure after a warm-up is the campaign's.
//
// -random_schedules=N [-random_seed=S] [-chooser=random|pct[:D]] [-stop_at_failure=1]
// [-artifact_prefix=P]: instead, runs each file's program under N seeded schedules of the chooser
// (default random; fuzz/schedule/random_schedules.h, fuzz/schedule/schedule_driver.h), stopping at
// a file's first failing one with -stop_at_failure=1; the schedule target and whole programs
// (fuzz/instrumented/targets/program_target.cc) only, the others exit 2.
// -chooser without -random_schedules is an error (exit 2).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "fuzz/engine/schedules_request.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace semfuzz {
// Defined by the schedule target (fuzz/schedule/random_schedules.cc); weak, so that the other
// targets link without it.
[[gnu::weak]] int random_schedules_main(const std::vector<std::filesystem::path>& files,
                                        const schedules_request& request);
}  // namespace semfuzz

namespace {

int g_repetitions = 3;
int g_warmup = 0;  // -warmup_runs=K

// Reads the file into one buffer of its size (no stream buffer: under ASan each allocation of a
// replay is fresh memory, which the exec/s of a replay should not be about).
bool replay_file(const std::filesystem::path& path, int repetitions) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  std::FILE* in = error ? nullptr : std::fopen(path.c_str(), "rb");
  std::vector<char> bytes(error ? 0 : static_cast<std::size_t>(size));
  const bool read = in != nullptr && std::fread(bytes.data(), 1, bytes.size(), in) == bytes.size();
  if (in != nullptr) std::fclose(in);
  if (!read) {
    std::fprintf(stderr, "semfuzz: cannot read %s\n", path.c_str());
    return false;
  }
  for (int i = 0; i < repetitions; ++i) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  }
  return true;
}

// A file argument, or the files of a directory argument in name order (without hidden files and
// README.md), appended to `paths`.
void add_inputs(const std::filesystem::path& arg, std::vector<std::filesystem::path>& paths) {
  std::error_code ec;
  if (!std::filesystem::is_directory(arg, ec)) {
    paths.push_back(arg);
    return;
  }
  std::vector<std::filesystem::path> entries;
  for (const auto& e : std::filesystem::directory_iterator(arg)) {
    if (e.is_regular_file() && e.path().filename().string()[0] != '.' &&
        e.path().filename() != "README.md") {
      entries.push_back(e.path());
    }
  }
  std::sort(entries.begin(), entries.end());
  paths.insert(paths.end(), entries.begin(), entries.end());
}

// The command line: libFuzzer-style flags (these count, the rest are ignored) and inputs.
struct command_line {
  semfuzz::schedules_request schedules;  // schedules.schedules > 0: -random_schedules=N
  bool chooser = false;                  // -chooser= given
  std::vector<std::filesystem::path> paths;
};

command_line parse(int argc, char** argv) {
  command_line c;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path arg(argv[i]);
    if (arg.c_str()[0] != '-') {
      add_inputs(arg, c.paths);
    } else if (std::strncmp(argv[i], "-runs=", 6) == 0) {
      g_repetitions = std::max(1, std::atoi(argv[i] + 6));
    } else if (std::strncmp(argv[i], "-warmup_runs=", 13) == 0) {
      g_warmup = std::max(0, std::atoi(argv[i] + 13));
    } else if (std::strncmp(argv[i], "-random_schedules=", 18) == 0) {
      c.schedules.schedules = std::atoi(argv[i] + 18);
    } else if (std::strncmp(argv[i], "-random_seed=", 13) == 0) {
      c.schedules.seed = std::strtoull(argv[i] + 13, nullptr, 10);
    } else if (std::strncmp(argv[i], "-chooser=", 9) == 0) {
      c.schedules.chooser = argv[i] + 9;
      c.chooser = true;
    } else if (std::strncmp(argv[i], "-stop_at_failure=", 17) == 0) {
      c.schedules.stop_at_failure = std::atoi(argv[i] + 17) != 0;
    } else if (std::strncmp(argv[i], "-artifact_prefix=", 17) == 0) {
      c.schedules.artifact_prefix = argv[i] + 17;
    }
  }
  return c;
}

// -random_schedules=N (and -chooser): the exit status.
int random_schedules(const command_line& c, const char* argv0) {
  if (c.schedules.schedules <= 0) {
    std::fprintf(stderr, "semfuzz: -chooser picks the schedules of -random_schedules=N\n");
    return 2;
  }
  if (&semfuzz::random_schedules_main == nullptr) {
    std::fprintf(stderr,
                 "semfuzz: -random_schedules needs the schedule target's replay binary "
                 "(schedule_replay) or a whole program's; %s runs its inputs on real threads, one "
                 "thread or through an adapter\n",
                 argv0);
    return 2;
  }
  return semfuzz::random_schedules_main(c.paths, c.schedules);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: %s [-runs=N] [-warmup_runs=K] FILE|DIR...\n  replays each input N times "
                 "(default 3), timed after K untimed replays of each (default 0); this "
                 "build has no fuzzing engine\n"
                 "       %s -random_schedules=N [-random_seed=S] [-chooser=random|pct[:D]]\n"
                 "          [-stop_at_failure=1] [-artifact_prefix=P] FILE...\n"
                 "  runs each input's program under N seeded schedules of the chooser (default\n"
                 "  random; pct: probabilistic concurrency testing, depth D, default 3) (schedule "
                 "target)\n",
                 argv[0], argv[0]);
    return 2;
  }
  const command_line c = parse(argc, argv);
  if (c.schedules.schedules > 0 || c.chooser) return random_schedules(c, argv[0]);
  const std::vector<std::filesystem::path>& paths = c.paths;
  bool ok = true;
  if (g_warmup > 0) {
    for (const auto& p : paths) ok &= replay_file(p, g_warmup);
  }
  const auto started = std::chrono::steady_clock::now();
  for (const auto& p : paths) ok &= replay_file(p, g_repetitions);
  const int files = static_cast<int>(paths.size());
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double execs = static_cast<double>(files) * g_repetitions;
  const std::string warmup =
      g_warmup > 0 ? " after a warm-up of x" + std::to_string(g_warmup) : std::string();
  std::fprintf(stderr, "semfuzz: replayed %d inputs x%d in %.3f s (%.0f exec/s)%s: %s\n", files,
               g_repetitions, seconds, seconds > 0 ? execs / seconds : 0.0, warmup.c_str(),
               ok ? "all passed" : "errors");
  return ok ? 0 : 1;
}
