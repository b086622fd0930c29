// Fuzz target `threads`: semfuzz's three algorithms on real threads (build it with TSan).
#include <cstddef>
#include <cstdint>

#include "fuzz/oracles/contract.h"
#include "fuzz/threads/adapters.h"
#include "fuzz/threads/target.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace semfuzz;
  const decoded_input in = decode(data, size);
  contract::visit_algorithm(in.prog.algo,
                            [&]<template <class> class A>(contract::algorithm_tag<A>) {
                              threads::run_thread_input<threads::own_semaphore<A>>(in);
                            });
  return 0;
}
