// One program under many seeded-random schedules: `-random_schedules=N` of the schedule target's
// standalone replay binary (`scripts/semfuzz replay --random-schedules N FILE`).
//
// For each file, the program part of the input runs under N random_chooser schedules (seeds
// seed .. seed + N - 1) instead of the input's own choice bytes. Each failing schedule prints one
// line, "<file>: seed <s>: VERDICT <kind>: <message> -> <artifact>", and is written as a normal
// input, <artifact_prefix>crash-<sha1>: the program's bytes followed by the byte-stream encoding
// of every decision the random chooser made (fuzz/FORMAT.md), so the finding replays with the
// ordinary byte-stream chooser to the same verdict and trace hash. A sanitizer report (use after
// destroy) writes its artifact from the sanitizer's death callback before the process dies.
// Then one summary line: "random schedules: <runs> run, <failed> failed".
#ifndef SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_
#define SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/program.h"
#include "fuzz/runner.h"

namespace semfuzz {

// Runs a decoded program under random_chooser(seed). *input receives the re-encoded input
// (program bytes + the recorded decisions as choice bytes).
run_result run_random_schedule(const program& prog, std::uint64_t seed,
                               std::vector<std::uint8_t>* input);

// The driver: returns the exit status (0 all passed, 1 some failed, 2 a file could not be read
// or an artifact not written).
int random_schedules_main(const std::vector<std::filesystem::path>& files, int schedules,
                          std::uint64_t seed, const std::string& artifact_prefix);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_
