// The naive baseline of `scripts/semfuzz mutants`: a real-thread stress test of the semaphore on
// its production platform (std::atomic, the futex system call, steady_clock), with no control
// over the schedule. It is what a careful developer writes without a harness, and it gets the
// same time budget as the fuzzer.
//
// Rounds, until the budget is spent, each on a fresh semaphore of the algorithm asked for:
//   pairs    2..4 threads, each doing random take/give pairs: take k tokens with acquire,
//            try_acquire, Qt's try_acquire(k, ms) (-1, INT_MIN, 0, 1, 10 ms), try_acquire_for
//            (0, 1 ms, 10 ms, duration::max()) or try_acquire_until (past, 1 ms, 10 ms,
//            time_point::max()), then give them back with release(k); or give first, then take.
//            k never exceeds the initial count, so the program cannot deadlock: a thread blocked
//            for long while available() covers its request is a lost wakeup.
//   mutex    the same on a semaphore of 1 used as a lock around a plain counter, whose final value
//            must equal the number of successful takes (and which ThreadSanitizer watches).
//   destroy  the owner deletes the semaphore as soon as it has acquired the tokens of 1..3
//            releasing threads, which may still be inside release() (ASan sees any late touch).
// Checks: a timed call returning false not before its timeout (early-timeout), a call returning
// within its timeout + 2 s (late-timeout, also checked while it is still blocked), negative Qt
// timeouts and max() never failing (infinite-timeout), available() == initial + released -
// acquired after each round (conservation), and a 2 s watchdog on progress (lost-wakeup).
// A finding prints "semfuzz: VERDICT <kind>: ..." and aborts, like the fuzz targets.
//
// usage: stress [--algorithm split64|word32|condvar|all] [--seconds S] [--seed N]
//
// Synchronisation: workers publish their progress and the call they are in through atomics that
// the watchdog (the main thread) polls; everything else a round shares is the semaphore itself.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "semfuzz/semaphore.h"

namespace {

using steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kStall = 2s;      // no operation completes for this long: a hang
constexpr auto kLateSlack = 2s;  // how much later than its timeout a timed call may return
constexpr auto kPoll = 10ms;     // the watchdog's period

[[noreturn]] void finding(const char* kind, const std::string& message) {
  std::fprintf(stderr, "semfuzz: VERDICT %s: %s [stress baseline]\n", kind, message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::int64_t ns_since_epoch(steady::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// What a worker is doing, for the watchdog.
struct worker_state {
  std::atomic<std::uint64_t> completed{0};         // operations finished
  std::atomic<std::int64_t> waiting_for{0};        // > 0: tokens requested by a call that may block
  std::atomic<std::int64_t> return_by{INT64_MAX};  // steady ns by which the call must return
  std::atomic<int> call{-1};                       // index into kCallNames, -1 between calls
  std::atomic<bool> done{false};
};

enum call_kind { kAcquire, kTry, kTryMs, kTryFor, kTryUntil, kRelease, kCallKinds };
constexpr const char* kCallNames[kCallKinds] = {
    "acquire",         "try_acquire",       "try_acquire(n, ms)",
    "try_acquire_for", "try_acquire_until", "release"};

template <class Sem>
class round_runner {
 public:
  round_runner(std::mt19937_64& rng, std::uint64_t* operations)
      : rng_(rng), operations_(operations) {}

  void pairs(bool as_mutex) {
    const int threads = 2 + pick(3);
    const std::int64_t initial = as_mutex ? 1 : 1 + pick(3);
    sem_ = std::make_unique<Sem>(initial);
    ledger_ = initial;
    payload_ = 0;
    takes_ = 0;
    start(threads, [this, initial, as_mutex](int t, std::mt19937_64& r) {
      const int ops = 10 + static_cast<int>(r() % 40);
      for (int i = 0; i < ops; ++i) {
        const std::int64_t k = 1 + static_cast<std::int64_t>(r() % initial);
        const bool give_first = !as_mutex && r() % 4 == 0;
        if (give_first) give(t, k);
        const bool took = take(t, k, r);
        if (took && as_mutex) {
          ++payload_;  // guarded by the semaphore: a plain read-modify-write
          takes_.fetch_add(1, std::memory_order_relaxed);
        }
        if (took && !give_first) give(t, k);
      }
    });
    watch();
    const std::int64_t available = sem_->available();
    if (available != ledger_.load()) {
      finding("conservation",
              "after the round available() = " + std::to_string(available) +
                  ", but initial + released - acquired = " + std::to_string(ledger_.load()));
    }
    if (as_mutex && payload_ != takes_.load()) {
      finding("conservation", "the counter guarded by a semaphore of 1 is " +
                                  std::to_string(payload_) + " after " +
                                  std::to_string(takes_.load()) + " increments");
    }
    sem_.reset();
  }

  // The owner (worker 0) takes every token the releasers give and deletes the semaphore at once.
  void destroy() {
    const int releasers = 1 + pick(3);
    Sem* sem = new Sem(0);
    sem_raw_ = sem;
    start(releasers + 1, [this, sem, releasers](int t, std::mt19937_64& r) {
      if (t == 0) {
        const bool at_once = r() % 2 == 0;
        if (at_once) {
          enter(0, kAcquire, releasers);
          sem->acquire(releasers);
          leave(0);
        } else {
          for (int i = 0; i < releasers; ++i) {
            enter(0, kAcquire, 1);
            sem->acquire(1);
            leave(0);
          }
        }
        delete sem;
        sem_raw_ = nullptr;
        return;
      }
      for (int spin = static_cast<int>(r() % 2000); spin > 0; --spin) {
        std::atomic_signal_fence(std::memory_order_seq_cst);
      }
      enter(t, kRelease, 0);
      sem->release(1);
      leave(t);
    });
    watch();
  }

 private:
  int pick(int n) { return static_cast<int>(rng_() % static_cast<std::uint64_t>(n)); }

  template <class Body>
  void start(int threads, Body body) {
    states_ = std::vector<worker_state>(threads);
    workers_.clear();
    for (int t = 0; t < threads; ++t) {
      workers_.emplace_back([this, t, body, seed = rng_()] {
        std::mt19937_64 r(seed);
        body(t, r);
        states_[t].done.store(true);
      });
    }
  }

  void enter(int t, call_kind call, std::int64_t blocking_n,
             steady::time_point return_by = steady::time_point::max()) {
    worker_state& s = states_[t];
    s.call.store(call);
    s.return_by.store(return_by == steady::time_point::max() ? INT64_MAX
                                                             : ns_since_epoch(return_by));
    s.waiting_for.store(blocking_n);
  }
  void leave(int t) {
    worker_state& s = states_[t];
    s.waiting_for.store(0);
    s.return_by.store(INT64_MAX);
    s.call.store(-1);
    s.completed.fetch_add(1);
  }

  void give(int t, std::int64_t k) {
    enter(t, kRelease, 0);
    sem_->release(k);
    ledger_.fetch_add(k);
    leave(t);
  }

  // One random form of "take k"; returns whether the tokens were taken.
  bool take(int t, std::int64_t k, std::mt19937_64& r) {
    static constexpr int kMs[] = {-1, INT_MIN, 0, 1, 10};
    static constexpr std::chrono::nanoseconds kFor[] = {0ns, 1ms, 10ms,
                                                        std::chrono::nanoseconds::max()};
    static constexpr std::chrono::nanoseconds kUntil[] = {-1ms, 1ms, 10ms, 0ns};  // 0: max()
    bool took = false;
    const steady::time_point before = steady::now();
    std::chrono::nanoseconds timeout = 0ns;  // > 0: bounded; max(): forever
    bool forever = false;
    switch (r() % 5) {
      case 0:
        forever = true;
        enter(t, kAcquire, k);
        sem_->acquire(k);
        took = true;
        break;
      case 1:
        enter(t, kTry, 0);
        took = sem_->try_acquire(k);
        break;
      case 2: {
        const int ms = kMs[r() % 5];
        forever = ms < 0;
        timeout = std::chrono::milliseconds(std::max(ms, 0));
        enter(t, kTryMs, ms == 0 ? 0 : k,
              forever ? steady::time_point::max() : before + timeout + kLateSlack);
        took = sem_->try_acquire(k, ms);
        break;
      }
      case 3: {
        const std::chrono::nanoseconds d = kFor[r() % 4];
        forever = d == std::chrono::nanoseconds::max();
        timeout = forever ? 0ns : d;
        enter(t, kTryFor, d > 0ns ? k : 0,
              forever ? steady::time_point::max() : before + d + kLateSlack);
        took = sem_->try_acquire_for(k, d);
        break;
      }
      default: {
        const std::chrono::nanoseconds d = kUntil[r() % 4];
        forever = d == 0ns;
        timeout = forever ? 0ns : std::max(d, 0ns);
        enter(t, kTryUntil, d > 0ns || forever ? k : 0,
              forever ? steady::time_point::max() : before + timeout + kLateSlack);
        took = forever ? sem_->try_acquire_until(k, steady::time_point::max())
                       : sem_->try_acquire_until(k, before + d);
        break;
      }
    }
    judge_take(t, k, took, forever, timeout, steady::now() - before);
    return took;
  }

  // After thread t's take of k (started `elapsed` ago, with `timeout` > 0 when bounded): a call
  // with an infinite timeout must not fail, a bounded one not before its timeout; then the
  // ledger and the call's end.
  void judge_take(int t, std::int64_t k, bool took, bool forever, std::chrono::nanoseconds timeout,
                  steady::duration elapsed) {
    const int call = states_[t].call.load();
    if (!took && forever) {
      finding("infinite-timeout", std::string(kCallNames[call]) + "(" + std::to_string(k) +
                                      ") with an infinite timeout returned false");
    }
    if (!took && timeout > 0ns && elapsed < timeout) {
      finding("early-timeout", std::string(kCallNames[call]) + "(" + std::to_string(k) +
                                   ") returned false after " + std::to_string(elapsed.count()) +
                                   " ns, before its timeout of " + std::to_string(timeout.count()) +
                                   " ns");
    }
    if (took) ledger_.fetch_sub(k);
    leave(t);
  }

  // Polls the workers until all are done; reports a call past its time limit, or a stall.
  void watch() {
    std::uint64_t last_total = 0;
    steady::time_point last_change = steady::now();
    for (;;) {
      bool all_done = true;
      std::uint64_t total = 0;
      const std::int64_t now = ns_since_epoch(steady::now());
      for (std::size_t t = 0; t < states_.size(); ++t) {
        worker_state& s = states_[t];
        all_done &= s.done.load();
        total += s.completed.load();
        const int call = s.call.load();
        if (call >= 0 && now > s.return_by.load()) {
          finding("late-timeout", "T" + std::to_string(t) + " " + kCallNames[call] +
                                      " is still blocked 2 s after its timeout");
        }
      }
      if (all_done) break;
      if (total != last_total) {
        last_total = total;
        last_change = steady::now();
      } else if (steady::now() - last_change > kStall) {
        stalled();
      }
      std::this_thread::sleep_for(kPoll);
    }
    for (std::thread& w : workers_) w.join();
    *operations_ += last_total;
  }

  [[noreturn]] void stalled() {
    Sem* sem = sem_ ? sem_.get() : sem_raw_.load();
    const std::int64_t available = sem != nullptr ? sem->available() : -1;
    std::string who;
    for (std::size_t t = 0; t < states_.size(); ++t) {
      const std::int64_t n = states_[t].waiting_for.load();
      const int call = states_[t].call.load();
      if (call < 0 || n <= 0) continue;
      who += " T" + std::to_string(t) + " " + kCallNames[call] + "(" + std::to_string(n) + ")";
      if (n <= available) {
        finding("lost-wakeup", "no operation completed for 2 s, but T" + std::to_string(t) +
                                   " is blocked in " + kCallNames[call] + "(" + std::to_string(n) +
                                   ") while available() = " + std::to_string(available));
      }
    }
    finding("hang", "no operation completed for 2 s; blocked:" + who +
                        "; available() = " + std::to_string(available));
  }

  std::mt19937_64& rng_;
  std::uint64_t* operations_;
  std::unique_ptr<Sem> sem_;
  std::atomic<Sem*> sem_raw_{nullptr};  // destroy rounds: the semaphore until the owner frees it
  std::vector<worker_state> states_;
  std::vector<std::thread> workers_;
  std::atomic<std::int64_t> ledger_{0};  // initial + released - acquired
  std::uint64_t payload_ = 0;            // mutex rounds: guarded by the semaphore
  std::atomic<std::uint64_t> takes_{0};
};

template <class Sem>
void one_round(std::mt19937_64& rng, std::uint64_t* operations) {
  round_runner<Sem> r(rng, operations);
  const int kind = static_cast<int>(rng() % 8);
  if (kind < 5) {
    r.pairs(false);
  } else if (kind < 7) {
    r.pairs(true);
  } else {
    r.destroy();
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string algorithm = "all";
  double seconds = 10;
  std::uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--algorithm") == 0) {
      algorithm = argv[i + 1];
    } else if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = std::atof(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--seed") == 0) {
      seed = std::strtoull(argv[i + 1], nullptr, 10);
    } else {
      std::fprintf(stderr,
                   "usage: %s [--algorithm split64|word32|condvar|all] [--seconds S] [--seed N]\n",
                   argv[0]);
      return 2;
    }
  }
  std::mt19937_64 rng(seed);
  std::uint64_t rounds = 0, operations = 0;
  const steady::time_point end = steady::now() + std::chrono::duration_cast<steady::duration>(
                                                     std::chrono::duration<double>(seconds));
  while (steady::now() < end) {
    int which = algorithm == "split64"   ? 0
                : algorithm == "word32"  ? 1
                : algorithm == "condvar" ? 2
                                         : -1;
    if (which < 0) which = static_cast<int>(rng() % 3);
    switch (which) {
      case 0:
        one_round<semfuzz::split64_semaphore>(rng, &operations);
        break;
      case 1:
        one_round<semfuzz::word32_semaphore>(rng, &operations);
        break;
      default:
        one_round<semfuzz::condvar_semaphore>(rng, &operations);
        break;
    }
    ++rounds;
  }
  std::fprintf(stderr, "stress: %llu rounds, %llu operations, no finding\n",
               static_cast<unsigned long long>(rounds),
               static_cast<unsigned long long>(operations));
  return 0;
}
