// Config file text -> LoadConfig (the --config layer: YAML or JSON, picked like a file without
// an extension), then the same text as --set flags (one per line) and as GOCLAW_LANES.
//
// LoadConfig reads its file by path, so the input is written to a memfd and passed as
// /proc/self/fd/N: no files on disk, and ParseDocument still sees a path without an extension
// (kAuto: '{' or '[' first means JSON, anything else YAML).
//
// Invariants: errors carry a message and each detail a message; a loaded config printed as
// YAML (what `goclaw config print` shows) loads again into the same config.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/serialize.hpp>
#include <sys/mman.h>
#include <unistd.h>

#include "goclaw/config/loader.h"
#include "goclaw/config/schema.h"
#include "goclaw/core/json_format.h"

#include "fuzz_check.h"

namespace {

// One memfd for the whole run; each input replaces its contents.
const std::string& MemfdPath() {
  static const std::string path = [] {
    int fd = memfd_create("goclaw-config-fuzz", 0);
    FUZZ_CHECK(fd >= 0, "memfd_create");
    return "/proc/self/fd/" + std::to_string(fd);
  }();
  return path;
}

void WriteMemfd(std::string_view text) {
  static const int fd = std::stoi(MemfdPath().substr(MemfdPath().rfind('/') + 1));
  FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate");
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = pwrite(fd, text.data() + done, text.size() - done, static_cast<off_t>(done));
    FUZZ_CHECK(n > 0, "pwrite");
    done += static_cast<std::size_t>(n);
  }
}

void CheckError(const goclaw::Error& e) {
  FUZZ_CHECK(!e.message().empty(), "an error without a message");
  for (const auto& d : e.details()) {
    FUZZ_CHECK(!d.message.empty(), "a detail without a message at " + d.path);
  }
}

// Equal JSON, but doubles may differ in the last digits: YAML numbers are read with strtod
// and printed by Boost.JSON, which does not always give back the same double (spec_encoder.h).
bool NearlyEqual(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number() && (a.is_double() || b.is_double())) {
    double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-12 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const auto& ao = a.get_object();
    const auto& bo = b.get_object();
    if (ao.size() != bo.size()) return false;
    for (const auto& kv : ao) {
      const auto* other = bo.if_contains(kv.key());
      if (other == nullptr || !NearlyEqual(kv.value(), *other)) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const auto& aa = a.get_array();
    const auto& ba = b.get_array();
    if (aa.size() != ba.size()) return false;
    for (std::size_t i = 0; i < aa.size(); ++i) {
      if (!NearlyEqual(aa[i], ba[i])) return false;
    }
    return true;
  }
  return a == b;
}

void CheckLoaded(const goclaw::Result<goclaw::config::Config>& config) {
  if (!config) {
    CheckError(config.error());
    return;
  }
  const boost::json::value printed = goclaw::config::EncodeConfig(*config);
  const std::string yaml = goclaw::ToYaml(printed);
  WriteMemfd(yaml);
  goclaw::config::ConfigSources again_sources;
  again_sources.file_path = MemfdPath();
  auto again = goclaw::config::LoadConfig(again_sources);
  FUZZ_CHECK(again.has_value(), "the printed config does not load: " +
                                    (again ? "" : again.error().ToString()) + "\n" + yaml);
  const boost::json::value reprinted = goclaw::config::EncodeConfig(*again);
  FUZZ_CHECK(NearlyEqual(printed, reprinted), "the config changed in a print/load trip:\n" +
                                                  boost::json::serialize(printed) + "\n" +
                                                  boost::json::serialize(reprinted));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);

  WriteMemfd(text);
  goclaw::config::ConfigSources file_sources;
  file_sources.file_path = MemfdPath();
  CheckLoaded(goclaw::config::LoadConfig(file_sources));

  goclaw::config::ConfigSources other_sources;
  other_sources.env.emplace_back("GOCLAW_LANES", std::string(text));
  std::string_view rest = text;
  for (int i = 0; i < 16 && !rest.empty(); ++i) {
    std::size_t nl = rest.find('\n');
    other_sources.flags.emplace_back(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  CheckLoaded(goclaw::config::LoadConfig(other_sources));
  return 0;
}
