// Requests, responses and the API's error bodies.
#include "goclaw/api/http/http_message.h"

#include <cctype>

#include "goclaw/core/json_format.h"
#include "goclaw/service/errors.h"

namespace goclaw::api::http {

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

std::string HttpRequest::MediaType() const {
  std::string_view type = Header("content-type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string out(type);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

HttpResponse HttpResponse::Json(int status, const boost::json::value& value) {
  HttpResponse r;
  r.status = status;
  r.body = CompactJson(value);  // doubles as plain decimals (core/json_format.h)
  return r;
}

HttpResponse HttpResponse::Text(int status, std::string text, std::string content_type) {
  HttpResponse r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(text);
  return r;
}

void HttpResponse::SetHeader(std::string name, std::string value) {
  for (auto& [n, v] : headers) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

HttpResponse ErrorResponse(const HttpRequest& req, int status, std::string_view code,
                           std::string_view message, const std::vector<ErrorDetail>& details) {
  boost::json::array list;
  for (const ErrorDetail& d : details) {
    boost::json::object o{{"path", d.path}, {"message", d.message}};
    if (d.line > 0) o["line"] = d.line;
    if (!d.source.empty()) o["source"] = d.source;
    list.push_back(std::move(o));
  }
  return HttpResponse::Json(status, boost::json::object{{"error",
                                                         {{"code", code},
                                                          {"message", message},
                                                          {"details", std::move(list)},
                                                          {"request_id", req.request_id}}}});
}

HttpError HttpErrorOf(const Error& error) {
  const std::string& reason = error.reason();
  switch (error.code()) {
    case ErrorCode::kInvalidArgument:
      if (reason == service::kReasonMalformed) return {400, kBadRequest};
      if (reason == service::kReasonLineageLimit) return {400, kLineageLimit};
      return {400, kValidationFailed};
    case ErrorCode::kNotFound:
      return {404, kNotFound};
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
    case ErrorCode::kAborted:
      return {409, kConflict};
    case ErrorCode::kResourceExhausted:
      if (reason == service::kReasonTooLarge) return {413, kPayloadTooLarge};
      return {429, kTooManyRequests};
    case ErrorCode::kUnavailable:
      return {503, kUnavailable};
    case ErrorCode::kDeadlineExceeded:
      return {504, kTimeout};
    case ErrorCode::kCancelled:
    case ErrorCode::kInternal:
      break;
  }
  return {500, kInternal};
}

HttpResponse ErrorResponse(const HttpRequest& req, const Error& error) {
  const HttpError e = HttpErrorOf(error);
  return ErrorResponse(req, e.status, e.code, error.message(), error.details());
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool PercentDecode(std::string_view in, bool query, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]);
      int lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      char decoded = static_cast<char>(hi * 16 + lo);
      if (decoded == '\0') return false;
      out->push_back(decoded);
      i += 2;
    } else if (c == '+' && query) {
      out->push_back(' ');
    } else {
      out->push_back(c);
    }
  }
  return true;
}

HttpRequest Who(const HttpRequest& req) {
  HttpRequest who;
  who.request_id = req.request_id;
  return who;
}

}  // namespace goclaw::api::http
