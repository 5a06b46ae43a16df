// The Host and Origin allow-lists against DNS rebinding.
#include "goclaw/api/http/host_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::api::http {
namespace {

using ::testing::HasSubstr;

TEST(HostPolicyTest, LoopbackBinds) {
  for (const char* h : {"127.0.0.1", "127.1.2.3", "localhost", "LocalHost", "::1", "[::1]"}) {
    EXPECT_TRUE(IsLoopbackHost(h)) << h;
  }
  for (const char* h : {"0.0.0.0", "10.0.0.1", "::", "example.com", "127.0.0.1.evil.example", "127.1"}) {
    EXPECT_FALSE(IsLoopbackHost(h)) << h;
  }
}

TEST(HostPolicyTest, LoopbackBindServesOnlyLoopbackNamesAndTheAllowList) {
  HostPolicy p("127.0.0.1", {"Proxy.Example", "pinned.example:8443"}, {});
  for (const char* h : {"localhost", "localhost:8080", "127.0.0.1", "127.0.0.1:8080", "127.9.9.9:1",
                        "[::1]", "[::1]:8080", "LOCALHOST:80", "proxy.example", "proxy.example:443",
                        "pinned.example:8443", ""}) {
    EXPECT_TRUE(p.HostAllowed(h)) << h;
  }
  for (const char* h : {"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example",
                        "pinned.example", "pinned.example:80", "10.0.0.1", "[::2]", "localhost:", "localhost:abc",
                        "[::1", "127.0.0.1:80:80"}) {
    EXPECT_FALSE(p.HostAllowed(h)) << h;
  }
  EXPECT_THAT(p.Describe(), HasSubstr("server.allowed_hosts (proxy.example, pinned.example:8443)"));
}

TEST(HostPolicyTest, OtherBindsServeAnyHostOrOnlyTheAllowList) {
  HostPolicy any("0.0.0.0", {}, {});
  EXPECT_TRUE(any.HostAllowed("whatever.example:1234"));
  EXPECT_TRUE(any.HostAllowed("127.0.0.1"));
  HostPolicy pinned("0.0.0.0", {"goclaw.example"}, {});
  EXPECT_TRUE(pinned.HostAllowed("goclaw.example:8080"));
  EXPECT_FALSE(pinned.HostAllowed("127.0.0.1"));  // only those: add localhost to the list if wanted
  EXPECT_FALSE(pinned.HostAllowed("evil.example"));
  EXPECT_THAT(pinned.Describe(), HasSubstr("only the Host names in server.allowed_hosts (goclaw.example)"));
}

TEST(HostPolicyTest, OriginsPassByTheHostRuleNeverByEqualityWithHostAlone) {
  HostPolicy p("127.0.0.1", {}, {"https://ui.example"});
  EXPECT_TRUE(p.OriginAllowed("", "127.0.0.1:8080"));  // curl, SDKs
  EXPECT_TRUE(p.OriginAllowed("https://ui.example", "127.0.0.1:8080"));
  EXPECT_TRUE(p.OriginAllowed("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(p.OriginAllowed("http://localhost:5173", "127.0.0.1:8080"));
  // DNS rebinding: the page and the Host agree, and both are the attacker's name.
  EXPECT_FALSE(p.OriginAllowed("http://evil.example:8080", "evil.example:8080"));
  EXPECT_FALSE(p.OriginAllowed("null", "127.0.0.1:8080"));
  EXPECT_FALSE(p.OriginAllowed("http://localhost.evil.example", "127.0.0.1"));
  // Any host served: the origin must be the very host the request went to.
  HostPolicy any("0.0.0.0", {}, {});
  EXPECT_TRUE(any.OriginAllowed("http://goclaw.lan:8080", "goclaw.lan:8080"));
  EXPECT_FALSE(any.OriginAllowed("http://evil.example", "goclaw.lan:8080"));
  HostPolicy star("127.0.0.1", {}, {"*"});
  EXPECT_TRUE(star.OriginAllowed("http://anything.example", "127.0.0.1"));
}

}  // namespace
}  // namespace goclaw::api::http
