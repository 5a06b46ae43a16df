#include "goclaw/dag/compiler.h"

#include <gtest/gtest.h>

#include <random>

namespace goclaw::dag {
namespace {

std::shared_ptr<WorkflowSpec> MakeSpec(
    std::initializer_list<std::pair<const char*, std::vector<std::string>>> tasks) {
  auto spec = std::make_shared<WorkflowSpec>();
  spec->name = "test";
  for (const auto& [id, deps] : tasks) {
    TaskSpec t;
    t.id = id;
    t.name = id;
    t.depends_on = deps;
    spec->tasks.push_back(std::move(t));
  }
  return spec;
}

std::vector<std::string> Ids(const Plan& plan, std::span<const Plan::Index> tasks) {
  std::vector<std::string> out;
  for (auto i : tasks) out.push_back(plan.task(i).id);
  return out;
}

TEST(CompilerTest, DiamondLayersOrderAndAdjacency) {
  auto plan = Compile(MakeSpec({{"d", {"b", "c"}}, {"b", {"a"}}, {"c", {"a"}}, {"a", {}}}));
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->task_count(), 4u);
  EXPECT_EQ(plan->edge_count(), 4u);
  ASSERT_EQ(plan->layer_count(), 3u);
  EXPECT_EQ(Ids(*plan, plan->layer(0)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(Ids(*plan, plan->layer(1)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Ids(*plan, plan->layer(2)), (std::vector<std::string>{"d"}));
  EXPECT_EQ(Ids(*plan, plan->topo_order()), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(Ids(*plan, plan->upstream(0)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Ids(*plan, plan->downstream(3)), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(plan->max_layer_width(), 2u);
  EXPECT_EQ(plan->layer_of(0), 2u);
  EXPECT_EQ(*plan->Find("c"), 2u);
  EXPECT_FALSE(plan->Find("zz").has_value());
}

TEST(CompilerTest, CriticalPathFollowsEstimates) {
  auto spec = MakeSpec({{"a", {}}, {"fast", {"a"}}, {"slow", {"a"}}, {"z", {"fast", "slow"}}});
  spec->tasks[1].estimate = 1;
  spec->tasks[2].estimate = 10;
  auto plan = Compile(spec);
  ASSERT_TRUE(plan);
  EXPECT_EQ(Ids(*plan, plan->critical_path()), (std::vector<std::string>{"a", "slow", "z"}));
  EXPECT_DOUBLE_EQ(plan->critical_path_length(), 12.0);
}

TEST(CompilerTest, ReportsEveryGraphProblemWithPaths) {
  auto plan = Compile(MakeSpec({{"search", {}},
                                {"sum", {"serch", "sum", "search", "search"}},
                                {"search", {}}}));
  ASSERT_FALSE(plan);
  const auto& d = plan.error().details();
  ASSERT_EQ(d.size(), 4u) << plan.error().ToString();
  EXPECT_EQ(d[0].path, "tasks[2].id");
  EXPECT_EQ(d[0].message, "duplicate task id \"search\" (first used by tasks[0])");
  EXPECT_EQ(d[1].path, "tasks[1].depends_on[0]");
  EXPECT_EQ(d[1].message, "unknown task \"serch\"; did you mean \"search\"?");
  EXPECT_EQ(d[2].path, "tasks[1].depends_on[1]");
  EXPECT_EQ(d[2].message, "task \"sum\" depends on itself");
  EXPECT_EQ(d[3].path, "tasks[1].depends_on[3]");
  EXPECT_EQ(d[3].message, "duplicate dependency \"search\"");
}

TEST(CompilerTest, CycleIsReportedAsTheCycle) {
  auto plan = Compile(MakeSpec({{"x", {}}, {"a", {"b", "x"}}, {"b", {"c"}}, {"c", {"a"}},
                                {"after", {"c"}}}));
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().details().size(), 1u);
  const auto& d = plan.error().details()[0];
  EXPECT_EQ(d.path, "tasks[1].depends_on[0]");
  EXPECT_EQ(d.message,
            "dependency cycle: a -> b -> c -> a (3 tasks; \"a -> b\" means a depends on b; 4 "
            "tasks cannot run)");
}

TEST(CompilerTest, ReportsEachIndependentCycleOnce) {
  auto plan = Compile(MakeSpec({{"a", {"b"}}, {"b", {"a"}}, {"c", {"d"}}, {"d", {"c"}},
                                {"e", {"a", "c"}}}));
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().details().size(), 2u);
  EXPECT_NE(plan.error().details()[0].message.find("a -> b -> a"), std::string::npos);
  EXPECT_NE(plan.error().details()[1].message.find("c -> d -> c"), std::string::npos);
}

TEST(CompilerTest, MillionTaskCycleDoesNotOverflowTheStack) {
  constexpr int kN = 1000000;
  auto spec = std::make_shared<WorkflowSpec>();
  spec->tasks.resize(kN);
  for (int i = 0; i < kN; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    spec->tasks[i].depends_on.push_back("t" + std::to_string((i + 1) % kN));
  }
  auto plan = Compile(spec);
  ASSERT_FALSE(plan);
  ASSERT_EQ(plan.error().details().size(), 1u);
  const std::string& msg = plan.error().details()[0].message;
  EXPECT_EQ(msg.rfind("dependency cycle: t0 -> t1 -> ", 0), 0u) << msg;
  EXPECT_NE(msg.find("(999985 more tasks)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("t999999 -> t0 (1000000 tasks;"), std::string::npos) << msg;
}

TEST(CompilerTest, MillionTaskChainCompiles) {
  constexpr int kN = 1000000;
  auto spec = std::make_shared<WorkflowSpec>();
  spec->tasks.resize(kN);
  for (int i = 0; i < kN; ++i) {
    spec->tasks[i].id = "t" + std::to_string(i);
    if (i > 0) spec->tasks[i].depends_on.push_back("t" + std::to_string(i - 1));
  }
  auto plan = Compile(spec);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->layer_count(), static_cast<std::size_t>(kN));
  EXPECT_EQ(plan->critical_path().size(), static_cast<std::size_t>(kN));
  EXPECT_LE(plan->MemoryBytes(), 64u * kN + 8u * plan->edge_count());
}

// Property test: on random DAGs every edge goes from an earlier to a later layer, the topo
// order is a permutation, and layers are minimal (each task sits one past its deepest dep).
TEST(CompilerTest, RandomDagsAreLayeredCorrectly) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 20; ++round) {
    int n = 1 + static_cast<int>(rng() % 300);
    auto spec = std::make_shared<WorkflowSpec>();
    spec->tasks.resize(n);
    std::vector<int> perm(n);
    for (int i = 0; i < n; ++i) perm[i] = i;
    std::shuffle(perm.begin(), perm.end(), rng);  // spec order != dependency order
    for (int k = 0; k < n; ++k) spec->tasks[perm[k]].id = "n" + std::to_string(k);
    for (int k = 1; k < n; ++k) {
      int deps = static_cast<int>(rng() % 4);
      std::vector<int> chosen;
      for (int d = 0; d < deps; ++d) {
        int j = static_cast<int>(rng() % k);
        if (std::find(chosen.begin(), chosen.end(), j) != chosen.end()) continue;
        chosen.push_back(j);
        spec->tasks[perm[k]].depends_on.push_back("n" + std::to_string(j));
      }
    }
    auto plan = Compile(spec);
    ASSERT_TRUE(plan) << plan.error().ToString();
    std::vector<int> seen(n, 0);
    for (auto i : plan->topo_order()) ++seen[i];
    for (int i = 0; i < n; ++i) ASSERT_EQ(seen[i], 1);
    for (Plan::Index i = 0; i < static_cast<Plan::Index>(n); ++i) {
      Plan::Index expected = 0;
      for (auto dep : plan->upstream(i)) {
        ASSERT_LT(plan->layer_of(dep), plan->layer_of(i));
        expected = std::max(expected, plan->layer_of(dep) + 1);
        auto down = plan->downstream(dep);
        ASSERT_NE(std::find(down.begin(), down.end(), i), down.end());
      }
      ASSERT_EQ(plan->layer_of(i), expected);
    }
  }
}

TEST(CompilerTest, DeterministicAcrossRuns) {
  auto a = Compile(MakeSpec({{"c", {}}, {"b", {}}, {"a", {"b", "c"}}}));
  auto b = Compile(MakeSpec({{"c", {}}, {"b", {}}, {"a", {"b", "c"}}}));
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(std::equal(a->topo_order().begin(), a->topo_order().end(),
                         b->topo_order().begin(), b->topo_order().end()));
  EXPECT_EQ(Ids(*a, a->topo_order()), (std::vector<std::string>{"c", "b", "a"}));
}

}  // namespace
}  // namespace goclaw::dag
