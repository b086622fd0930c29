#include "fuzz/threads/pool.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace semfuzz::threads {

worker_pool::worker_pool(int workers) : args_(workers), workers_(workers) {
  for (int i = 0; i < workers; ++i) slots_.push_back(std::make_unique<start_slot>());
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
  for (auto& slot : slots_) {
    {
      std::lock_guard<std::mutex> lock(slot->mutex);
      slot->stopping = true;
    }
    slot->start.notify_one();
  }
  for (pthread_t w : workers_) pthread_join(w, nullptr);
}

void worker_pool::run(int k, const std::function<void(int)>& job,
                      const std::function<bool()>& watchdog) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = 0;
  }
  for (int i = 0; i < k; ++i) {
    start_slot& slot = *slots_[i];
    {
      std::lock_guard<std::mutex> lock(slot.mutex);
      slot.job = job;
      ++slot.generation;
    }
    slot.start.notify_one();
  }
  std::unique_lock<std::mutex> lock(mutex_);
  while (finished_ < k) {
    if (done_.wait_for(lock, std::chrono::milliseconds(2), [&] { return finished_ >= k; })) break;
    lock.unlock();
    const bool keep_waiting = watchdog();
    lock.lock();
    if (!keep_waiting) return;
  }
}

void worker_pool::worker_main(int index) {
  start_slot& slot = *slots_[index];
  unsigned long seen = 0;
  for (;;) {
    std::function<void(int)> job;
    {
      std::unique_lock<std::mutex> lock(slot.mutex);
      slot.start.wait(lock, [&] { return slot.stopping || slot.generation != seen; });
      if (slot.stopping) return;
      seen = slot.generation;
      job = std::move(slot.job);
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
