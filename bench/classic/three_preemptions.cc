// A bug needing 3 preemptions, depth 4: a writer steps a version 1, 2, 3; a reader that reads it
// twice fails only if it sees exactly 1, then 2, which needs writer, reader, writer, reader,
// writer: three switches away from a thread that could go on. FIXED: the writer's steps and the
// reader's reads each under one mutex, so the reader sees one version twice.
#include <atomic>
#include <cassert>
#include <mutex>
#include <thread>

std::atomic<int> version{0};
std::atomic<int> seen{0};
std::mutex m;

void writer() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  version.store(1);
  version.store(2);
  version.store(3);
}

void reader() {
#ifdef FIXED
  std::lock_guard<std::mutex> lock(m);
#endif
  const int first = version.load();
  seen.store(first);  // an event between the reads: back to back, they would be one step
                      // under stutter elision (docs/performance.md)
  const int second = version.load();
  assert(!(first == 1 && second == 2));
}

int main() {
  std::thread w(writer), r(reader);
  w.join();
  r.join();
  return 0;
}
