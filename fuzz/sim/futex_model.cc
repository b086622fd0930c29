#include "fuzz/sim/futex_model.h"

namespace semfuzz::sim {

void futex_model::register_word(const void* address, std::size_t bytes) {
  words_.push_back(word{address, bytes, next_id_++});
}

void futex_model::unregister_word(const void* address) {
  for (auto it = words_.begin(); it != words_.end(); ++it) {
    if (it->address == address) {
      words_.erase(it);
      return;
    }
  }
}

const futex_model::word* futex_model::find(const void* address) const {
  const char* a = static_cast<const char*>(address);
  for (const word& w : words_) {
    const char* base = static_cast<const char*>(w.address);
    if (a >= base && a < base + w.bytes) return &w;
  }
  return nullptr;
}

std::string futex_model::name_of(const void* address) const {
  if (address == nullptr) return "-";
  const word* w = find(address);
  if (w == nullptr) return "(dead word)";
  return "word" + std::to_string(w->id) + "+" +
         std::to_string(static_cast<const char*>(address) - static_cast<const char*>(w->address));
}

futex_call futex_model::wait_call(int thread, const void* address, std::size_t width) const {
  const word* w = find(address);
  const auto offset =
      w ? static_cast<const char*>(address) - static_cast<const char*>(w->address) : 0;
  futex_call call;
  call.thread = thread;
  call.word = address;
  call.width = width;
  call.supported = w != nullptr && width == sizeof(std::uint32_t) && offset % width == 0 &&
                   offset + width <= w->bytes;
  return call;
}

std::optional<futex_status> futex_model::before_sleep(std::uint32_t value, std::uint32_t expected,
                                                      vtime deadline, vtime now) {
  if (value != expected) return futex_status::value_changed;
  if (deadline <= now) return futex_status::timed_out;
  return std::nullopt;
}

}  // namespace semfuzz::sim
