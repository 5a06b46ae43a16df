// The one URL parser of goclaw: the http executor's config.url, the CLI's --server, the
// WebSocket client's address, and whatever later calls out (signal delivery, trace export,
// embeddings). It lives in core, not in client/ or net/, because both of those use it and
// neither may depend on the other.
//
// Strict on purpose, because URLs are often templated from another agent's output:
//   - scheme http, https, ws or wss (case-insensitive; each caller says which it accepts);
//   - a host name, an IPv4 address or a bracketed IPv6 literal ("[::1]"); no user info
//     ("user:pass@host" is refused: credentials go in headers, not in logs and errors);
//   - an optional port 1-65535 (default 80, or 443 for https/wss);
//   - path and query kept exactly as written (nothing is percent-decoded or encoded); the
//     fragment is dropped (it is the client's business, never sent);
//   - no spaces or control characters anywhere (CR/LF would smuggle a header), and at most
//     UrlOptions::max_bytes.
// Every refusal is kInvalidArgument, names the value (UrlOptions::what), says what was wrong and
// shows the input with control characters replaced by '?' (cut when very long).
//
// Thread-safety: pure functions; Url is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "goclaw/core/status.h"

namespace goclaw {

struct Url {
  std::string scheme;      // lower case: "http", "https", "ws" or "wss"
  std::string host;        // for DNS, SNI and egress checks: an IPv6 literal has no brackets
  std::uint16_t port = 0;  // as written, else the scheme's default
  std::string target;      // path and query as written, at least "/"; never the fragment

  bool Secure() const { return scheme == "https" || scheme == "wss"; }
  bool Ipv6() const { return host.find(':') != std::string::npos; }
  bool HasDefaultPort() const { return port == (Secure() ? 443 : 80); }
  // The host as it goes on the wire: "[::1]" for an IPv6 literal, else the host.
  std::string WireHost() const { return Ipv6() ? "[" + host + "]" : host; }
  // "[::1]:9000", "example.com:443": always with the port (connection pools, messages).
  std::string Authority() const { return WireHost() + ":" + std::to_string(port); }
  // The Host header: WireHost(), plus ":port" unless it is the scheme's default.
  std::string HostHeader() const { return HasDefaultPort() ? WireHost() : Authority(); }
  // "http://127.0.0.1:8080": scheme and HostHeader(), no target.
  std::string Origin() const { return scheme + "://" + HostHeader(); }
  // Origin() + target.
  std::string ToString() const { return Origin() + target; }

  friend bool operator==(const Url&, const Url&) = default;
};

struct UrlOptions {
  // Names the value in messages: "config.url", "--server".
  std::string_view what = "url";
  // Accepted schemes, lower case.
  std::vector<std::string_view> schemes = {"http", "https"};
  // false: a base URL (a server's address): nothing but "/" may follow the authority.
  bool allow_target = true;
  // Longer input is refused before it is looked at.
  std::size_t max_bytes = 64 * 1024;
  // When set, every message reads `<what> must look like <example>, got "<input>" (<why>)`,
  // for values people type (the CLI's --server); else `<what> <why>: "<input>"`.
  std::string_view example;
};

Result<Url> ParseUrl(std::string_view text, const UrlOptions& options = {});

// `text` as one query-string component (a key or a value): every byte but the unreserved
// ones (A-Z a-z 0-9 - . _ ~) percent-encoded, so "a b&c" becomes "a%20b%26c".
std::string QueryComponent(std::string_view text);

}  // namespace goclaw
