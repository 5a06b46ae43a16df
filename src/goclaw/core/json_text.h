// The one way goclaw writes JSON that it will read back, and the one way it reads it.
//
// `JsonText` writes a value so that `ParseJsonText` gives back an equal value, bit for bit
// for every double that JSON text can produce (Boost.JSON 1.81's own serializer does not
// guarantee that: its shortest form reads back as a neighbouring double for about one double in
// ten, and it writes infinity as `Infinity`, which is not JSON). Non-finite numbers never reach
// it from outside (json_limits.h refuses them at every boundary); should one be written anyway,
// infinity becomes 1e400 (which parses as infinity) and NaN null.
//
// `ParseJsonText` reads with the same nesting limit that the boundaries accept (kMaxJsonDepth),
// so everything goclaw accepted and stored reads back (Boost.JSON's default is 32).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "goclaw/core/status.h"

namespace goclaw {

// Appends the exact text of `v` to `out`.
void AppendJsonText(const boost::json::value& v, std::string& out);
// Compact JSON with doubles written by `format_double` (JsonText: DoubleText; the readable
// writers of json_format.h: PlainNumber) — the one JSON writer both use. Strings are escaped as
// boost::json::serialize escapes them (AppendJsonString).
void AppendJsonWith(const boost::json::value& v, std::string& out, std::string (*format_double)(double));
void AppendJsonString(std::string_view s, std::string& out);
std::string JsonText(const boost::json::value& v);

// The text of one double that parses back as the same double (see above).
std::string DoubleText(double d);

// The double that DoubleText(d) reads back as: d itself for every double the parser produces
// from ordinary text; for the rare others (a 20+ digit integer such as
// 18446740000115057997623219 is summed digit by digit) its nearest neighbour that does round
// trip. The boundaries (json_limits.h) apply it, so what the engine holds is what it stores.
double ExactDouble(double d);
// ExactDouble on every double in `v`.
void MakeDoublesExact(boost::json::value& v);

// Parses JSON text written by JsonText (or any JSON nested at most `max_depth` deep; readers of
// responses that wrap stored values allow a few levels more). Errors are kInvalidArgument
// naming `what`.
Result<boost::json::value> ParseJsonText(std::string_view text, std::string_view what = "JSON text",
                                         int max_depth = 64);

}  // namespace goclaw
