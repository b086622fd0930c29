#include "fuzz/sim/trace.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>

namespace semfuzz::sim {

const char* event_name(ev e) {
  static constexpr const char* kNames[] = {
      "load",     "store",     "exchange",  "cas ok",     "cas fail",   "fetch_add", "fetch_sub",
      "fetch_or", "fetch_and", "clock",     "futex_wait", "futex_wake", "lock",      "lock busy",
      "unlock",   "cv_wait",   "cv_notify", "fetch_xor",  "fetch_nand", "fence"};
  return kNames[static_cast<int>(e)];
}

void run_trace::begin(bool print) {
  hash_ = kFnvOffset;
  print_ = print;
}

void run_trace::print_event(std::uint64_t step, double ms, int thread, ev what,
                            const std::string& word, std::uint64_t a, std::uint64_t b,
                            std::uint64_t c, const std::string& where) const {
  if (!print_) return;
  std::fprintf(stderr,
               "%6" PRIu64 " %10.6f ms  T%d  %-11s %-9s 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64
               "%s%s\n",
               step, ms, thread, event_name(what), word.c_str(), a, b, c,
               where.empty() ? "" : "  at ", where.c_str());
}

void run_trace::print(const char* format, ...) const {
  if (!print_) return;
  std::fputs("       ", stderr);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fputc('\n', stderr);
}

void run_trace::print_line(const std::string& line) const {
  if (print_) std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace semfuzz::sim
