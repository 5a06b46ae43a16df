#include "goclaw/core/hash.h"

#include <array>
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

namespace goclaw {
namespace {

// The published FNV-1a 64 test vectors.
static_assert(Fnv1a64("") == 0xcbf29ce484222325ull);
static_assert(Fnv1a64("a") == 0xaf63dc4c8601ec8cull);
static_assert(Fnv1a64("foobar") == 0x85944171f73967e8ull);
static_assert(Mix64(0) == 0);

TEST(HashTest, Fnv1aMatchesPublishedVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ull);
  // Bytes, not chars: a byte above 0x7f hashes the same whether char is signed or not.
  EXPECT_EQ(Fnv1a64("\xff"), (0xcbf29ce484222325ull ^ 0xffull) * 0x100000001b3ull);
}

// Pinned: these values decide which shard a workflow runs on. A change here moves every
// workflow to another shard; do it on purpose or not at all.
TEST(HashTest, StableHashValuesArePinned) {
  EXPECT_EQ(StableHash64(""), 0xefd01f60ba992926ull);
  EXPECT_EQ(StableHash64("a"), 0x82a2a958a9bece5bull);
  EXPECT_EQ(StableHash64("foobar"), 0x2c22194922d1672bull);
  const std::string id = "wf-0190f1e2-7c4a-7b3e-9f00-0123456789ab";
  EXPECT_EQ(StableHash64(id), 0xf4e109fc9b9d283full);
  EXPECT_EQ(StableHash64(id) % 4, 3u);  // the engine's shard with 4 shards
  EXPECT_EQ(StableHash64(id) % 8, 7u);  // and with 8
}

// Workflow ids share a long prefix (UUIDv7: the time comes first) and differ in a few
// trailing characters; they must still spread evenly over the shards.
TEST(HashTest, SpreadsIdsThatDifferOnlyAtTheEndEvenly) {
  constexpr std::size_t kIds = 8192;
  constexpr std::size_t kShards = 8;
  std::array<std::size_t, kShards> count{};
  for (std::size_t i = 0; i < kIds; ++i) {
    char id[64];
    std::snprintf(id, sizeof id, "wf-0190f1e2-7c4a-7b3e-9f00-%012zx", i);
    ++count[StableHash64(id) % kShards];
  }
  for (std::size_t s = 0; s < kShards; ++s) {
    // Expected 1024 each (binomial sd 30); allow 10 sd either way.
    EXPECT_GT(count[s], 724u) << "shard " << s;
    EXPECT_LT(count[s], 1324u) << "shard " << s;
  }
}

}  // namespace
}  // namespace goclaw
