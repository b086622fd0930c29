// The litmus tests of the weak-memory model (fuzz/sim/memory_model.h), written once over an
// atomic type and a fence: run on the simulated platform (fuzz/sim/litmus_test.cc) and as
// instrumented code on std::atomic (fuzz/instrumented/tests/litmus_instr.cc). Every location
// starts at 0; an outcome is the registers r0..r3 and the final values of x and y. Each case
// names the outcome it asks about and whether the C++ memory model allows it
// (/docs/memory-model.md has the table, with each case's source in the literature).
#ifndef SEMFUZZ_FUZZ_TESTS_LITMUS_H_
#define SEMFUZZ_FUZZ_TESTS_LITMUS_H_

#include <atomic>
#include <cstdint>

namespace semfuzz::litmus {

constexpr auto rlx = std::memory_order_relaxed;
constexpr auto acq = std::memory_order_acquire;
constexpr auto rel = std::memory_order_release;
constexpr auto sc = std::memory_order_seq_cst;

template <class Atomic>
struct cells {
  Atomic x{0}, y{0}, d{0};
};

struct outcome {
  std::uint32_t r[4] = {0, 0, 0, 0};
  std::uint32_t x = 0, y = 0;  // final values
};

template <class Atomic>
struct litmus_case {
  const char* name;
  int threads;
  void (*body)(int thread, cells<Atomic>& c, std::uint32_t* r);
  bool (*asked)(const outcome& o);
  const char* outcome_text;
  bool allowed;
};

// Fence: a type with static void fence(std::memory_order).
template <class Atomic, class Fence>
struct bodies {
  using C = cells<Atomic>;
  // SB: T0 x=1; r0=y. T1 y=1; r1=x. (Fenced: a seq_cst fence between store and load.)
  template <std::memory_order S, std::memory_order L, bool Fenced>
  static void sb(int t, C& c, std::uint32_t* r) {
    Atomic& mine = t == 0 ? c.x : c.y;
    Atomic& other = t == 0 ? c.y : c.x;
    mine.store(1, S);
    if (Fenced) Fence::fence(sc);
    r[t] = other.load(L);
  }
  // MP: T0 d=1; f(y)=1. T1 r0=y; r1=d.
  template <std::memory_order S, std::memory_order L>
  static void mp(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.d.store(1, rlx);
      c.y.store(1, S);
    } else {
      r[0] = c.y.load(L);
      r[1] = c.d.load(rlx);
    }
  }
  // CoRR: T0 x=1; x=2. T1 r0=x; r1=x.
  static void corr(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.x.store(1, rlx);
      c.x.store(2, rlx);
    } else {
      r[0] = c.x.load(rlx);
      r[1] = c.x.load(rlx);
    }
  }
  // CoWR: T0 x=1; r0=x. T1 x=2.
  static void cowr(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.x.store(1, rlx);
      r[0] = c.x.load(rlx);
    } else {
      c.x.store(2, rlx);
    }
  }
  // CoRW: T0 r0=x; x=1. T1 x=2.
  static void corw(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      r[0] = c.x.load(rlx);
      c.x.store(1, rlx);
    } else {
      c.x.store(2, rlx);
    }
  }
  // IRIW: T0 x=1. T1 y=1. T2 r0=x; r1=y. T3 r2=y; r3=x.
  template <std::memory_order S, std::memory_order L>
  static void iriw(int t, C& c, std::uint32_t* r) {
    if (t == 0) c.x.store(1, S);
    if (t == 1) c.y.store(1, S);
    if (t == 2) {
      r[0] = c.x.load(L);
      r[1] = c.y.load(L);
    }
    if (t == 3) {
      r[2] = c.y.load(L);
      r[3] = c.x.load(L);
    }
  }
  // WRC: T0 x=1 (S). T1 r0=x (L); y=1 (S). T2 r1=y (L); r2=x.
  template <std::memory_order S, std::memory_order L>
  static void wrc(int t, C& c, std::uint32_t* r) {
    if (t == 0) c.x.store(1, S);
    if (t == 1) {
      r[0] = c.x.load(L);
      c.y.store(1, S);
    }
    if (t == 2) {
      r[1] = c.y.load(L);
      r[2] = c.x.load(rlx);
    }
  }
  // R: T0 x=1; y=1. T1 y=2; r0=x.
  template <std::memory_order O>
  static void r_test(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.x.store(1, O);
      c.y.store(1, O);
    } else {
      c.y.store(2, O);
      r[0] = c.x.load(O);
    }
  }
  // S: T0 x=2; y=1 (S). T1 r0=y (L); x=1.
  template <std::memory_order S, std::memory_order L>
  static void s_test(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.x.store(2, rlx);
      c.y.store(1, S);
    } else {
      r[0] = c.y.load(L);
      c.x.store(1, rlx);
    }
  }
  // Release sequence: T0 d=1; x=1 (release); then x+=1 (an RMW) or x=2 (a relaxed store).
  // T1 r0=x (acquire); r1=d.
  template <bool Rmw>
  static void relseq(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.d.store(1, rlx);
      c.x.store(1, rel);
      if (Rmw) {
        c.x.fetch_add(1, rlx);
      } else {
        c.x.store(2, rlx);
      }
    } else {
      r[0] = c.x.load(acq);
      r[1] = c.d.load(rlx);
    }
  }
  // Release sequence through another thread's RMW: T0 d=1; x=1 (release). T2 x+=1 (relaxed).
  // T1 r0=x (acquire); r1=d.
  static void relseq_other(int t, C& c, std::uint32_t* r) {
    if (t == 0) {
      c.d.store(1, rlx);
      c.x.store(1, rel);
    } else if (t == 1) {
      r[0] = c.x.load(acq);
      r[1] = c.d.load(rlx);
    } else {
      c.x.fetch_add(1, rlx);
    }
  }
};

inline bool both_zero(const outcome& o) { return o.r[0] == 0 && o.r[1] == 0; }
inline bool one_then_zero(const outcome& o) { return o.r[0] == 1 && o.r[1] == 0; }
inline bool new_then_old(const outcome& o) { return o.r[0] == 2 && o.r[1] == 1; }
inline bool reads_initial(const outcome& o) { return o.r[0] == 0; }
inline bool reads_own_later(const outcome& o) { return o.r[0] == 1; }
inline bool iriw_split(const outcome& o) {
  return o.r[0] == 1 && o.r[1] == 0 && o.r[2] == 1 && o.r[3] == 0;
}
inline bool wrc_stale(const outcome& o) { return o.r[0] == 1 && o.r[1] == 1 && o.r[2] == 0; }
inline bool r_stale(const outcome& o) { return o.y == 2 && o.r[0] == 0; }
inline bool s_cycle(const outcome& o) { return o.r[0] == 1 && o.x == 2; }
inline bool relseq_stale(const outcome& o) { return o.r[0] == 2 && o.r[1] == 0; }

// Every case, in the docs' table order.
template <class Atomic, class Fence>
constexpr litmus_case<Atomic> kCases[] = {
    {"SB relaxed", 2, &bodies<Atomic, Fence>::template sb<rlx, rlx, false>, &both_zero, "r0=0 r1=0",
     true},
    {"SB release/acquire", 2, &bodies<Atomic, Fence>::template sb<rel, acq, false>, &both_zero,
     "r0=0 r1=0", true},
    {"SB seq_cst", 2, &bodies<Atomic, Fence>::template sb<sc, sc, false>, &both_zero, "r0=0 r1=0",
     false},
    {"SB relaxed + seq_cst fences", 2, &bodies<Atomic, Fence>::template sb<rlx, rlx, true>,
     &both_zero, "r0=0 r1=0", false},
    {"MP relaxed", 2, &bodies<Atomic, Fence>::template mp<rlx, rlx>, &one_then_zero, "r0=1 r1=0",
     true},
    {"MP release/acquire", 2, &bodies<Atomic, Fence>::template mp<rel, acq>, &one_then_zero,
     "r0=1 r1=0", false},
    {"CoRR", 2, &bodies<Atomic, Fence>::corr, &new_then_old, "r0=2 r1=1", false},
    {"CoWR", 2, &bodies<Atomic, Fence>::cowr, &reads_initial, "r0=0", false},
    {"CoRW", 2, &bodies<Atomic, Fence>::corw, &reads_own_later, "r0=1", false},
    {"IRIW relaxed", 4, &bodies<Atomic, Fence>::template iriw<rlx, rlx>, &iriw_split,
     "r0=1 r1=0 r2=1 r3=0", true},
    {"IRIW acquire", 4, &bodies<Atomic, Fence>::template iriw<rel, acq>, &iriw_split,
     "r0=1 r1=0 r2=1 r3=0", true},
    {"IRIW seq_cst", 4, &bodies<Atomic, Fence>::template iriw<sc, sc>, &iriw_split,
     "r0=1 r1=0 r2=1 r3=0", false},
    {"WRC relaxed", 3, &bodies<Atomic, Fence>::template wrc<rlx, rlx>, &wrc_stale, "r0=1 r1=1 r2=0",
     true},
    {"WRC release/acquire", 3, &bodies<Atomic, Fence>::template wrc<rel, acq>, &wrc_stale,
     "r0=1 r1=1 r2=0", false},
    {"R relaxed", 2, &bodies<Atomic, Fence>::template r_test<rlx>, &r_stale, "y=2 r0=0", true},
    {"R seq_cst", 2, &bodies<Atomic, Fence>::template r_test<sc>, &r_stale, "y=2 r0=0", false},
    {"S release/acquire", 2, &bodies<Atomic, Fence>::template s_test<rel, acq>, &s_cycle,
     "r0=1 x=2", false},
    {"release sequence, RMW", 2, &bodies<Atomic, Fence>::template relseq<true>, &relseq_stale,
     "r0=2 r1=0", false},
    {"release sequence, another thread's RMW", 3, &bodies<Atomic, Fence>::relseq_other,
     &relseq_stale, "r0=2 r1=0", false},
    {"no release sequence, relaxed store", 2, &bodies<Atomic, Fence>::template relseq<false>,
     &relseq_stale, "r0=2 r1=0", true},
};

// The number of cases (for test instantiation without naming an atomic type; each user of kCases
// asserts it).
inline constexpr int kCaseCount = 20;

}  // namespace semfuzz::litmus

#endif  // SEMFUZZ_FUZZ_TESTS_LITMUS_H_
