// The egress policy of `http` tasks (executors.http.egress, docs/security.md): which hosts and
// ports a task may call. Checked after DNS and before connecting, on every address the name
// resolved to, so a name that resolves to a denied address is refused too.
//
//   deny wins:   a request is refused when a `deny` pattern matches its host name or any of its
//                resolved addresses;
//   self:        ... or when an address is one of this server's own listeners (unless
//                `allow_self`): an http task must not submit workflows to its own server, or
//                reach its admin routes;
//   allow:       when `allow` is not empty, the host name must match an allow pattern, or every
//                resolved address must match one.
//
// Thread-safety: EgressPolicy is immutable after Create. SelfEndpoints is locked inside: the
// server adds its listener once it is bound, while tasks may already be checking.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "goclaw/core/host_pattern.h"
#include "goclaw/core/status.h"

namespace goclaw::exec {

// The addresses and ports this process listens on.
class SelfEndpoints {
 public:
  // `host` as configured (server.host: an address or a name, resolved here) and the port
  // actually bound. A wildcard host (0.0.0.0, ::) covers loopback and every local interface
  // address at that port.
  void Add(std::string_view host, std::uint16_t port);
  bool Contains(const IpAddress& address, std::uint16_t port) const;

 private:
  mutable std::mutex mu_;
  std::vector<std::pair<IpAddress, std::uint16_t>> exact_;
  std::vector<std::uint16_t> wildcard_ports_;
  std::vector<IpAddress> local_;  // interface addresses, read when a wildcard is added
};

struct EgressOptions {
  std::vector<std::string> allow;  // host patterns (core/host_pattern.h); empty: any host
  std::vector<std::string> deny;
  bool allow_self = false;
  std::shared_ptr<SelfEndpoints> self;  // none: nothing counts as self
};

class EgressPolicy {
 public:
  EgressPolicy() = default;  // allows everything
  // kInvalidArgument naming the bad pattern.
  static Result<EgressPolicy> Create(const EgressOptions& options);

  // kFailedPrecondition naming the rule that refused; `host` is the URL's host (a name or an
  // IP literal without brackets), `addresses` what it resolved to.
  Status Check(std::string_view host, std::uint16_t port,
               std::span<const IpAddress> addresses) const;

 private:
  std::vector<HostPattern> allow_, deny_;
  bool allow_self_ = false;
  std::shared_ptr<SelfEndpoints> self_;
};

}  // namespace goclaw::exec
