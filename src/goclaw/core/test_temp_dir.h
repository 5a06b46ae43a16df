// For tests and benchmarks only: a fresh directory under /tmp (a store's data dir, a snapshot
// target), removed with everything in it when the object goes.
//
// Thread-safety: like any value.
#pragma once

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace goclaw::testing {

class ScratchDir {
 public:
  explicit ScratchDir(const char* prefix = "goclaw") {
    std::string tmpl = "/tmp/" + std::string(prefix) + "-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) std::abort();
    path_ = tmpl;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace goclaw::testing
