// The executor registry: names, aliases, availability, and config checks as a dag catalog.
#include "goclaw/exec/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/core/document.h"
#include "goclaw/exec/builtin_executor.h"

namespace goclaw::exec {
namespace {

class NamedExecutor final : public Executor {
 public:
  explicit NamedExecutor(std::optional<std::string> unavailable = std::nullopt, int* shutdowns = nullptr)
      : unavailable_(std::move(unavailable)), shutdowns_(shutdowns) {}
  void Start(Attempt, AttemptDone done) override { done(AttemptResult::Ok(nullptr)); }
  std::optional<std::string> Unavailable() const override { return unavailable_; }
  void Shutdown() override {
    if (shutdowns_ != nullptr) ++*shutdowns_;
  }

 private:
  std::optional<std::string> unavailable_;
  int* shutdowns_;
};

TEST(ExecutorRegistryTest, FindsByNameAndAlias) {
  ExecutorRegistry registry;
  ASSERT_TRUE(registry.Register("exec", std::make_unique<NamedExecutor>(), {"script"}));
  EXPECT_NE(registry.Find("exec"), nullptr);
  EXPECT_EQ(registry.Find("script"), registry.Find("exec"));
  EXPECT_EQ(registry.Find("nope"), nullptr);
  EXPECT_EQ(registry.Canonical("script"), "exec");
  EXPECT_FALSE(registry.Canonical("nope"));
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"exec", "script"}));
  EXPECT_EQ(registry.Types(), (std::vector<std::string>{"exec"}));
}

TEST(ExecutorRegistryTest, RefusesBadAndTakenNames) {
  ExecutorRegistry registry;
  ASSERT_TRUE(registry.Register("a", std::make_unique<NamedExecutor>(), {"b"}));
  EXPECT_EQ(registry.Register("b", std::make_unique<NamedExecutor>()).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(registry.Register("c", std::make_unique<NamedExecutor>(), {"a"}).error().code(), ErrorCode::kAlreadyExists);
  EXPECT_EQ(registry.Register("Bad Name", std::make_unique<NamedExecutor>()).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(registry.Register("d", nullptr).error().code(), ErrorCode::kInvalidArgument);
}

TEST(ExecutorRegistryTest, SaysWhyATypeCannotRun) {
  ExecutorRegistry registry;
  ASSERT_TRUE(registry.Register("on", std::make_unique<NamedExecutor>()));
  ASSERT_TRUE(registry.Register("off", std::make_unique<NamedExecutor>("disabled in config")));
  ASSERT_TRUE(registry.RegisterType("checked", nullptr));
  EXPECT_FALSE(registry.Unavailable("on"));
  EXPECT_EQ(registry.Unavailable("off"), "disabled in config");
  EXPECT_THAT(*registry.Unavailable("checked"), ::testing::HasSubstr("not run by this program"));
  EXPECT_THAT(*registry.Unavailable("gone"), ::testing::HasSubstr("no executor for type \"gone\" here (this engine runs on, off)"));
}

TEST(ExecutorRegistryTest, ChecksConfigsThroughTheExecutorOrTheValidationCheck) {
  ExecutorRegistry registry;
  ASSERT_TRUE(registry.RegisterType("builtin", [](const boost::json::object& c, const std::string& path, Diagnostics& d) {
    CheckBuiltinConfig(c, path, d);
  }));
  Diagnostics diag;
  registry.CheckConfig("builtin", boost::json::object{{"op", "fail"}, {"times", -1}}, "tasks[0].config", diag);
  registry.CheckConfig("builtin", boost::json::object{{"op", 3}}, "tasks[1].config", diag);
  registry.CheckConfig("builtin", boost::json::object{{"op", "fail"}, {"times", "{{input.n}}"}}, "tasks[2].config", diag);
  registry.CheckConfig("unknown", boost::json::object{{"op", 3}}, "tasks[3].config", diag);
  ASSERT_EQ(diag.details().size(), 2u);
  EXPECT_EQ(diag.details()[0].path, "tasks[0].config.times");
  EXPECT_EQ(diag.details()[1].path, "tasks[1].config.op");
}

// Regression (issue 12): `fail.times` garbage was accepted and could never run as meant.
TEST(ExecutorRegistryTest, BuiltinRefusesBadFailSettings) {
  Diagnostics diag;
  const std::string times =
      "expected how many attempts fail, a whole number from 0 (leave it out to fail every attempt), got ";
  CheckBuiltinConfig(boost::json::object{{"op", "fail"}, {"times", "twice"}}, "c", diag);
  CheckBuiltinConfig(boost::json::object{{"op", "fail"}, {"times", 1.5}, {"message", 7}}, "d", diag);
  CheckBuiltinConfig(boost::json::object{{"op", "fail"}, {"times", 2}, {"message", "boom"}}, "e", diag);
  CheckBuiltinConfig(boost::json::object{{"op", "slep"}}, "f", diag);
  std::vector<std::string> got;
  for (const auto& d : diag.details()) got.push_back(d.path + ": " + d.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "c.times: " + times + "string \"twice\"",
                     "d.times: " + times + "number 1.5",
                     "d.message: expected a string, got number 7",
                     "f.op: unknown builtin op \"slep\"; accepted: noop, echo, sleep, fail, wait_signal, collect; did you mean \"sleep\"?",
                 }));
}

TEST(ExecutorRegistryTest, ShutdownReachesEveryExecutorOnce) {
  int shutdowns = 0;
  {
    ExecutorRegistry registry;
    ASSERT_TRUE(registry.Register("a", std::make_unique<NamedExecutor>(std::nullopt, &shutdowns)));
    ASSERT_TRUE(registry.Register("b", std::make_unique<NamedExecutor>(std::nullopt, &shutdowns)));
    registry.Shutdown();
    EXPECT_EQ(shutdowns, 2);
  }  // the destructor does not shut down twice
  EXPECT_EQ(shutdowns, 2);
}

}  // namespace
}  // namespace goclaw::exec
