// Counts the futex system calls one thread makes, for any semaphore implementation.
//
// semfuzz's own semaphores count their futex calls (semfuzz::futex_syscall_count()), but glibc's
// sem_t, libstdc++'s std::counting_semaphore and std::mutex / std::condition_variable call the
// kernel directly. run_counted(fn) runs fn on a fresh thread that has a seccomp filter trapping
// every futex system call of that thread, and of every thread it starts (they inherit the
// filter), only (SECCOMP_RET_TRAP -> SIGSYS); the SIGSYS handler counts the call and performs it
// itself from one fixed instruction, which the filter lets through, and hands the result back as
// the trapped call's. So the count is exact and covers every library, and nothing outside fn's
// threads is affected. A trapped call costs a signal delivery (microseconds): time nothing that
// is counted.
//
// Only x86-64 Linux, and only where seccomp filters may be installed (a container may forbid
// it): otherwise run_counted returns std::nullopt and callers print n/a.
#ifndef SEMFUZZ_BENCH_SYSCALL_COUNTER_H_
#define SEMFUZZ_BENCH_SYSCALL_COUNTER_H_

#include <cstdint>
#include <functional>
#include <optional>

namespace semfuzz_bench {

// Runs fn on a new thread and returns the number of futex system calls that thread and the threads
// fn starts made while fn ran, or std::nullopt when they cannot be counted here (fn is then not
// run). fn must join the threads it starts; one run_counted at a time.
std::optional<std::uint64_t> run_counted(const std::function<void()>& fn);

}  // namespace semfuzz_bench

#endif  // SEMFUZZ_BENCH_SYSCALL_COUNTER_H_
