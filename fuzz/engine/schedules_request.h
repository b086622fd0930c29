// What the standalone replay main's command line asks of a schedule driver (-random_schedules=N
// and its flags, fuzz/engine/standalone_main.cc): the engine's side of -random_schedules, which a
// target that runs chosen schedules implements as random_schedules_main (the schedule target:
// fuzz/schedule/random_schedules.h; whole programs: fuzz/instrumented/targets/program_target.cc)
// over the driver of fuzz/schedule/schedule_driver.h.
#ifndef SEMFUZZ_FUZZ_ENGINE_SCHEDULES_REQUEST_H_
#define SEMFUZZ_FUZZ_ENGINE_SCHEDULES_REQUEST_H_

#include <cstdint>
#include <string>

namespace semfuzz {

struct schedules_request {
  int schedules = 0;
  std::uint64_t seed = 1;
  std::string artifact_prefix;
  std::string chooser = "random";  // parse_chooser_spec (fuzz/schedule/schedule_driver.h)
  bool stop_at_failure = false;    // each file's schedules end at its first failing one
};

}  // namespace semfuzz

#endif  // SEMFUZZ_FUZZ_ENGINE_SCHEDULES_REQUEST_H_
