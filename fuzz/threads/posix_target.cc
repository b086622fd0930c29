// Fuzz target `threads-posix`: glibc's sem_t on real threads. The algorithm byte is ignored.
#include <cstddef>
#include <cstdint>

#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  semfuzz::threads::run_thread_input<semfuzz::threads::posix_semaphore>(
      semfuzz::decode(data, size));
  return 0;
}
