// Host pattern parsing and matching (inet_pton for the addresses).
#include "goclaw/core/host_pattern.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>

namespace goclaw {
namespace {

constexpr std::string_view kForms =
    "expected a host name (\"api.example.com\"), \"*.domain\", an address or CIDR network "
    "(\"10.0.0.0/8\", \"[::1]\", \"[fd00::/8]\"), or \"*\", each optionally followed by "
    "\":port\"";

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

std::optional<int> ParseNumber(std::string_view s, int max) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  if (n > max) return std::nullopt;
  return n;
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  std::array<std::uint8_t, 4> v4;
  if (::inet_pton(AF_INET, s.c_str(), v4.data()) == 1) return FromV4(v4);
  std::array<std::uint8_t, 16> v6;
  if (::inet_pton(AF_INET6, s.c_str(), v6.data()) == 1) return FromV6(v6);
  return std::nullopt;
}

IpAddress IpAddress::FromV4(const std::array<std::uint8_t, 4>& b) {
  IpAddress a;
  std::copy(b.begin(), b.end(), a.bytes.begin());
  return a;
}

IpAddress IpAddress::FromV6(const std::array<std::uint8_t, 16>& b) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(std::begin(kMapped), std::end(kMapped), b.begin())) {
    return FromV4({b[12], b[13], b[14], b[15]});
  }
  IpAddress a;
  a.v6 = true;
  a.bytes = b;
  return a;
}

std::string IpAddress::ToString() const {
  char buf[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::IsLoopback() const {
  if (!v6) return bytes[0] == 127;
  return std::all_of(bytes.begin(), bytes.begin() + 15, [](std::uint8_t b) { return b == 0; }) &&
         bytes[15] == 1;
}

bool IpAddress::IsUnspecified() const {
  const int n = v6 ? 16 : 4;
  return std::all_of(bytes.begin(), bytes.begin() + n, [](std::uint8_t b) { return b == 0; });
}

bool IpAddress::InNetwork(const IpAddress& network, int prefix_len) const {
  if (v6 != network.v6) return false;
  int full = prefix_len / 8;
  if (!std::equal(bytes.begin(), bytes.begin() + full, network.bytes.begin())) return false;
  int rest = prefix_len % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (network.bytes[full] & mask);
}

Result<HostPattern> HostPattern::Parse(std::string_view text) {
  HostPattern p;
  p.text = std::string(text);
  auto bad = [&](std::string_view why) -> Result<HostPattern> {
    return MakeError(ErrorCode::kInvalidArgument, "invalid host pattern \"" + std::string(text) +
                                                      "\": " + std::string(why) + "; " +
                                                      std::string(kForms));
  };
  if (text.empty()) return bad("it is empty");
  std::string_view host = text;
  std::string_view port;
  bool bracketed = false;
  if (host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return bad("'[' without ']'");
    std::string_view after = host.substr(close + 1);
    host = host.substr(1, close - 1);
    bracketed = true;
    if (!after.empty()) {
      if (after.front() != ':') return bad("unexpected text after ']'");
      port = after.substr(1);
      if (port.empty()) return bad("':' without a port");
    }
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    std::size_t colon = host.find(':');
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
    if (port.empty()) return bad("':' without a port");
  }
  if (!port.empty()) {
    auto n = ParseNumber(port, 65535);
    if (!n || *n == 0) return bad("the port must be a number from 1 to 65535");
    p.port = static_cast<std::uint16_t>(*n);
  }
  if (host.empty()) return bad("no host");
  // An address or a network?
  std::string_view addr = host;
  std::optional<int> prefix;
  if (std::size_t slash = host.find('/'); slash != std::string_view::npos) {
    addr = host.substr(0, slash);
    prefix = ParseNumber(host.substr(slash + 1), 128);
    if (!prefix) return bad("the network prefix length must be a number");
  }
  if (auto ip = IpAddress::Parse(addr)) {
    const int max = ip->v6 ? 128 : 32;
    if (prefix && *prefix > max) return bad("the prefix length is larger than the address");
    p.kind = Kind::kNetwork;
    p.network = *ip;
    p.prefix_len = prefix.value_or(max);
    return p;
  }
  if (bracketed || prefix) return bad("not an IP address");
  if (host == "*") {
    p.kind = Kind::kAny;
    return p;
  }
  std::string_view name = host;
  if (name.rfind("*.", 0) == 0) {
    p.kind = Kind::kSuffix;
    name = name.substr(2);
  } else {
    p.kind = Kind::kName;
  }
  if (name.empty() || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return bad(
        "a host name has only letters, digits, '-', '_' and '.' ('*' only as \"*.\" at the start)");
  }
  p.name = Lower(name);
  if (p.kind == Kind::kSuffix) p.name.insert(0, ".");
  return p;
}

bool HostPattern::MatchesName(std::string_view host, std::uint16_t port_number) const {
  if (port && *port != port_number) return false;
  if (kind == Kind::kAny) return true;
  if (kind == Kind::kNetwork) return false;
  std::string h = Lower(host);
  if (kind == Kind::kName) return h == name;
  return h.size() > name.size() && h.compare(h.size() - name.size(), name.size(), name) == 0;
}

bool HostPattern::MatchesAddress(const IpAddress& address, std::uint16_t port_number) const {
  if (port && *port != port_number) return false;
  if (kind == Kind::kAny) return true;
  if (kind != Kind::kNetwork) return false;
  return address.InNetwork(network, prefix_len);
}

}  // namespace goclaw
