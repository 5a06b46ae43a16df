// Clang thread-safety annotations (https://clang.llvm.org/docs/ThreadSafetyAnalysis.html).
//
// They state which mutex guards a member and which locks a function needs, takes or must not
// hold; `scripts/thread_safety_check.sh` (`make thread-safety`, run by CI) compiles the
// libraries with clang's -Wthread-safety as errors. Under GCC they expand to nothing.
//
// Use them with the annotated mutexes of core/mutex.h (std::mutex and std::lock_guard carry no
// annotations in libstdc++, so the analysis cannot see them):
//
//   Mutex mu_;
//   int count_ GOCLAW_GUARDED_BY(mu_);
//   void BumpLocked() GOCLAW_REQUIRES(mu_);
//
// Thread-safety: macros only.
#pragma once

#if defined(__clang__)
#define GOCLAW_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define GOCLAW_THREAD_ANNOTATION_(x)
#endif

// On a class: it is a capability (a mutex, or a role such as "the shard thread").
#define GOCLAW_CAPABILITY(name) GOCLAW_THREAD_ANNOTATION_(capability(name))
// On a class: an RAII object that holds a capability for its lifetime.
#define GOCLAW_SCOPED_CAPABILITY GOCLAW_THREAD_ANNOTATION_(scoped_lockable)

// On a member: read and written only with `x` held (reads: held at least shared).
#define GOCLAW_GUARDED_BY(x) GOCLAW_THREAD_ANNOTATION_(guarded_by(x))
// On a pointer member: what it points to is guarded by `x` (the pointer itself is not).
#define GOCLAW_PT_GUARDED_BY(x) GOCLAW_THREAD_ANNOTATION_(pt_guarded_by(x))

// On a mutex member: the lock order (this one is taken before / after the named ones).
#define GOCLAW_ACQUIRED_BEFORE(...) GOCLAW_THREAD_ANNOTATION_(acquired_before(__VA_ARGS__))
#define GOCLAW_ACQUIRED_AFTER(...) GOCLAW_THREAD_ANNOTATION_(acquired_after(__VA_ARGS__))

// On a function: the caller must hold these (exclusively / at least shared).
#define GOCLAW_REQUIRES(...) GOCLAW_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
#define GOCLAW_REQUIRES_SHARED(...) \
  GOCLAW_THREAD_ANNOTATION_(requires_shared_capability(__VA_ARGS__))

// On a function: it takes / gives back these (with no arguments: `this`).
#define GOCLAW_ACQUIRE(...) GOCLAW_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
#define GOCLAW_ACQUIRE_SHARED(...) \
  GOCLAW_THREAD_ANNOTATION_(acquire_shared_capability(__VA_ARGS__))
#define GOCLAW_RELEASE(...) GOCLAW_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
#define GOCLAW_RELEASE_SHARED(...) \
  GOCLAW_THREAD_ANNOTATION_(release_shared_capability(__VA_ARGS__))
#define GOCLAW_RELEASE_GENERIC(...) \
  GOCLAW_THREAD_ANNOTATION_(release_generic_capability(__VA_ARGS__))
// On a function: takes the capability when it returns `result` (try-lock).
#define GOCLAW_TRY_ACQUIRE(...) GOCLAW_THREAD_ANNOTATION_(try_acquire_capability(__VA_ARGS__))
#define GOCLAW_TRY_ACQUIRE_SHARED(...) \
  GOCLAW_THREAD_ANNOTATION_(try_acquire_shared_capability(__VA_ARGS__))

// On a function: the caller must not hold these (the function takes them itself).
#define GOCLAW_EXCLUDES(...) GOCLAW_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))

// On a function: after it returns, the capability is known to be held (a runtime assertion,
// or a declaration that the code runs in a role such as "on the shard thread").
#define GOCLAW_ASSERT_CAPABILITY(x) GOCLAW_THREAD_ANNOTATION_(assert_capability(x))
#define GOCLAW_ASSERT_SHARED_CAPABILITY(x) GOCLAW_THREAD_ANNOTATION_(assert_shared_capability(x))

// On a function: it returns a reference to this capability.
#define GOCLAW_RETURN_CAPABILITY(x) GOCLAW_THREAD_ANNOTATION_(lock_returned(x))

// On a function: not analysed. Say why next to it; prefer restructuring the code.
#define GOCLAW_NO_THREAD_SAFETY_ANALYSIS GOCLAW_THREAD_ANNOTATION_(no_thread_safety_analysis)
