#include "fuzz/random_schedules.h"

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>

#include "fuzz/schedule_target.h"
#include "fuzz/sha1.h"
#include "fuzz/sim/chooser.h"

// Provided by every sanitizer runtime; weak, so that builds without one link (it is null there).
extern "C" [[gnu::weak]] void __sanitizer_set_death_callback(void (*callback)());

namespace semfuzz {
namespace {

// The schedule in progress, for the sanitizer's death callback.
struct in_progress {
  const program* prog = nullptr;
  const sim::recording_chooser* record = nullptr;
  const std::filesystem::path* file = nullptr;
  std::uint64_t seed = 0;
  const std::string* prefix = nullptr;
};
in_progress g_running;

std::vector<std::uint8_t> reencode(const program& prog, const sim::recording_chooser& record) {
  return encode(prog, record.bytes());
}

// Writes <prefix>crash-<sha1>; returns its name, or "" when it cannot be written.
std::string write_artifact(const std::string& prefix, const std::vector<std::uint8_t>& input) {
  const std::string name = prefix + "crash-" + sha1_hex(input.data(), input.size());
  std::FILE* f = std::fopen(name.c_str(), "wb");
  if (f == nullptr) return "";
  const bool ok = std::fwrite(input.data(), 1, input.size(), f) == input.size();
  return std::fclose(f) == 0 && ok ? name : "";
}

void on_sanitizer_death() {
  if (g_running.record == nullptr || g_running.prefix == nullptr) return;
  const std::string name =
      write_artifact(*g_running.prefix, reencode(*g_running.prog, *g_running.record));
  std::fprintf(stderr, "%s: seed %" PRIu64 ": sanitizer report -> %s\n", g_running.file->c_str(),
               g_running.seed, name.empty() ? "(artifact not written)" : name.c_str());
}

}  // namespace

run_result run_random_schedule(const program& prog, std::uint64_t seed,
                               std::vector<std::uint8_t>* input) {
  sim::random_chooser random(seed);
  sim::recording_chooser record(random);
  g_running.prog = &prog;
  g_running.record = &record;
  g_running.seed = seed;
  const run_result r = run_schedule_program(prog, record, false);
  g_running.record = nullptr;
  *input = reencode(prog, record);
  return r;
}

int random_schedules_main(const std::vector<std::filesystem::path>& files, int schedules,
                          std::uint64_t seed, const std::string& artifact_prefix) {
  if (&__sanitizer_set_death_callback != nullptr)
    __sanitizer_set_death_callback(&on_sanitizer_death);
  g_running.prefix = &artifact_prefix;
  long runs = 0, failed = 0;
  int status = 0;
  for (const std::filesystem::path& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "semfuzz: cannot read %s\n", file.c_str());
      status = 2;
      continue;
    }
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                          std::istreambuf_iterator<char>());
    const decoded_input decoded = decode(bytes.data(), bytes.size());
    g_running.file = &file;
    for (int i = 0; i < schedules; ++i) {
      const std::uint64_t s = seed + static_cast<std::uint64_t>(i);
      std::vector<std::uint8_t> input;
      const run_result r = run_random_schedule(decoded.prog, s, &input);
      ++runs;
      if (!r.outcome.failed()) continue;
      ++failed;
      const std::string name = write_artifact(artifact_prefix, input);
      if (name.empty()) status = 2;
      std::printf("%s: seed %" PRIu64 ": VERDICT %s: %s -> %s\n", file.c_str(), s,
                  verdict_name(r.outcome.kind), r.outcome.message.c_str(),
                  name.empty() ? "(artifact not written)" : name.c_str());
      // The artifact must replay to the same run with the byte-stream chooser.
      const run_result again = run_schedule_input(input.data(), input.size(), false);
      if (again.outcome.kind != r.outcome.kind || again.trace_hash != r.trace_hash) {
        std::printf("%s: seed %" PRIu64 ": the artifact replays to %s, not %s (a semfuzz bug)\n",
                    file.c_str(), s, verdict_name(again.outcome.kind),
                    verdict_name(r.outcome.kind));
        status = 2;
      }
    }
  }
  std::printf("random schedules: %ld run, %ld failed\n", runs, failed);
  std::fflush(stdout);
  if (status != 0) return status;
  return failed > 0 ? 1 : 0;
}

}  // namespace semfuzz
