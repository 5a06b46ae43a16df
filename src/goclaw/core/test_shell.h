// For tests only: runs a shell command (curl, promtool, …) and captures what it prints
// (stdout and stderr together) and its exit code.
//
// Thread-safety: free function; popen per call.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace goclaw::testing {

struct ShellResult {
  int exit_code = -1;  // -1 when it could not run or was killed by a signal
  std::string output;
};

inline ShellResult RunShell(const std::string& command) {
  ShellResult r;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (std::size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace goclaw::testing
