#include "goclaw/core/url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

Url Parsed(std::string_view text, const UrlOptions& options = {}) {
  auto url = ParseUrl(text, options);
  EXPECT_TRUE(url) << text << ": " << url.error().message();
  return url ? *url : Url();
}

std::string Refusal(std::string_view text, const UrlOptions& options = {}) {
  auto url = ParseUrl(text, options);
  EXPECT_FALSE(url) << text << " was accepted as " << (url ? url->ToString() : "");
  if (url) return "";
  EXPECT_EQ(url.error().code(), ErrorCode::kInvalidArgument);
  return url.error().message();
}

TEST(UrlTest, SchemeHostPortAndTarget) {
  Url u = Parsed("http://127.0.0.1:8080/api/v1/workflows?limit=5");
  EXPECT_EQ(u.scheme, "http");
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/api/v1/workflows?limit=5");
  EXPECT_FALSE(u.Secure());
  EXPECT_EQ(u.HostHeader(), "127.0.0.1:8080");
  EXPECT_EQ(u.Authority(), "127.0.0.1:8080");
  EXPECT_EQ(u.Origin(), "http://127.0.0.1:8080");
  EXPECT_EQ(u.ToString(), "http://127.0.0.1:8080/api/v1/workflows?limit=5");
}

TEST(UrlTest, DefaultPortsAndTargets) {
  Url plain = Parsed("http://example.com");
  EXPECT_EQ(plain.port, 80);
  EXPECT_EQ(plain.target, "/");
  EXPECT_TRUE(plain.HasDefaultPort());
  EXPECT_EQ(plain.HostHeader(), "example.com");
  EXPECT_EQ(plain.Authority(), "example.com:80");
  Url tls = Parsed("https://example.com?q=1");
  EXPECT_EQ(tls.port, 443);
  EXPECT_TRUE(tls.Secure());
  EXPECT_EQ(tls.target, "/?q=1");
  EXPECT_EQ(Parsed("https://example.com:/x").port, 443);  // an empty port is the default
  EXPECT_EQ(Parsed("https://example.com:443/").HostHeader(), "example.com");
  const UrlOptions ws{.schemes = {"ws", "wss"}};
  EXPECT_EQ(Parsed("ws://h/events", ws).port, 80);
  EXPECT_EQ(Parsed("wss://h/events", ws).port, 443);
  EXPECT_TRUE(Parsed("wss://h/events", ws).Secure());
}

TEST(UrlTest, SchemeIsCaseInsensitiveHostAndTargetAreKept) {
  Url u = Parsed("HTTPS://Example.COM/A%20b?X=Y");
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "Example.COM");
  EXPECT_EQ(u.target, "/A%20b?X=Y");  // not decoded
}

TEST(UrlTest, FragmentIsDropped) {
  EXPECT_EQ(Parsed("http://h/page?x=1#section").target, "/page?x=1");
  EXPECT_EQ(Parsed("http://h#top").target, "/");
}

TEST(UrlTest, Ipv6LiteralsNeedBrackets) {
  Url u = Parsed("http://[::1]:9000/x");
  EXPECT_EQ(u.host, "::1");
  EXPECT_TRUE(u.Ipv6());
  EXPECT_EQ(u.port, 9000);
  EXPECT_EQ(u.HostHeader(), "[::1]:9000");
  EXPECT_EQ(u.ToString(), "http://[::1]:9000/x");
  EXPECT_EQ(Parsed("https://[fd00::1]").HostHeader(), "[fd00::1]");
  EXPECT_EQ(Parsed("http://[::ffff:127.0.0.1]:80/").host, "::ffff:127.0.0.1");
  EXPECT_THAT(Refusal("http://[::1/json"), HasSubstr("invalid host or port ('[' without ']')"));
  EXPECT_THAT(Refusal("http://[127.0.0.1]:80/json"), HasSubstr("brackets hold an IPv6 address"));
  EXPECT_THAT(Refusal("http://[zz::1]/"), HasSubstr("brackets hold an IPv6 address"));
  EXPECT_THAT(Refusal("http://[::1]x/"), HasSubstr("text after ']'"));
  EXPECT_THAT(Refusal("http://::1/"), HasSubstr("an IPv6 address needs brackets"));
  EXPECT_THAT(Refusal("http://fe80::1:8080/"), HasSubstr("an IPv6 address needs brackets"));
}

TEST(UrlTest, MissingOrUnacceptedScheme) {
  EXPECT_EQ(Refusal("ftp://x"), "url must start with http:// or https://, got \"ftp://x\"");
  EXPECT_EQ(Refusal("127.0.0.1:8080", {.what = "config.url"}),
            "config.url must start with http:// or https://, got \"127.0.0.1:8080\"");
  EXPECT_THAT(Refusal("ws://h/", {.schemes = {"http"}}), HasSubstr("must start with http://,"));
  EXPECT_THAT(Refusal("http://h/", {.schemes = {"ws", "wss"}}), HasSubstr("must start with ws:// or wss://"));
  EXPECT_THAT(Refusal("wss://h/", {.schemes = {"http", "https", "ws"}}),
              HasSubstr("must start with http://, https:// or ws://"));
  EXPECT_THAT(Refusal(""), HasSubstr("must start with"));
  EXPECT_THAT(Refusal("http:/h"), HasSubstr("must start with"));
}

TEST(UrlTest, BadPorts) {
  for (const char* bad : {"http://h:port/x", "http://h:0/", "http://h:65536/", "http://h:123456/", "http://h:-1/",
                          "http://h:80a/", "http://[::1]:x/", "http://h:99999999999999999999/"}) {
    EXPECT_THAT(Refusal(bad), HasSubstr("invalid host or port (the port must be a number from 1 to 65535")) << bad;
  }
  EXPECT_EQ(Parsed("http://h:65535/").port, 65535);
  EXPECT_EQ(Parsed("http://h:1/").port, 1);
  EXPECT_EQ(Parsed("http://h:00080/").port, 80);
}

TEST(UrlTest, BadHosts) {
  EXPECT_THAT(Refusal("http:///x"), HasSubstr("has no host"));
  EXPECT_THAT(Refusal("http://"), HasSubstr("has no host"));
  EXPECT_THAT(Refusal("http://:8080/"), HasSubstr("has no host"));
  EXPECT_THAT(Refusal("http://h%41/"), HasSubstr("a host name is letters, digits"));
  EXPECT_THAT(Refusal("http://a\\b/"), HasSubstr("a host name is letters, digits"));
}

TEST(UrlTest, UserInfoIsRefused) {
  for (const char* bad : {"http://user:secret@h/", "http://user@h:80/", "http://@h/", "http://h@evil.example/"}) {
    EXPECT_THAT(Refusal(bad), HasSubstr("has user info")) << bad;
  }
  // An '@' in the path or query is data, not user info.
  EXPECT_EQ(Parsed("http://h/mail/a@b?to=c@d").target, "/mail/a@b?to=c@d");
}

TEST(UrlTest, ControlCharactersAndSpacesAreRefused) {
  struct Case {
    std::string url;
    std::string message;
  } cases[] = {
      {"http://h/json\r\nX-Evil: 1", "config.url contains a CR at offset 13"},
      {"http://h/json\nGET /admin", "config.url contains an LF at offset 13"},
      {std::string("http://h/json\0tail", 18), "config.url contains a NUL at offset 13"},
      {"http://h/json HTTP/1.1", "config.url contains a space at offset 13"},
      {"http://h/json?q=a\tb", "config.url contains control character 0x09 at offset 17"},
      {"http://h/\x7f", "config.url contains control character 0x7f at offset 9"},
  };
  for (const Case& c : cases) {
    std::string message = Refusal(c.url, {.what = "config.url"});
    EXPECT_THAT(message, StartsWith(c.message));
    EXPECT_THAT(message, HasSubstr("percent-encode"));
    EXPECT_EQ(message.find_first_of("\r\n\t", 0), std::string::npos) << "shown with '?' for controls";
  }
  EXPECT_THAT(Refusal("http://h/a\r\nb", {.what = "config.url"}), HasSubstr("\"http://h/a??b\""));
}

TEST(UrlTest, HugeInputIsRefusedAndShownCut) {
  const std::string huge = "http://h/" + std::string(1 << 20, 'a');
  std::string message = Refusal(huge);
  EXPECT_THAT(message, HasSubstr("is 1048585 bytes long; at most 65536 are accepted"));
  EXPECT_LT(message.size(), 400u);
  EXPECT_THAT(message, HasSubstr("... (1048585 bytes)"));
  EXPECT_TRUE(ParseUrl("http://h/" + std::string(1000, 'a'), {.max_bytes = 1009}));
  EXPECT_FALSE(ParseUrl("http://h/" + std::string(1001, 'a'), {.max_bytes = 1009}));
}

TEST(UrlTest, BaseUrlsTakeNoTarget) {
  const UrlOptions base{.schemes = {"http"}, .allow_target = false};
  EXPECT_EQ(Parsed("http://127.0.0.1:8080", base).target, "/");
  EXPECT_EQ(Parsed("http://127.0.0.1:8080/", base).target, "/");
  EXPECT_THAT(Refusal("http://127.0.0.1:8080/api", base), HasSubstr("has a path or query (\"/api\")"));
  EXPECT_THAT(Refusal("http://127.0.0.1:8080?x", base), HasSubstr("has a path or query"));
  EXPECT_THAT(Refusal("http://127.0.0.1:8080//", base), HasSubstr("has a path or query"));
}

TEST(UrlTest, ExampleFormForTypedValues) {
  const UrlOptions server{.what = "--server", .schemes = {"http"}, .allow_target = false,
                          .example = "http://127.0.0.1:8080"};
  EXPECT_EQ(Refusal("127.0.0.1:8080", server),
            "--server must look like http://127.0.0.1:8080, got \"127.0.0.1:8080\" (there is no scheme; it "
            "must start with http://)");
  EXPECT_EQ(Refusal("https://h", server),
            "--server must look like http://127.0.0.1:8080, got \"https://h\" (it must start with http://)");
  EXPECT_EQ(Refusal("http://h:x", server),
            "--server must look like http://127.0.0.1:8080, got \"http://h:x\" (has an invalid host or port "
            "(the port must be a number from 1 to 65535, got \"x\"))");
}

TEST(UrlTest, QueryComponentEncodesAllButUnreservedBytes) {
  EXPECT_EQ(QueryComponent("plain-name_1.0~"), "plain-name_1.0~");
  EXPECT_EQ(QueryComponent("a b&c=d/e?f#g%"), "a%20b%26c%3Dd%2Fe%3Ff%23g%25");
  EXPECT_EQ(QueryComponent("\r\n+"), "%0D%0A%2B");
  EXPECT_EQ(QueryComponent("部署"), "%E9%83%A8%E7%BD%B2");
  EXPECT_EQ(QueryComponent(""), "");
}

}  // namespace
}  // namespace goclaw
