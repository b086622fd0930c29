// The harness side of a whole-program target (semfuzz_add_instrumented_program(), fuzz/cmake/
// semfuzz_functions.cmake): each input runs the program's entry once, on the deterministic
// scheduler, the whole input being its choice bytes (fuzz/instrumented/runtime/program.h), and the
// target's schedule tail deciding once they run out (SEMFUZZ_PROGRAM_TAIL, the function's TAIL;
// fuzz/schedule/schedule_driver.h: schedule_tail).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/program.h"
#include "fuzz/schedule/schedule_driver.h"

#ifndef SEMFUZZ_PROGRAM_TAIL
#define SEMFUZZ_PROGRAM_TAIL "random"
#endif

// The program's main (or ENTRY), renamed by interpose.py --entry.
extern "C" int semfuzz_program_entry(int argc, char** argv);

namespace semfuzz {
namespace {

// The target's tail, parsed once (a bad TAIL is a build-time error in CMake; this is the check
// of last resort).
schedule_tail& tail() {
  static schedule_tail parsed = [] {
    schedule_tail t;
    std::string error;
    if (!schedule_tail::parse(SEMFUZZ_PROGRAM_TAIL, &t, &error)) {
      std::fprintf(stderr, "semfuzz: SEMFUZZ_PROGRAM_TAIL: %s\n", error.c_str());
      std::exit(2);
    }
    return t;
  }();
  return parsed;
}

// A whole program's input is all choice bytes: its fixed part is empty.
class program_subject final : public schedule_subject {
 public:
  run_result run(sim::chooser& choose) override {
    return instr::run_program(&semfuzz_program_entry, choose, false);
  }
  std::vector<std::uint8_t> input(const std::vector<std::uint8_t>& choices) const override {
    return choices;
  }
  run_result replay(const std::vector<std::uint8_t>& input) override {
    sim::byte_stream_chooser bytes(input.data(), input.size(),
                                   tail().for_input(input.data(), input.size()));
    return instr::run_program(&semfuzz_program_entry, bytes, false);
  }
};

std::unique_ptr<schedule_subject> make_subject(const std::vector<std::uint8_t>&) {
  return std::make_unique<program_subject>();
}

}  // namespace

// -random_schedules=N (fuzz/engine/standalone_main.cc): the program under N chosen schedules, each
// file's contents ignored (give one empty file).
int random_schedules_main(const std::vector<std::filesystem::path>& files,
                          const schedules_request& request) {
  return schedules_main(files, request, &make_subject);
}

}  // namespace semfuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::instr::fuzz_program(data, size, &semfuzz_program_entry,
                                      semfuzz::tail().for_input(data, size));
}
