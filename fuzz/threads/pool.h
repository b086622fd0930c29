// A pool of worker threads created once and reused for every input (no thread creation per run).
//
// Synchronisation: each worker waits for its job in a start slot of its own (a mutex, a condition
// variable, a generation), which only it and the caller touch; it reports completion under a
// shared mutex, after its job. So everything the caller did before run() happens-before each job,
// each job happens-before run()'s return, and the pool adds no happens-before edge from one job to
// another while they run: a worker that finishes early cannot order its writes before a worker
// that starts late, which would hide from TSan a semaphore that fails to order them itself.
#ifndef SEMFUZZ_FUZZ_THREADS_POOL_H_
#define SEMFUZZ_FUZZ_THREADS_POOL_H_

#include <pthread.h>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace semfuzz::threads {

class worker_pool {
 public:
  explicit worker_pool(int workers);
  ~worker_pool();
  worker_pool(const worker_pool&) = delete;
  worker_pool& operator=(const worker_pool&) = delete;

  // Runs job(0) .. job(k - 1) on k workers at once (k <= workers) and waits for all of them,
  // calling watchdog() every 2 ms meanwhile. If watchdog() returns false, run() returns at once,
  // leaving the stuck workers behind: the caller must then end the process.
  void run(int k, const std::function<void(int)>& job, const std::function<bool()>& watchdog);

 private:
  struct start_arg {
    worker_pool* pool;
    int index;
  };
  struct start_slot {  // one per worker: only that worker and the caller of run() touch it
    std::mutex mutex;
    std::condition_variable start;
    std::function<void(int)> job;  // guarded by mutex
    unsigned long generation = 0;  // guarded by mutex
    bool stopping = false;         // guarded by mutex
  };
  static void* worker_entry(void* arg);
  void worker_main(int index);

  std::vector<std::unique_ptr<start_slot>> slots_;
  std::mutex mutex_;  // completion only: taken by a worker after its job
  std::condition_variable done_;
  int finished_ = 0;  // guarded by mutex_
  // pthreads rather than std::thread: TSan reports a false race inside libstdc++'s (uninstrumented)
  // std::thread start-up.
  std::vector<start_arg> args_;
  std::vector<pthread_t> workers_;
};

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_POOL_H_
