// A whole program (semfuzz_add_instrumented_program, fuzz/instrumented/runtime/program.h) that is
// correct only with per-thread storage: two std::threads each count in a thread_local int and in a
// heap int kept under a pthread key, yielding between increments, and check their own counts; each
// thread's key destructor and thread_local destructor check the thread's final count before its
// join returns; main counts in its own thread_local too.
//
// Were the storage shared by the threads (as native TLS is by fibers of one OS thread), the plain
// increments of one int by two threads would be a data race, the counts would be wrong
// (assertions), and one thread's key value would overwrite the other's (the lost block's
// destructor never runs: the main thread's assertion on the destructor count).
#include <pthread.h>

#include <atomic>
#include <cassert>
#include <string>
#include <thread>

namespace {

constexpr int kRounds = 3;

thread_local int tl_count = 0;
pthread_key_t key;
std::atomic<int> key_destructors{0};
std::atomic<int> thread_local_destructors{0};

// A thread_local object with a destructor: it checks its thread's count at the thread's end.
struct checks_at_end {
  std::string name;
  ~checks_at_end() {
    if (name.empty()) return;  // the main thread's, destroyed at exit
    assert(tl_count == kRounds);
    thread_local_destructors.fetch_add(1);
  }
};
thread_local checks_at_end tl_checker;

void key_destructor(void* value) {
  int* mine = static_cast<int*>(value);
  assert(*mine == kRounds);
  delete mine;
  key_destructors.fetch_add(1);
}

void worker(const char* name) {
  tl_checker.name = name;
  assert(pthread_getspecific(key) == nullptr);  // a new thread starts with no value
  assert(pthread_setspecific(key, new int(0)) == 0);
  for (int i = 0; i < kRounds; ++i) {
    ++tl_count;  // plain: a data race if the threads shared it
    ++*static_cast<int*>(pthread_getspecific(key));
    std::this_thread::yield();
  }
  assert(tl_count == kRounds);
  assert(*static_cast<int*>(pthread_getspecific(key)) == kRounds);
}

}  // namespace

int main() {
  assert(pthread_key_create(&key, key_destructor) == 0);
  ++tl_count;
  std::thread a(worker, "a");
  std::thread b(worker, "b");
  ++tl_count;
  a.join();
  b.join();
  assert(tl_count == 2);
  assert(key_destructors.load() == 2);
  assert(thread_local_destructors.load() == 2);
  assert(pthread_key_delete(key) == 0);
  return 0;
}
