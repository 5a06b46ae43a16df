// The egress policy without a network: deny wins, allow lists, this server's own listeners
// (exact, wildcard, reached via 0.0.0.0), and messages that name the rule.
#include "goclaw/exec/egress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::exec {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(std::string_view s) { return *IpAddress::Parse(s); }

EgressPolicy Policy(EgressOptions o) {
  auto p = EgressPolicy::Create(o);
  EXPECT_TRUE(p) << p.error().message();
  return std::move(*p);
}

TEST(EgressPolicyTest, EmptyPolicyAllowsEverything) {
  EgressPolicy p;
  EXPECT_TRUE(p.Check("example.com", 443, std::vector{Ip("93.184.216.34")}));
}

TEST(EgressPolicyTest, DenyWinsAndNamesTheRule) {
  EgressOptions o;
  o.allow = {"*.example.com", "10.0.0.0/8"};
  o.deny = {"admin.example.com", "10.9.0.0/16:443"};
  EgressPolicy p = Policy(o);
  EXPECT_TRUE(p.Check("api.example.com", 443, std::vector{Ip("93.184.216.34")}));
  auto by_name = p.Check("ADMIN.example.com", 443, std::vector{Ip("93.184.216.34")});
  ASSERT_FALSE(by_name);
  EXPECT_EQ(by_name.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(by_name.error().message(),
            "egress policy refuses ADMIN.example.com:443: it matches executors.http.egress.deny "
            "rule \"admin.example.com\"");
  // A permitted name that resolves into a denied network is refused: addresses are checked.
  auto by_address = p.Check("api.example.com", 443, std::vector{Ip("1.2.3.4"), Ip("10.9.1.1")});
  ASSERT_FALSE(by_address);
  EXPECT_THAT(
      by_address.error().message(),
      HasSubstr("address 10.9.1.1 matches executors.http.egress.deny rule \"10.9.0.0/16:443\""));
  EXPECT_TRUE(p.Check("db", 5432, std::vector{Ip("10.9.1.1")}));  // other port; in allow's 10/8
}

TEST(EgressPolicyTest, AllowNeedsTheNameOrEveryAddress) {
  EgressOptions o;
  o.allow = {"10.0.0.0/8", "[fd00::/8]"};
  EgressPolicy p = Policy(o);
  EXPECT_TRUE(p.Check("db.internal", 80, std::vector{Ip("10.1.1.1"), Ip("fd00::1")}));
  auto mixed = p.Check("db.internal", 80, std::vector{Ip("10.1.1.1"), Ip("8.8.8.8")});
  ASSERT_FALSE(mixed);
  EXPECT_THAT(mixed.error().message(), HasSubstr("no executors.http.egress.allow rule matches it "
                                                 "(allowed: \"10.0.0.0/8\", \"[fd00::/8]\")"));
  EXPECT_FALSE(p.Check("nothing", 80, {}));
}

TEST(EgressPolicyTest, SelfListenersAreDeniedUnlessAllowed) {
  auto self = std::make_shared<SelfEndpoints>();
  self->Add("127.0.0.1", 8080);
  EgressOptions o;
  o.self = self;
  EgressPolicy p = Policy(o);
  auto own = p.Check("localhost", 8080, std::vector{Ip("::1"), Ip("127.0.0.1")});
  ASSERT_FALSE(own);
  EXPECT_THAT(own.error().message(), HasSubstr("127.0.0.1:8080 is this server's own listener"));
  EXPECT_FALSE(
      p.Check("0.0.0.0", 8080, std::vector{Ip("0.0.0.0")}));  // a connect to 0.0.0.0 lands here
  EXPECT_FALSE(p.Check("::ffff:127.0.0.1", 8080, std::vector{Ip("::ffff:127.0.0.1")}));
  EXPECT_TRUE(p.Check("127.0.0.1", 8081, std::vector{Ip("127.0.0.1")}));  // another port
  EXPECT_TRUE(p.Check("127.0.0.2", 8080, std::vector{Ip("127.0.0.2")}));  // not bound there

  // A wildcard bind covers every loopback address at that port.
  self->Add("::", 9000);
  EXPECT_FALSE(p.Check("127.0.0.2", 9000, std::vector{Ip("127.0.0.2")}));
  EXPECT_FALSE(p.Check("::1", 9000, std::vector{Ip("::1")}));

  o.allow_self = true;
  EXPECT_TRUE(Policy(o).Check("localhost", 8080, std::vector{Ip("127.0.0.1")}));
}

TEST(EgressPolicyTest, BadPatternsAreRefusedWithTheirPlace) {
  EgressOptions o;
  o.allow = {"fine.example", "10.0.0.0/99"};
  auto p = EgressPolicy::Create(o);
  ASSERT_FALSE(p);
  EXPECT_THAT(p.error().message(),
              HasSubstr("executors.http.egress.allow[1]: invalid host pattern"));
}

}  // namespace
}  // namespace goclaw::exec
