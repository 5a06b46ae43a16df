// /proc/self/stat, /proc/self/fd and /proc/stat (boot time) parsing.
#include "goclaw/metrics/process_stats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace goclaw::metrics {

namespace {

Result<std::string> ReadAll(const char* path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kUnavailable, std::string("cannot read ") + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<double> BootTime() {
  GOCLAW_ASSIGN_OR_RETURN(std::string stat, ReadAll("/proc/stat"));
  std::istringstream in(stat);
  std::string key;
  while (in >> key) {
    if (key == "btime") {
      double t = 0;
      in >> t;
      return t;
    }
    in.ignore(1 << 20, '\n');
  }
  return MakeError(ErrorCode::kUnavailable, "/proc/stat has no btime line");
}

}  // namespace

Result<ProcessStats> ReadProcessStats() {
  GOCLAW_ASSIGN_OR_RETURN(std::string stat, ReadAll("/proc/self/stat"));
  // The command name (field 2) is in parentheses and may contain spaces: parse after the last ')'.
  std::size_t close = stat.rfind(')');
  if (close == std::string::npos) return MakeError(ErrorCode::kUnavailable, "unexpected /proc/self/stat");
  std::istringstream in(stat.substr(close + 1));
  std::vector<std::string> fields;  // fields[0] is field 3 (state)
  for (std::string f; in >> f;) fields.push_back(std::move(f));
  if (fields.size() < 22) return MakeError(ErrorCode::kUnavailable, "short /proc/self/stat");
  auto field = [&](int n) { return std::stod(fields[static_cast<std::size_t>(n - 3)]); };
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  ProcessStats s;
  s.cpu_seconds = (field(14) + field(15)) / ticks;
  s.threads = static_cast<std::int64_t>(field(20));
  s.virtual_bytes = static_cast<std::uint64_t>(field(23));
  s.resident_bytes = static_cast<std::uint64_t>(field(24) * page);
  GOCLAW_ASSIGN_OR_RETURN(double boot, BootTime());
  s.start_time_seconds = boot + field(22) / ticks;
  std::error_code ec;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++s.open_fds;
  }
  if (s.open_fds > 0) --s.open_fds;  // the directory handle the iteration itself opened
  return s;
}

}  // namespace goclaw::metrics
