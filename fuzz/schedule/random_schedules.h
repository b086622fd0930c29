// One program under many chosen schedules: `-random_schedules=N [-chooser=random|pct[:D]]` of the
// schedule target's standalone replay binary (`scripts/semfuzz replay --random-schedules N
// [--chooser C] FILE`).
//
// For each file, the program part of the input runs under N schedules of the chooser
// (fuzz/schedule/schedule_driver.h: seeds seed .. seed + N - 1, what is printed, the artifacts)
// instead of the input's own choice bytes. A failing schedule's artifact is the program's bytes
// followed by the byte-stream encoding of every decision the chooser made (fuzz/input/FORMAT.md),
// so the finding replays with the ordinary byte-stream chooser to the same verdict and trace hash.
#ifndef SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_
#define SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/schedule/runner.h"
#include "fuzz/schedule/schedule_driver.h"

namespace semfuzz {

// Runs a decoded program under random_chooser(seed). *input receives the re-encoded input
// (program bytes + the recorded decisions as choice bytes).
run_result run_random_schedule(const program& prog, std::uint64_t seed,
                               std::vector<std::uint8_t>* input);
// The same under any chooser.
run_result run_chosen_schedule(const program& prog, sim::chooser& choose,
                               std::vector<std::uint8_t>* input);

// The driver (fuzz/engine/standalone_main.cc's hook): schedules_main with the schedule target's
// subject; its exit status.
int random_schedules_main(const std::vector<std::filesystem::path>& files,
                          const schedules_request& request);

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_RANDOM_SCHEDULES_H_
