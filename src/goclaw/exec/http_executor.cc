// The http executor: the task's config becomes a net::HttpRequest (checked first: URL, method,
// headers, body), the response becomes the attempt's output or failure. Connections, TLS, the
// deadline and the size limit are net::AsyncHttpClient's; the egress policy plugs into it.
#include "goclaw/exec/http_executor.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <optional>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "goclaw/core/json_reader.h"
#include "goclaw/core/json_text.h"
#include "goclaw/core/url.h"
#include "goclaw/exec/http_signal_forwarder.h"
#include "goclaw/net/async_http_client.h"

namespace goclaw::exec {

namespace {

constexpr std::string_view kMethods[] = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};

bool Retryable(unsigned status) { return status >= 500 || status == 429 || status == 408; }

// What net's errors mean for a retry: only transient ones (connection, timeout) are worth one.
bool RetryableError(const Error& e) {
  return e.code() == ErrorCode::kUnavailable || e.code() == ErrorCode::kDeadlineExceeded;
}

std::string Shown(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// A task's header, with the config path in the message (net checks them again, without it).
Status CheckHeader(const std::string& name, const std::string& value) {
  if (Status s = net::CheckHeaderName(name); !s) {
    return MakeError(ErrorCode::kInvalidArgument, "config.headers: " + s.error().message());
  }
  if (net::IsReservedHeader(name) || EqualsIgnoreCase(name, kLineageHeader)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "config.headers." + name + ": set by goclaw, not by a task (framing, "
                     "connection and lineage headers are reserved)");
  }
  if (Status s = net::CheckHeaderValue(value); !s) {
    return MakeError(ErrorCode::kInvalidArgument, "config.headers." + name + ": " + s.error().message());
  }
  return OkStatus();
}

}  // namespace

class HttpExecutor::Impl {
 public:
  explicit Impl(HttpOptions options) : options_(std::move(options)) {}

  Status Init() {
    GOCLAW_ASSIGN_OR_RETURN(egress_, EgressPolicy::Create(options_.egress));
    net::HttpClientOptions o;
    o.max_response_bytes = options_.max_response_bytes;
    o.max_idle_per_host = options_.max_idle_per_host;
    o.ca_file = options_.ca_file;
    o.ca_file_setting = "executors.http.ca_file";
    o.user_agent = "goclaw";
    o.thread_name = "goclaw-http";
    // New connections pass the egress policy after DNS, before connecting.
    o.check_addresses = [this](const Url& url, std::span<const IpAddress> addresses) {
      return egress_.Check(url.host, url.port, addresses);
    };
    GOCLAW_ASSIGN_OR_RETURN(client_, net::AsyncHttpClient::Create(std::move(o)));
    signals_ = std::make_shared<SignalClient>(client_.get());
    return OkStatus();
  }
  ~Impl() {
    if (signals_) signals_->Close();  // before client_ goes: a late retry sends nothing
  }

  void Start(Attempt attempt, AttemptDone done) {
    auto r = std::make_shared<Request>();
    r->done = std::move(done);
    r->channel = attempt.channel;
    net::HttpRequest request;
    if (Status s = Build(attempt, *r, request); !s) {
      r->done(AttemptResult{tl::unexpected<Error>(s.error()), false});
      return;
    }
    if (const auto* c = attempt.config.if_object(); c != nullptr && c->contains("signal_url")) {
      const boost::json::value& v = c->at("signal_url");
      auto signal_url = v.is_string() ? ParseUrl(v.get_string(), {.what = "config.signal_url"})
                                      : Result<Url>(MakeError(ErrorCode::kInvalidArgument, "config.signal_url: expected a URL string"));
      if (!signal_url) {
        r->done(AttemptResult{tl::unexpected<Error>(signal_url.error()), false});
        return;
      }
      ForwardSignals(attempt, std::move(*signal_url), signals_, options_.timers, options_.clock);
    }
    r->line = request.method + " " + request.url.scheme + "://" + request.url.Authority() + request.url.target;
    r->started = std::chrono::steady_clock::now();
    net::RequestHandle handle =
        client_->Start(std::move(request), [r](Result<net::HttpResponse> res) { Finish(*r, std::move(res)); });
    // Safe whenever it runs: a handle outlives its request and the client.
    attempt.channel->OnCancel([handle] { handle.Cancel(); });
  }

 private:
  struct Request {
    AttemptDone done;
    std::shared_ptr<AttemptChannel> channel;  // the status line goes to the attempt's log
    std::vector<unsigned> expect;             // empty: any 2xx
    std::string line;                         // "POST https://host:443/path", for the log
    std::chrono::steady_clock::time_point started;
  };

  Status Build(const Attempt& a, Request& r, net::HttpRequest& out) const {
    Diagnostics diag;
    std::string url, method;
    boost::json::object headers;
    out.timeout = options_.default_timeout;
    static const boost::json::value kNoConfig = boost::json::object();
    const boost::json::value& config_value = a.config.is_object() ? a.config : kNoConfig;
    {
      ObjectReader rd(config_value, "config", diag);
      rd.String("url", &url, /*required=*/true);
      rd.String("method", &method);
      rd.Object("headers", &headers);
      rd.Duration("timeout", &out.timeout);
      rd.Allow({"body", "expect_status", "signal_url"});
    }
    if (!diag.empty()) {
      return MakeError(ErrorCode::kInvalidArgument,
                       diag.details()[0].path + ": " + diag.details()[0].message);
    }
    GOCLAW_ASSIGN_OR_RETURN(out.url, ParseUrl(url, {.what = "config.url"}));
    const boost::json::object& config = config_value.get_object();
    const boost::json::value* body = config.if_contains("body");
    if (method.empty()) method = body != nullptr ? "POST" : "GET";
    if (std::find(std::begin(kMethods), std::end(kMethods), method) == std::end(kMethods)) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "config.method: unknown HTTP method \"" + Shown(method) +
                           "\"; expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    }
    out.method = method;
    if (const boost::json::value* e = config.if_contains("expect_status")) {
      auto add = [&](const boost::json::value& v) {
        if (v.is_int64() && v.get_int64() >= 100 && v.get_int64() <= 599) {
          r.expect.push_back(static_cast<unsigned>(v.get_int64()));
          return true;
        }
        return false;
      };
      bool ok = e->is_array() ? std::all_of(e->as_array().begin(), e->as_array().end(), add) : add(*e);
      if (!ok) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "config.expect_status: expected a status code or a list of them (100-599)");
      }
    }
    out.headers.emplace_back("Idempotency-Key", a.idempotency_key);
    out.headers.emplace_back("Goclaw-Attempt", std::to_string(a.number));
    bool content_type = false;
    for (const auto& kv : headers) {
      std::string name(kv.key());
      std::string value = kv.value().is_string() ? std::string(kv.value().get_string())
                                                 : boost::json::serialize(kv.value());
      GOCLAW_RETURN_IF_ERROR(CheckHeader(name, value));
      content_type = content_type || (EqualsIgnoreCase(name, "content-type") && !value.empty());
      out.headers.emplace_back(std::move(name), std::move(value));
    }
    // A task restarted by an interrupt (on_interrupt: restart) is told why, as ASCII JSON.
    if (!a.interrupt.is_null()) {
      std::string interrupt = JsonText(a.interrupt);
      for (char& c : interrupt) {
        if (static_cast<unsigned char>(c) >= 0x80) c = '?';
      }
      out.headers.emplace_back("Goclaw-Interrupt", std::move(interrupt));
    }
    // How many workflows deep this call is: the submit route refuses past limits.max_lineage_depth.
    out.headers.emplace_back(std::string(kLineageHeader), std::to_string(a.lineage_depth + 1));
    if (body != nullptr && !body->is_null()) {
      if (body->is_string()) {
        out.body = std::string(body->get_string());
        if (!content_type) out.headers.emplace_back("Content-Type", "text/plain");
      } else {
        out.body = boost::json::serialize(*body);
        if (!content_type) out.headers.emplace_back("Content-Type", "application/json");
      }
    }
    return OkStatus();
  }

  // On the client's I/O thread.
  static void Finish(Request& r, Result<net::HttpResponse> res) {
    AttemptResult result = res ? ToResult(r, *res)
                               : AttemptResult{tl::unexpected<Error>(res.error()), RetryableError(res.error())};
    // One line per exchange in the task's log: what was asked, what came back, how long.
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - r.started);
    std::string line = r.line + " -> ";
    if (res) {
      line += std::to_string(res->status) + " " + std::string(net::StatusReason(res->status));
    } else {
      line += "error: " + res.error().message();
    }
    r.channel->Log("status", line + " (" + std::to_string(ms.count()) + " ms)");
    r.done(std::move(result));
  }

  static AttemptResult ToResult(const Request& r, net::HttpResponse& res) {
    const unsigned status = res.status;
    const std::string where = r.line.substr(r.line.find(' ') + 1);
    boost::json::object headers;
    for (const auto& [name, value] : res.headers) headers[name] = value;
    boost::json::value body = boost::json::string(res.body);
    const std::string type = res.Header("content-type");
    boost::system::error_code jec;
    boost::json::value parsed = boost::json::parse(res.body, jec);
    if (!jec && (type.find("json") != std::string::npos || !res.body.empty())) {
      body = std::move(parsed);
    }
    bool expected = r.expect.empty() ? (status >= 200 && status < 300)
                                     : std::find(r.expect.begin(), r.expect.end(), status) != r.expect.end();
    if (!expected) {
      std::string snippet = res.body.substr(0, 200);
      return AttemptResult::Fail(Retryable(status) ? ErrorCode::kUnavailable : ErrorCode::kFailedPrecondition,
                                 where + " answered " + std::to_string(status) +
                                     (snippet.empty() ? "" : ": " + snippet),
                                 Retryable(status));
    }
    return AttemptResult::Ok(boost::json::object{
        {"status", status}, {"headers", std::move(headers)}, {"body", std::move(body)}});
  }

  HttpOptions options_;
  EgressPolicy egress_;  // before client_: its check runs on the client's thread until it is gone
  std::unique_ptr<net::AsyncHttpClient> client_;
  std::shared_ptr<SignalClient> signals_;  // signal deliveries' way to client_, closed first
};

Result<std::unique_ptr<HttpExecutor>> HttpExecutor::Create(HttpOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  GOCLAW_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<HttpExecutor>(new HttpExecutor(std::move(impl)));
}
HttpExecutor::HttpExecutor(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpExecutor::~HttpExecutor() = default;
void HttpExecutor::Shutdown() { impl_.reset(); }
void HttpExecutor::Start(Attempt attempt, AttemptDone done) {
  if (!impl_) {
    done(AttemptResult::Fail(ErrorCode::kUnavailable, "the http executor was shut down", true));
    return;
  }
  impl_->Start(std::move(attempt), std::move(done));
}

void CheckHttpConfig(const boost::json::object& config, const std::string& path, Diagnostics& diag) {
  const boost::json::value value = config;  // ObjectReader reads a value
  std::string url, method;
  boost::json::object headers;
  ObjectReader rd(value, path, diag);
  rd.String("url", &url, /*required=*/true);
  rd.String("method", &method);
  rd.Object("headers", &headers);
  rd.Allow({"body", "expect_status", "signal_url", "timeout"});
  rd.RejectUnknown();
}

}  // namespace goclaw::exec
