#include "goclaw/dag/spec_encoder.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include "goclaw/core/duration.h"
#include "goclaw/core/json_reader.h"
#include "goclaw/dag/loader.h"
#include "goclaw/dag/spec_decoder.h"

namespace goclaw::dag {
namespace {

// Field by field, so that a failure names the field; the final == checks that operator== agrees.
void ExpectSameTask(const TaskSpec& want, const TaskSpec& got) {
  SCOPED_TRACE("task " + want.id);
  EXPECT_EQ(want.id, got.id);
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.type, got.type);
  EXPECT_EQ(want.depends_on, got.depends_on);
  EXPECT_EQ(want.config, got.config);
  EXPECT_EQ(want.timeout.has_value(), got.timeout.has_value());
  if (want.timeout && got.timeout) {
    EXPECT_EQ(want.timeout->count(), got.timeout->count());
  }
  EXPECT_EQ(want.retries.max_retries, got.retries.max_retries);
  EXPECT_EQ(want.retries.backoff, got.retries.backoff);
  EXPECT_EQ(want.retries.initial.count(), got.retries.initial.count());
  EXPECT_EQ(want.retries.max_delay.count(), got.retries.max_delay.count());
  EXPECT_EQ(want.retries.multiplier, got.retries.multiplier);
  EXPECT_EQ(want.retries.jitter, got.retries.jitter);
  EXPECT_EQ(want.lane, got.lane);
  EXPECT_EQ(want.priority, got.priority);
  EXPECT_EQ(want.session, got.session);
  EXPECT_EQ(want.estimate, got.estimate);
  EXPECT_EQ(want.on_failure, got.on_failure);
  EXPECT_TRUE(want == got);
}

void ExpectSameSpec(const WorkflowSpec& want, const WorkflowSpec& got) {
  EXPECT_EQ(want.name, got.name);
  EXPECT_EQ(want.description, got.description);
  EXPECT_EQ(want.metadata, got.metadata);
  EXPECT_EQ(want.input, got.input);
  ASSERT_EQ(want.tasks.size(), got.tasks.size());
  for (std::size_t i = 0; i < want.tasks.size(); ++i) ExpectSameTask(want.tasks[i], got.tasks[i]);
  EXPECT_TRUE(want == got);
}

// The document half of the round trip: DecodeSpec on the encoded object, without text.
WorkflowSpec DecodeObject(const boost::json::object& doc) {
  Diagnostics diag;
  WorkflowSpec spec = DecodeSpec(boost::json::value(doc), SpecLimits{}, diag);
  EXPECT_TRUE(diag.empty()) << diag.ToError("encoded spec").ToString();
  return spec;
}

// The path the engine takes after a crash: stored text -> LoadWorkflow -> Plan.
WorkflowSpec LoadText(const std::string& text) {
  LoadOptions options;
  options.admission_checks = false;  // as the engine recompiles stored specs
  auto plan = LoadWorkflow(text, options);
  EXPECT_TRUE(plan) << plan.error().ToString() << "\n" << text.substr(0, 2000);
  if (!plan) return {};
  return plan->spec();
}

void ExpectRoundTrips(const WorkflowSpec& spec) {
  {
    SCOPED_TRACE("SpecToJson");
    ExpectSameSpec(spec, DecodeObject(SpecToJson(spec)));
  }
  {
    SCOPED_TRACE("SpecToJsonText");
    ExpectSameSpec(spec, LoadText(SpecToJsonText(spec)));
  }
}

WorkflowSpec DecodeText(std::string_view text) {
  auto plan = LoadWorkflow(text);
  EXPECT_TRUE(plan) << plan.error().ToString();
  if (!plan) return {};
  return plan->spec();
}

boost::json::object Obj(std::string_view json) { return boost::json::parse(json).as_object(); }

WorkflowSpec EveryFieldSpec() {
  WorkflowSpec spec;
  spec.name = "räumung-報告";
  spec.description =
      "Quotes \" backslash \\ newline \n tab \t bell \x07 and emoji \xF0\x9F\x9A\x80";
  spec.metadata = Obj(R"({
    "team": "growth", "owners": ["ana", "bo"], "level": {"deep": {"deeper": [1, -2, 3.5]}},
    "flag": false, "none": null, "big": 18446744073709551615, "neg": -9223372036854775808,
    "ratio": 0.1, "zh": "工作流"
  })");
  spec.input = Obj(R"({"topic": "Ünïcødé", "limit": 10, "weights": [0.25, 1e-9]})");

  TaskSpec fetch;
  fetch.id = "fetch";
  fetch.name = "Fetch ✓ «quotes»";
  fetch.type = "http";
  fetch.config =
      Obj(R"({"method": "POST", "url": "http://127.0.0.1:9/x", "body": {"q": [1, {"a": null}]}})");
  fetch.timeout = Millis(25LL * 3600 * 1000 + 61 * 1000 + 1);  // 25h1m1s1ms
  fetch.retries = {.max_retries = 7,
                   .backoff = Backoff::kFixed,
                   .initial = Millis(250),
                   .max_delay = Millis(1500),
                   .multiplier = 1.0,
                   .jitter = false};
  fetch.lane = "web:eu-1";
  fetch.priority = -42;
  fetch.session = "user-17";
  fetch.estimate = 3.25;
  fetch.on_failure = OnFailure::kContinue;

  TaskSpec process;
  process.id = "process";
  process.name = "Process";
  process.type = "exec";
  process.depends_on = {"fetch"};
  process.config = Obj(R"({"command": ["sh", "-c", "echo hi"]})");
  process.timeout = Millis(0);  // set, and zero: must not come back as "no timeout"
  process.retries = {.max_retries = 1000,
                     .backoff = Backoff::kExponential,
                     .initial = Millis(1),
                     .max_delay = kMaxDuration,
                     .multiplier = 100.0,
                     .jitter = true};
  process.lane = "batch";
  process.priority = 1000000;
  process.estimate = 1e12;

  TaskSpec report;
  report.id = "report";
  report.name = "report";
  report.type = "builtin";
  report.depends_on = {"fetch", "process"};
  report.config = Obj(R"({"op": "echo", "message": "done"})");
  report.retries.multiplier = 1.7;
  report.priority = -1000000;
  report.session = "s";
  report.estimate = 0.0;

  spec.tasks = {fetch, process, report};
  return spec;
}

TEST(SpecEncoderTest, EveryFieldRoundTrips) { ExpectRoundTrips(EveryFieldSpec()); }

TEST(SpecEncoderTest, WritesEveryTaskFieldExplicitly) {
  boost::json::object doc = SpecToJson(EveryFieldSpec());
  EXPECT_FALSE(doc.contains("defaults"));
  EXPECT_EQ(doc.at("name"), "räumung-報告");
  const boost::json::array& tasks = doc.at("tasks").as_array();
  ASSERT_EQ(tasks.size(), 3u);
  EXPECT_EQ(tasks[0].as_object(), Obj(R"({
    "id": "fetch", "name": "Fetch ✓ «quotes»", "type": "http", "depends_on": [],
    "config": {"method": "POST", "url": "http://127.0.0.1:9/x", "body": {"q": [1, {"a": null}]}},
    "timeout": "25h1m1s1ms",
    "retries": {"max": 7, "backoff": "fixed", "initial": "250ms", "max_delay": "1s500ms",
                "multiplier": 1.0, "jitter": false},
    "lane": "web:eu-1", "priority": -42, "session": "user-17", "estimate": 3.25,
    "on_failure": "continue"
  })"));
  const boost::json::object& process = tasks[1].as_object();
  EXPECT_EQ(process.at("type"), "exec");
  EXPECT_EQ(process.at("timeout"), "0s");
  EXPECT_EQ(process.at("retries").at("max_delay"), "8760h");
  EXPECT_EQ(process.at("on_failure"), "fail");
  EXPECT_FALSE(process.contains("session"));
  EXPECT_FALSE(tasks[2].as_object().contains("timeout"));
}

TEST(SpecEncoderTest, TextIsTheSameDocument) {
  // The hand-written writer must agree with Boost.JSON on everything but the spelling of numbers.
  WorkflowSpec spec = EveryFieldSpec();
  EXPECT_EQ(boost::json::parse(SpecToJsonText(spec)).as_object(), SpecToJson(spec));
}

TEST(SpecEncoderTest, AppliedDefaultsAreWrittenOut) {
  WorkflowSpec decoded = DecodeText(R"(
name: with-defaults
defaults:
  type: script
  timeout: 45s
  retries: {max: 4, backoff: fixed, initial: 2s, max_delay: 2s, multiplier: 1.5, jitter: false}
  lane: batch
  priority: 5
  on_failure: continue
tasks:
  - id: inherits
  - id: overrides
    depends_on: inherits
    type: http
    timeout: 1.5
    retries: 3
    lane: web
    priority: -5
    on_failure: fail
    estimate: 0.1
  - id: partly
    depends_on: [inherits, overrides]
    retries: {max: 2, initial: 100ms}
    session: "tenant:acme"
)");
  ASSERT_EQ(decoded.tasks.size(), 3u);
  ASSERT_EQ(decoded.tasks[0].retries.max_retries, 4);  // the defaults did apply

  boost::json::object doc = SpecToJson(decoded);
  EXPECT_FALSE(doc.contains("defaults"));
  for (const boost::json::value& task : doc.at("tasks").as_array()) {
    for (const char* key : {"id", "name", "type", "depends_on", "config", "timeout", "retries",
                            "lane", "priority", "estimate", "on_failure"}) {
      EXPECT_TRUE(task.as_object().contains(key)) << key << " in " << task;
    }
    EXPECT_EQ(task.at("retries").as_object().size(), 6u) << task;
  }
  EXPECT_EQ(doc.at("tasks").at(0).at("type"), "script");  // (aliases are the registry's to resolve)
  EXPECT_EQ(doc.at("tasks").at(0).at("timeout"), "45s");
  EXPECT_EQ(doc.at("tasks").at(1).at("timeout"), "1s500ms");

  WorkflowSpec again = LoadText(SpecToJsonText(decoded));
  ExpectSameSpec(decoded, again);
  ExpectSameSpec(decoded, DecodeObject(doc));
}

TEST(SpecEncoderTest, EveryTaskType) {
  WorkflowSpec spec = DecodeText(R"({"name": "types", "tasks": [
    {"id": "b", "type": "builtin", "config": {"op": "sleep", "duration": "10ms"}},
    {"id": "f", "type": "function", "config": {"name": "summarize", "args": {"n": 3}}},
    {"id": "h", "type": "http", "config": {"url": "http://127.0.0.1:1/"}},
    {"id": "e", "type": "exec", "config": {"command": ["true"]}},
    {"id": "s", "type": "script", "config": {"command": ["false"]}},
    {"id": "r", "type": "remote", "config": {"worker": "gpu"}, "lane": "remote:gpu"}
  ]})");
  ASSERT_EQ(spec.tasks.size(), 6u);
  // Without a catalog (task_types.h) names are kept as written: aliases are the registry's.
  const char* names[] = {"builtin", "function", "http", "exec", "script", "remote"};
  boost::json::object doc = SpecToJson(spec);
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(doc.at("tasks").at(i).at("type"), names[i]) << i;
  }
  ExpectRoundTrips(spec);
  EXPECT_EQ(spec.tasks[4].type, "script");
}

TEST(SpecEncoderTest, ThousandTaskChain) {
  WorkflowSpec spec;
  spec.name = "chain";
  for (int i = 0; i < 1000; ++i) {
    TaskSpec task;
    task.id = "t" + std::to_string(i);
    task.name = task.id;
    if (i > 0) task.depends_on = {"t" + std::to_string(i - 1)};
    task.timeout = Millis(1000 + i);
    task.priority = i % 7;
    // Not 1.0 + i / 1000.0: computed doubles may have no JSON form (see the header), and 27 of
    // those 1000 have none.
    task.estimate = 0.5 + (i % 50) * 0.25;
    spec.tasks.push_back(std::move(task));
  }
  std::string text = SpecToJsonText(spec);
  auto plan = LoadWorkflow(text);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_EQ(plan->task_count(), 1000u);
  EXPECT_EQ(plan->layer_count(), 1000u);
  ExpectSameSpec(spec, plan->spec());
  ExpectSameSpec(spec, DecodeObject(SpecToJson(spec)));
}

TEST(SpecEncoderTest, FormatDurationParsesBackExactly) {
  // FormatDuration writes whole h/m/s/ms counts, which ParseDuration sums exactly (every count
  // is far below 2^53), so the round trip is exact for every value the decoder accepts.
  auto expect_exact = [](std::int64_t ms) {
    Result<Millis> back = ParseDuration(FormatDuration(Millis(ms)));
    ASSERT_TRUE(back) << ms << ": " << back.error().ToString();
    ASSERT_EQ(back->count(), ms) << FormatDuration(Millis(ms));
  };
  for (std::int64_t ms = 0; ms <= 200000; ++ms) expect_exact(ms);
  for (std::int64_t unit : {1000LL, 60000LL, 3600000LL, 86400000LL}) {
    for (std::int64_t k = 1; k * unit <= kMaxDuration.count(); k = k * 3 + 1) {
      for (std::int64_t d = -2; d <= 2; ++d) {
        if (k * unit + d <= kMaxDuration.count()) expect_exact(k * unit + d);
      }
    }
  }
  expect_exact(kMaxDuration.count());
  expect_exact(kMaxDuration.count() - 1);
  std::mt19937_64 rng(20240601);
  std::uniform_int_distribution<std::int64_t> any(0, kMaxDuration.count());
  for (int i = 0; i < 100000; ++i) expect_exact(any(rng));
}

TEST(SpecEncoderTest, DurationsThroughTheDecoder) {
  WorkflowSpec spec = DecodeText(R"({"tasks": [{"id": "a"}]})");
  ASSERT_EQ(spec.tasks.size(), 1u);
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<std::int64_t> any(0, kMaxDuration.count());
  for (int i = 0; i < 200; ++i) {
    Millis initial(any(rng) / 2);
    spec.tasks[0].timeout = Millis(any(rng));
    spec.tasks[0].retries.initial = initial;
    spec.tasks[0].retries.max_delay = initial + Millis(any(rng) / 2);
    WorkflowSpec back = LoadText(SpecToJsonText(spec));
    ASSERT_EQ(back.tasks.size(), 1u);
    EXPECT_EQ(back.tasks[0].timeout, spec.tasks[0].timeout);
    EXPECT_EQ(back.tasks[0].retries, spec.tasks[0].retries);
  }
}

bool SameBits(double a, double b) { return a == b && std::signbit(a) == std::signbit(b); }

TEST(SpecEncoderTest, DoublesFromJsonTextRoundTripBitForBit) {
  // Whatever the parser produced from a submitted spec, the stored text gives back. 17-digit
  // numbers are where Boost.JSON 1.81 misreads its own shortest output (one in ten).
  std::mt19937_64 rng(42);
  auto digits = [&rng](int n) {
    std::string s(1, static_cast<char>('1' + rng() % 9));
    for (int i = 1; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  WorkflowSpec spec = DecodeText(R"({"tasks": [{"id": "a"}]})");
  ASSERT_EQ(spec.tasks.size(), 1u);
  boost::json::array& values = spec.tasks[0].config["values"].emplace_array();
  for (int i = 0; i < 4000; ++i) {
    // Every mantissa length the parser keeps, exponents beyond both ends of the double range.
    std::string text = (rng() % 2 ? "-" : "") + digits(1 + static_cast<int>(rng() % 19)) + "e" +
                       std::to_string(static_cast<int>(rng() % 640) - 330);
    boost::json::value v = boost::json::parse(text);
    // Beyond the double range the parser gives infinity, which specs refuse (json_limits.h).
    if (std::isfinite(v.as_double())) values.push_back(v);
  }
  WorkflowSpec back = LoadText(SpecToJsonText(spec));
  ASSERT_EQ(back.tasks.size(), 1u);
  const boost::json::array& got = back.tasks[0].config.at("values").as_array();
  ASSERT_EQ(got.size(), values.size());
  for (std::size_t j = 0; j < got.size(); ++j) {
    ASSERT_TRUE(got[j].is_double()) << values[j];
    ASSERT_TRUE(SameBits(got[j].as_double(), values[j].as_double())) << values[j];
  }

  spec.tasks[0].config.clear();
  for (int i = 0; i < 500; ++i) {
    // Multipliers in [1, 10) and estimates in [1e11, 1e12): ranges the decoder accepts.
    spec.tasks[0].retries.multiplier = boost::json::parse(digits(17) + "e-16").as_double();
    spec.tasks[0].estimate = boost::json::parse(digits(17) + "e-5").as_double();
    back = LoadText(SpecToJsonText(spec));
    ASSERT_EQ(back.tasks.size(), 1u);
    ASSERT_TRUE(SameBits(back.tasks[0].retries.multiplier, spec.tasks[0].retries.multiplier))
        << spec.tasks[0].retries.multiplier;
    ASSERT_TRUE(SameBits(back.tasks[0].estimate, spec.tasks[0].estimate)) << spec.tasks[0].estimate;
  }
}

TEST(SpecEncoderTest, DoublesBoostMisreadsComeBackExactly) {
  // Each of these is written by boost::json::serialize in a form that Boost.JSON 1.81 parses as
  // a neighbouring double.
  WorkflowSpec spec = DecodeText(R"({"tasks": [{"id": "a"}]})");
  ASSERT_EQ(spec.tasks.size(), 1u);
  for (double multiplier : {90.423627676409453, 7.3948574125302775, 2.2258943420694646}) {
    spec.tasks[0].retries.multiplier = multiplier;
    WorkflowSpec back = LoadText(SpecToJsonText(spec));
    ASSERT_EQ(back.tasks.size(), 1u);
    EXPECT_TRUE(SameBits(back.tasks[0].retries.multiplier, multiplier)) << multiplier;
  }
  for (double estimate : {961611949030.1947, 472784933166.06396, 0.99018418437267874}) {
    spec.tasks[0].estimate = estimate;
    WorkflowSpec back = LoadText(SpecToJsonText(spec));
    ASSERT_EQ(back.tasks.size(), 1u);
    EXPECT_TRUE(SameBits(back.tasks[0].estimate, estimate)) << estimate;
  }
}

TEST(SpecEncoderTest, DoublesTheParserCannotProduceComeBackWithinOneUlp) {
  // No JSON text makes Boost.JSON 1.81 produce this double (a YAML spec could carry it): the
  // nearest double the parser reaches is written instead. The in-memory document stays exact.
  const double unreachable = 30.241628809447498;
  WorkflowSpec spec = DecodeText(R"({"tasks": [{"id": "a"}]})");
  ASSERT_EQ(spec.tasks.size(), 1u);
  spec.tasks[0].retries.multiplier = unreachable;
  WorkflowSpec back = LoadText(SpecToJsonText(spec));
  ASSERT_EQ(back.tasks.size(), 1u);
  double got = back.tasks[0].retries.multiplier;
  EXPECT_LE(std::fabs(got - unreachable), std::nextafter(unreachable, 100.0) - unreachable);
  EXPECT_EQ(DecodeObject(SpecToJson(spec)).tasks[0].retries.multiplier, unreachable);
}

TEST(SpecEncoderTest, ShortDecimalsFromYamlRoundTrip) {
  WorkflowSpec spec = DecodeText(R"(
tasks:
  - id: a
    estimate: 0.1
    retries: {max: 2, multiplier: 1.1}
    config: {op: echo, pi: 3.14159, tiny: 1.5e-7, huge: 6.02e23, neg: -0.0}
)");
  ASSERT_EQ(spec.tasks.size(), 1u);
  ExpectRoundTrips(spec);
  WorkflowSpec back = LoadText(SpecToJsonText(spec));
  ASSERT_EQ(back.tasks.size(), 1u);
  EXPECT_TRUE(std::signbit(back.tasks[0].config.at("neg").as_double()));
}

// A spec built in code may hold non-finite numbers; its text stays valid JSON (no `Infinity`),
// and loading it is refused like any spec holding them (json_limits.h), never half-accepted.
TEST(SpecEncoderTest, NonFiniteConfigNumbersStayParseableAndAreRefusedOnLoad) {
  WorkflowSpec spec = DecodeText(R"({"tasks": [{"id": "a"}]})");
  ASSERT_EQ(spec.tasks.size(), 1u);
  spec.tasks[0].config["up"] = std::numeric_limits<double>::infinity();
  spec.tasks[0].config["down"] = -std::numeric_limits<double>::infinity();
  spec.tasks[0].config["nan"] = std::nan("");
  const std::string text = SpecToJsonText(spec);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  ASSERT_FALSE(ec) << text;
  EXPECT_TRUE(parsed.at("tasks").at(0).at("config").at("nan").is_null());
  auto loaded = LoadWorkflow(text);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message().find("not finite"), std::string::npos) << loaded.error().message();
}

}  // namespace
}  // namespace goclaw::dag
