// Host and Origin allow-lists (DNS rebinding).
#include "goclaw/api/http/host_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

namespace goclaw::api::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "name[:port]" -> name and port ("" when none); false when malformed.
bool SplitHostPort(std::string_view text, std::string_view* name, std::string_view* port) {
  *port = {};
  if (text.starts_with('[')) {  // an IPv6 literal
    std::size_t close = text.find(']');
    if (close == std::string_view::npos) return false;
    *name = text.substr(0, close + 1);
    std::string_view rest = text.substr(close + 1);
    if (rest.empty()) return true;
    if (rest[0] != ':') return false;
    *port = rest.substr(1);
  } else {
    std::size_t colon = text.find(':');
    *name = text.substr(0, colon);
    if (colon != std::string_view::npos) *port = text.substr(colon + 1);
    if (colon != std::string_view::npos && port->empty()) return false;
  }
  if (name->empty() || port->size() > 5) return false;
  return std::all_of(port->begin(), port->end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsIpv4Loopback(std::string_view name) {
  if (name.size() > 15) return false;
  std::string text(name);
  in_addr addr{};
  if (inet_pton(AF_INET, text.c_str(), &addr) != 1) return false;
  return (ntohl(addr.s_addr) >> 24) == 127;
}

bool IsLoopbackName(std::string_view lower_name) {
  return lower_name == "localhost" || lower_name == "[::1]" || IsIpv4Loopback(lower_name);
}

}  // namespace

bool IsLoopbackHost(std::string_view host) {
  const std::string lower = Lower(host);
  return lower == "::1" || IsLoopbackName(lower);
}

HostPolicy::HostPolicy(std::string_view bind_host, std::vector<std::string> allowed_hosts,
                       std::vector<std::string> cors_origins)
    : loopback_bind_(IsLoopbackHost(bind_host)), cors_origins_(std::move(cors_origins)) {
  for (const std::string& h : allowed_hosts) allowed_.push_back(Lower(h));
}

bool HostPolicy::InAllowList(std::string_view host) const {
  std::string_view name, port;
  if (!SplitHostPort(host, &name, &port)) return false;
  for (const std::string& entry : allowed_) {
    std::string_view entry_name, entry_port;
    if (!SplitHostPort(entry, &entry_name, &entry_port)) continue;
    if (entry_name == name && (entry_port.empty() || entry_port == port)) return true;
  }
  return false;
}

bool HostPolicy::HostAllowed(std::string_view host) const {
  while (!host.empty() && (host.back() == ' ' || host.back() == '\t')) host.remove_suffix(1);
  while (!host.empty() && (host.front() == ' ' || host.front() == '\t')) host.remove_prefix(1);
  if (host.empty()) return true;  // HTTP/1.0 without Host (HTTP/1.1 requires one: checked before)
  const std::string lower = Lower(host);
  std::string_view name, port;
  if (!SplitHostPort(lower, &name, &port)) return false;
  if (loopback_bind_) return IsLoopbackName(name) || InAllowList(lower);
  return allowed_.empty() || InAllowList(lower);
}

bool HostPolicy::OriginAllowed(std::string_view origin, std::string_view request_host) const {
  if (origin.empty()) return true;  // not a browser (curl, SDKs)
  for (const std::string& o : cors_origins_) {
    if (o == "*" || o == origin) return true;
  }
  std::size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return false;  // e.g. "null" from a sandboxed page
  const std::string authority = Lower(origin.substr(scheme + 3));
  if (authority.empty() || authority.find('/') != std::string::npos || !HostAllowed(authority)) return false;
  // Where any Host is served, a host check proves nothing: the page must come from the very
  // host[:port] the request was sent to.
  if (!loopback_bind_ && allowed_.empty()) return authority == Lower(request_host);
  return true;
}

std::string HostPolicy::Describe() const {
  std::string list;
  for (const std::string& h : allowed_) list += (list.empty() ? "" : ", ") + h;
  if (loopback_bind_) {
    return "this server listens on a loopback address and answers only the Host names localhost, "
           "127.x.y.z and [::1] (any port)" +
           (list.empty() ? std::string() : " and server.allowed_hosts (" + list + ")") +
           "; add the name to server.allowed_hosts to serve it (e.g. behind a reverse proxy)";
  }
  return "this server answers only the Host names in server.allowed_hosts (" + list +
         "); add the name there to serve it";
}

}  // namespace goclaw::api::http
