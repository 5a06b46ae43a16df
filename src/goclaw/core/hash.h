// Stable hashes: the same value for the same bytes on every platform, compiler, standard
// library and run. std::hash promises none of that (its values are the library's choice and
// may change with it), so anything that places a key by its hash and should place it the same
// way tomorrow — the engine's shard for a workflow id — uses these instead.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace goclaw {

// FNV-1a, 64-bit: offset basis 0xcbf29ce484222325, prime 0x100000001b3, over the bytes of
// `data` (http://www.isthe.com/chongo/tech/comp/fnv/). Fast on short keys; its low bits depend
// only on the low bits of the input bytes, so reduce StableHash64 rather than this.
constexpr std::uint64_t Fnv1a64(std::string_view data) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// The 64-bit finalizer of MurmurHash3 (fmix64): a bijection in which every input bit affects
// every output bit.
constexpr std::uint64_t Mix64(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

// Mix64(Fnv1a64(data)): what to reduce modulo a small count, e.g. a shard index.
// Its values are pinned by hash_test.cc: changing them moves every workflow to another shard.
constexpr std::uint64_t StableHash64(std::string_view data) { return Mix64(Fnv1a64(data)); }

}  // namespace goclaw
