// Sagas end to end (issue 15): the real `goclaw server` against the example travel agent
// (examples/saga-booking/agent.py, python3) running the example trip saga (trip.yaml, its port
// rewritten). A failed car booking compensates the hotel, then the flight; kill -9 during the
// bookings or during the cancels, restarted on the same data dir, still cancels every booking
// the saga holds exactly once and nothing it never booked; bad requests get 400/404/409 with
// field paths; and `goclaw saga ...` drives it all from the command line.
//
// What the agent saw is read from its --log file (one JSON line per call, fsynced before the
// call is answered), so it is complete even for calls goclaw never heard back from.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/parse.hpp>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "goclaw/client/test_http_client.h"

#include "run_command.h"
#include "server_process.h"

namespace goclaw::testing {
namespace {

using client::testing::TestHttpClient;
using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Text(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "";
}

// examples/saga-booking/agent.py on a free port (`--port 0`; the port is read from its first
// line, "listening on http://127.0.0.1:<port>"), with `flags` and its calls in `log_path`.
// Its per-call trace (stderr) goes to <log_path>.trace for failure messages.
class BookingAgent {
 public:
  BookingAgent(const std::vector<std::string>& flags, std::string log_path)
      : log_path_(std::move(log_path)) {
    int out[2];
    if (pipe(out) != 0) std::abort();
    std::vector<std::string> args = {
        "python3", SourcePath("examples/saga-booking/agent.py"), "--port", "0", "--log", log_path_};
    args.insert(args.end(), flags.begin(), flags.end());
    const std::string trace = log_path_ + ".trace";
    pid_ = fork();
    if (pid_ == 0) {
      dup2(out[1], 1);
      int err = open(trace.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err >= 0) dup2(err, 2);
      close(out[0]);
      close(out[1]);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execvp(argv[0], argv.data());
      _exit(127);
    }
    close(out[1]);
    std::string line;
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (line.find('\n') == std::string::npos && Clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[256];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    close(out[0]);
    static constexpr std::string_view kListening = "listening on http://127.0.0.1:";
    if (auto at = line.find(kListening); at != std::string::npos)
      port_ = std::atoi(line.c_str() + at + kListening.size());
  }
  ~BookingAgent() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  BookingAgent(const BookingAgent&) = delete;
  BookingAgent& operator=(const BookingAgent&) = delete;

  int port() const { return port_; }  // 0: it did not start
  // Every call so far, in the order the agent handled them (a torn last line is left out).
  std::vector<boost::json::object> Calls() const {
    std::vector<boost::json::object> calls;
    std::ifstream in(log_path_);
    for (std::string line; std::getline(in, line);) {
      boost::system::error_code ec;
      boost::json::value v = boost::json::parse(line, ec);
      if (!ec && v.is_object()) calls.push_back(v.as_object());
    }
    return calls;
  }
  // Polls the log until a call satisfies `match`; false after `timeout`.
  bool WaitForCall(const std::function<bool(const boost::json::object&)>& match,
                   std::chrono::milliseconds timeout) const {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      for (const auto& c : Calls()) {
        if (match(c)) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return false;
  }
  std::string Trace() const { return ReadFile(log_path_ + ".trace"); }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
};

bool IsAction(const boost::json::object& call, std::string_view action) {
  return Text(call.at("action")) == action;
}

// The example trip saga, sent to the agent on `port`; `policy` replaces its `policy: auto`.
std::string TripSpec(int port, const std::string& policy = "auto") {
  std::string spec = ReadFile(SourcePath("examples/saga-booking/trip.yaml"));
  const std::string from = "127.0.0.1:8765", to = "127.0.0.1:" + std::to_string(port);
  for (auto at = spec.find(from); at != std::string::npos; at = spec.find(from, at + to.size())) {
    spec.replace(at, from.size(), to);
  }
  if (auto at = spec.find("policy: auto"); at != std::string::npos)
    spec.replace(at, 12, "policy: " + policy);
  return spec;
}

std::string Submit(TestHttpClient& client, const std::string& spec,
                   const std::string& type = "application/yaml") {
  auto r = client.Request("POST", "/api/v1/sagas", spec, {{"Content-Type", type}});
  EXPECT_EQ(r.status, 201) << r.body;
  if (r.status != 201) return "";
  auto j = r.Json();
  EXPECT_EQ(j.at("status"), "running") << r.body;
  return Text(j.at("saga_id"));
}

bool Settled(const std::string& state) {
  return state == "completed" || state == "compensated" || state == "compensation-failed" ||
         state == "pending-compensation";
}

// The saga once it settled (the server's ?wait, asked again until `seconds` passed).
boost::json::value WaitSettled(TestHttpClient& client, const std::string& id, int seconds = 20) {
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  boost::json::value saga;
  do {
    auto r = client.Get("/api/v1/sagas/" + id + "?wait=5s");
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return saga;
    saga = r.Json();
    if (Settled(Text(saga.at("state")))) return saga;
  } while (Clock::now() < deadline);
  ADD_FAILURE() << id << " did not settle in " << seconds << " s: " << saga;
  return saga;
}

std::vector<std::string> Strings(const boost::json::value& array) {
  std::vector<std::string> out;
  for (const auto& v : array.as_array()) out.push_back(Text(v));
  return out;
}

// What the agent's calls must show once the saga `saga` (settled: compensated) is done, however
// often goclaw was killed on the way:
//  - every cancel is of a booking the agent made (never a 404), and carries the key
//    <saga_id>/<step>/compensate of its step (steps are named after their kind) — one key per
//    step on every attempt, round and restart, so a repeat is answered as a duplicate;
//  - each booking the saga holds (step_results of its completed steps) is cancelled by exactly
//    one non-duplicate call, the hotel's before the flight's, and the car (failed) never;
//  - every booking carries its step's key <saga_id>/<step> on every attempt, so a booking
//    whose answer was lost in a kill is answered again (a duplicate) when goclaw runs the step
//    again: the agent holds no booking the saga does not.
void CheckCompensations(const boost::json::value& saga,
                        const std::vector<boost::json::object>& calls) {
  const std::string id = Text(saga.at("saga_id"));
  std::map<std::string, std::string> booked;  // booking id -> kind, answered 200
  std::map<std::string, int> cancelled;       // booking id -> non-duplicate 200 cancels
  std::vector<std::string> cancel_order;      // kinds, first non-duplicate cancel of each
  for (const auto& c : calls) {
    const std::string kind = Text(c.at("kind"));
    const auto& answer = c.at("answer").as_object();
    if (IsAction(c, "book")) {
      EXPECT_EQ(Text(c.at("idempotency_key")), id + "/" + kind) << c;
      if (c.at("status") == 200 && !answer.contains("duplicate")) booked[Text(answer.at("booking_id"))] = kind;
      continue;
    }
    EXPECT_EQ(Text(c.at("idempotency_key")), id + "/" + kind + "/compensate") << c;
    EXPECT_EQ(c.at("status"), 200) << "a cancel of something never booked: " << c;
    const std::string booking = Text(c.at("body").as_object().at("booking_id"));
    EXPECT_TRUE(booked.contains(booking)) << "cancelled before (or without) being booked: " << c;
    if (c.at("status") == 200 && answer.at("duplicate") == false) {
      if (cancelled[booking]++ == 0) cancel_order.push_back(kind);
    }
  }
  EXPECT_EQ(Strings(saga.at("completed_steps")), (std::vector<std::string>{"flight", "hotel"}))
      << saga;
  EXPECT_EQ(Strings(saga.at("compensated_steps")), (std::vector<std::string>{"hotel", "flight"}))
      << saga;
  EXPECT_EQ(saga.at("failed_step"), "car") << saga;
  std::set<std::string> held;
  for (const std::string step : {"flight", "hotel"}) {
    const std::string booking = Text(saga.at("step_results").at(step).at("body").at("booking_id"));
    held.insert(booking);
    EXPECT_EQ(cancelled[booking], 1)
        << step << " booking " << booking << " is cancelled " << cancelled[booking] << " times";
  }
  EXPECT_EQ(cancel_order, (std::vector<std::string>{"hotel", "flight"}));
  for (const auto& [booking, kind] : booked) {
    EXPECT_TRUE(held.contains(booking)) << kind << " booking " << booking << " was made and is not the saga's: never cancelled";
  }
  int duplicates = 0;
  for (const auto& c : calls) duplicates += c.at("answer").as_object().contains("duplicate") && c.at("answer").at("duplicate") == true;
  std::printf("saga %s: %zu calls, %zu bookings, %d answered again as duplicates\n", id.c_str(), calls.size(),
              booked.size(), duplicates);
  for (const auto& step : saga.at("steps").as_array()) {
    const std::string name = Text(step.at("id"));
    if (name == "flight" || name == "hotel") {
      EXPECT_EQ(step.at("compensation").at("state"), "compensated") << step;
    }
  }
}

// (a) The car cannot be booked: the hotel, then the flight are cancelled; the car never is.
TEST(SagaE2eTest, AFailedBookingCompensatesTheOthersInReverseOrder) {
  TempDir dir;
  BookingAgent agent({"--fail", "car"}, dir.path() + "/calls.jsonl");
  ASSERT_GT(agent.port(), 0) << agent.Trace();
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  const std::string id = Submit(client, TripSpec(agent.port()));
  ASSERT_FALSE(id.empty());
  const boost::json::value saga = WaitSettled(client, id);
  ASSERT_EQ(saga.at("state"), "compensated") << saga << "\n" << agent.Trace();
  const auto calls = agent.Calls();
  CheckCompensations(saga, calls);
  int books = 0, cancels = 0;
  for (const auto& c : calls) (IsAction(c, "book") ? books : cancels)++;
  EXPECT_EQ(books, 3) << agent.Trace();    // flight, hotel, car (422)
  EXPECT_EQ(cancels, 2) << agent.Trace();  // hotel, flight; no kill, so no repeats
  for (const auto& c : calls) {
    if (IsAction(c, "cancel")) {
      EXPECT_EQ(c.at("attempt"), 1) << c;
    }
  }
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

// Submits the trip, kills goclaw with SIGKILL once the agent has a call of `action` on its log,
// restarts it on the same data dir and returns the saga once it settled (compensated, or a test
// failure); the restarted server is stopped with SIGTERM.
boost::json::value KillAtFirstCallThenSettle(BookingAgent& agent, const std::string& data, std::string_view action) {
  std::string id;
  {
    ServerProcess server({}, data);
    EXPECT_GT(server.port(), 0) << server.Stderr();
    TestHttpClient client(server.port());
    id = Submit(client, TripSpec(agent.port()));
    EXPECT_FALSE(id.empty());
    EXPECT_TRUE(agent.WaitForCall([action](const auto& c) { return IsAction(c, action); }, std::chrono::seconds(15)))
        << agent.Trace();
    EXPECT_EQ(server.Stop(SIGKILL), -1);
  }
  ServerProcess server({}, data);
  EXPECT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  boost::json::value saga = WaitSettled(client, id);
  EXPECT_EQ(saga.at("state"), "compensated") << saga << "\n" << agent.Trace();
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
  return saga;
}

// (b) kill -9 while the bookings run (each call takes 400 ms): restarted on the same data dir,
// the saga carries on, fails on the car, and cancels what it booked, once each.
TEST(SagaE2eTest, KillNineDuringTheBookingsStillCompensatesEachBookingOnce) {
  TempDir dir;
  BookingAgent agent({"--fail", "car", "--delay-ms", "400"}, dir.path() + "/calls.jsonl");
  ASSERT_GT(agent.port(), 0) << agent.Trace();
  const boost::json::value saga = KillAtFirstCallThenSettle(agent, dir.path() + "/data", "book");
  CheckCompensations(saga, agent.Calls());
}

// (c) kill -9 once the first cancel is on the agent's log (the next one is then under way):
// restarted, the compensation finishes; a cancel sent again carries the same key and is
// answered as a duplicate, so nothing is cancelled twice.
TEST(SagaE2eTest, KillNineDuringTheCancelsStillCancelsEachBookingOnce) {
  TempDir dir;
  BookingAgent agent({"--fail", "car", "--delay-ms", "300"}, dir.path() + "/calls.jsonl");
  ASSERT_GT(agent.port(), 0) << agent.Trace();
  const boost::json::value saga = KillAtFirstCallThenSettle(agent, dir.path() + "/data", "cancel");
  const auto calls = agent.Calls();
  CheckCompensations(saga, calls);
  std::map<std::string, std::set<std::string>> keys;  // kind -> the keys its cancels carried
  for (const auto& c : calls) {
    if (IsAction(c, "cancel")) keys[Text(c.at("kind"))].insert(Text(c.at("idempotency_key")));
  }
  EXPECT_EQ(keys["hotel"].size(), 1u);
  EXPECT_EQ(keys["flight"].size(), 1u);
  EXPECT_FALSE(keys.contains("car"));
}

// The field paths of a 400's details.
std::vector<std::string> DetailPaths(const client::Response& r) {
  std::vector<std::string> paths;
  auto j = r.Json();
  if (!j.is_object() || !j.as_object().contains("error")) return paths;
  if (const auto* details = j.at("error").as_object().if_contains("details");
      details && details->is_array()) {
    for (const auto& d : details->as_array()) paths.push_back(Text(d.at("path")));
  }
  return paths;
}

bool AnyStartsWith(const std::vector<std::string>& paths, std::string_view prefix) {
  for (const auto& p : paths) {
    if (p.starts_with(prefix)) return true;
  }
  return false;
}

// (d) What the REST API refuses, and with what.
TEST(SagaE2eTest, BadRequestsAreRefusedWithTheirPathOrState) {
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  TestHttpClient client(server.port());
  auto post = [&](const std::string& body, const std::string& type = "application/json") {
    return client.Request("POST", "/api/v1/sagas", body, {{"Content-Type", type}});
  };

  auto malformed = post(R"({"name": "broken", "tasks": [)");
  EXPECT_EQ(malformed.status, 400) << malformed.body;
  EXPECT_TRUE(malformed.Json().as_object().contains("error")) << malformed.body;

  auto cycle = post(R"({"name": "cycle", "tasks": [
      {"id": "a", "depends_on": ["b"], "config": {"op": "echo"}},
      {"id": "b", "depends_on": ["a"], "config": {"op": "echo"}}]})");
  EXPECT_EQ(cycle.status, 400) << cycle.body;
  EXPECT_TRUE(AnyStartsWith(DetailPaths(cycle), "tasks")) << cycle.body;

  auto unknown_dep = post(
      R"({"name": "dangling", "tasks": [{"id": "a", "depends_on": ["zz"], "config": {"op": "echo"}}]})");
  EXPECT_EQ(unknown_dep.status, 400) << unknown_dep.body;
  EXPECT_TRUE(AnyStartsWith(DetailPaths(unknown_dep), "tasks[0].depends_on")) << unknown_dep.body;

  auto teleport = post(
      "name: beam\ntasks:\n  - id: a\n    config: {op: echo}\n    compensate: {type: teleport}\n",
      "application/yaml");
  EXPECT_EQ(teleport.status, 400) << teleport.body;
  EXPECT_THAT(DetailPaths(teleport), ::testing::Contains("tasks[0].compensate.type"))
      << teleport.body;

  const std::string unknown = "saga-00000000-0000-7000-8000-000000000000";
  EXPECT_EQ(client.Get("/api/v1/sagas/" + unknown).status, 404);
  EXPECT_EQ(client.PostJson("/api/v1/sagas/" + unknown + "/compensate", "").status, 404);
  EXPECT_EQ(client.PostJson("/api/v1/sagas/" + unknown + "/recover", "").status, 404);
  EXPECT_EQ(client.Get("/api/v1/sagas?state=sideways").status, 400);

  // Completed: nothing to compensate or recover.
  const std::string done =
      Submit(client, R"({"name": "quick", "tasks": [{"id": "a", "type": "builtin",
      "config": {"op": "echo", "x": 1}, "compensate": {"type": "builtin", "config": {"op": "echo"}}}]})",
             "application/json");
  ASSERT_FALSE(done.empty());
  ASSERT_EQ(WaitSettled(client, done).at("state"), "completed");
  auto late = client.PostJson("/api/v1/sagas/" + done + "/compensate", R"({"reason": "too late"})");
  EXPECT_EQ(late.status, 409) << late.body;
  auto recover_done = client.PostJson("/api/v1/sagas/" + done + "/recover", "");
  EXPECT_EQ(recover_done.status, 409) << recover_done.body;

  // Running: recover is refused, compensate stops it (the nap never completed: nothing to undo).
  const std::string slow =
      Submit(client, R"({"name": "slow", "tasks": [{"id": "nap", "type": "builtin",
      "config": {"op": "sleep", "duration": "30s"}, "compensate": {"type": "builtin", "config": {"op": "echo"}}}]})",
             "application/json");
  ASSERT_FALSE(slow.empty());
  auto recover_running = client.PostJson("/api/v1/sagas/" + slow + "/recover", "");
  EXPECT_EQ(recover_running.status, 409) << recover_running.body;
  auto stop =
      client.PostJson("/api/v1/sagas/" + slow + "/compensate", R"({"reason": "changed my mind"})");
  ASSERT_EQ(stop.status, 202) << stop.body;
  EXPECT_EQ(Text(stop.Json().at("saga_id")), slow);
  const boost::json::value stopped = WaitSettled(client, slow);
  EXPECT_EQ(stopped.at("state"), "compensated") << stopped;
  EXPECT_EQ(stopped.at("reason"), "changed my mind") << stopped;
  EXPECT_TRUE(stopped.at("completed_steps").as_array().empty()) << stopped;
  EXPECT_EQ(client.PostJson("/api/v1/sagas/" + slow + "/compensate", "").status, 409);

  auto list = client.Get("/api/v1/sagas?state=compensated").Json();
  EXPECT_EQ(list.at("total"), 1) << list;
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

// (e) `goclaw saga ...` against the server: a trip that books, one that stops for a manual
// compensation, and the command's errors.
TEST(SagaE2eTest, SagaCommandsSubmitWaitShowListAndCompensate) {
  TempDir dir;
  BookingAgent agent({}, dir.path() + "/calls.jsonl");
  BookingAgent failing({"--fail", "car"}, dir.path() + "/failing-calls.jsonl");
  ASSERT_GT(agent.port(), 0) << agent.Trace();
  ASSERT_GT(failing.port(), 0) << failing.Trace();
  ServerProcess server;
  ASSERT_GT(server.port(), 0) << server.Stderr();
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port());
  const std::string trip = dir.Write("trip.yaml", TripSpec(agent.port()));

  CommandResult submitted = RunGoclaw({"saga", "submit", trip, "--wait", "--server", url});
  ASSERT_EQ(submitted.exit_code, 0) << submitted.out << submitted.err;
  const std::string id = submitted.out.substr(0, submitted.out.find(' '));
  ASSERT_TRUE(id.starts_with("saga-")) << submitted.out;
  EXPECT_THAT(submitted.out, HasSubstr(id + "  trip  completed\n"));

  CommandResult status = RunGoclaw({"saga", "status", id}, "", {"GOCLAW_SERVER=" + url});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_THAT(status.out, HasSubstr(id + "  trip  completed\n"));
  EXPECT_THAT(status.out, HasSubstr("  flight  completed  attempts=1  compensation: none\n"));
  EXPECT_THAT(status.out, HasSubstr("  confirm  completed  attempts=1  no compensation\n"));
  EXPECT_THAT(RunGoclaw({"saga", "status", id, "--json", "--server", url}).out,
              HasSubstr("\"state\": \"completed\""));
  CommandResult listed = RunGoclaw({"saga", "list", "--state", "completed", "--server", url});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr(id + "  completed  trip  "));
  EXPECT_THAT(listed.out, HasSubstr("1 sagas\n"));
  CommandResult too_late = RunGoclaw({"saga", "compensate", id, "--server", url});
  EXPECT_EQ(too_late.exit_code, 1);
  EXPECT_THAT(too_late.err, HasSubstr("goclaw saga compensate: "));
  CommandResult nothing_to_recover = RunGoclaw({"saga", "recover", id, "--server", url});
  EXPECT_EQ(nothing_to_recover.exit_code, 1);
  EXPECT_THAT(nothing_to_recover.err, HasSubstr("goclaw saga recover: "));

  // Manual policy, from stdin: it stops in pending-compensation until asked.
  CommandResult pending = RunGoclaw({"saga", "submit", "-", "--wait=20s", "--server", url},
                                    TripSpec(failing.port(), "manual"));
  EXPECT_EQ(pending.exit_code, 1) << pending.err;
  const std::string manual = pending.out.substr(0, pending.out.find(' '));
  ASSERT_TRUE(manual.starts_with("saga-")) << pending.out << pending.err;
  EXPECT_THAT(pending.out, HasSubstr(manual + "  trip  pending-compensation\n"));
  EXPECT_THAT(pending.out, HasSubstr("failed step: car"));
  EXPECT_THAT(pending.out, HasSubstr("  car  failed  attempts=1"));
  CommandResult compensate =
      RunGoclaw({"saga", "compensate", manual, "--reason", "no car in Lisbon", "--server", url});
  ASSERT_EQ(compensate.exit_code, 0) << compensate.err;
  EXPECT_EQ(compensate.out, manual + "  compensating\n");
  TestHttpClient client(server.port());
  ASSERT_EQ(WaitSettled(client, manual).at("state"), "compensated");
  CommandResult undone = RunGoclaw({"saga", "status", manual, "--server", url});
  EXPECT_EQ(undone.exit_code, 0) << undone.err;
  EXPECT_THAT(undone.out, HasSubstr(manual + "  trip  compensated\n"));
  EXPECT_THAT(undone.out, HasSubstr("reason: no car in Lisbon\n"));
  EXPECT_THAT(undone.out,
              HasSubstr("  hotel  completed  attempts=1  compensation: compensated  attempts=1\n"));
  EXPECT_THAT(
      undone.out,
      HasSubstr("  flight  completed  attempts=1  compensation: compensated  attempts=1\n"));
  CommandResult async = RunGoclaw({"saga", "submit", trip, "--server", url});
  EXPECT_EQ(async.exit_code, 0) << async.err;
  EXPECT_TRUE(async.out.starts_with("saga-")) << async.out;

  // Errors: the server's (with the spec's line), a file that does not parse, the command line.
  const std::string bad = dir.Write("bad.yaml",
                                    "name: beam\ntasks:\n  - id: a\n    config: {op: echo}\n"
                                    "    compensate: {type: teleport}\n");
  CommandResult refused = RunGoclaw({"saga", "submit", bad, "--server", url});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr(bad + ":"));
  EXPECT_THAT(refused.err, HasSubstr("tasks[0].compensate.type: unknown task type \"teleport\""));
  // The file goes as it is, so the server's lines are the file's.
  const std::string dangling =
      dir.Write("dangling.yaml", "name: x\ntasks:\n  - id: a\n    depends_on: [zz]\n");
  CommandResult pointed = RunGoclaw({"saga", "submit", dangling, "--server", url});
  EXPECT_EQ(pointed.exit_code, 1);
  EXPECT_THAT(pointed.err, HasSubstr(dangling + ":4: tasks[0].depends_on[0]: unknown task \"zz\""));
  CommandResult unparsable = RunGoclaw({"saga", "submit", "-", "--server", url}, "{\"tasks\": [");
  EXPECT_EQ(unparsable.exit_code, 1);
  EXPECT_THAT(unparsable.err, HasSubstr("<stdin>: "));
  CommandResult unknown =
      RunGoclaw({"saga", "status", "saga-00000000-0000-7000-8000-000000000000", "--server", url});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("goclaw saga status: "));
  EXPECT_EQ(RunGoclaw({"saga", "submit", trip, "--wait=soon", "--server", url}).exit_code, 2);
  EXPECT_EQ(RunGoclaw({"saga", "list", "--limit", "0", "--server", url}).exit_code, 2);
  EXPECT_EQ(RunGoclaw({"saga"}).exit_code, 2);
  EXPECT_EQ(server.Stop(SIGTERM), 0) << server.Stderr();
}

}  // namespace
}  // namespace goclaw::testing
