// A move-only, type-erased callable — what std::move_only_function (C++23) offers — with
// small-buffer storage: callables up to kInlineSize bytes (a lambda capturing a few pointers)
// are stored inline and cost no allocation. Used for callbacks that hold move-only state
// (permits, promises).
//
// Thread-safety: like any value; calling a UniqueFunction concurrently is the callable's business.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

#include "goclaw/core/check.h"

namespace goclaw {

template <typename Signature>
class UniqueFunction;

template <typename R, typename... Args>
class UniqueFunction<R(Args...)> {
 public:
  static constexpr std::size_t kInlineSize = 48;

  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) {}  // NOLINT: implicit like std::function

  template <typename F, typename = std::enable_if_t<
                            !std::is_same_v<std::decay_t<F>, UniqueFunction> &&
                            std::is_invocable_r_v<R, std::decay_t<F>&, Args...>>>
  UniqueFunction(F&& f) {  // NOLINT: implicit like std::function
    using Fn = std::decay_t<F>;
    if constexpr (sizeof(Fn) <= kInlineSize && alignof(Fn) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<Fn>) {
      ::new (static_cast<void*>(storage_)) Fn(std::forward<F>(f));
      ops_ = &InlineOps<Fn>::kOps;
    } else {
      *reinterpret_cast<Fn**>(storage_) = new Fn(std::forward<F>(f));
      ops_ = &HeapOps<Fn>::kOps;
    }
  }

  UniqueFunction(UniqueFunction&& other) noexcept { MoveFrom(other); }
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  R operator()(Args... args) {
    GOCLAW_DCHECK(ops_ != nullptr);
    return ops_->call(storage_, std::forward<Args>(args)...);
  }

 private:
  struct Ops {
    R (*call)(void*, Args&&...);
    void (*move)(void* from, void* to);  // move-constructs into `to` and destroys `from`
    void (*destroy)(void*);
  };

  template <typename Fn>
  struct InlineOps {
    static R Call(void* s, Args&&... args) {
      return (*static_cast<Fn*>(s))(std::forward<Args>(args)...);
    }
    static void Move(void* from, void* to) {
      ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
      static_cast<Fn*>(from)->~Fn();
    }
    static void Destroy(void* s) { static_cast<Fn*>(s)->~Fn(); }
    static constexpr Ops kOps{&Call, &Move, &Destroy};
  };

  template <typename Fn>
  struct HeapOps {
    static R Call(void* s, Args&&... args) {
      return (**static_cast<Fn**>(s))(std::forward<Args>(args)...);
    }
    static void Move(void* from, void* to) {
      *static_cast<Fn**>(to) = *static_cast<Fn**>(from);
    }
    static void Destroy(void* s) { delete *static_cast<Fn**>(s); }
    static constexpr Ops kOps{&Call, &Move, &Destroy};
  };

  void MoveFrom(UniqueFunction& other) {
    ops_ = other.ops_;
    if (ops_ != nullptr) {
      ops_->move(other.storage_, storage_);
      other.ops_ = nullptr;
    }
  }

  void Reset() {
    if (ops_ != nullptr) {
      ops_->destroy(storage_);
      ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) unsigned char storage_[kInlineSize];
  const Ops* ops_ = nullptr;
};

}  // namespace goclaw
