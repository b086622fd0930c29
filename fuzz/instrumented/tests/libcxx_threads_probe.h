// Code under test for the tests of libc++'s modelled locks, condition variables, std::call_once
// and std::barrier (libcxx_threads_test.cc, fuzz/instrumented/runtime/libcxx_threads.cc): compiled
// instrumented with libc++ (libcxx_threads_probe.cc), so each call goes through libc++ 14's
// headers into the model of libc++.so and from there into the pthread models. The objects live
// in the probe; no standard-library type crosses this header (the test is built with libstdc++).
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_THREADS_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_THREADS_PROBE_H_

#include <cstdint>

namespace semfuzz::instr_libcxx_threads_probe {

// Fresh objects for a run (the last ones destroyed, each constructed again in place, every
// counter 0); call it before each run, outside the simulated threads. `barrier_threads`:
// std::barrier's expected count.
void reset(int barrier_threads = 3);

// std::mutex: ++ a plain counter, under a std::lock_guard or without one. Inside the lock an
// atomic count of the threads inside the critical section is raised, a sched_yield lets others
// run, and the count is lowered: overlaps() says whether two threads were ever inside at once.
void increment(bool locked);
int counter();
bool overlaps();

// std::recursive_mutex: locked twice by the caller, then try_lock while held twice; returns
// try_lock's result (and unlocks all three). other_try_lock(): try_lock from a thread that does
// not hold it; hold_recursive() locks it once and keeps it.
bool recursive_twice();
bool other_try_lock();
void hold_recursive();

// std::condition_variable with std::mutex: produce() sets a plain flag under the mutex, then
// notify_one; consume(true) waits while the flag is unset (while-loop), consume(false) waits
// once without looking at the flag (the lost signal: notified before it waits, it sleeps for
// good). consumed() counts the consumers that returned.
void produce();
void consume(bool with_predicate);
int consumed();
// cv.wait_for(ms) on steady_clock (header code: pthread_cond_clockwait), cv.wait_until on
// system_clock (libc++.so's __do_timed_wait: pthread_cond_timedwait); each returns whether the
// wait ended by notification (cv_status::no_timeout).
bool wait_for_ms(int ms);
bool wait_until_system_ms(int ms);
// cv.wait on a std::unique_lock that does not own its mutex (libc++ throws std::system_error).
void wait_unlocked();

// std::timed_mutex and std::recursive_timed_mutex: hold_timed() locks the timed mutex and keeps
// it, unlock_timed() unlocks it; try_lock_for_ms() / recursive_try_lock_for_ms() try for ms;
// recursive_timed_twice() locks the recursive one twice and try_locks it, then unlocks all.
void hold_timed();
void unlock_timed();
bool try_lock_for_ms(int ms);
bool recursive_try_lock_for_ms(int ms);
bool recursive_timed_twice();
void hold_recursive_timed();

// std::shared_mutex: write() ++ the counter under std::unique_lock; read() reads it under
// std::shared_lock (and raises an atomic count of readers inside, with a sched_yield inside);
// read_and_write() writes it under a shared_lock (a bug). max_readers(): most readers inside at
// once. shared_try() says whether try_lock_shared and then try_lock succeed.
void write();
int read();
void read_and_write();
int max_readers();
// std::shared_timed_mutex's try_lock_for(ms) while another thread holds it shared.
void hold_shared_timed();
bool shared_timed_try_lock_for_ms(int ms);

// std::call_once on one once_flag: once() runs a routine that ++ a plain count and writes a
// plain value, and returns the value it reads after the call; runs() is the count.
// once_throwing_first(): the same, but the first callable to run throws (caught here).
int once();
int runs();
int once_throwing_first();

// std::barrier<>(barrier_threads): `rounds` rounds of writing the caller's plain slot, then
// arrive_and_wait, then reading every slot (their sum is returned, over all rounds).
int barrier_rounds(int slot, int rounds);

// std::thread (libcxx_thread.cc), from a program's main thread (the spares run the threads):
// spawn_and_join() starts two threads that each ++ the counter (under the std::mutex, or
// without it), joins both and returns the counter; detach_leaves_unjoinable() starts a thread,
// detaches it and returns whether it is still joinable; join_twice() joins a thread twice (libc++
// throws std::system_error). exit_notification(): a thread sets a plain flag under the mutex and
// hands the lock to notify_all_at_thread_exit, then is detached; main waits on the condition
// variable until the flag is set and returns it.
int spawn_and_join(bool locked);
bool detach_leaves_unjoinable();
void join_twice();
bool exit_notification();

// std::condition_variable_any with a std::mutex (its own mutex in a shared_ptr,
// libcxx_memory.cc): a thread sets the flag under the mutex and notifies; main waits with the
// predicate; returns whether it saw the flag.
bool condition_variable_any_handoff();
// std::latch(2): two threads each write their plain slot and count down; main waits, then
// returns the sum of the slots (3 when it sees both writes).
int latch_handoff();

}  // namespace semfuzz::instr_libcxx_threads_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_LIBCXX_THREADS_PROBE_H_
