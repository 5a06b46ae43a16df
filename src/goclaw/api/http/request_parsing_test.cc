// Query parameters, ids, media types and RFC 3339 times as the routes read them.
#include "goclaw/api/http/request_parsing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::api {
namespace {

using ::testing::HasSubstr;

HttpRequest WithQuery(std::map<std::string, std::string> q) {
  HttpRequest r;
  r.query = std::move(q);
  return r;
}

TEST(QueryReaderTest, ReadsTypedValuesAndReportsEveryProblem) {
  HttpRequest req = WithQuery({{"limit", "20"}, {"async", "true"}, {"wait", "1m"}, {"offset", "-1"},
                               {"created_after", "yesterday"}, {"limt", "5"}});
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t limit = 0, offset = 0;
  bool async = false;
  Millis wait{0};
  std::optional<Clock::WallTime> after;
  EXPECT_TRUE(q.Int("limit", &limit, 1, 1000));
  EXPECT_FALSE(q.Int("offset", &offset, 0, 100));
  EXPECT_TRUE(q.Bool("async", &async));
  EXPECT_TRUE(q.Duration("wait", &wait));
  EXPECT_FALSE(q.Time("created_after", &after));
  q.Allow({"limit", "offset", "async", "wait", "created_after"});
  EXPECT_EQ(limit, 20);
  EXPECT_TRUE(async);
  EXPECT_EQ(wait, Millis(60000));
  ASSERT_EQ(diag.details().size(), 3u);
  EXPECT_EQ(diag.details()[0].path, "offset");
  EXPECT_THAT(diag.details()[0].message, HasSubstr("from 0 to 100"));
  EXPECT_EQ(diag.details()[1].path, "created_after");
  EXPECT_EQ(diag.details()[2].path, "limt");
  EXPECT_THAT(diag.details()[2].message, HasSubstr("did you mean limit?"));
}

TEST(QueryReaderTest, RejectsWrongTypes) {
  HttpRequest req = WithQuery({{"limit", "1e3"}, {"async", "yes"}, {"wait", "-5s"}});
  Diagnostics diag;
  QueryReader q(req, diag);
  std::int64_t limit = 0;
  bool async = false;
  Millis wait{0};
  q.Int("limit", &limit, 1, 1000);
  q.Bool("async", &async);
  q.Duration("wait", &wait);
  EXPECT_EQ(diag.details().size(), 3u);
}

TEST(ValidIdTest, AcceptsApiIdsAndRefusesPaths) {
  EXPECT_TRUE(ValidId("wf-0190f0a1-7c2e-7d4b-9a1e-0123456789ab"));
  EXPECT_TRUE(ValidId("session:*"));
  for (const char* bad : {"", "../etc", "a/b", "a b", "a\\b", "..", "x\ny", "é"}) EXPECT_FALSE(ValidId(bad)) << bad;
  EXPECT_FALSE(ValidId(std::string(129, 'a')));
}

TEST(Rfc3339Test, ParsesUtcFractionsAndOffsets) {
  auto t = ParseRfc3339("2026-11-25T08:30:00Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(), 1795595400);
  auto frac = ParseRfc3339("2026-11-25T08:30:00.250Z");
  ASSERT_TRUE(frac);
  EXPECT_EQ(*frac - *t, std::chrono::milliseconds(250));
  auto offset = ParseRfc3339("2026-11-25T09:30:00+01:00");
  ASSERT_TRUE(offset);
  EXPECT_EQ(*offset, *t);
  for (const char* bad : {"", "2026-11-25", "2026-13-01T00:00:00Z", "2026-11-25T08:30:00", "2026-11-25T08:30:00.Z",
                          "2026-11-25T08:30:00+0100", "yesterday"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
}

// Found by fuzz/request_parsing_fuzzer: signs were accepted where digits belong, and years
// outside what a nanosecond system_clock holds (1678-2261) overflowed (UBSan) instead of failing.
TEST(Rfc3339Test, RefusesSignsAndTimesOutsideTheClock) {
  for (const char* bad :
       {"2026-11-25T-1:30:00Z", "2026-11-25T08:-5:00Z", "2026-11-25T08:30:-1Z", "-026-11-25T08:30:00Z",
        "2026-11-25T08:30:00+-1:00", "0998-11-25T08:30:00Z", "5530-01-01T00:00:00Z",
        "9999-12-31T23:59:60Z", "2262-04-12T00:00:00Z", "1677-09-21T00:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
  for (const char* good :
       {"1678-01-01T00:00:00Z", "2261-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z"}) {
    EXPECT_TRUE(ParseRfc3339(good)) << good;
  }
}

TEST(MediaTypeTest, SpecFormatsAndRefusals) {
  HttpRequest req;
  HttpResponse error;
  req.headers = {{"content-type", "Application/JSON; charset=utf-8"}};
  EXPECT_EQ(SpecFormat(req, &error), DocumentFormat::kJson);
  req.headers = {{"content-type", "application/yaml"}};
  EXPECT_EQ(SpecFormat(req, &error), DocumentFormat::kYaml);
  req.headers = {{"content-type", "application/x-www-form-urlencoded"}};
  EXPECT_FALSE(SpecFormat(req, &error));
  EXPECT_EQ(error.status, 415);
  EXPECT_THAT(error.body, HasSubstr("UNSUPPORTED_MEDIA_TYPE"));
  req.headers.clear();
  EXPECT_FALSE(SpecFormat(req, &error));
  EXPECT_THAT(error.body, HasSubstr("no Content-Type"));
}

}  // namespace
}  // namespace goclaw::api
