// A parsed Beast request -> the transport-neutral HttpRequest the routes see: method, target,
// path, query (percent-decoded; a malformed escape sets `malformed_query`, a key given twice
// `duplicate_query`), lower-cased header names, body. Used by the server and by
// fuzz/http_request_fuzzer.cc, so that what is fuzzed is what is served.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "goclaw/api/http/http_message.h"

namespace goclaw::api::http {

// Moves the body out of `m`.
HttpRequest FromBeastRequest(boost::beast::http::request<boost::beast::http::string_body>& m);

// Parses "a=1&b=x%20y" into req->query.
void ParseQueryString(std::string_view query, HttpRequest* req);

}  // namespace goclaw::api::http
