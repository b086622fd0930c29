// What the model of libc++ 14's libc++.so (fuzz/instrumented/runtime/libcxx_sync.cc) shares with
// the harness: its shared state, which the schedule_libcxx target and whole programs on libc++
// clear and register for each run (fuzz/instrumented/targets/libcxx_process.h), and the virtual
// time its clock reads cost. No standard-library type: the model is compiled with libc++, the
// harness with libstdc++.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_LIBCXX_MODEL_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_LIBCXX_MODEL_H_

#include <cstddef>

// libcxx_sync.cc: libc++.so's shared state (its contention table) as the model keeps it; *bytes
// receives its size.
extern "C" void* semfuzz_instr_libcxx_state(std::size_t* bytes);

namespace semfuzz::instr {

// The virtual time each steady_clock::now() of libc++ costs (libcxx_sync.cc explains why): the
// time one iteration of its polling loops stands for.
inline constexpr long kLibcxxClockReadNs = 8'000;

}  // namespace semfuzz::instr

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_RUNTIME_LIBCXX_MODEL_H_
