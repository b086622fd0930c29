// libc++ 14's out-of-line std::thread members and its per-thread data, modelled for instrumented
// code compiled with -stdlib=libc++ (as libcxx_threads.cc models its locks): src/thread.cpp of
// libc++.so, defined again under the same names with the same algorithm as Debian's
// libc++.so.1.0 (14.0.6) has them (read from its disassembly and the declarations in <thread>
// and <__threading_support>), compiled instrumented with the code under test, so that their
// pthread calls reach the runtime's models (pthread_thread.cc, pthread_key.cc).
//
// How libc++ 14 runs a std::thread (the constructor and the proxy are header code):
// - the constructor allocates a __thread_struct, packs it with the callable and its arguments
//   and calls pthread_create with __thread_proxy; the proxy stores the __thread_struct in the
//   thread-specific pointer __thread_local_data() (a pthread key whose destructor deletes it)
//   and runs the callable. When the thread ends, the key's destructor deletes its
//   __thread_struct, which performs what notify_all_at_thread_exit registered: unlock the mutex,
//   then notify_all the condition variable, in the order registered;
// - join = pthread_join (an error, or a thread that is not joinable, EINVAL, throws), then the
//   handle is cleared; detach = pthread_detach, the same way; ~thread of a joinable thread calls
//   std::terminate;
// - notify_all_at_thread_exit(cv, lock) gives the thread a __thread_struct first if it has none
//   (a thread std::thread did not create), then registers (cv, lock.release()).
// Futures' set_value_at_thread_exit (__thread_struct::__make_ready_at_thread_exit, with libc++'s
// __assoc_sub_state) and thread::hardware_concurrency (sysconf) are not defined here: a call is
// the verdict unsupported-call naming it (interpose.py's stubs).
//
// One difference: libc++ creates the key on the first call of __thread_local_data(), inside the
// first thread's proxy. Here it is created at static initialisation, outside any run: the
// runtime undoes keys created during a run at the run's end (pthread_key.h) while the function's
// static would keep the dead key for the next run; a key created outside a run stays for every
// run, as the key of a process stays for all its threads.
#include <pthread.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#if !defined(_LIBCPP_VERSION) || _LIBCPP_VERSION < 14000 || _LIBCPP_VERSION >= 15000
#error "libcxx_thread.cc models libc++ 14's libc++.so: compile it with libc++ 14 (-stdlib=libc++)"
#endif

_LIBCPP_BEGIN_NAMESPACE_STD

// What a thread does at its end: the (condition variable, mutex) pairs of
// notify_all_at_thread_exit, oldest first. (libc++ keeps them in a vector; a list here keeps
// libc++.so's vector helpers out.)
class __thread_struct_imp {
 public:
  __thread_struct_imp() = default;
  __thread_struct_imp(const __thread_struct_imp&) = delete;
  __thread_struct_imp& operator=(const __thread_struct_imp&) = delete;
  ~__thread_struct_imp() {
    while (first_ != nullptr) {
      entry* e = first_;
      first_ = e->next;
      e->m->unlock();
      e->cv->notify_all();
      delete e;
    }
  }
  void notify_all_at_thread_exit(condition_variable* cv, mutex* m) {
    entry* e = new entry{cv, m, nullptr};
    *(first_ == nullptr ? &first_ : &last_->next) = e;
    last_ = e;
  }

 private:
  struct entry {
    condition_variable* cv;
    mutex* m;
    entry* next;
  };
  entry* first_ = nullptr;
  entry* last_ = nullptr;
};

__thread_struct::__thread_struct() : __p_(new __thread_struct_imp) {}
__thread_struct::~__thread_struct() { delete __p_; }
void __thread_struct::notify_all_at_thread_exit(condition_variable* cv, mutex* m) {
  __p_->notify_all_at_thread_exit(cv, m);
}

__thread_specific_ptr<__thread_struct>& __thread_local_data() {
  static __thread_specific_ptr<__thread_struct> data;
  return data;
}

void notify_all_at_thread_exit(condition_variable& cond, unique_lock<mutex> lk) {
  __thread_specific_ptr<__thread_struct>& data = __thread_local_data();
  if (data.get() == nullptr) data.set_pointer(new __thread_struct);
  data->notify_all_at_thread_exit(&cond, lk.release());
}

void thread::join() {
  int ec = EINVAL;
  if (!__libcpp_thread_isnull(&__t_)) {
    ec = __libcpp_thread_join(&__t_);
    if (ec == 0) __t_ = _LIBCPP_NULL_THREAD;
  }
  if (ec != 0) __throw_system_error(ec, "thread::join failed");
}

void thread::detach() {
  int ec = EINVAL;
  if (!__libcpp_thread_isnull(&__t_)) {
    ec = __libcpp_thread_detach(&__t_);
    if (ec == 0) __t_ = _LIBCPP_NULL_THREAD;
  }
  if (ec != 0) __throw_system_error(ec, "thread::detach failed");
}

thread::~thread() {
  if (!__libcpp_thread_isnull(&__t_)) terminate();
}

_LIBCPP_END_NAMESPACE_STD

namespace {
// The key, created at static initialisation (above: why).
[[maybe_unused]] std::__thread_specific_ptr<std::__thread_struct>& g_thread_data =
    std::__thread_local_data();
}  // namespace
