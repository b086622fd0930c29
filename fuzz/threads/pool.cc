#include "fuzz/threads/pool.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace semfuzz::threads {

worker_pool::worker_pool(int workers) : args_(workers), workers_(workers) {
  for (int i = 0; i < workers; ++i) {
    args_[i] = start_arg{this, i};
    if (pthread_create(&workers_[i], nullptr, &worker_pool::worker_entry, &args_[i]) != 0) {
      std::perror("semfuzz: pthread_create");
      std::abort();
    }
  }
}

void* worker_pool::worker_entry(void* arg) {
  auto* a = static_cast<start_arg*>(arg);
  a->pool->worker_main(a->index);
  return nullptr;
}

worker_pool::~worker_pool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  start_.notify_all();
  for (pthread_t w : workers_) pthread_join(w, nullptr);
}

void worker_pool::run(int k, const std::function<void(int)>& job, const std::function<bool()>& watchdog) {
  std::unique_lock<std::mutex> lock(mutex_);
  job_ = job;
  active_ = k;
  finished_ = 0;
  ++generation_;
  start_.notify_all();
  while (finished_ < active_) {
    if (done_.wait_for(lock, std::chrono::milliseconds(2), [&] { return finished_ >= active_; })) break;
    lock.unlock();
    const bool keep_waiting = watchdog();
    lock.lock();
    if (!keep_waiting) return;
  }
}

void worker_pool::worker_main(int index) {
  unsigned long seen = 0;
  for (;;) {
    std::function<void(int)> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      start_.wait(lock, [&] { return stopping_ || (generation_ != seen && index < active_); });
      if (stopping_) return;
      seen = generation_;
      job = job_;
    }
    job(index);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      ++finished_;
    }
    done_.notify_all();
  }
}

}  // namespace semfuzz::threads
