// Seed-corpus generator for the schedule target: the scenarios of Qt's tst_qsemaphore and the
// schedules that exposed QSemaphore's historical bugs (../shared/reference/qsemaphore.md), each
// encoded for all three algorithms with a few choice streams. `scripts/semfuzz seed` runs it and
// stores the files in corpus/schedule/ under their SHA-1.
//
// usage: seed_corpus OUTDIR     writes OUTDIR/<scenario>-<algorithm>-<variant>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "fuzz/input/program.h"
#include "fuzz/input/program_builder.h"

namespace semfuzz {
namespace {

using namespace builder;

struct scenario {
  const char* name;
  program prog;
  std::vector<std::vector<std::uint8_t>> schedules;  // choice streams; {} = the fair policy
};

// A fixed pseudo-random choice stream, so schedules other than the fair one are seeded too.
std::vector<std::uint8_t> mixed(std::uint32_t seed, int length) {
  std::vector<std::uint8_t> out;
  for (int i = 0; i < length; ++i) {
    seed = seed * 1103515245u + 12345u;
    out.push_back(static_cast<std::uint8_t>(seed >> 24) & 0x0F);  // picks, no actions
  }
  return out;
}

const std::vector<std::uint8_t> fair;  // no choice bytes: the fair policy's schedule

// The fair schedule and two mixed ones.
std::vector<std::vector<std::uint8_t>> some(std::uint32_t seed) {
  return {fair, mixed(seed, 24), mixed(seed + 1, 48)};
}

// Qt's own tests (tst_qsemaphore), as programs.
void add_qt_tests(std::vector<scenario>& s) {
  // tst_qsemaphore::acquire (a): one token, two threads taking turns.
  s.push_back({"qt-acquire-mutex",
               make(1, {{acq(1), rel(1), acq(1), rel(1), acq(1), rel(1)},
                        {acq(1), rel(1), acq(1), rel(1), acq(1), rel(1)}}),
               some(1)});
  // (b): four tokens, ThreadN(2) and ThreadN(3) cannot hold at the same time.
  s.push_back({"qt-acquire-2-and-3",
               make(4, {{acq(2), rel(2), acq(2), rel(2)}, {acq(3), rel(3), acq(3), rel(3)}}),
               some(2)});
  // (c): single-threaded accounting.
  s.push_back({"qt-accounting",
               make(0, {{rel(1), rel(1), rel(4), avail(), acq(1), acq(4), acq(1)}}),
               {fair}});
  // multiRelease (QTBUG-66875): four sleepers, one release(4).
  s.push_back(
      {"qt-multi-release", make(0, {{acq(1)}, {acq(1)}, {acq(1)}, {acq(1)}, {rel(4)}}), some(3)});
  // multiAcquireRelease (B6): a single token passed through four threads.
  s.push_back(
      {"qt-baton",
       make(0, {{acq(1), rel(1)}, {acq(1), rel(1)}, {acq(1), rel(1)}, {acq(1), rel(1)}, {rel(1)}}),
       some(4)});
  // tryAcquire: n > available takes nothing, timeout 0 is the non-blocking form.
  s.push_back({"qt-try-acquire",
               make(1, {{try_acq(2), try_ms(2, 0), rel(1), try_acq(3), try_acq(1), try_ms(1, 0),
                         try_acq(1)}}),
               {fair}});
  // tryAcquireWithTimeout: expected failures last the timeout; successes do not wait.
  s.push_back(
      {"qt-timeout",
       make(2, {{try_ms(3, 100), try_ms(1, 100), try_ms(1, 100), try_ms(1, 1000), avail()}}),
       {fair, {0xF8, 0xFC}}});
  // tryAcquireWithTimeoutStarvation (B1): a timed multi-token waiter under single-token churn.
  s.push_back({"qt-starvation",
               make(1, {{try_ms(2, 1000), acq(1)},
                        {try_ms(1, 1000), rel(1), try_ms(1, 1000), rel(1), try_ms(1, 1000), rel(1),
                         try_ms(1, 1000)}}),
               some(5)});
  // tryAcquireWithTimeoutForever (B4, B5): -1 and INT_MIN mean forever.
  s.push_back({"qt-forever",
               make(0, {{try_ms(1, -1), try_ms(1, INT_MIN), avail()}, {rel(1), rel(2)}}), some(6)});
  // producerConsumer, chunked: producer chunks of 3, consumer chunks of 4.
  s.push_back({"qt-producer-consumer",
               make(2, {{rel(3), rel(3), rel(3), rel(3)},
                        {acq(4), acq(4), acq(4)},
                        {try_for(1, 10 * kMs), rel(1)}}),
               some(7)});
  // stdCompat: try_acquire_for / try_acquire_until.
  s.push_back({"qt-std-compat",
               make(1, {{try_acq(1), try_for(1, 10 * kMs), try_until(1, 10 * kMs), rel(2),
                         try_for(1, kMs), try_until(1, kMs), try_until(1, -kMs)}}),
               {fair}});
}

// The windows of historical bugs (B7 to B15), timeouts racing releases, spurious wakeups,
// bad counts and edge timeouts.
void add_bug_windows(std::vector<scenario>& s) {
  // B7 (QTBUG-67214): a multi-token waiter must see a release that lands before it sleeps.
  s.push_back({"b7-multi-token-window",
               make(1, {{acq(2)}, {rel(1)}}),
               {fair, {0, 0, 0, 1, 1, 1, 0}, {0, 0, 1, 0, 1}}});
  // B8 (QTBUG-67481): a non-zero initial count must be replicated into the high word.
  s.push_back({"b8-initial-count", make(1, {{acq(1), rel(1), rel(1)}, {acq(1), acq(1)}}), some(8)});
  // B9 (QTBUG-92148): the ABA window between setting the flag and sleeping.
  s.push_back({"b9-aba",
               make(0, {{acq(1)}, {rel(1), rel(1)}, {try_acq(1)}}),
               {fair, {0, 0, 1, 1, 2, 2, 0, 1}, {0, 1, 2, 0, 1}}});
  // B14 (QTBUG-102484): the owner deletes the semaphore right after its multi-token acquire.
  s.push_back({"b14-destroy-after-acquire",
               make(0, {{}, {}, {}}, true),
               {fair, {1, 1, 2, 2, 0, 0, 0, 0, 0}, {1, 2, 1, 2, 0, 0, 0, 0}}});
  // B15 (QTBUG-120762): the same with single releases (condvar fallback: notify after unlock).
  s.push_back({"b15-destroy-after-acquire",
               make(0, {{acq(1), rel(1)}, {}}, true),
               {fair, {1, 1, 1, 0, 0, 0, 0, 1}, {1, 1, 0, 0, 0, 1, 1, 1}}});
  // Timed waits racing a release (glibc tst-sem13, timeout vs post).
  s.push_back(
      {"timeout-vs-release",
       make(0, {{try_for(1, kMs), try_for(1, 10 * kMs)}, {try_ms(1, 10), rel(1)}, {rel(1)}}),
       {fair, {0xF8, 0, 1, 2}, {0, 0, 0xF8, 2, 2, 1, 0xF1}}});
  // Spurious wakeups and EINTR on every sleeper.
  s.push_back({"spurious-wakeups",
               make(0, {{acq(2)}, {acq(1)}, {rel(1), rel(2)}}),
               {{0, 1, 0xF0, 0xF1, 0xF2, 0xF3, 2, 0xF0, 2}}});
  // Bad input: negative and oversized counts, overflowing releases.
  s.push_back(
      {"bad-counts",
       make(2, {{acq(-1), rel(-8), try_acq(INT_MAX + 1LL), try_ms(-2, 10), rel(INT_MAX), rel(1)}}),
       {fair}});
  s.push_back(
      {"near-max",
       make(INT_MAX - 2, {{rel(2), rel(1), acq(INT_MAX), rel(INT_MAX), avail()}, {acq(1), rel(1)}}),
       {fair, {1, 1, 0, 0, 1}}});
  // Timeouts at the edges: zero, negative, ~100 years, infinite.
  s.push_back({"timeout-edges",
               make(0, {{try_for(1, 0), try_for(1, -kMs), try_until(1, -kMs),
                         op(op_kind::try_acquire_for, 1, 0, true),
                         try_for(1, 100LL * 365 * 24 * 3600 * 1'000'000'000LL), try_ms(1, INT_MAX)},
                        {rel(1), rel(1)}}),
               {fair, {0xFB, 0xFB, 1, 0xFF}}});
}

std::vector<scenario> scenarios() {
  std::vector<scenario> s;
  add_qt_tests(s);
  add_bug_windows(s);
  return s;
}

}  // namespace
}  // namespace semfuzz

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
    return 2;
  }
  using namespace semfuzz;
  int written = 0;
  for (scenario& sc : scenarios()) {
    for (algorithm a : {algorithm::split64, algorithm::word32, algorithm::condvar}) {
      sc.prog.algo = a;
      for (std::size_t v = 0; v < sc.schedules.size(); ++v) {
        const std::string path = std::string(argv[1]) + "/" + sc.name + "-" + algorithm_name(a) +
                                 "-" + std::to_string(v);
        const std::vector<std::uint8_t> bytes = encode(sc.prog, sc.schedules[v]);
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        if (!out) {
          std::fprintf(stderr, "seed_corpus: cannot write %s\n", path.c_str());
          return 1;
        }
        ++written;
      }
    }
  }
  std::printf("seed_corpus: wrote %d inputs\n", written);
  return 0;
}
