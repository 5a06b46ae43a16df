// A hand-written parser for the small subset of RFC 3986 goclaw accepts (see url.h).
#include "goclaw/core/url.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "goclaw/core/host_pattern.h"
#include "goclaw/core/text.h"

namespace goclaw {
namespace {

// Input shown in messages: control characters as '?', cut when very long.
constexpr std::size_t kMaxShown = 200;

std::string Shown(std::string_view text) {
  std::string out(text.substr(0, kMaxShown));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  if (text.size() > kMaxShown) out += "... (" + std::to_string(text.size()) + " bytes)";
  return out;
}

bool IsControlOrSpace(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7f;
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

std::string SchemeList(const std::vector<std::string_view>& schemes) {
  std::string out;
  for (std::size_t i = 0; i < schemes.size(); ++i) {
    if (i > 0) out += i + 1 == schemes.size() ? " or " : ", ";
    out += std::string(schemes[i]) + "://";
  }
  return out;
}

std::uint16_t DefaultPort(std::string_view scheme) {
  return scheme == "https" || scheme == "wss" ? 443 : 80;
}

class Parser {
 public:
  Parser(std::string_view text, const UrlOptions& options) : text_(text), options_(options) {}

  Result<Url> Parse() {
    if (text_.size() > options_.max_bytes) {
      return Bad("is " + std::to_string(text_.size()) + " bytes long; at most " +
                 std::to_string(options_.max_bytes) + " are accepted");
    }
    // Refused, not percent-encoded: a URL that needs encoding is usually an agent's output
    // spliced in raw, and guessing which part was meant as data would hide that.
    for (std::size_t i = 0; i < text_.size(); ++i) {
      if (IsControlOrSpace(text_[i])) {
        return Bad("contains " + DescribeByte(text_[i]) + " at offset " + std::to_string(i) +
                   " (percent-encode data placed in a URL, e.g. %20 for a space)");
      }
    }
    Url url;
    std::string_view rest = text_;
    const std::size_t sep = rest.find("://");
    if (sep != std::string_view::npos) {
      url.scheme = std::string(rest.substr(0, sep));
      std::transform(url.scheme.begin(), url.scheme.end(), url.scheme.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    }
    if (sep == std::string_view::npos ||
        std::find(options_.schemes.begin(), options_.schemes.end(), url.scheme) == options_.schemes.end()) {
      const std::string accepted = SchemeList(options_.schemes);
      if (!options_.example.empty()) {
        return Bad(sep == std::string_view::npos ? "there is no scheme; it must start with " + accepted
                                                 : "it must start with " + accepted);
      }
      return MakeError(ErrorCode::kInvalidArgument, std::string(options_.what) + " must start with " +
                                                        accepted + ", got \"" + Shown(text_) + "\"");
    }
    rest.remove_prefix(sep + 3);
    if (std::size_t hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
    const std::size_t slash = rest.find_first_of("/?");
    const std::string_view authority = rest.substr(0, slash);
    url.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
    if (url.target[0] == '?') url.target.insert(0, "/");
    if (!options_.allow_target && url.target != "/") {
      return Bad("has a path or query (\"" + Shown(url.target) +
                 "\"), which is not accepted here: give only the scheme, host and port");
    }
    if (authority.find('@') != std::string_view::npos) {
      return Bad("has user info (user:password@ before the host), which is not accepted; "
                 "send credentials in a header");
    }
    if (authority.empty()) return Bad("has no host");

    std::string_view host = authority;
    std::optional<std::string_view> port;
    if (authority.front() == '[') {
      const std::size_t close = authority.find(']');
      if (close == std::string_view::npos) return Bad("has an invalid host or port ('[' without ']')");
      host = authority.substr(1, close - 1);
      const std::string_view after = authority.substr(close + 1);
      if (!after.empty()) {
        if (after.front() != ':') return Bad("has an invalid host or port (text after ']' that is not \":port\")");
        port = after.substr(1);
      }
      if (host.find(':') == std::string_view::npos || !IpAddress::Parse(host)) {
        return Bad("has an invalid host or port (brackets hold an IPv6 address, such as [::1])");
      }
    } else {
      const std::size_t colon = authority.rfind(':');
      if (colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
      }
      if (host.find(':') != std::string_view::npos) {
        return Bad("has an invalid host or port (an IPv6 address needs brackets: " + url.scheme +
                   "://[::1]:8080/)");
      }
      if (host.empty()) return Bad("has no host");
      if (!std::all_of(host.begin(), host.end(), IsHostNameChar)) {
        return Bad("has an invalid host or port (a host name is letters, digits, '-', '.' and '_')");
      }
    }
    url.host = std::string(host);
    url.port = DefaultPort(url.scheme);
    // "host:" with nothing after the colon means the default port (RFC 3986 section 3.2.3).
    if (port && !port->empty()) {
      const bool digits = port->size() <= 5 && std::all_of(port->begin(), port->end(), [](char c) {
                            return c >= '0' && c <= '9';
                          });
      const int value = digits ? std::stoi(std::string(*port)) : 0;
      if (value < 1 || value > 65535) {
        return Bad("has an invalid host or port (the port must be a number from 1 to 65535, got \"" +
                   Shown(*port) + "\")");
      }
      url.port = static_cast<std::uint16_t>(value);
    }
    return url;
  }

 private:
  tl::unexpected<Error> Bad(const std::string& why) const {
    if (!options_.example.empty()) {
      return MakeError(ErrorCode::kInvalidArgument, std::string(options_.what) + " must look like " +
                                                        std::string(options_.example) + ", got \"" +
                                                        Shown(text_) + "\" (" + why + ")");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string(options_.what) + " " + why + ": \"" + Shown(text_) + "\"");
  }

  std::string_view text_;
  const UrlOptions& options_;
};

}  // namespace

Result<Url> ParseUrl(std::string_view text, const UrlOptions& options) {
  return Parser(text, options).Parse();
}

std::string QueryComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[b >> 4]);
      out.push_back(kHex[b & 0x0f]);
    }
  }
  return out;
}

}  // namespace goclaw
