#include "goclaw/config/sessions_schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "goclaw/config/loader.h"
#include "goclaw/config/schema.h"

namespace goclaw::config {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Problems(std::string_view json, Config* out = nullptr) {
  Config config;
  Diagnostics diag;
  DecodeConfig(boost::json::parse(json), &config, diag);
  if (diag.empty()) ValidateConfig(&config, diag);
  if (out) *out = config;
  std::vector<std::string> got;
  for (const auto& d : diag.details()) got.push_back(d.path + ": " + d.message);
  return got;
}

TEST(SessionsConfigTest, Defaults) {
  Config c;
  EXPECT_TRUE(c.sessions.empty());
  EXPECT_EQ(c.signals.pending_ttl, std::chrono::minutes(10));
  EXPECT_EQ(c.signals.max_payload_bytes, 65536);
  EXPECT_EQ(c.signals.interrupt_grace, std::chrono::seconds(10));
  EXPECT_EQ(c.signals.max_per_workflow, 10000);
  SessionKindConfig kind;
  EXPECT_EQ(kind.queue_mode, QueueMode::kFollowup);
  EXPECT_EQ(kind.drop, DropPolicy::kOldest);
  EXPECT_EQ(kind.cap, 20);
  EXPECT_EQ(kind.debounce, Millis(0));
}

TEST(SessionsConfigTest, DecodesSignalsAndSessions) {
  Config c;
  auto problems = Problems(R"({
    "signals": {"pending_ttl": "2m", "max_payload_bytes": 1024, "interrupt_grace": 3,
                "max_per_workflow": 50},
    "sessions": [
      {"match": "chat:*", "workflow": "flows/chat.yaml"},
      {"match": "support:vip:*", "workflow": {"name": "vip", "tasks": [{"id": "a", "type": "noop"}]},
       "queue_mode": "collect", "cap": 5, "drop": "summarize", "debounce": "1500ms",
       "summarize": {"type": "function", "config": {"name": "merge"}}},
      {"match": "ops:pager", "workflow": "p.yaml", "queue_mode": "interrupt", "drop": "newest"},
      {"match": "*", "workflow": "any.yaml", "queue_mode": "steer"}
    ]})", &c);
  ASSERT_TRUE(problems.empty()) << problems[0];
  EXPECT_EQ(c.signals.pending_ttl, std::chrono::minutes(2));
  EXPECT_EQ(c.signals.max_payload_bytes, 1024);
  EXPECT_EQ(c.signals.interrupt_grace, std::chrono::seconds(3));
  EXPECT_EQ(c.signals.max_per_workflow, 50);
  ASSERT_EQ(c.sessions.size(), 4u);
  EXPECT_EQ(c.sessions[0].match, "chat:*");
  EXPECT_EQ(c.sessions[0].workflow, boost::json::value("flows/chat.yaml"));
  EXPECT_EQ(c.sessions[0].queue_mode, QueueMode::kFollowup);
  EXPECT_TRUE(c.sessions[0].summarize.is_null());
  const SessionKindConfig& vip = c.sessions[1];
  EXPECT_EQ(vip.queue_mode, QueueMode::kCollect);
  EXPECT_EQ(vip.cap, 5);
  EXPECT_EQ(vip.drop, DropPolicy::kSummarize);
  EXPECT_EQ(vip.debounce, Millis(1500));
  ASSERT_TRUE(vip.workflow.is_object());
  EXPECT_EQ(vip.workflow.at("name"), "vip");
  EXPECT_EQ(vip.summarize.at("type"), "function");
  EXPECT_EQ(vip.summarize.at("config").at("name"), "merge");
  EXPECT_EQ(c.sessions[2].queue_mode, QueueMode::kInterrupt);
  EXPECT_EQ(c.sessions[2].drop, DropPolicy::kNewest);
  EXPECT_EQ(c.sessions[3].queue_mode, QueueMode::kSteer);
}

TEST(SessionsConfigTest, ReportsEveryProblemWithItsPath) {
  auto problems = Problems(R"({
    "signals": {"pending_ttl": "0s", "max_payload_bytes": 0, "max_per_wrkflow": 3},
    "sessions": [
      {"match": "chat:*", "workflow": "", "queue_mode": "folowup", "cap": 0, "drop": "random"},
      {"match": "a*b", "workflow": 7, "debounce": "soon", "capp": 1},
      {"workflow": "x.yaml"},
      {"match": "a b*", "workflow": "x.yaml", "drop": "summarize"},
      {"match": "", "workflow": "x.yaml", "summarize": {"type": "function"}},
      {"match": "s:*", "workflow": "x.yaml", "drop": "summarize", "summarize": {"config": {}}},
      "chat:*"
    ]})");
  std::vector<std::string> want = {
      "signals.pending_ttl: must be at least 1s (a signal must live long enough to be delivered)",
      "signals.max_payload_bytes: expected an integer from 1 to 67108864, got number 0",
      "signals.max_per_wrkflow: unknown key; did you mean signals.max_per_workflow?",
      "sessions[0].workflow: expected the path of a workflow spec file (a string) or an inline "
      "workflow spec (an object with tasks), got string \"\"",
      "sessions[0].queue_mode: unknown value \"folowup\"; accepted: steer, followup, collect, "
      "interrupt; did you mean \"followup\"?",
      "sessions[0].cap: expected an integer from 1 to 100000, got number 0",
      "sessions[0].drop: unknown value \"random\"; accepted: oldest, newest, summarize",
      "sessions[1].match: '*' may only end a pattern (a session key such as \"chat:alice\" or a "
      "prefix followed by '*' such as \"chat:*\"), got \"a*b\"",
      "sessions[1].workflow: expected the path of a workflow spec file (a string) or an inline "
      "workflow spec (an object with tasks), got number 7",
      "sessions[1].debounce: invalid duration \"soon\"",
      "sessions[1].capp: unknown key; did you mean sessions[1].cap?",
      "sessions[2].match: is required",
      "sessions[3].match: invalid pattern \"a b*\": a space can never be in a session key; use 1 "
      "to 256 letters, digits, ':', '_', '-', '.', '@' or '/'",
      "sessions[3].summarize: is required when drop is summarize (the task that merges the waiting "
      "inputs, such as {type: function, config: {name: merge_inputs}})",
      "sessions[4].match: must not be empty; use a session key such as \"chat:alice\" or a prefix "
      "followed by '*' such as \"chat:*\"",
      "sessions[4].summarize: is only used when drop is summarize (drop is oldest)",
      "sessions[5].summarize: expected a task with a type, such as {type: function, config: {name: "
      "merge_inputs}}, got an object without a type",
      "sessions[6]: expected a session kind to be an object (a mapping of keys to values), got "
      "string \"chat:*\"",
  };
  ASSERT_EQ(problems.size(), want.size()) << ::testing::PrintToString(problems);
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "sessions[1].debounce: invalid duration \"soon\"") {
      EXPECT_THAT(problems[i], ::testing::StartsWith("sessions[1].debounce: ")) << i;
      continue;
    }
    EXPECT_EQ(problems[i], want[i]) << i;
  }
}

TEST(SessionsConfigTest, SessionsMustBeAList) {
  EXPECT_THAT(Problems(R"({"sessions": {"match": "chat:*"}})"),
              ElementsAre("sessions: expected a list of session kinds such as [{match: \"chat:*\", "
                          "workflow: chat.yaml}], got object"));
}

TEST(SessionsConfigTest, DuplicatePatternsAreRefused) {
  EXPECT_THAT(Problems(R"({"sessions": [{"match": "chat:*", "workflow": "a.yaml"},
                                        {"match": "chat:alice", "workflow": "b.yaml"},
                                        {"match": "chat:*", "workflow": "c.yaml"}]})"),
              ElementsAre("sessions[2].match: duplicate pattern \"chat:*\" (first used by sessions[0])"));
}

TEST(SessionsConfigTest, KeysAndPatterns) {
  EXPECT_TRUE(IsValidSessionKey("chat:alice"));
  EXPECT_TRUE(IsValidSessionKey("mail/bob@example.com_2.x-y"));
  EXPECT_TRUE(IsValidSessionKey(std::string(256, 'k')));
  EXPECT_FALSE(IsValidSessionKey(""));
  EXPECT_FALSE(IsValidSessionKey(std::string(257, 'k')));
  EXPECT_FALSE(IsValidSessionKey("chat alice"));
  EXPECT_FALSE(IsValidSessionKey("chat:*"));
  EXPECT_FALSE(IsValidSessionKey(std::string("a\0b", 3)));
  EXPECT_FALSE(IsValidSessionKey("caf\xc3\xa9"));
  EXPECT_EQ(SessionPatternProblem("chat:*"), "");
  EXPECT_EQ(SessionPatternProblem("*"), "");
  EXPECT_EQ(SessionPatternProblem("chat:alice"), "");
  EXPECT_NE(SessionPatternProblem("**"), "");
  EXPECT_NE(SessionPatternProblem("*chat"), "");
  EXPECT_NE(SessionPatternProblem(std::string(257, 'k') + "*"), "");
}

TEST(SessionsConfigTest, EncodeRoundTrips) {
  Config c;
  c.signals.pending_ttl = std::chrono::minutes(3);
  c.signals.max_per_workflow = 7;
  SessionKindConfig chat;
  chat.match = "chat:*";
  chat.workflow = boost::json::parse(R"({"name": "chat", "tasks": [{"id": "t", "type": "noop"}]})");
  chat.queue_mode = QueueMode::kCollect;
  chat.cap = 3;
  chat.drop = DropPolicy::kSummarize;
  chat.debounce = Millis(2500);
  chat.summarize = boost::json::parse(R"({"type": "http", "config": {"url": "http://x"}})");
  SessionKindConfig pager;
  pager.match = "pager";
  pager.workflow = "pager.yaml";
  pager.queue_mode = QueueMode::kInterrupt;
  c.sessions = {chat, pager};
  boost::json::value encoded = EncodeConfig(c);
  EXPECT_EQ(encoded.at("sessions").at(0).at("queue_mode"), "collect");
  EXPECT_EQ(encoded.at("sessions").at(0).at("debounce"), "2s500ms");
  EXPECT_FALSE(encoded.at("sessions").at(1).as_object().contains("summarize"));
  Config back;
  Diagnostics diag;
  DecodeConfig(encoded, &back, diag);
  ASSERT_TRUE(diag.empty()) << diag.ToError("config").ToString();
  EXPECT_EQ(boost::json::value(EncodeConfig(back)), encoded);
  EXPECT_EQ(back.sessions[0].workflow, chat.workflow);
  EXPECT_EQ(back.sessions[1].queue_mode, QueueMode::kInterrupt);
}

TEST(SessionsConfigTest, FromEnvironmentAndFlags) {
  ConfigSources sources;
  sources.env = {{"GOCLAW_SIGNALS_MAX_PAYLOAD_BYTES", "4096"},
                 {"GOCLAW_SESSIONS", "[{match: \"chat:*\", workflow: chat.yaml, queue_mode: steer}]"}};
  sources.flags = {"signals.interrupt_grace=1s"};
  auto c = LoadConfig(sources);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->signals.max_payload_bytes, 4096);
  EXPECT_EQ(c->signals.interrupt_grace, std::chrono::seconds(1));
  ASSERT_EQ(c->sessions.size(), 1u);
  EXPECT_EQ(c->sessions[0].queue_mode, QueueMode::kSteer);
}

}  // namespace
}  // namespace goclaw::config
