// Mutexes that clang's thread-safety analysis understands (core/thread_annotations.h):
// `Mutex` over std::mutex, `SharedMutex` over std::shared_mutex, the scoped `MutexLock` (for
// either, and for AdaptiveMutex) and `ReaderLock`, and `ThreadRole` for state that is owned
// by one thread rather than locked.
//
// The lowercase lock()/unlock() make the mutexes Lockable, so std::condition_variable_any
// still works with them; code should lock with MutexLock so that the analysis sees it.
//
// Thread-safety: they are mutexes. ThreadRole holds nothing; see below.
#pragma once

#include <mutex>
#include <shared_mutex>

#include "goclaw/core/thread_annotations.h"

namespace goclaw {

class GOCLAW_CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock() GOCLAW_ACQUIRE() { mu_.lock(); }
  bool try_lock() GOCLAW_TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void unlock() GOCLAW_RELEASE() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class GOCLAW_CAPABILITY("shared_mutex") SharedMutex {
 public:
  SharedMutex() = default;
  SharedMutex(const SharedMutex&) = delete;
  SharedMutex& operator=(const SharedMutex&) = delete;

  void lock() GOCLAW_ACQUIRE() { mu_.lock(); }
  bool try_lock() GOCLAW_TRY_ACQUIRE(true) { return mu_.try_lock(); }
  void unlock() GOCLAW_RELEASE() { mu_.unlock(); }
  void lock_shared() GOCLAW_ACQUIRE_SHARED() { mu_.lock_shared(); }
  bool try_lock_shared() GOCLAW_TRY_ACQUIRE_SHARED(true) { return mu_.try_lock_shared(); }
  void unlock_shared() GOCLAW_RELEASE_SHARED() { mu_.unlock_shared(); }

 private:
  std::shared_mutex mu_;
};

// Holds `mu` exclusively for its scope: `MutexLock lock(mu_);` (the mutex type is deduced).
// Unlock() / Lock() let a function release it early, e.g. to run callbacks outside the lock,
// and take it again; the destructor unlocks only if it is held.
template <typename M>
class GOCLAW_SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(M& mu) GOCLAW_ACQUIRE(mu) : mu_(mu) { mu_.lock(); }
  ~MutexLock() GOCLAW_RELEASE() {
    if (held_) mu_.unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() GOCLAW_RELEASE() {
    held_ = false;
    mu_.unlock();
  }
  void Lock() GOCLAW_ACQUIRE() {
    mu_.lock();
    held_ = true;
  }

 private:
  M& mu_;
  bool held_ = true;
};

template <typename M>
MutexLock(M&) -> MutexLock<M>;

// Holds a SharedMutex shared (for reading) for its scope.
class GOCLAW_SCOPED_CAPABILITY ReaderLock {
 public:
  explicit ReaderLock(SharedMutex& mu) GOCLAW_ACQUIRE_SHARED(mu) : mu_(mu) { mu_.lock_shared(); }
  ~ReaderLock() GOCLAW_RELEASE() { mu_.unlock_shared(); }
  ReaderLock(const ReaderLock&) = delete;
  ReaderLock& operator=(const ReaderLock&) = delete;

 private:
  SharedMutex& mu_;
};

// A capability with no lock behind it, for state confined to one thread (a shard's): members
// are GOCLAW_GUARDED_BY(role_), helpers GOCLAW_REQUIRES(role_), and each entry point that runs
// on that thread starts with `role_.Assume()`. The analysis then rejects any touch of that
// state from code that did not declare its thread — a callback that runs on a store or timer
// thread, say. Assume() is a declaration, not checked at run time.
class GOCLAW_CAPABILITY("thread role") ThreadRole {
 public:
  void Assume() const GOCLAW_ASSERT_CAPABILITY(this) {}
};

}  // namespace goclaw
