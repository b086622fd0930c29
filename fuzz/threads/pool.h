// A pool of worker threads created once and reused for every input (no thread creation per run).
//
// Synchronisation: the job, the generation and the finished count are guarded by mutex_; a worker
// starts a job after seeing a new generation and reports under the same mutex, so everything the
// caller did before run() happens-before the job, and the job happens-before run()'s return.
#ifndef SEMFUZZ_FUZZ_THREADS_POOL_H_
#define SEMFUZZ_FUZZ_THREADS_POOL_H_

#include <condition_variable>
#include <functional>
#include <mutex>
#include <pthread.h>

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
  static void* worker_entry(void* arg);
  void worker_main(int index);

  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  std::function<void(int)> job_;  // guarded by mutex_
  int active_ = 0;                // guarded by mutex_
  int finished_ = 0;              // guarded by mutex_
  unsigned long generation_ = 0;  // guarded by mutex_
  bool stopping_ = false;         // guarded by mutex_
  // pthreads rather than std::thread: TSan reports a false race inside libstdc++'s (uninstrumented)
  // std::thread start-up.
  std::vector<start_arg> args_;
  std::vector<pthread_t> workers_;
};

}  // namespace semfuzz::threads

#endif  // SEMFUZZ_FUZZ_THREADS_POOL_H_
