// The HTTP embedder (embedder.h): OpenAI-compatible POST .../embeddings on a net::AsyncHttpClient
// of its own, one request per batch, each waited for on the calling thread.
//
// Thread-safety: Embed may run on several threads at once (the client is thread-safe and the
// embedder's own state is immutable after construction).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <future>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "goclaw/core/json_reader.h"
#include "goclaw/core/text.h"
#include "goclaw/core/url.h"
#include "goclaw/memory/embedder.h"
#include "goclaw/net/async_http_client.h"

namespace goclaw::memory {

namespace {

namespace json = boost::json;

constexpr std::string_view kEndpointPath = "/embeddings";
constexpr std::size_t kMaxDimensions = 65536;
constexpr std::size_t kMaxBatch = 2048;  // OpenAI's limit of inputs per request
// Bytes an answer may take per number: "-0.0123456789012345," pretty-printed on its own line.
constexpr std::size_t kAnswerBytesPerNumber = 48;
constexpr std::size_t kAnswerOverheadBytes = 64 * 1024;
constexpr std::size_t kQuotedBodyBytes = 300;

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// The base URL's <path>/embeddings, or the URL itself when its path already ends there; the
// query string stays last.
Result<Url> EndpointOf(std::string_view url_text) {
  GOCLAW_ASSIGN_OR_RETURN(Url url, ParseUrl(url_text, {.what = "url"}));
  const std::size_t query_at = std::min(url.target.find('?'), url.target.size());
  std::string path = url.target.substr(0, query_at);
  const std::string query = url.target.substr(query_at);
  if (!EndsWith(path, kEndpointPath)) {
    while (!path.empty() && path.back() == '/') path.pop_back();
    path += kEndpointPath;
  }
  url.target = path + query;
  return url;
}

bool IsBlank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// An HTTP error status as the canonical code embedder.h lists.
ErrorCode CodeForStatus(unsigned status) {
  switch (status) {
    case 400:
    case 413:
    case 422:
      return ErrorCode::kInvalidArgument;
    case 401:
    case 403:
      return ErrorCode::kFailedPrecondition;
    case 404:
      return ErrorCode::kNotFound;
    case 408:
    case 504:
      return ErrorCode::kDeadlineExceeded;
    case 429:
      return ErrorCode::kResourceExhausted;
    default:
      return status >= 500 && status < 600 ? ErrorCode::kUnavailable : ErrorCode::kInternal;
  }
}

// The string at `key` of `object`, or nullptr.
const json::string* StringAt(const json::object& object, std::string_view key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr ? v->if_string() : nullptr;
}

// What an error answer says: {"error": {"message": ...}}, {"error": ...}, {"message": ...} or
// {"detail": ...} (OpenAI, vLLM/TEI, LiteLLM, FastAPI), else the body; quoted, shortened.
std::string ErrorMessageOf(std::string_view body) {
  json::error_code ec;
  const json::value parsed = json::parse(body, ec);
  if (!ec && parsed.is_object()) {
    const json::object& object = parsed.get_object();
    const json::value* error = object.if_contains("error");
    if (error != nullptr && error->is_object()) {
      if (const json::string* message = StringAt(error->get_object(), "message")) {
        return QuoteForMessage(*message, kQuotedBodyBytes);
      }
    }
    for (const std::string_view key : {"error", "message", "detail"}) {
      if (const json::string* message = StringAt(object, key)) {
        return QuoteForMessage(*message, kQuotedBodyBytes);
      }
    }
  }
  return body.empty() ? "(empty body)" : QuoteForMessage(body, kQuotedBodyBytes);
}

class HttpEmbedder final : public Embedder {
 public:
  HttpEmbedder(HttpEmbedderOptions options, Url endpoint,
               std::unique_ptr<net::AsyncHttpClient> client)
      : options_(std::move(options)), endpoint_(std::move(endpoint)), client_(std::move(client)) {}

  std::size_t dimensions() const override { return options_.dimensions; }
  std::string name() const override { return "http:" + options_.model; }

  Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) override {
    std::vector<std::vector<float>> vectors(texts.size(),
                                            std::vector<float>(options_.dimensions, 0.0f));
    std::vector<std::size_t> to_send;  // blank texts are not sent: their vector stays zero
    for (std::size_t i = 0; i < texts.size(); ++i) {
      if (!IsBlank(texts[i])) to_send.push_back(i);
    }
    for (std::size_t begin = 0; begin < to_send.size(); begin += options_.max_batch) {
      const std::span<const std::size_t> batch =
          std::span(to_send).subspan(begin, std::min(options_.max_batch, to_send.size() - begin));
      GOCLAW_ASSIGN_OR_RETURN(std::vector<std::vector<float>> embedded, EmbedBatch(texts, batch));
      for (std::size_t j = 0; j < batch.size(); ++j) vectors[batch[j]] = std::move(embedded[j]);
    }
    return vectors;
  }

 private:
  Result<std::vector<std::vector<float>>> EmbedBatch(const std::vector<std::string>& texts,
                                                     std::span<const std::size_t> batch) {
    json::array input;
    input.reserve(batch.size());
    for (const std::size_t i : batch) input.emplace_back(texts[i]);
    const json::object body{{"model", options_.model}, {"input", std::move(input)}};
    GOCLAW_ASSIGN_OR_RETURN(net::HttpResponse response, Post(json::serialize(body)));
    if (response.status < 200 || response.status >= 300) {
      return MakeError(CodeForStatus(response.status),
                       Where() + " answered " + std::to_string(response.status) + " " +
                           std::string(net::StatusReason(response.status)) + ": " +
                           ErrorMessageOf(response.body));
    }
    return ParseAnswer(response.body, batch.size());
  }

  // Sends one request and waits for its answer.
  Result<net::HttpResponse> Post(std::string body) {
    net::HttpRequest request;
    request.method = "POST";
    request.url = endpoint_;
    request.headers = {{"Content-Type", "application/json"}, {"Accept", "application/json"}};
    if (!options_.api_key.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options_.api_key);
    }
    request.body = std::move(body);
    request.timeout = options_.timeout;
    // The promise moves into the callback: this thread may return as soon as the value is set.
    std::promise<Result<net::HttpResponse>> answered;
    std::future<Result<net::HttpResponse>> answer = answered.get_future();
    client_->Start(std::move(request),
                   [answered = std::move(answered)](Result<net::HttpResponse> result) mutable {
                     answered.set_value(std::move(result));
                   });
    Result<net::HttpResponse> result = answer.get();
    if (!result) result.error().WithContext(Where() + ": ");
    return result;
  }

  // {"data": [{"index": i, "embedding": [numbers]}, ...]}, one item per text of the batch.
  Result<std::vector<std::vector<float>>> ParseAnswer(std::string_view body,
                                                      std::size_t count) const {
    json::error_code ec;
    const json::value parsed = json::parse(body, ec);
    if (ec) {
      return Malformed("is not JSON (" + ec.message() +
                       "): " + QuoteForMessage(body, kQuotedBodyBytes));
    }
    const json::value* data =
        parsed.is_object() ? parsed.get_object().if_contains("data") : nullptr;
    if (data == nullptr || !data->is_array()) return Malformed("has no \"data\" array");
    const json::array& items = data->get_array();
    if (items.size() != count) {
      return Malformed("has " + std::to_string(items.size()) + " embeddings for " +
                       std::to_string(count) + " texts");
    }
    std::vector<std::vector<float>> vectors(count);
    std::vector<bool> seen(count, false);
    for (std::size_t j = 0; j < count; ++j) {
      const std::string at = "data[" + std::to_string(j) + "]";
      const json::object* item = items[j].if_object();
      if (item == nullptr) return Malformed("has " + DescribeJson(items[j]) + " at " + at);
      std::size_t index = j;  // without "index", answers are in input order
      if (const json::value* v = item->if_contains("index")) {
        const auto number = v->to_number<std::int64_t>(ec);
        if (ec || number < 0 || static_cast<std::size_t>(number) >= count ||
            seen[static_cast<std::size_t>(number)]) {
          return Malformed("has an unexpected " + at + ".index " + DescribeJson(*v) +
                           " (texts 0 to " + std::to_string(count - 1) + ", each once)");
        }
        index = static_cast<std::size_t>(number);
      }
      seen[index] = true;
      GOCLAW_ASSIGN_OR_RETURN(vectors[index], VectorAt(*item, at));
    }
    return vectors;
  }

  Result<std::vector<float>> VectorAt(const json::object& item, const std::string& at) const {
    const json::value* embedding = item.if_contains("embedding");
    if (embedding == nullptr || !embedding->is_array()) {
      return Malformed("has no " + at + ".embedding array of numbers");
    }
    const json::array& numbers = embedding->get_array();
    if (numbers.size() != options_.dimensions) {
      return MakeError(
          ErrorCode::kInvalidArgument,
          Where() + " answered " + std::to_string(numbers.size()) + "-dimensional vectors, but " +
              "dimensions is " + std::to_string(options_.dimensions) + "; set dimensions to " +
              std::to_string(numbers.size()) + " for this model (re-embedding what has vectors)");
    }
    std::vector<float> vector(numbers.size());
    for (std::size_t i = 0; i < numbers.size(); ++i) {
      double x = 0;
      if (!JsonNumber(numbers[i], &x) || !std::isfinite(static_cast<float>(x))) {
        return Malformed("has " + DescribeJson(numbers[i]) + " at " + at + ".embedding[" +
                         std::to_string(i) + "]; expected a finite number");
      }
      vector[i] = static_cast<float>(x);
    }
    NormaliseL2(vector);
    return vector;
  }

  tl::unexpected<Error> Malformed(const std::string& what) const {
    return MakeError(ErrorCode::kInternal, "the answer of " + Where() + " " + what);
  }

  // "embedding model \"m\" at http://host:port/v1/embeddings"
  std::string Where() const {
    return "embedding model \"" + options_.model + "\" at " + endpoint_.ToString();
  }

  HttpEmbedderOptions options_;
  Url endpoint_;
  std::unique_ptr<net::AsyncHttpClient> client_;
};

Status CheckOptions(const HttpEmbedderOptions& options) {
  const auto invalid = [](std::string message) {
    return MakeError(ErrorCode::kInvalidArgument, std::move(message));
  };
  if (options.model.empty()) {
    return invalid("model must name the embedding model, e.g. \"text-embedding-3-small\"");
  }
  if (options.dimensions == 0 || options.dimensions > kMaxDimensions) {
    return invalid("dimensions must be the model's vector size, 1 to " +
                   std::to_string(kMaxDimensions) + ", e.g. 384 or 1536 (got " +
                   std::to_string(options.dimensions) + ")");
  }
  if (options.max_batch == 0 || options.max_batch > kMaxBatch) {
    return invalid("max_batch must be 1 to " + std::to_string(kMaxBatch) + " (got " +
                   std::to_string(options.max_batch) + ")");
  }
  if (options.timeout <= Millis(0) || options.timeout > kMaxDuration) {
    return invalid("timeout must be between 1ms and " + FormatDuration(kMaxDuration) + " (got " +
                   std::to_string(options.timeout.count()) + "ms)");
  }
  if (!options.api_key.empty()) {
    const Status header = net::CheckHeaderValue(options.api_key);
    if (!header) return invalid("api_key cannot be sent in a header: " + header.error().message());
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<Embedder>> NewHttpEmbedder(HttpEmbedderOptions options) {
  GOCLAW_RETURN_IF_ERROR(CheckOptions(options));
  GOCLAW_ASSIGN_OR_RETURN(Url endpoint, EndpointOf(options.url));
  net::HttpClientOptions client_options;
  client_options.thread_name = "goclaw-embed";
  client_options.max_response_bytes = std::max<std::size_t>(
      client_options.max_response_bytes,
      options.max_batch * options.dimensions * kAnswerBytesPerNumber + kAnswerOverheadBytes);
  GOCLAW_ASSIGN_OR_RETURN(std::unique_ptr<net::AsyncHttpClient> client,
                          net::AsyncHttpClient::Create(std::move(client_options)));
  return std::unique_ptr<Embedder>(
      std::make_unique<HttpEmbedder>(std::move(options), std::move(endpoint), std::move(client)));
}

}  // namespace goclaw::memory
