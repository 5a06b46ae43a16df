#include "goclaw/lane/multi_acquire.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <random>
#include <thread>

#include "goclaw/lane/lane_test_util.h"

namespace goclaw::lane {
namespace {

using testing::Env;
using testing::Options;
using ::testing::HasSubstr;

struct SetRecorder {
  std::vector<PermitSet> held;
  ~SetRecorder() {
    while (!held.empty()) ReleaseFirst();
  }
  // Releasing may complete another acquisition that records here: take it out first.
  void ReleaseFirst() {
    PermitSet first = std::move(held.front());
    held.erase(held.begin());
    first.Release();
  }
  std::vector<std::string> errors;
  AcquireAllCallback Callback() {
    return [this](Result<PermitSet> r) {
      if (r) {
        held.push_back(std::move(*r));
      } else {
        errors.push_back(std::string(ErrorCodeName(r.error().code())) + ": " +
                         r.error().message());
      }
    };
  }
};

TEST(MultiAcquireTest, AllOrNothing) {
  Env env;
  auto global = env.Make(Options("global", 10, 10), 0);
  auto provider = env.Make(Options("provider", 1, 0, config::OnFull::kDrop), 1);
  SetRecorder rec;
  AcquireAll({{{provider, ""}}}, {}, rec.Callback());
  ASSERT_EQ(rec.held.size(), 1u);
  AcquireAll({{{global, ""}}, {{provider, ""}}}, {}, rec.Callback());
  ASSERT_EQ(rec.errors.size(), 1u);
  EXPECT_THAT(rec.errors[0], HasSubstr("RESOURCE_EXHAUSTED: lane \"provider\": lane \"provider\" is full"));
  EXPECT_EQ(global->Stats().running, 0);  // released after the provider refused
  EXPECT_EQ(global->Stats().admitted, 1u);
}

TEST(MultiAcquireTest, WaitsInOrderAndCompletesWhenAllAreFree) {
  Env env;
  auto a = env.Make(Options("a", 1, 10), 0);
  auto b = env.Make(Options("b", 1, 10), 1);
  SetRecorder rec;
  AcquireAll({{{b, ""}}}, {}, rec.Callback());  // hold b
  AcquireAll({{{b, ""}}, {{a, ""}}}, {}, rec.Callback());  // takes a, waits for b
  EXPECT_EQ(rec.held.size(), 1u);
  EXPECT_EQ(a->Stats().running, 1);
  EXPECT_EQ(b->Stats().waiting, 1);
  rec.ReleaseFirst();  // release b
  ASSERT_EQ(rec.held.size(), 1u);
  EXPECT_EQ(rec.held[0].size(), 2u);
  rec.ReleaseFirst();
  EXPECT_EQ(a->Stats().running, 0);
  EXPECT_EQ(b->Stats().running, 0);
}

TEST(MultiAcquireTest, CancelReleasesWhatWasTaken) {
  Env env;
  auto a = env.Make(Options("a", 1, 10), 0);
  auto b = env.Make(Options("b", 1, 10), 1);
  SetRecorder rec;
  AcquireAll({{{b, ""}}}, {}, rec.Callback());
  auto pending = AcquireAll({{{a, ""}}, {{b, ""}}}, {}, rec.Callback());
  EXPECT_EQ(a->Stats().running, 1);
  pending->Cancel();
  ASSERT_EQ(rec.errors.size(), 1u);
  EXPECT_THAT(rec.errors[0], HasSubstr("CANCELLED"));
  EXPECT_EQ(a->Stats().running, 0);
  EXPECT_EQ(b->Stats().waiting, 0);
  pending->Cancel();  // idempotent
  EXPECT_EQ(rec.errors.size(), 1u);
}

TEST(MultiAcquireTest, DuplicateClaimsMerge) {
  Env env;
  auto a = env.Make(Options("a", 1, 10), 0);
  SetRecorder rec;
  AcquireAll({{{a, ""}, 1}, {{a, ""}, 2}}, {}, rec.Callback());
  ASSERT_EQ(rec.held.size(), 1u);
  EXPECT_EQ(rec.held[0].size(), 1u);
}

// Many threads acquire random sets of lanes in random orders while a pool of releasers frees
// them. With ordered acquisition this always finishes (no deadlock), no lane ever runs more
// than its cap, and every counter returns to zero.
TEST(MultiAcquireStressTest, NoDeadlockAndExactAccounting) {
  ThreadTimerQueue timers;
  SystemClock clock;
  constexpr int kLanes = 6;
  std::vector<std::shared_ptr<LaneGroup>> lanes;
  std::vector<std::atomic<int>> in_use(kLanes);
  for (int i = 0; i < kLanes; ++i) {
    lanes.push_back(LaneGroup::Create(Options("l" + std::to_string(i), 1 + i % 2, 100000),
                                      clock, timers, static_cast<std::uint32_t>(i)));
  }
  auto sessions = LaneGroup::Create(Options("s:*", 1, 100000), clock, timers, kLanes);

  std::mutex mu;
  std::condition_variable_any cv;
  std::deque<std::pair<std::vector<int>, PermitSet>> to_release;
  int completed = 0;
  bool over_cap = false;
  constexpr int kThreads = 4, kPerThread = 1500;

  auto releaser = [&](std::stop_token stop) {
    while (true) {
      std::pair<std::vector<int>, PermitSet> item;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, stop, [&] { return !to_release.empty(); });
        if (to_release.empty()) return;
        item = std::move(to_release.front());
        to_release.pop_front();
      }
      for (int l : item.first) in_use[l].fetch_sub(1);
      item.second.Release();
      std::lock_guard lock(mu);
      ++completed;
      cv.notify_all();
    }
  };
  std::vector<std::jthread> releasers;
  for (int i = 0; i < 2; ++i) releasers.emplace_back(releaser);

  std::vector<std::jthread> submitters;
  for (int t = 0; t < kThreads; ++t) {
    submitters.emplace_back([&, t] {
      std::mt19937 rng(t * 7919 + 1);
      for (int n = 0; n < kPerThread; ++n) {
        std::vector<int> chosen;
        std::vector<LaneClaim> claims;
        int count = 1 + static_cast<int>(rng() % 3);
        for (int c = 0; c < count; ++c) {
          int l = static_cast<int>(rng() % kLanes);
          if (std::find(chosen.begin(), chosen.end(), l) != chosen.end()) continue;
          chosen.push_back(l);
          claims.push_back({{lanes[l], ""}, 1});
        }
        claims.push_back({{sessions, "user" + std::to_string(rng() % 20)}, 1});
        std::shuffle(claims.begin(), claims.end(), rng);
        AcquireAll(std::move(claims), {.priority = static_cast<std::int64_t>(rng() % 3)},
                   [&, chosen](Result<PermitSet> r) {
                     ASSERT_TRUE(r) << r.error().ToString();
                     for (int l : chosen) {
                       if (in_use[l].fetch_add(1) + 1 > 1 + l % 2) over_cap = true;
                     }
                     std::lock_guard lock(mu);
                     to_release.emplace_back(chosen, std::move(*r));
                     cv.notify_all();
                   });
      }
    });
  }
  submitters.clear();  // join
  {
    std::unique_lock lock(mu);
    bool done = cv.wait_for(lock, std::chrono::seconds(60),
                            [&] { return completed == kThreads * kPerThread; });
    ASSERT_TRUE(done) << "deadlock: only " << completed << " of " << kThreads * kPerThread
                      << " acquisitions completed";
  }
  releasers.clear();
  EXPECT_FALSE(over_cap);
  for (auto& lane : lanes) {
    LaneStats s = lane->Stats();
    EXPECT_EQ(s.running, 0) << s.name;
    EXPECT_EQ(s.waiting, 0) << s.name;
    EXPECT_EQ(s.accepted, s.admitted) << s.name;
  }
  EXPECT_EQ(sessions->Stats().admitted, static_cast<std::uint64_t>(kThreads * kPerThread));
  EXPECT_EQ(sessions->key_count(), 0u);
}

}  // namespace
}  // namespace goclaw::lane
