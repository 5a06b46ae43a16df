// The hashing embedder's properties (unit vectors, determinism pinned by a checksum, similarity
// of paraphrases in English and Chinese, zero vectors for featureless text) and the HTTP
// embedder against a fake OpenAI-compatible server on a loopback port: batching, order by
// index, the URL forms, authorization, and every kind of failure.
#include "goclaw/memory/embedder.h"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "goclaw/core/hash.h"
#include "goclaw/net/test_loopback_server.h"

namespace goclaw::memory {
namespace {

using ::testing::HasSubstr;
using Vector = std::vector<float>;

double Cosine(const Vector& a, const Vector& b) {
  double dot = 0;
  for (std::size_t i = 0; i < a.size(); ++i) dot += static_cast<double>(a[i]) * b[i];
  return dot;  // both are unit vectors
}

double Norm(const Vector& v) { return std::sqrt(Cosine(v, v)); }

bool AllZero(const Vector& v) {
  for (const float x : v) {
    if (x != 0) return false;
  }
  return true;
}

// The hashing embedder's vectors for `texts`.
std::vector<Vector> Hashed(const std::vector<std::string>& texts, std::size_t dimensions = 384) {
  const Result<std::vector<Vector>> vectors = NewHashingEmbedder(dimensions)->Embed(texts);
  EXPECT_TRUE(vectors);
  return vectors ? *vectors : std::vector<Vector>(texts.size());
}

double HashedCosine(const std::string& a, const std::string& b) {
  const std::vector<Vector> v = Hashed({a, b});
  return Cosine(v[0], v[1]);
}

TEST(NormaliseL2Test, ScalesToUnitLengthAndLeavesZeroAlone) {
  Vector v = {3, 4};
  NormaliseL2(v);
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  Vector zero = {0, 0, 0};
  NormaliseL2(zero);
  EXPECT_TRUE(AllZero(zero));
}

TEST(HashingEmbedderTest, NamesItsDimensions) {
  EXPECT_EQ(NewHashingEmbedder()->name(), "hashing-384");
  EXPECT_EQ(NewHashingEmbedder()->dimensions(), 384u);
  EXPECT_EQ(NewHashingEmbedder(64)->name(), "hashing-64");
}

TEST(HashingEmbedderTest, OneUnitVectorPerTextInOrder) {
  const std::vector<Vector> v =
      Hashed({"deployment failed", "quarterly revenue report", "deployment failed"}, 128);
  ASSERT_EQ(v.size(), 3u);
  for (const Vector& x : v) {
    ASSERT_EQ(x.size(), 128u);
    EXPECT_NEAR(Norm(x), 1.0, 1e-6);
  }
  EXPECT_EQ(v[0], v[2]);
  EXPECT_NE(v[0], v[1]);
  const Result<std::vector<Vector>> none = NewHashingEmbedder()->Embed({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
}

TEST(HashingEmbedderTest, IsDeterministicAndPinned) {
  // The same vector from another instance, alone or in a batch, whatever the word order or case.
  const Vector alone = Hashed({"deployment failed"})[0];
  EXPECT_EQ(Hashed({"other text", "deployment failed"})[1], alone);
  EXPECT_EQ(Hashed({"failed deployment"})[0], alone);
  EXPECT_EQ(Hashed({"Deployment FAILED"})[0], alone);
  // The exact bits, on every platform: changing the recipe changes every stored vector, so a
  // failure here means the hub's hashing vectors must be re-embedded.
  const Vector deploy = Hashed({"deploy"})[0];
  std::uint64_t checksum = 0;
  for (const float x : deploy) checksum = Mix64(checksum ^ std::bit_cast<std::uint32_t>(x));
  EXPECT_EQ(checksum, 12268921942974538999u) << "hashing embedder output changed";
}

TEST(HashingEmbedderTest, ParaphrasesWithSharedWordPiecesAreSimilar) {
  const double paraphrase = HashedCosine("deployment failed", "deploying fails");
  EXPECT_GT(paraphrase, 0.25);
  for (const char* unrelated : {"quarterly revenue report", "the cat sat on the mat"}) {
    EXPECT_GT(paraphrase, HashedCosine("deployment failed", unrelated) + 0.2) << unrelated;
    EXPECT_LT(std::abs(HashedCosine("deploying fails", unrelated)), 0.15) << unrelated;
  }
  EXPECT_GT(HashedCosine("user authentication error", "authenticating users errored"), 0.3);
  EXPECT_GT(HashedCosine("the deployment of the payment service failed",
                         "payment service deploy failure"),
            0.5);
  // Identifiers match whole and by their parts.
  EXPECT_GT(HashedCosine("db-stg-03 is down", "database db-stg-03 unreachable"), 0.4);
}

TEST(HashingEmbedderTest, ChineseTextsSharingWordsOrCharactersAreSimilar) {
  EXPECT_GT(HashedCosine("部署失败", "部署出错了"), 0.2);
  EXPECT_GT(HashedCosine("生产环境部署失败", "部署到生产环境时出错"), 0.4);
  EXPECT_LT(std::abs(HashedCosine("生产环境部署失败", "今天天气很好")), 0.1);
  EXPECT_LT(std::abs(HashedCosine("部署失败", "我喜欢吃苹果")), 0.1);
  // Mixed text matches either part.
  EXPECT_GT(HashedCosine("部署 deployment 失败", "deployment failed"), 0.2);
  EXPECT_GT(HashedCosine("部署 deployment 失败", "部署失败"), 0.2);
}

TEST(HashingEmbedderTest, TextWithoutFeaturesGetsTheZeroVector) {
  const std::vector<Vector> v = Hashed({"", "   ", "...!!! ---", "a"});
  EXPECT_TRUE(AllZero(v[0]));
  EXPECT_TRUE(AllZero(v[1]));
  EXPECT_TRUE(AllZero(v[2]));
  EXPECT_NEAR(Norm(v[3]), 1.0, 1e-6);
}

// ---------------------------------------------------------------------------------------------
// HTTP embedder

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

constexpr std::size_t kDims = 4;

// What the fake server answers for a text: (length, 1, 0, 0), not normalised.
Vector FakeVectorFor(const std::string& text) { return {static_cast<float>(text.size()), 1, 0, 0}; }

Vector Normalised(Vector v) {
  NormaliseL2(v);
  return v;
}

// An OpenAI-compatible embeddings server whose path says how to behave: /v1/embeddings and
// any other .../embeddings answer FakeVectorFor each input, listed in reverse with their
// index; the first path segment picks a failure (/wrongdim, /unauthorized, /overloaded,
// /ratelimited, /garbage, /short, /noindex, /hang).
class FakeEmbeddingServer {
 public:
  struct Request {
    std::string target;
    std::string authorization;
    json::value body;
  };

  FakeEmbeddingServer() : server_([this](tcp::socket s) { Serve(std::move(s)); }) {}
  ~FakeEmbeddingServer() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();  // releases /hang; then server_ (declared last) joins its threads
  }

  std::string Url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(server_.port()) + path;
  }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  void Serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    while (true) {
      http::request<http::string_body> req;
      beast::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) return;
      const std::string target(req.target());
      {
        std::lock_guard lock(mu_);
        requests_.push_back(
            {target, std::string(req[http::field::authorization]), json::parse(req.body())});
      }
      if (target.starts_with("/hang")) {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return stopping_; });
        return;
      }
      http::response<http::string_body> res = Answer(target, json::parse(req.body()));
      res.version(req.version());
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec) return;
    }
  }

  static http::response<http::string_body> Reply(http::status status, std::string body,
                                                 const char* type = "application/json") {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, type);
    res.body() = std::move(body);
    return res;
  }

  static http::response<http::string_body> Answer(const std::string& target,
                                                  const json::value& request) {
    if (target.starts_with("/unauthorized")) {
      return Reply(http::status::unauthorized,
                   R"({"error": {"message": "Incorrect API key provided: sk-t***", "type": "x"}})");
    }
    if (target.starts_with("/overloaded")) {
      return Reply(http::status::service_unavailable, "upstream overloaded", "text/plain");
    }
    if (target.starts_with("/ratelimited")) {
      return Reply(http::status::too_many_requests, R"({"detail": "slow down"})");
    }
    if (target.starts_with("/garbage")) return Reply(http::status::ok, "not json");
    const json::array& input = request.at("input").as_array();
    json::array data;
    for (std::size_t i = input.size(); i-- > 0;) {
      Vector v = FakeVectorFor(std::string(input[i].as_string()));
      if (target.starts_with("/wrongdim")) v.pop_back();
      json::array embedding(v.begin(), v.end());
      json::object item{{"object", "embedding"}, {"embedding", std::move(embedding)}};
      if (!target.starts_with("/noindex")) item["index"] = i;
      data.push_back(std::move(item));
    }
    if (target.starts_with("/noindex")) std::reverse(data.begin(), data.end());
    if (target.starts_with("/short")) data.pop_back();
    return Reply(http::status::ok, json::serialize(json::object{{"object", "list"},
                                                                {"data", std::move(data)},
                                                                {"model", request.at("model")}}));
  }

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<Request> requests_;
  net::testing::LoopbackServer server_;  // last: its threads use everything above
};

class HttpEmbedderTest : public ::testing::Test {
 protected:
  std::unique_ptr<Embedder> Make(const std::string& path, std::size_t max_batch = 64,
                                 std::string api_key = "") {
    Result<std::unique_ptr<Embedder>> embedder = NewHttpEmbedder({.url = server_.Url(path),
                                                                  .model = "test-model",
                                                                  .api_key = std::move(api_key),
                                                                  .dimensions = kDims,
                                                                  .timeout = Millis(5000),
                                                                  .max_batch = max_batch});
    EXPECT_TRUE(embedder) << embedder.error().ToString();
    return embedder ? std::move(*embedder) : nullptr;
  }

  FakeEmbeddingServer server_;
};

TEST_F(HttpEmbedderTest, PostsBatchesAndReturnsNormalisedVectorsInOrder) {
  const auto embedder = Make("/v1", 2, "sk-test");
  ASSERT_NE(embedder, nullptr);
  EXPECT_EQ(embedder->name(), "http:test-model");
  EXPECT_EQ(embedder->dimensions(), kDims);
  const std::vector<std::string> texts = {"a", "bb", "ccc", "dddd", "eeeee"};
  const Result<std::vector<Vector>> vectors = embedder->Embed(texts);
  ASSERT_TRUE(vectors) << vectors.error().ToString();
  ASSERT_EQ(vectors->size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const Vector want = Normalised(FakeVectorFor(texts[i]));
    for (std::size_t d = 0; d < kDims; ++d) EXPECT_FLOAT_EQ((*vectors)[i][d], want[d]) << texts[i];
  }
  const std::vector<FakeEmbeddingServer::Request> requests = server_.requests();
  ASSERT_EQ(requests.size(), 3u);
  const std::vector<json::value> inputs = {json::parse(R"(["a", "bb"])"),
                                           json::parse(R"(["ccc", "dddd"])"),
                                           json::parse(R"(["eeeee"])")};
  for (std::size_t r = 0; r < requests.size(); ++r) {
    EXPECT_EQ(requests[r].target, "/v1/embeddings");
    EXPECT_EQ(requests[r].authorization, "Bearer sk-test");
    EXPECT_EQ(requests[r].body, (json::object{{"model", "test-model"}, {"input", inputs[r]}}));
  }
}

TEST_F(HttpEmbedderTest, TakesABaseUrlOrTheFullEndpoint) {
  for (const auto& [url, target] : std::vector<std::pair<std::string, std::string>>{
           {"/v1", "/v1/embeddings"},
           {"/v1/", "/v1/embeddings"},
           {"/v1/embeddings", "/v1/embeddings"},
           {"", "/embeddings"},
           {"/openai/deployments/m?api-version=2024-02-01",
            "/openai/deployments/m/embeddings?api-version=2024-02-01"},
       }) {
    const auto embedder = Make(url);
    ASSERT_NE(embedder, nullptr);
    ASSERT_TRUE(embedder->Embed({"x"})) << url;
    EXPECT_EQ(server_.requests().back().target, target) << url;
    EXPECT_EQ(server_.requests().back().authorization, "") << "no key, no header";
  }
}

TEST_F(HttpEmbedderTest, SendsNothingForBlankTextsWhichGetZeroVectors) {
  const auto embedder = Make("/v1");
  ASSERT_NE(embedder, nullptr);
  const Result<std::vector<Vector>> none = embedder->Embed({});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  const Result<std::vector<Vector>> vectors = embedder->Embed({"", " \n", "abc"});
  ASSERT_TRUE(vectors);
  EXPECT_EQ((*vectors)[0], Vector(kDims, 0.0f));
  EXPECT_EQ((*vectors)[1], Vector(kDims, 0.0f));
  EXPECT_EQ((*vectors)[2], Normalised(FakeVectorFor("abc")));
  ASSERT_EQ(server_.requests().size(), 1u);
  EXPECT_EQ(server_.requests()[0].body.at("input"), json::parse(R"(["abc"])"));
}

TEST_F(HttpEmbedderTest, TakesAnswersWithoutIndexInOrder) {
  const auto embedder = Make("/noindex");
  ASSERT_NE(embedder, nullptr);
  const Result<std::vector<Vector>> vectors = embedder->Embed({"a", "bbb"});
  ASSERT_TRUE(vectors);
  EXPECT_EQ((*vectors)[0], Normalised(FakeVectorFor("a")));
  EXPECT_EQ((*vectors)[1], Normalised(FakeVectorFor("bbb")));
}

Error EmbedError(Embedder& embedder) {
  const Result<std::vector<Vector>> vectors = embedder.Embed({"a", "bb"});
  EXPECT_FALSE(vectors);
  return vectors ? Error(ErrorCode::kInternal, "no error") : vectors.error();
}

TEST_F(HttpEmbedderTest, RefusesVectorsOfAnotherDimension) {
  const auto embedder = Make("/wrongdim");
  ASSERT_NE(embedder, nullptr);
  const Error error = EmbedError(*embedder);
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message(), HasSubstr("answered 3-dimensional vectors, but dimensions is 4"));
  EXPECT_THAT(error.message(),
              HasSubstr("\"test-model\" at " + server_.Url("/wrongdim/embeddings")));
}

TEST_F(HttpEmbedderTest, ReportsErrorAnswersWithTheirStatusAndMessage) {
  struct Case {
    std::string path;
    ErrorCode code;
    std::string status;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"/unauthorized", ErrorCode::kFailedPrecondition, "401 Unauthorized",
            "Incorrect API key provided"},
           {"/overloaded", ErrorCode::kUnavailable, "503 Service Unavailable",
            "\"upstream overloaded\""},
           {"/ratelimited", ErrorCode::kResourceExhausted, "429 Too Many Requests",
            "\"slow down\""},
       }) {
    const auto embedder = Make(c.path);
    ASSERT_NE(embedder, nullptr);
    const Error error = EmbedError(*embedder);
    EXPECT_EQ(error.code(), c.code) << c.path;
    EXPECT_THAT(error.message(), HasSubstr(c.path + "/embeddings answered " + c.status + ": "))
        << c.path;
    EXPECT_THAT(error.message(), HasSubstr(c.message)) << c.path;
  }
}

TEST_F(HttpEmbedderTest, RefusesAnswersThatAreNotTheExpectedJson) {
  const auto garbage = Make("/garbage");
  ASSERT_NE(garbage, nullptr);
  Error error = EmbedError(*garbage);
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_THAT(error.message(), HasSubstr("is not JSON"));
  const auto short_answer = Make("/short");
  ASSERT_NE(short_answer, nullptr);
  error = EmbedError(*short_answer);
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_THAT(error.message(), HasSubstr("has 1 embeddings for 2 texts"));
}

TEST_F(HttpEmbedderTest, GivesUpAfterTheTimeout) {
  Result<std::unique_ptr<Embedder>> embedder = NewHttpEmbedder({.url = server_.Url("/hang"),
                                                                .model = "test-model",
                                                                .dimensions = kDims,
                                                                .timeout = Millis(100)});
  ASSERT_TRUE(embedder);
  const auto started = std::chrono::steady_clock::now();
  const Error error = EmbedError(**embedder);
  EXPECT_EQ(error.code(), ErrorCode::kDeadlineExceeded) << error.ToString();
  EXPECT_THAT(error.message(), HasSubstr("\"test-model\" at " + server_.Url("/hang/embeddings")));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST(HttpEmbedderOptionsTest, RefusesBadOptions) {
  const HttpEmbedderOptions good{.url = "http://127.0.0.1:9/v1", .model = "m", .dimensions = 8};
  ASSERT_TRUE(NewHttpEmbedder(good));
  const auto refused = [&](HttpEmbedderOptions options, const std::string& message) {
    const Result<std::unique_ptr<Embedder>> embedder = NewHttpEmbedder(std::move(options));
    ASSERT_FALSE(embedder) << message;
    EXPECT_EQ(embedder.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_THAT(embedder.error().message(), HasSubstr(message));
  };
  HttpEmbedderOptions o = good;
  o.url = "ftp://example.com/v1";
  refused(o, "url");
  o = good;
  o.url = "";
  refused(o, "url");
  o = good;
  o.model = "";
  refused(o, "model must name");
  o = good;
  o.dimensions = 0;
  refused(o, "dimensions must be");
  o = good;
  o.max_batch = 0;
  refused(o, "max_batch must be 1 to 2048 (got 0)");
  o = good;
  o.timeout = Millis(0);
  refused(o, "timeout must be");
  o = good;
  o.api_key = "sk-1\r\nX-Injected: 1";
  refused(o, "api_key cannot be sent in a header");
}

}  // namespace
}  // namespace goclaw::memory
