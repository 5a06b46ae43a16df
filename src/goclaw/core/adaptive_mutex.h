// A mutex for short critical sections under contention: glibc's adaptive mutex spins briefly
// before sleeping in the kernel, so two threads taking turns on a lane do not pay a futex
// system call each time (measured: lane admit+release from 2 threads, docs/benchmarks.md).
// Meets the Lockable requirements; lock it with MutexLock (core/mutex.h) so that clang's
// thread-safety analysis sees the lock (it is a capability, like core::Mutex).
//
// Thread-safety: it is a mutex.
#pragma once

#include <pthread.h>

#include "goclaw/core/thread_annotations.h"

namespace goclaw {

class GOCLAW_CAPABILITY("mutex") AdaptiveMutex {
 public:
  AdaptiveMutex() {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
    pthread_mutex_init(&mu_, &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~AdaptiveMutex() { pthread_mutex_destroy(&mu_); }
  AdaptiveMutex(const AdaptiveMutex&) = delete;
  AdaptiveMutex& operator=(const AdaptiveMutex&) = delete;

  void lock() GOCLAW_ACQUIRE() { pthread_mutex_lock(&mu_); }
  bool try_lock() GOCLAW_TRY_ACQUIRE(true) { return pthread_mutex_trylock(&mu_) == 0; }
  void unlock() GOCLAW_RELEASE() { pthread_mutex_unlock(&mu_); }

 private:
  pthread_mutex_t mu_;
};

}  // namespace goclaw
