// Fuzz target `threads-std`: std::counting_semaphore of the standard library in use, on real
// threads. The program's algorithm byte is ignored.
#include <cstddef>
#include <cstdint>

#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  semfuzz::threads::run_thread_input<semfuzz::threads::std_semaphore>(semfuzz::decode(data, size));
  return 0;
}
