#include "fuzz/schedule/schedule_driver.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>

#include "fuzz/engine/sha1.h"
#include "fuzz/sim/scheduler.h"

// Provided by every sanitizer runtime; weak, so that builds without one link (it is null there).
extern "C" [[gnu::weak]] void __sanitizer_set_death_callback(void (*callback)());

namespace semfuzz {
namespace {

// The schedule in progress, for the sanitizer's death callback.
struct in_progress {
  const schedule_subject* subject = nullptr;
  const sim::recording_chooser* record = nullptr;
  const std::filesystem::path* file = nullptr;
  std::uint64_t seed = 0;
  bool calibration = false;  // the fair-policy run that measures pct's k
  const std::string* prefix = nullptr;
};
in_progress g_running;

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
      write_artifact(*g_running.prefix, g_running.subject->input(g_running.record->bytes()));
  const std::string which = g_running.calibration ? std::string("the fair-policy run")
                                                  : "seed " + std::to_string(g_running.seed);
  std::fprintf(stderr, "%s: %s: sanitizer report -> %s\n", g_running.file->c_str(), which.c_str(),
               name.empty() ? "(artifact not written)" : name.c_str());
}

std::optional<std::vector<std::uint8_t>> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)),
                                   std::istreambuf_iterator<char>());
}

// What one file's schedules found.
struct file_tally {
  long runs = 0, failed = 0;
  int first = 0;  // the first failing schedule's 1-based index, 0: none
  int status = 0;
};

// Reports a failing schedule and checks that its artifact replays to the same run.
void report_failure(schedule_subject& subject, const std::filesystem::path& file,
                    std::uint64_t seed, const run_result& r, const std::vector<std::uint8_t>& input,
                    const std::string& prefix, file_tally* tally) {
  const std::string name = write_artifact(prefix, input);
  if (name.empty()) tally->status = 2;
  std::printf("%s: seed %" PRIu64 ": VERDICT %s: %s -> %s\n", file.c_str(), seed,
              verdict_name(r.outcome.kind), r.outcome.message.c_str(),
              name.empty() ? "(artifact not written)" : name.c_str());
  const run_result again = subject.replay(input);
  if (again.outcome.kind != r.outcome.kind || again.trace_hash != r.trace_hash) {
    std::printf("%s: seed %" PRIu64 ": the artifact replays to %s, not %s (a semfuzz bug)\n",
                file.c_str(), seed, verdict_name(again.outcome.kind), verdict_name(r.outcome.kind));
    tally->status = 2;
  }
}

file_tally run_file(schedule_subject& subject, const std::filesystem::path& file,
                    const schedules_request& request, const chooser_spec& spec) {
  file_tally tally;
  std::vector<std::uint8_t> input;
  std::uint64_t k = 1;  // pct's estimate of a run's decisions
  if (spec.pct) {
    sim::fair_chooser fair;
    g_running.calibration = true;
    run_recorded(subject, fair, &input);
    g_running.calibration = false;
    k = std::max<std::uint64_t>(k, fair.decisions());
  }
  for (int i = 0; i < request.schedules; ++i) {
    const std::uint64_t s = request.seed + static_cast<std::uint64_t>(i);
    g_running.seed = s;
    run_result r;
    if (spec.pct) {
      sim::pct_chooser pct(s, spec.depth, k, sim::scheduler::kMaxThreads);
      r = run_recorded(subject, pct, &input);
      k = std::max(k, pct.decisions());
    } else {
      sim::random_chooser random(s);
      r = run_recorded(subject, random, &input);
    }
    ++tally.runs;
    if (!r.outcome.failed()) continue;
    ++tally.failed;
    if (tally.first == 0) tally.first = i + 1;
    report_failure(subject, file, s, r, input, request.artifact_prefix, &tally);
    if (request.stop_at_failure) break;
  }
  return tally;
}

}  // namespace

bool parse_chooser_spec(const std::string& text, chooser_spec* out, std::string* error) {
  *out = chooser_spec{};
  if (text == "random") return true;
  if (text.rfind("pct", 0) != 0 || (text.size() > 3 && text[3] != ':')) {
    *error = "unknown chooser '" + text + "' (random, pct or pct:D)";
    return false;
  }
  out->pct = true;
  if (text.size() == 3) return true;
  const std::string depth = text.substr(4);
  if (depth.empty() || depth.size() > 2 ||
      !std::all_of(depth.begin(), depth.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(depth) < 1 || std::stoi(depth) > kMaxPctDepth) {
    *error = "pct's depth must be a number from 1 to " + std::to_string(kMaxPctDepth) + ", not '" +
             depth + "'";
    return false;
  }
  out->depth = std::stoi(depth);
  return true;
}

std::string describe(const chooser_spec& spec) {
  return spec.pct ? "pct:" + std::to_string(spec.depth) : "random";
}

bool schedule_tail::parse(const std::string& text, schedule_tail* out, std::string* error) {
  *out = schedule_tail{};
  if (text == "fair") {
    out->fair_ = true;
    return true;
  }
  if (parse_chooser_spec(text, &out->spec_, error)) return true;
  *error = "unknown schedule tail '" + text + "' (random, pct, pct:D or fair)";
  return false;
}

sim::chooser* schedule_tail::for_input(const std::uint8_t* data, std::size_t size) {
  if (fair_) return nullptr;
  std::uint64_t seed = 0xcbf29ce484222325u;  // FNV-1a
  for (std::size_t i = 0; i < size; ++i) seed = (seed ^ data[i]) * 0x100000001b3u;
  if (!spec_.pct) return &random_.emplace(seed);
  return &pct_.emplace(seed, spec_.depth, kPctTailSteps, sim::scheduler::kMaxThreads);
}

std::string schedule_tail::describe() const { return fair_ ? "fair" : semfuzz::describe(spec_); }

run_result run_recorded(schedule_subject& subject, sim::chooser& choose,
                        std::vector<std::uint8_t>* input) {
  sim::recording_chooser record(choose);
  g_running.subject = &subject;
  g_running.record = &record;
  const run_result r = subject.run(record);
  g_running.record = nullptr;
  *input = subject.input(record.bytes());
  return r;
}

int schedules_main(const std::vector<std::filesystem::path>& files,
                   const schedules_request& request, subject_maker make) {
  chooser_spec spec;
  std::string error;
  if (!parse_chooser_spec(request.chooser, &spec, &error)) {
    std::fprintf(stderr, "semfuzz: -chooser: %s\n", error.c_str());
    return 2;
  }
  if (&__sanitizer_set_death_callback != nullptr)
    __sanitizer_set_death_callback(&on_sanitizer_death);
  g_running.prefix = &request.artifact_prefix;
  long runs = 0, failed = 0;
  int first = 0;
  int status = 0;
  for (const std::filesystem::path& file : files) {
    const std::optional<std::vector<std::uint8_t>> bytes = read_file(file);
    if (!bytes) {
      std::fprintf(stderr, "semfuzz: cannot read %s\n", file.c_str());
      status = 2;
      continue;
    }
    const std::unique_ptr<schedule_subject> subject = make(*bytes);
    g_running.file = &file;
    const file_tally t = run_file(*subject, file, request, spec);
    g_running.subject = nullptr;
    runs += t.runs;
    failed += t.failed;
    if (first == 0) first = t.first;
    status = std::max(status, t.status);
  }
  std::printf("random schedules: %ld run, %ld failed", runs, failed);
  if (first > 0) std::printf(", first at schedule %d", first);
  std::printf("\n");
  std::fflush(stdout);
  if (status != 0) return status;
  return failed > 0 ? 1 : 0;
}

}  // namespace semfuzz
