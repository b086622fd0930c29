// Many chosen schedules of one input: the target-independent part of `-random_schedules=N`
// (fuzz/engine/standalone_main.cc; the schedule target's use: fuzz/schedule/random_schedules.h).
//
// A target describes an input's fixed part (whatever its choice bytes follow: the schedule
// target's program, nothing for a whole program) as a schedule_subject. schedules_main runs each
// file's subject under N schedules of one chooser kind, seeds seed .. seed + N - 1:
//   random   sim::random_chooser(seed): the random walk (each runnable thread equally likely);
//   pct:D    sim::pct_chooser(seed, D, k, kMaxThreads), probabilistic concurrency testing with
//            depth D (default 3; 1 <= D <= kMaxPctDepth). k, its estimate of a run's length in
//            decisions, is adaptive: for the first schedule, the decisions of one run of the
//            input under the scheduler's fair policy (the input with no choice bytes; its verdict
//            is not counted); then the most decisions any earlier schedule of the file made.
// Each failing schedule prints one line, "<file>: seed <s>: VERDICT <kind>: <message> ->
// <artifact>", and is written as an ordinary input <artifact_prefix>crash-<sha1> (the fixed part
// followed by the byte-stream encoding of every decision the chooser made, fuzz/input/FORMAT.md),
// which is replayed at once: it must give the same verdict and trace hash with the byte-stream
// chooser. A sanitizer report writes its artifact from the sanitizer's death callback. Then one
// summary line: "random schedules: <runs> run, <failed> failed", followed, when one failed, by
// ", first at schedule <i>" (the first failing schedule's 1-based index in its file). With
// stop_at_failure, a file's schedules end at its first failing one.
#ifndef SEMFUZZ_FUZZ_SCHEDULE_DRIVER_H_
#define SEMFUZZ_FUZZ_SCHEDULE_DRIVER_H_

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/engine/schedules_request.h"
#include "fuzz/schedule/runner.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz {

inline constexpr int kMaxPctDepth = 16;
inline constexpr int kDefaultPctDepth = 3;

// Which chooser decides the schedules: "random", "pct" or "pct:D".
struct chooser_spec {
  bool pct = false;
  int depth = kDefaultPctDepth;  // pct only
};
// Parses `text`; on an unknown name or a bad depth returns false with *error saying why.
bool parse_chooser_spec(const std::string& text, chooser_spec* out, std::string* error);
std::string describe(const chooser_spec& spec);  // "random", "pct:3"

// The schedule of a whole program's input once its choice bytes run out: the fuzz target's tail
// (semfuzz_add_instrumented_program's TAIL, fuzz/cmake/semfuzz_functions.cmake). "random" (the
// default: sim::random_chooser, the random walk), "pct" / "pct:D" (sim::pct_chooser with depth D,
// kPctTailSteps as its estimate k of the tail's decisions, kMaxThreads threads) or "fair" (no
// tail: the scheduler's fair policy). The tail is seeded by the input's bytes (FNV-1a, 64 bits),
// so the same input always runs the same schedule, in the fuzzer and in the replay binary, and
// two inputs that differ anywhere continue differently once their bytes run out.
inline constexpr std::uint64_t kPctTailSteps = 100;
class schedule_tail {
 public:
  // Parses `text`; on an unknown name or a bad depth returns false with *error saying why.
  static bool parse(const std::string& text, schedule_tail* out, std::string* error);
  // The tail for the input `data`: nullptr for "fair". Valid until the next call.
  sim::chooser* for_input(const std::uint8_t* data, std::size_t size);
  std::string describe() const;  // "random", "pct:3", "fair"

 private:
  bool fair_ = false;
  chooser_spec spec_;
  std::optional<sim::random_chooser> random_;
  std::optional<sim::pct_chooser> pct_;
};

// One input's fixed part, as a target runs it.
class schedule_subject {
 public:
  virtual ~schedule_subject() = default;
  // One run under `choose`.
  virtual run_result run(sim::chooser& choose) = 0;
  // The input that replays a run: the fixed part followed by `choices`.
  virtual std::vector<std::uint8_t> input(const std::vector<std::uint8_t>& choices) const = 0;
  // A run of an input with the byte-stream chooser, as the target's replay binary runs it.
  virtual run_result replay(const std::vector<std::uint8_t>& input) = 0;
};
// The subject of a file's bytes.
using subject_maker = std::unique_ptr<schedule_subject> (*)(const std::vector<std::uint8_t>& file);

// One schedule: a run of `subject` under `choose`, recorded. *input receives the input that
// replays it.
run_result run_recorded(schedule_subject& subject, sim::chooser& choose,
                        std::vector<std::uint8_t>* input);

// What the command line asks for: schedules_request (fuzz/engine/schedules_request.h).
// The driver: returns the exit status (0 all passed, 1 some failed, 2 a bad chooser name, a file
// that could not be read, an artifact not written or a replay that differed).
int schedules_main(const std::vector<std::filesystem::path>& files,
                   const schedules_request& request, subject_maker make);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_SCHEDULE_DRIVER_H_
