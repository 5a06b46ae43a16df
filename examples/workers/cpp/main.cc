// goclaw_example_worker_cpp: a pull worker built on goclaw::sdk::Worker that serves the
// "research" queue of examples/workers/research-remote.yaml (research_handler.h).
//
//   goclaw_example_worker_cpp [--target 127.0.0.1:9090] [--name NAME] [--queue research]
//   [--capacity 2]
//
// It prints what it does (connections, steps, steering, cancels) on stdout, reconnects with
// backoff when goclaw goes away, and stops on SIGINT/SIGTERM (exit 0). Exit 1 when goclaw
// refuses it for good (a bad name or queue), 2 for a bad command line.
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include <signal.h>
#include <unistd.h>

#include "goclaw/sdk/worker.h"

#include "research_handler.h"

namespace {

constexpr const char* kUsage =
    "usage: goclaw_example_worker_cpp [--target HOST:PORT] [--name NAME] [--queue QUEUE] "
    "[--capacity N]\n"
    "  --target    goclaw's gRPC address (default 127.0.0.1:9090, or $GOCLAW_GRPC)\n"
    "  --name      this worker's name (default <host>-<pid>)\n"
    "  --queue     the queue to serve (default research)\n"
    "  --capacity  attempts at once (default 2)\n";

struct Flags {
  std::string target = "127.0.0.1:9090";
  std::string name;
  std::string queue = "research";
  int capacity = 2;
};

// Flags from argv ("--flag value" or "--flag=value"); false (with a message) when wrong.
bool ParseFlags(int argc, char** argv, Flags* flags, std::string* error) {
  if (const char* env = std::getenv("GOCLAW_GRPC"); env != nullptr && *env != '\0')
    flags->target = env;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string value;
    const std::size_t eq = arg.find('=');
    std::string_view flag = arg.substr(0, eq);
    auto take = [&]() -> bool {
      if (eq != std::string_view::npos) {
        value = std::string(arg.substr(eq + 1));
        return true;
      }
      if (i + 1 >= argc) {
        *error = std::string(flag) + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    if (flag == "--help" || flag == "-h") {
      *error = "";
      return false;
    }
    if (flag != "--target" && flag != "--name" && flag != "--queue" && flag != "--capacity") {
      *error = "unknown option " + std::string(arg);
      return false;
    }
    if (!take()) return false;
    if (flag == "--target") flags->target = value;
    if (flag == "--name") flags->name = value;
    if (flag == "--queue") flags->queue = value;
    if (flag == "--capacity") {
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), flags->capacity);
      if (ec != std::errc() || end != value.data() + value.size()) {
        *error = "--capacity: expected a whole number, got \"" + value + "\"";
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  std::string error;
  if (!ParseFlags(argc, argv, &flags, &error)) {
    if (error.empty()) {  // --help
      std::cout << kUsage;
      return 0;
    }
    std::cerr << "goclaw_example_worker_cpp: " << error << "\n" << kUsage;
    return 2;
  }
  // SIGINT/SIGTERM go to a thread that waits for them (blocked everywhere else), which stops
  // the worker. Worker::Stop is also safe to call from a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::mutex out_mu;
  goclaw::sdk::Worker worker({.target = flags.target,
                              .name = flags.name,
                              .capacity = flags.capacity,
                              .labels = {{"example", "cpp"}},
                              .log = [&out_mu](std::string_view line) {
                                std::lock_guard lock(out_mu);
                                std::cout << "worker: " << line << std::endl;
                              }});
  const goclaw::examples::ResearchOptions research{
      .worker_name = worker.name(), .out = &std::cout, .out_mu = &out_mu};
  worker.Handle(flags.queue, [&research](goclaw::sdk::Task& task) {
    return goclaw::examples::Research(task, research);
  });

  std::thread stopper([&worker, stop_signals] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    worker.Stop();
  });
  {
    std::lock_guard lock(out_mu);
    std::cout << "serving queue " << flags.queue << " on " << flags.target << " (capacity "
              << flags.capacity << ")" << std::endl;
  }
  goclaw::Status done = worker.Run();
  kill(getpid(),
       SIGTERM);  // wakes the stopper if Run ended on its own (blocked: only sigwait sees it)
  stopper.join();
  const goclaw::sdk::WorkerStats stats = worker.stats();
  std::cout << "stopped: " << stats.assignments << " assignments, " << stats.results_accepted
            << " results accepted, " << stats.results_refused << " refused, "
            << stats.attempts_abandoned << " abandoned, " << stats.connections << " connections"
            << std::endl;
  if (!done) {
    std::cerr << "goclaw_example_worker_cpp: " << done.error().ToString() << "\n";
    return 1;
  }
  return 0;
}
