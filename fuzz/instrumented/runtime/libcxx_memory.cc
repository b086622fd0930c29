// libc++ 14's out-of-line members of shared_ptr's control block (src/memory.cpp of libc++.so),
// modelled for instrumented code compiled with -stdlib=libc++: defined again under the same
// names with the same algorithm as Debian's libc++.so.1.0 (14.0.6) has them (read from its
// disassembly), so that the reference counts' atomics are the hooks' scheduling points and
// happens-before edges. std::condition_variable_any keeps its mutex in a shared_ptr; any
// shared_ptr of the code under test uses them. Everything else of the control block
// (__add_shared, __release_shared, __add_weak) is header code.
// - The destructors are empty; defining them here (the classes' key functions) emits the
//   classes' vtables and type_info.
// - __release_weak: an acquire load of the weak count; 0 (no other weak owner) deletes the block
//   at once (__on_zero_shared_weak), else an acq_rel decrement that leaves -1 deletes it.
// - lock (weak_ptr::lock): a compare-exchange loop that adds an owner unless the count of
//   owners is -1 (expired), giving nullptr then.
// - __get_deleter gives nullptr: the block types that have a deleter override it.
#include <memory>
#include <typeinfo>

#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error "libcxx_memory.cc models libc++ 14's libc++.so: compile it with libc++ 14 (-stdlib=libc++)"
#endif

_LIBCPP_BEGIN_NAMESPACE_STD

__shared_count::~__shared_count() {}
__shared_weak_count::~__shared_weak_count() {}

void __shared_weak_count::__release_weak() noexcept {
  if (__atomic_load_n(&__shared_weak_owners_, __ATOMIC_ACQUIRE) == 0 ||
      __atomic_add_fetch(&__shared_weak_owners_, -1, __ATOMIC_ACQ_REL) == -1) {
    __on_zero_shared_weak();
  }
}

__shared_weak_count* __shared_weak_count::lock() noexcept {
  long owners = __atomic_load_n(&__shared_owners_, __ATOMIC_SEQ_CST);
  while (owners != -1) {
    if (__atomic_compare_exchange_n(&__shared_owners_, &owners, owners + 1, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST)) {
      return this;
    }
  }
  return nullptr;
}

const void* __shared_weak_count::__get_deleter(const type_info&) const noexcept { return nullptr; }

_LIBCPP_END_NAMESPACE_STD
