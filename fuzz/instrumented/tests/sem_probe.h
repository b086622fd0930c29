// Code under test for the POSIX semaphore model's tests (posix_sem_test.cc): compiled
// instrumented (sem_probe.cc), so that its sem_* calls reach the model through the real
// interposition. Each returns 0 on success or the errno the call set.
#ifndef SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SEM_PROBE_H_
#define SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SEM_PROBE_H_

#include <semaphore.h>
#include <time.h>

namespace semfuzz::sem_probe {

int init(sem_t* s, unsigned value);
int destroy(sem_t* s);
int post(sem_t* s);
int wait(sem_t* s);
int trywait(sem_t* s);
int timedwait(sem_t* s, const timespec* at);
int clockwait(sem_t* s, clockid_t clock, const timespec* at);
int getvalue(sem_t* s, int* value);

// Writes *payload (a plain write the race detector sees), then posts s.
void publish(sem_t* s, int* payload, int value);
// Waits on s, then returns *payload (a plain read).
int consume(sem_t* s, const int* payload);

}  // namespace semfuzz::sem_probe

#endif  // SEMFUZZ_FUZZ_INSTRUMENTED_TESTS_SEM_PROBE_H_
