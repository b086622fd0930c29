#include "fuzz/schedule/random_schedules.h"

#include <memory>

#include "fuzz/schedule/schedule_target.h"
#include "fuzz/sim/chooser.h"

namespace semfuzz {
namespace {

// A schedule-target input's program: the fixed part its choice bytes follow.
class program_subject final : public schedule_subject {
 public:
  explicit program_subject(program prog) : prog_(std::move(prog)) {}
  run_result run(sim::chooser& choose) override {
    return run_schedule_program(prog_, choose, false);
  }
  std::vector<std::uint8_t> input(const std::vector<std::uint8_t>& choices) const override {
    return encode(prog_, choices);
  }
  run_result replay(const std::vector<std::uint8_t>& input) override {
    return run_schedule_input(input.data(), input.size(), false);
  }

 private:
  program prog_;
};

std::unique_ptr<schedule_subject> make_subject(const std::vector<std::uint8_t>& file) {
  return std::make_unique<program_subject>(decode(file.data(), file.size()).prog);
}

}  // namespace

run_result run_chosen_schedule(const program& prog, sim::chooser& choose,
                               std::vector<std::uint8_t>* input) {
  program_subject subject(prog);
  return run_recorded(subject, choose, input);
}

run_result run_random_schedule(const program& prog, std::uint64_t seed,
                               std::vector<std::uint8_t>* input) {
  sim::random_chooser random(seed);
  return run_chosen_schedule(prog, random, input);
}

int random_schedules_main(const std::vector<std::filesystem::path>& files,
                          const schedules_request& request) {
  return schedules_main(files, request, &make_subject);
}

}  // namespace semfuzz
