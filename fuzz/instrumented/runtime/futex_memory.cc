#include "fuzz/instrumented/runtime/futex_memory.h"

#include <sanitizer/allocator_interface.h>

#include <string>
#include <vector>

#include "fuzz/instrumented/runtime/runtime.h"
#include "fuzz/oracles/sim_oracles.h"
#include "fuzz/oracles/verdict.h"
#include "fuzz/sim/scheduler.h"

// Weak: a build without a sanitizer runtime has no allocator to ask (and no free hook calls).
#pragma weak __sanitizer_get_allocated_size

namespace semfuzz::instr {
namespace {

struct registered {
  const void* word;
  sim::scheduler* owner;
};
struct sleeper {
  const void* word;
  int thread;
};

std::vector<registered>& words() {
  static auto* w = new std::vector<registered>;
  return *w;
}
std::vector<sleeper>& sleepers() {
  static auto* s = new std::vector<sleeper>;
  return *s;
}

bool registered_here(const void* word) {
  for (const registered& r : words()) {
    if (r.word == word) return true;
  }
  return false;
}

}  // namespace

futex_sleeper::futex_sleeper(sim::scheduler& s, const std::uint32_t* word)
    : thread_(s.running_thread()) {
  const bool aligned = reinterpret_cast<std::uintptr_t>(word) % sizeof *word == 0;
  if (aligned && !s.registered(word) && detail::destroyed_at(word, sizeof *word) == nullptr &&
      !registered_here(word)) {
    s.register_word(word, sizeof *word);
    words().push_back(registered{word, &s});
  }
  sleepers().push_back(sleeper{word, thread_});
}

futex_sleeper::~futex_sleeper() {
  std::vector<sleeper>& all = sleepers();
  for (auto it = all.begin(); it != all.end(); ++it) {
    if (it->thread == thread_) {
      all.erase(it);
      return;
    }
  }
}

void futex_memory_freed(const void* p) {
  if (words().empty() || reinterpret_cast<std::uintptr_t>(&__sanitizer_get_allocated_size) == 0) {
    return;
  }
  const std::size_t bytes = __sanitizer_get_allocated_size(p);
  const char* begin = static_cast<const char*>(p);
  const auto inside = [&](const void* w) {
    return static_cast<const char*>(w) >= begin && static_cast<const char*>(w) < begin + bytes;
  };
  sim::scheduler* s = sim::scheduler::current();
  for (const sleeper& z : sleepers()) {
    // Still asleep (a woken sleeper that has not run yet keeps its record, not its wait).
    if (!inside(z.word) || s == nullptr || !s->simulating() ||
        s->waiting_in(z.thread) != sim::wait_kind::futex) {
      continue;
    }
    semfuzz::fail_run(*s, semfuzz::verdict_kind::use_after_destroy,
                      "T" + std::to_string(s->running_thread()) + " frees the heap block of " +
                          std::to_string(bytes) + " bytes holding futex word " +
                          s->name_of(z.word) + " (offset " +
                          std::to_string(static_cast<const char*>(z.word) - begin) + "), while T" +
                          std::to_string(z.thread) + " sleeps in a futex wait on it");
    break;
  }
  std::vector<registered>& all = words();
  for (auto it = all.begin(); it != all.end();) {
    if (inside(it->word)) {
      it->owner->unregister_word(it->word);
      it = all.erase(it);
    } else {
      ++it;
    }
  }
}

void forget_futex_memory() {
  for (const registered& r : words()) r.owner->unregister_word(r.word);
  words().clear();
  sleepers().clear();
}

}  // namespace semfuzz::instr
