// Whole programs (semfuzz_add_instrumented_program) that end in each way a process can: each
// function below is the ENTRY of a target of its own (fuzz/instrumented/instrumented.cmake), so
// this file also tests ENTRY with both signatures. The threads exist so that each way out
// happens with another thread still there.
#include <pthread.h>
#include <semaphore.h>

#include <atomic>
#include <cassert>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace {

std::atomic<int> steps{0};
std::mutex m;
std::condition_variable never;

void count() { steps.fetch_add(1); }

void* exit_from_thread(void*) { std::exit(3); }

// Destructors that fail the program when they run: the way to see that they do.
struct fails_when_destroyed {
  bool armed = false;
  ~fails_when_destroyed() { assert(!armed && "main's thread_local destroyed"); }
};
thread_local fails_when_destroyed main_object;
void fail_in_key_destructor(void*) { assert(false && "main's key destructor ran"); }

}  // namespace

// exit(3) from a thread while main waits for it: program-failure naming the thread.
extern "C" int exits_from_a_thread() {
  pthread_t t;
  pthread_create(&t, nullptr, exit_from_thread, nullptr);
  pthread_join(t, nullptr);
  return 0;
}

// exit(0) from a thread while main waits for ever: the program ends, and the run passes (were
// the run to go on, main's wait would be a deadlock).
int exits_zero() {
  std::thread([] { std::exit(0); }).detach();
  std::unique_lock<std::mutex> lock(m);
  for (;;) never.wait(lock);
}

// abort() on the main thread: program-failure.
int aborts() {
  std::thread t(count);
  t.join();
  std::abort();
}

// An exception leaves the entry: program-failure (std::terminate).
int throws() {
  std::thread t(count);
  t.join();
  throw std::runtime_error("out of main");
}

// The entry returns argc + 1 (2): program-failure naming the status.
int returns_two(int argc, char** argv) {
  std::thread t(count);
  t.join();
  return argv[0] != nullptr ? argc + 1 : 0;
}

// main ends by pthread_exit while a thread still runs: the program goes on until it ends, and
// the run passes.
int main_thread_exits() {
  std::thread(count).detach();
  pthread_exit(nullptr);
}

// A return of 0 from main runs main's thread_local destructors, as glibc's exit does (while a
// detached thread is still there): the destructor's assertion fails.
int thread_local_destroyed_at_exit() {
  main_object.armed = true;
  std::thread(count).detach();
  return 0;
}

// A main thread that ends by pthread_exit runs its key destructors: the destructor's assertion
// fails.
int key_destructor_at_main_thread_exit() {
  pthread_key_t key;
  pthread_key_create(&key, fail_in_key_destructor);
  pthread_setspecific(key, &key);
  std::thread(count).detach();
  pthread_exit(nullptr);
}

// A thread waits on a POSIX semaphore nobody posts, holding a read-write lock for reading; main
// joins it, holding another for writing and a spin lock: deadlock, naming the thread's sem_wait,
// main's join and the locks each holds.
pthread_rwlock_t config_lock = PTHREAD_RWLOCK_INITIALIZER;
pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
pthread_spinlock_t stats_spin;

int sem_never_posted() {
  static sem_t s;
  sem_init(&s, 0, 0);
  pthread_spin_init(&stats_spin, PTHREAD_PROCESS_PRIVATE);
  std::thread t([] {
    pthread_rwlock_rdlock(&config_lock);
    sem_wait(&s);
  });
  pthread_rwlock_wrlock(&table_lock);
  pthread_spin_lock(&stats_spin);
  t.join();
  return 0;
}
