// The "research" handler (research_handler.h).
#include "research_handler.h"

#include <chrono>
#include <iterator>
#include <optional>
#include <ostream>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace goclaw::examples {
namespace {

const char* const kStepNames[] = {"search", "read", "compare", "summarize", "cite"};

// The focus a steer signal asks for: payload.parameters.focus or payload.focus.
std::string FocusOf(const std::string& payload_json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(payload_json, ec);
  if (ec || !v.is_object()) return "";
  const boost::json::object* o = &v.as_object();
  if (const auto* p = o->if_contains("parameters"); p != nullptr && p->is_object())
    o = &p->as_object();
  const auto* focus = o->if_contains("focus");
  return focus != nullptr && focus->is_string() ? std::string(focus->as_string()) : "";
}

std::int64_t IntOr(const boost::json::object& o, const char* key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_int64() ? v->as_int64() : fallback;
}

}  // namespace

sdk::Outcome Research(sdk::Task& task, const ResearchOptions& options) {
  auto say = [&](const std::string& line) {
    std::lock_guard lock(*options.out_mu);
    *options.out << task.attempt_id() << ": " << line << std::endl;
  };
  boost::system::error_code ec;
  boost::json::value config = boost::json::parse(task.config_json(), ec);
  if (ec || !config.is_object()) return sdk::Outcome::Failure("config is not a JSON object", false);
  const boost::json::object& c = config.as_object();
  const auto* topic_value = c.if_contains("topic");
  const std::string topic = topic_value != nullptr && topic_value->is_string()
                                ? std::string(topic_value->as_string())
                                : "";
  if (topic.empty())
    return sdk::Outcome::Failure("config.topic: expected a non-empty string", false);
  const std::int64_t steps = IntOr(c, "steps", 3);
  const std::int64_t step_ms = IntOr(c, "step_ms", 300);
  if (steps < 1 || steps > 100 || step_ms < 0 || step_ms > 600000) {
    return sdk::Outcome::Failure("config: steps must be 1..100 and step_ms 0..600000", false);
  }

  std::string focus = "overview";
  boost::json::array findings, steered;
  say("researching \"" + topic + "\" in " + std::to_string(steps) + " steps (attempt " +
      std::to_string(task.attempt()) + ")");
  std::int64_t done = 0;
  for (; done < steps; ++done) {
    const std::string step = kStepNames[done % std::size(kStepNames)];
    task.Progress(static_cast<double>(done) / static_cast<double>(steps),
                  step + " (" + focus + ")");
    task.Log(step + ": " + topic + ", focus " + focus);
    findings.emplace_back(step + " on " + topic + " (" + focus + ")");
    // Between steps: wait for a signal, a cancel, or the step's time.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(step_ms);
    while (!task.cancelled()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      std::optional<sdk::Signal> signal = task.WaitSignal(left);
      if (!signal) continue;
      if (signal->kind != "steer") {
        say("ignoring signal " + std::to_string(signal->seq) + " (" + signal->kind + ")");
        continue;
      }
      const std::string next = FocusOf(signal->payload_json);
      if (next.empty()) {
        say("steer signal " + std::to_string(signal->seq) +
            " without a focus: " + signal->payload_json);
        continue;
      }
      say("steered: focus " + focus + " -> " + next);
      task.Log("steered: focus now " + next);
      steered.emplace_back(next);
      focus = next;
    }
    if (task.cancelled()) {
      say("cancelled (" + task.cancel_reason() + ") after " + std::to_string(done + 1) + " of " +
          std::to_string(steps) + " steps; stopping");
      return sdk::Outcome::Failure("cancelled after " + std::to_string(done + 1) + " steps", false);
    }
  }
  task.Progress(1.0, "done");
  boost::json::object output{
      {"topic", topic},
      {"focus", focus},
      {"findings", std::move(findings)},
      {"steps_done", done},
      {"steered", std::move(steered)},
      {"summary", topic + ": " + std::to_string(done) + " steps, focus " + focus},
      {"worker", options.worker_name},
      {"attempt", task.attempt()}};
  say("done: focus " + focus);
  return sdk::Outcome::Success(boost::json::serialize(output));
}

}  // namespace goclaw::examples
