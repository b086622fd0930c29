// Fuzz target `threads`: semfuzz's three algorithms on real threads (build it with TSan).
#include <cstddef>
#include <cstdint>

#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semfuzz;
  const decoded_input in = decode(data, size);
  switch (in.prog.algo) {
    case algorithm::split64:
      threads::run_thread_input<threads::own_semaphore<internal::split64_core>>(in);
      break;
    case algorithm::word32:
      threads::run_thread_input<threads::own_semaphore<internal::word32_core>>(in);
      break;
    case algorithm::condvar:
      threads::run_thread_input<threads::own_semaphore<internal::condvar_core>>(in);
      break;
  }
  return 0;
}
