// A whole program (semfuzz_add_instrumented_program, fuzz/instrumented/runtime/program.h) on
// std::jthread and std::stop_token (libstdc++'s header code over std::thread, atomics and, for a
// stop callback that runs while another thread deregisters it, a binary semaphore): correct under
// every schedule.
//
// A worker polls its stop token and counts; main waits until it has counted, registers a stop
// callback, and requests stop; the worker then writes a plain int, which main reads after the
// jthread's destructor joined (the join's happens-before edge: without it, a data race). A second
// jthread is never asked to stop by main: its destructor requests stop and joins.
#include <atomic>
#include <cassert>
#include <stop_token>
#include <thread>

namespace {

std::atomic<int> rounds{0};
std::atomic<bool> callback_ran{false};
int worker_result = 0;  // plain: written by the worker, read by main after the join

void work(std::stop_token stop) {
  while (!stop.stop_requested()) {
    rounds.fetch_add(1);
    std::this_thread::yield();
  }
  worker_result = rounds.load();
}

}  // namespace

int main() {
  {
    std::jthread worker(work);
    while (rounds.load() == 0) std::this_thread::yield();
    std::stop_callback on_stop(worker.get_stop_token(), [] { callback_ran.store(true); });
    assert(!callback_ran.load());
    assert(worker.request_stop());
    assert(callback_ran.load());  // the requesting thread runs the callback
    assert(!worker.request_stop());
  }
  assert(worker_result >= 1);
  {
    std::jthread idle([](std::stop_token stop) {
      while (!stop.stop_requested()) std::this_thread::yield();
    });
  }  // ~jthread: request_stop, then join
  return 0;
}
