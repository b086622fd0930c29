// The harness side of a whole-program target (semfuzz_add_instrumented_program(), fuzz/cmake/
// semfuzz_functions.cmake): each input runs the program's entry once, on the deterministic
// scheduler, the whole input being its choice bytes (fuzz/instrumented/program.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/instrumented/program.h"

// The program's main (or ENTRY), renamed by interpose.py --entry.
extern "C" int semfuzz_program_entry(int argc, char** argv);

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return semfuzz::instr::fuzz_program(data, size, &semfuzz_program_entry);
}
