// Host patterns: the rules of the http executor's egress policy (executors.http.egress), parsed
// here so that the config loader can validate them and the executor can match them.
//
//   "api.example.com"      that host name, any port        "*.internal:8443"  subdomains, one port
//   "10.0.0.0/8"           an IPv4 network (CIDR)           "192.168.1.7:80"   one address, one
//   port
//   "[::1]:9000"           an IPv6 address, one port        "[fd00::/8]"       an IPv6 network
//   "::1", "fd00::/8"      a bare IPv6 address or network (no port: a port needs brackets)
//   "*"                    everything ("*:25": every host, port 25)
//
// Name patterns match the URL's host name (case-insensitive, a trailing dot ignored); address
// patterns match the addresses the name resolved to (IPv4-mapped IPv6 addresses count as IPv4).
//
// Thread-safety: plain values.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "goclaw/core/status.h"

namespace goclaw {

// An IPv4 or IPv6 address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are folded to IPv4.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

  // "10.1.2.3" or "::1" (no brackets); nullopt for anything else.
  static std::optional<IpAddress> Parse(std::string_view text);
  static IpAddress FromV4(const std::array<std::uint8_t, 4>& b);
  static IpAddress FromV6(const std::array<std::uint8_t, 16>& b);  // folds mapped IPv4
  std::string ToString() const;
  bool IsLoopback() const;     // 127.0.0.0/8, ::1
  bool IsUnspecified() const;  // 0.0.0.0, :: (a connect to it reaches this machine)
  // The first `prefix_len` bits equal (same family only).
  bool InNetwork(const IpAddress& network, int prefix_len) const;

  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

struct HostPattern {
  enum class Kind { kAny, kName, kSuffix, kNetwork };
  Kind kind = Kind::kAny;
  std::string name;  // kName: "api.example.com"; kSuffix: ".internal" (lower case)
  IpAddress network;
  int prefix_len = 0;
  std::optional<std::uint16_t> port;  // none: any port
  std::string text;                   // as written, for messages

  // Errors say what was wrong and which forms are accepted.
  static Result<HostPattern> Parse(std::string_view text);

  // A URL host name (not an IP literal) and port; kAny matches every host.
  bool MatchesName(std::string_view host, std::uint16_t port) const;
  // A resolved address and port; kAny matches every address.
  bool MatchesAddress(const IpAddress& address, std::uint16_t port) const;
};

}  // namespace goclaw
