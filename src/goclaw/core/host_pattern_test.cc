// Host patterns: every accepted form, what each matches, and the refusals.
#include "goclaw/core/host_pattern.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(std::string_view s) { return *IpAddress::Parse(s); }

TEST(IpAddressTest, ParsesAndFoldsMappedV4) {
  EXPECT_FALSE(Ip("10.1.2.3").v6);
  EXPECT_TRUE(Ip("::1").v6);
  EXPECT_EQ(Ip("::ffff:127.0.0.1"), Ip("127.0.0.1"));
  EXPECT_TRUE(Ip("127.8.0.1").IsLoopback());
  EXPECT_TRUE(Ip("::1").IsLoopback());
  EXPECT_TRUE(Ip("0.0.0.0").IsUnspecified());
  EXPECT_TRUE(Ip("::").IsUnspecified());
  EXPECT_FALSE(IpAddress::Parse("[::1]"));
  EXPECT_FALSE(IpAddress::Parse("example.com"));
  EXPECT_EQ(Ip("fd00::5").ToString(), "fd00::5");
}

TEST(HostPatternTest, NamesAndSuffixes) {
  auto name = *HostPattern::Parse("API.example.com");
  EXPECT_TRUE(name.MatchesName("api.example.com", 443));
  EXPECT_TRUE(name.MatchesName("Api.Example.Com.", 80));
  EXPECT_FALSE(name.MatchesName("x.api.example.com", 80));
  EXPECT_FALSE(name.MatchesAddress(Ip("1.2.3.4"), 80));

  auto suffix = *HostPattern::Parse("*.internal:8443");
  EXPECT_TRUE(suffix.MatchesName("db.internal", 8443));
  EXPECT_TRUE(suffix.MatchesName("a.b.internal", 8443));
  EXPECT_FALSE(suffix.MatchesName("internal", 8443));
  EXPECT_FALSE(suffix.MatchesName("evilinternal", 8443));
  EXPECT_FALSE(suffix.MatchesName("db.internal", 443));

  auto any = *HostPattern::Parse("*:25");
  EXPECT_TRUE(any.MatchesName("mail.example.com", 25));
  EXPECT_TRUE(any.MatchesAddress(Ip("::1"), 25));
  EXPECT_FALSE(any.MatchesAddress(Ip("::1"), 26));
}

TEST(HostPatternTest, AddressesAndNetworks) {
  auto net = *HostPattern::Parse("10.0.0.0/8");
  EXPECT_TRUE(net.MatchesAddress(Ip("10.200.3.4"), 1));
  EXPECT_TRUE(net.MatchesAddress(Ip("::ffff:10.0.0.1"), 1));
  EXPECT_FALSE(net.MatchesAddress(Ip("11.0.0.1"), 1));
  EXPECT_FALSE(net.MatchesName("10.0.0.1", 1));  // addresses match resolved addresses only

  auto odd = *HostPattern::Parse("192.168.1.128/25");
  EXPECT_TRUE(odd.MatchesAddress(Ip("192.168.1.200"), 80));
  EXPECT_FALSE(odd.MatchesAddress(Ip("192.168.1.100"), 80));

  auto v6 = *HostPattern::Parse("[::1]:9000");
  EXPECT_TRUE(v6.MatchesAddress(Ip("::1"), 9000));
  EXPECT_FALSE(v6.MatchesAddress(Ip("::1"), 9001));
  EXPECT_FALSE(v6.MatchesAddress(Ip("127.0.0.1"), 9000));

  EXPECT_TRUE(HostPattern::Parse("fd00::/8")->MatchesAddress(Ip("fdab::1"), 1));
  EXPECT_TRUE(HostPattern::Parse("[fd00::/8]:80")->MatchesAddress(Ip("fd00::1"), 80));
  EXPECT_TRUE(HostPattern::Parse("127.0.0.1:8080")->MatchesAddress(Ip("127.0.0.1"), 8080));
}

TEST(HostPatternTest, RefusesWithTheAcceptedForms) {
  for (const char* bad : {"", "a b", "[::1", "[example.com]", "host:0", "host:99999", "host:",
                          "10.0.0.0/33", "10.0.0.0/x", "ex*ample.com", "[::1]x", "name/8"}) {
    auto p = HostPattern::Parse(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_THAT(p.error().message(), HasSubstr("invalid host pattern")) << bad;
    EXPECT_THAT(p.error().message(), HasSubstr("\"*.domain\"")) << bad;
  }
}

}  // namespace
}  // namespace goclaw
