#include "fuzz/instrumented/tests/sem_probe.h"

#include <cerrno>

namespace semfuzz::sem_probe {
namespace {
int result(int rc) { return rc == 0 ? 0 : errno; }
}  // namespace

int init(sem_t* s, unsigned value) { return result(sem_init(s, 0, value)); }
int destroy(sem_t* s) { return result(sem_destroy(s)); }
int post(sem_t* s) { return result(sem_post(s)); }
int wait(sem_t* s) { return result(sem_wait(s)); }
int trywait(sem_t* s) { return result(sem_trywait(s)); }
int timedwait(sem_t* s, const timespec* at) { return result(sem_timedwait(s, at)); }
int clockwait(sem_t* s, clockid_t clock, const timespec* at) {
  return result(sem_clockwait(s, clock, at));
}
int getvalue(sem_t* s, int* value) { return result(sem_getvalue(s, value)); }

void publish(sem_t* s, int* payload, int value) {
  *payload = value;
  sem_post(s);
}
int consume(sem_t* s, const int* payload) {
  sem_wait(s);
  return *payload;
}

}  // namespace semfuzz::sem_probe
