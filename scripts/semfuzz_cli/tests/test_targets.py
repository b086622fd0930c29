"""Verdicts from crash output and crash signatures (how `fuzz` deduplicates crashes)."""

import unittest

from semfuzz_cli import targets as cli

# Shapes of real reports (clang 14 runtimes), shortened.
ORACLE_ABORT_ASAN = """\
semfuzz: VERDICT lost-wakeup: T1 sleeps in acquire(1) while 1 token is available
==7==ERROR: AddressSanitizer: ABRT on unknown address 0x000000000007 (pc 0x7f bp 0x1 sp 0x2 T0)
    #0 0x7f00 in __pthread_kill_implementation nptl/./nptl/pthread_kill.c:44:76
    #1 0x7f10 in abort stdlib/./stdlib/abort.c:79:7
    #2 0x5510 in semfuzz::(anonymous namespace)::die(semfuzz::verdict const&) /src/fuzz/oracles/verdict.cc:41:3
    #3 0x5520 in semfuzz::(anonymous namespace)::oracle_lost_wakeup(semfuzz::verdict const&) /src/fuzz/oracles/verdict.cc:47:1
    #4 0x5530 in semfuzz::report_and_abort(semfuzz::verdict const&) /src/fuzz/oracles/verdict.cc:66:7
    #5 0x5540 in semfuzz::program_runner<semfuzz::split64>::finish() const /src/fuzz/schedule/runner.h:300:9
    #6 0x5550 in semfuzz::run_schedule_input(unsigned char const*, unsigned long) /src/fuzz/schedule.cc:20:3
    #7 0x5560 in LLVMFuzzerTestOneInput /src/fuzz/schedule/schedule_target.cc:10:3
    #8 0x5570 in fuzzer::Fuzzer::ExecuteCallback(unsigned char const*, unsigned long) (/out/schedule_fuzzer+0x45293)
    #9 0x5580 in main (/out/schedule_fuzzer+0x1234)

SUMMARY: AddressSanitizer: ABRT (/lib/x86_64-linux-gnu/libc.so.6+0x22) in abort
"""

USE_AFTER_FREE = """\
==9==ERROR: AddressSanitizer: heap-use-after-free on address 0x6020 at pc 0x55 bp 0x1 sp 0x2
WRITE of size 8 at 0x6020 thread T0
    #0 0x5600 in semfuzz::internal::word32_core<semfuzz::sim_platform>::release(long) /src/semaphore/include/semfuzz/internal/word32.h:120:5
    #1 0x5610 in semfuzz::basic_semaphore<semfuzz::internal::word32_core, semfuzz::sim_platform>::release(long) /src/semaphore/include/semfuzz/semaphore.h:200:5
    #2 0x5620 in semfuzz::program_runner<semfuzz::word32>::step(int) /src/fuzz/schedule/runner.h:180:7

0x6020 is located 0 bytes inside of 16-byte region [0x6020,0x6030)
freed by thread T0 here:
    #0 0x7000 in operator delete(void*) (/out/schedule_fuzzer+0x1000)
    #1 0x5630 in semfuzz::program_runner<semfuzz::word32>::destroy() /src/fuzz/schedule/runner.h:220:3

SUMMARY: AddressSanitizer: heap-use-after-free /src/semaphore/include/semfuzz/internal/word32.h:120:5 in release
"""

TSAN_RACE = """\
==================
WARNING: ThreadSanitizer: data race (pid=446)
  Read of size 8 at 0x7b04 by thread T2:
    #0 semfuzz::threads::runner<X>::check_payload(int) /src/fuzz/threads/runner.h:299:9 (threads_fuzzer+0x10dfec) (BuildId: 2b9a)
    #1 semfuzz::threads::runner<X>::run_op(int, semfuzz::operation const&) /src/fuzz/threads/runner.h:250:5 (threads_fuzzer+0x10e000) (BuildId: 2b9a)
    #2 void semfuzz::threads::pool::work(int) /src/fuzz/threads/pool.cc:40:3 (threads_fuzzer+0x10f000) (BuildId: 2b9a)
    #3 start_thread nptl/pthread_create.c:442:8 (libc.so.6+0x88fd3) (BuildId: 93ac)

  Previous write of size 8 at 0x7b04 by thread T1:
    #0 semfuzz::threads::runner<X>::write_payload(int) /src/fuzz/threads/runner.h:280:9 (threads_fuzzer+0x10d000) (BuildId: 2b9a)

SUMMARY: ThreadSanitizer: data race /src/fuzz/threads/runner.h:299:9 in check_payload
==================
"""


class VerdictTest(unittest.TestCase):
    def test_the_oracle_line_wins_over_the_abort_it_causes(self):
        outcome = cli.classify(ORACLE_ABORT_ASAN, 1)
        self.assertEqual(outcome.verdict, "lost-wakeup")
        self.assertEqual(outcome.details, "T1 sleeps in acquire(1) while 1 token is available")

    def test_sanitizer_reports(self):
        self.assertEqual(cli.classify(USE_AFTER_FREE, 1).verdict, "asan-heap-use-after-free")
        self.assertEqual(cli.classify(TSAN_RACE, 66).verdict, "tsan-data-race")

    def test_a_pass_and_an_unknown_crash(self):
        self.assertIsNone(cli.classify("anything", 0).verdict)
        self.assertEqual(cli.classify("no report at all", 139).verdict, "crash")


class SignatureTest(unittest.TestCase):
    def test_function_name_drops_arguments_qualifiers_and_offsets(self):
        self.assertEqual(cli._function_name("ns::f<int>(int, char) const"), "ns::f<int>")
        self.assertEqual(cli._function_name("std::function<void ()>::operator()() const"),
                         "std::function<void ()>::operator()")
        self.assertEqual(cli._function_name("ns::(anonymous namespace)::g(x::y const&)"),
                         "ns::(anonymous namespace)::g")
        self.assertEqual(cli._function_name("memcpy+0x12"), "memcpy")

    def test_oracle_failures_skip_libc_the_verdict_plumbing_and_libfuzzer(self):
        self.assertEqual(cli.top_frames(ORACLE_ABORT_ASAN),
                         ("semfuzz::program_runner<semfuzz::split64>::finish",
                          "semfuzz::run_schedule_input"))

    def test_only_the_first_stack_counts(self):
        self.assertEqual(cli.top_frames(USE_AFTER_FREE),
                         ("semfuzz::internal::word32_core<semfuzz::sim_platform>::release",
                          "semfuzz::basic_semaphore<semfuzz::internal::word32_core, "
                          "semfuzz::sim_platform>::release",
                          "semfuzz::program_runner<semfuzz::word32>::step"))
        self.assertEqual(cli.top_frames(TSAN_RACE, count=5),
                         ("semfuzz::threads::runner<X>::check_payload",
                          "semfuzz::threads::runner<X>::run_op",
                          "void semfuzz::threads::pool::work"))

    def test_same_verdict_other_place_is_another_crash(self):
        def outcome(text):
            return cli.classify(text, 1)

        moved = USE_AFTER_FREE.replace("word32_core<semfuzz::sim_platform>::release",
                                       "word32_core<semfuzz::sim_platform>::acquire")
        self.assertEqual(cli.crash_signature(outcome(USE_AFTER_FREE)),
                         cli.crash_signature(outcome(USE_AFTER_FREE.replace("0x5600", "0x5700"))))
        self.assertNotEqual(cli.crash_signature(outcome(USE_AFTER_FREE)),
                            cli.crash_signature(outcome(moved)))
        self.assertEqual(cli.crash_signature(outcome("semfuzz: VERDICT runaway: x\n")),
                         ("runaway",))
