// Runs the real `goclaw` binary for end-to-end tests and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace goclaw::testing {

struct CommandResult {
  int exit_code = -1;      // -1 when killed by a signal
  int signal = 0;          // the signal that ended the process, if any
  std::string out;         // stdout
  std::string err;         // stderr
};

// Runs GOCLAW_BINARY_PATH with `args` (no shell), feeding `stdin_text`, with `env` added to the
// environment; kills it after `timeout_seconds`.
// With `interrupt_when`, sends SIGINT once stdout contains that text (a user's Ctrl-C).
CommandResult RunGoclaw(const std::vector<std::string>& args, const std::string& stdin_text = "",
                        const std::vector<std::string>& env = {}, int timeout_seconds = 60,
                        const std::string& interrupt_when = "");

std::string SourcePath(const std::string& relative);

// A fresh temporary directory, removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string Write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

}  // namespace goclaw::testing
