// Query parameters, ids, media types and RFC 3339 times as the routes read them.
#include "goclaw/api/http/request_parsing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace goclaw::api::http {
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

TEST(Rfc3339Test, RefusesImpossibleDatesAndTimes) {
  for (const char* bad : {"2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2025-02-29T00:00:00Z",
                          "1900-02-29T00:00:00Z", "2026-11-25T24:00:00Z", "2026-11-25T23:60:00Z",
                          "2026-11-25T08:30:60Z", "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z",
                          "-026-11-25T08:30:00Z", "+026-11-25T08:30:00Z", "2026-11-25T08:30:00+24:00"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
  auto feb30 = ParseRfc3339Time("2026-02-30T00:00:00Z");
  ASSERT_FALSE(feb30);
  EXPECT_EQ(feb30.error().message(), "day 30 does not exist in February 2026 (it has 28 days)");
  EXPECT_TRUE(ParseRfc3339("2024-02-29T00:00:00Z"));  // leap years
  EXPECT_TRUE(ParseRfc3339("2000-02-29T00:00:00Z"));
  auto leap_second = ParseRfc3339("2016-12-31T23:59:60Z");
  ASSERT_TRUE(leap_second);
  EXPECT_EQ(*leap_second, *ParseRfc3339("2017-01-01T00:00:00Z"));
}

TEST(Rfc3339Test, FarYearsClampInsteadOfOverflowing) {
  // Nanosecond time points end in 2262: later times clamp to the maximum, earlier ones to the
  // minimum, so they still compare correctly with every stored time.
  auto y2263 = ParseRfc3339("2263-01-01T00:00:00Z");
  auto y9999 = ParseRfc3339("9999-12-31T23:59:59.999999999Z");
  ASSERT_TRUE(y2263 && y9999);
  EXPECT_EQ(*y9999, Clock::WallTime::max());
  EXPECT_EQ(*y2263, Clock::WallTime::max());
  EXPECT_GT(*y9999, *ParseRfc3339("2262-01-01T00:00:00Z"));
  auto y0 = ParseRfc3339("0000-01-01T00:00:00Z");
  ASSERT_TRUE(y0);
  EXPECT_EQ(*y0, Clock::WallTime::min());
  auto y1900 = ParseRfc3339("1900-01-01T00:00:00Z");
  ASSERT_TRUE(y1900);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(y1900->time_since_epoch()).count(), -2208988800);
}

TEST(QueryReaderTest, TimeErrorsSayTheRangeAndWhy) {
  HttpRequest req = WithQuery({{"created_after", "2026-04-31T00:00:00Z"}});
  Diagnostics diag;
  std::optional<Clock::WallTime> after;
  EXPECT_FALSE(QueryReader(req, diag).Time("created_after", &after));
  ASSERT_EQ(diag.details().size(), 1u);
  EXPECT_THAT(diag.details()[0].message, HasSubstr("from 0000-01-01T00:00:00Z to 9999-12-31T23:59:59Z"));
  EXPECT_THAT(diag.details()[0].message, HasSubstr("day 31 does not exist in April 2026"));
}

TEST(MediaTypeTest, OnlyUtf8CharsetsAreAccepted) {
  HttpRequest req;
  HttpResponse error;
  for (const char* ok : {"application/json; charset=UTF-8", "application/json;charset=\"utf-8\"",
                         "application/json; charset=us-ascii", "application/json"}) {
    req.headers = {{"content-type", ok}};
    EXPECT_TRUE(RequireJson(req, &error)) << ok;
  }
  req.headers = {{"content-type", "application/json; charset=UTF-16"}};
  EXPECT_FALSE(RequireJson(req, &error));
  EXPECT_EQ(error.status, 415);
  EXPECT_THAT(error.body, HasSubstr("charset \\\"utf-16\\\" is not accepted"));
  EXPECT_THAT(error.body, HasSubstr("send UTF-8"));
  req.headers = {{"content-type", "application/yaml; charset=latin1"}};
  EXPECT_FALSE(SpecFormat(req, &error));
  EXPECT_EQ(error.status, 415);
}

// Found by fuzz/request_parsing_fuzzer: signs were accepted where digits belong, and years
// outside what a nanosecond system_clock holds overflowed (UBSan); now they clamp (above).
TEST(Rfc3339Test, RefusesSignsWhereDigitsBelong) {
  for (const char* bad : {"2026-11-25T-1:30:00Z", "2026-11-25T08:-5:00Z", "2026-11-25T08:30:-1Z",
                          "-026-11-25T08:30:00Z", "2026-11-25T08:30:00+-1:00"}) {
    EXPECT_FALSE(ParseRfc3339(bad)) << bad;
  }
  for (const char* good : {"0998-11-25T08:30:00Z", "1678-01-01T00:00:00Z",
                           "2261-12-31T23:59:59.999999999Z", "1970-01-01T00:00:00Z"}) {
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
}  // namespace goclaw::api::http
