// Egress policy matching; SelfEndpoints resolves the server's host with getaddrinfo and lists
// interface addresses with getifaddrs.
#include "goclaw/exec/egress.h"

#include <algorithm>
#include <cstring>

#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace goclaw::exec {
namespace {

std::optional<IpAddress> FromSockaddr(const sockaddr* sa) {
  if (sa == nullptr) return std::nullopt;
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::array<std::uint8_t, 4> b;
    std::memcpy(b.data(), &in->sin_addr, 4);
    return IpAddress::FromV4(b);
  }
  if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::array<std::uint8_t, 16> b;
    std::memcpy(b.data(), &in6->sin6_addr, 16);
    return IpAddress::FromV6(b);
  }
  return std::nullopt;
}

std::vector<IpAddress> Resolve(std::string_view host) {
  std::vector<IpAddress> out;
  if (auto ip = IpAddress::Parse(host)) return {*ip};
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(std::string(host).c_str(), nullptr, &hints, &res) != 0) return out;
  for (addrinfo* a = res; a != nullptr; a = a->ai_next) {
    if (auto ip = FromSockaddr(a->ai_addr)) out.push_back(*ip);
  }
  ::freeaddrinfo(res);
  return out;
}

std::string Endpoint(std::string_view host, std::uint16_t port) {
  const bool v6 = host.find(':') != std::string_view::npos;
  return (v6 ? "[" + std::string(host) + "]" : std::string(host)) + ":" + std::to_string(port);
}

}  // namespace

void SelfEndpoints::Add(std::string_view host, std::uint16_t port) {
  std::vector<IpAddress> addresses = Resolve(host);
  std::lock_guard lock(mu_);
  for (const IpAddress& a : addresses) {
    if (!a.IsUnspecified()) {
      exact_.emplace_back(a, port);
      continue;
    }
    wildcard_ports_.push_back(port);
    if (!local_.empty()) continue;
    ifaddrs* list = nullptr;
    if (::getifaddrs(&list) != 0) continue;
    for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
      if (auto ip = FromSockaddr(i->ifa_addr)) local_.push_back(*ip);
    }
    ::freeifaddrs(list);
  }
}

bool SelfEndpoints::Contains(const IpAddress& address, std::uint16_t port) const {
  std::lock_guard lock(mu_);
  const bool listening =
      std::any_of(exact_.begin(), exact_.end(), [&](const auto& e) { return e.second == port; }) ||
      std::find(wildcard_ports_.begin(), wildcard_ports_.end(), port) != wildcard_ports_.end();
  if (!listening) return false;
  // A connect to 0.0.0.0 or :: reaches this machine's listeners.
  if (address.IsUnspecified()) return true;
  if (std::find(exact_.begin(), exact_.end(), std::pair(address, port)) != exact_.end())
    return true;
  if (std::find(wildcard_ports_.begin(), wildcard_ports_.end(), port) == wildcard_ports_.end())
    return false;
  return address.IsLoopback() || std::find(local_.begin(), local_.end(), address) != local_.end();
}

Result<EgressPolicy> EgressPolicy::Create(const EgressOptions& options) {
  EgressPolicy p;
  auto parse = [](const std::vector<std::string>& in, std::string_view list,
                  std::vector<HostPattern>* out) -> Status {
    for (std::size_t i = 0; i < in.size(); ++i) {
      auto pattern = HostPattern::Parse(in[i]);
      if (!pattern) {
        return MakeError(ErrorCode::kInvalidArgument, "executors.http.egress." + std::string(list) +
                                                          "[" + std::to_string(i) +
                                                          "]: " + pattern.error().message());
      }
      out->push_back(std::move(*pattern));
    }
    return OkStatus();
  };
  GOCLAW_RETURN_IF_ERROR(parse(options.allow, "allow", &p.allow_));
  GOCLAW_RETURN_IF_ERROR(parse(options.deny, "deny", &p.deny_));
  p.allow_self_ = options.allow_self;
  p.self_ = options.self;
  return p;
}

Status EgressPolicy::Check(std::string_view host, std::uint16_t port,
                           std::span<const IpAddress> addresses) const {
  const bool literal = IpAddress::Parse(host).has_value();
  const std::string where = Endpoint(host, port);
  auto refuse = [&](std::string why) {
    return MakeError(ErrorCode::kFailedPrecondition, "egress policy refuses " + where + ": " + why);
  };
  for (const HostPattern& rule : deny_) {
    if (!literal && rule.MatchesName(host, port)) {
      return refuse("it matches executors.http.egress.deny rule \"" + rule.text + "\"");
    }
    for (const IpAddress& a : addresses) {
      if (rule.MatchesAddress(a, port)) {
        return refuse("address " + a.ToString() + " matches executors.http.egress.deny rule \"" +
                      rule.text + "\"");
      }
    }
  }
  if (!allow_self_ && self_) {
    for (const IpAddress& a : addresses) {
      if (self_->Contains(a, port)) {
        return refuse(Endpoint(a.ToString(), port) +
                      " is this server's own listener (tasks may not call their own server; "
                      "set executors.http.egress.allow_self: true to permit it)");
      }
    }
  }
  if (allow_.empty()) return OkStatus();
  for (const HostPattern& rule : allow_) {
    if (!literal && rule.MatchesName(host, port)) return OkStatus();
  }
  const bool all_allowed =
      !addresses.empty() &&
      std::all_of(addresses.begin(), addresses.end(), [&](const IpAddress& a) {
        return std::any_of(allow_.begin(), allow_.end(),
                           [&](const HostPattern& r) { return r.MatchesAddress(a, port); });
      });
  if (all_allowed) return OkStatus();
  std::string rules;
  for (const HostPattern& r : allow_) rules += (rules.empty() ? "\"" : ", \"") + r.text + "\"";
  return refuse("no executors.http.egress.allow rule matches it (allowed: " + rules + ")");
}

}  // namespace goclaw::exec
