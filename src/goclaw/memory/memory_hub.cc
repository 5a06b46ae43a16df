// The memory hub (memory_hub.h): sessions, durable writes, retrieval and reviews.
#include "goclaw/memory/memory_hub.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cmath>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "goclaw/core/uuid.h"
#include "goclaw/memory/fusion.h"
#include "goclaw/memory/session_index.h"
#include "goclaw/memory/tokenizer.h"

namespace goclaw::memory {
namespace {

std::optional<fsrs::Rating> ReviewRating(std::string_view name) {
  if (name == "again") return fsrs::Rating::kAgain;
  if (name == "hard") return fsrs::Rating::kHard;
  if (name == "good") return fsrs::Rating::kGood;
  if (name == "easy") return fsrs::Rating::kEasy;
  return std::nullopt;  // none
}

fsrs::Parameters SchedulerParameters(const config::MemoryConfig& c) {
  fsrs::Parameters p;
  p.request_retention = c.request_retention;
  p.maximum_interval = c.maximum_interval_days;
  p.enable_short_term = c.enable_short_term;
  return p;
}

// Scales `v` to length 1; false for a zero (or non-finite) vector.
bool Normalize(std::vector<float>& v) {
  double sum = 0;
  for (float f : v) sum += static_cast<double>(f) * f;
  if (!(sum > 0) || !std::isfinite(sum)) return false;
  const float inv = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& f : v) f *= inv;
  return true;
}

// kInvalidArgument with one detail at `field`.
tl::unexpected<Error> FieldError(std::string field, std::string message) {
  ErrorDetail detail{.path = std::move(field), .message = message};
  return MakeError(Error(ErrorCode::kInvalidArgument, std::move(message), {std::move(detail)}));
}

Status CheckSession(std::string_view session) {
  if (IsValidSessionName(session)) return OkStatus();
  return FieldError("session", "invalid memory session name; expected " + std::string(kSessionNameRule));
}

}  // namespace

// One session: writers take turns on write_mu (store write, then index change under mu);
// readers hold mu shared.
struct Session {
  explicit Session(SessionIndexOptions options) : index(options) {}
  std::mutex write_mu;
  std::shared_mutex mu;
  SessionIndex index;
};

class MemoryHub::Impl {
 public:
  Impl(store::Store& store, HubOptions options)
      : store_(store),
        config_(options.config),
        embedder_(std::move(options.embedder)),
        clock_(options.clock != nullptr ? options.clock : &system_clock_),
        logger_(std::move(options.logger)),
        scheduler_(SchedulerParameters(config_)),
        rating_(ReviewRating(config_.review_rating)),
        ids_(*clock_) {}

  // Waits for the reviews still queued to the store: they are written before the hub goes.
  ~Impl() {
    std::unique_lock lock(pending_mu_);
    pending_cv_.wait(lock, [this] { return pending_reviews_ == 0; });
  }

  Status Load();

  Result<std::vector<std::string>> Memorize(std::string_view session, std::vector<NewItem> items);
  Result<std::vector<Hit>> Retrieve(std::string_view session, const Query& query);
  Result<std::size_t> ForgetIds(Session& s, std::vector<std::string> ids);
  Result<std::size_t> ForgetWhere(std::string_view session, const std::function<bool(const MemoryItem&)>& pick);
  Result<std::size_t> ForgetSession(std::string_view session);

  std::shared_ptr<Session> Find(std::string_view session) {
    std::lock_guard lock(sessions_mu_);
    auto it = sessions_.find(session);
    return it == sessions_.end() ? nullptr : it->second;
  }
  std::shared_ptr<Session> FindOrCreate(std::string_view session) {
    std::lock_guard lock(sessions_mu_);
    auto it = sessions_.find(session);
    if (it == sessions_.end()) it = sessions_.emplace(std::string(session), std::make_shared<Session>(IndexOptions())).first;
    return it->second;
  }
  std::vector<std::pair<std::string, std::shared_ptr<Session>>> AllSessions() {
    std::lock_guard lock(sessions_mu_);
    return {sessions_.begin(), sessions_.end()};
  }

  std::int64_t NowUs() const {
    return std::chrono::duration_cast<std::chrono::microseconds>(clock_->Now().time_since_epoch()).count();
  }
  double Retrievability(const MemoryItem& item, std::int64_t now_us) const {
    return scheduler_.Retrievability(item.card, std::max(now_us, item.card.last_review_us));
  }
  SessionStats StatsOf(std::string_view name, Session& s);

  store::Store& store_;
  config::MemoryConfig config_;
  std::unique_ptr<Embedder> embedder_;
  SystemClock system_clock_;
  const Clock* clock_;
  log::Logger logger_;
  fsrs::Scheduler scheduler_;
  std::optional<fsrs::Rating> rating_;
  UuidGenerator ids_;

  std::mutex sessions_mu_;
  std::map<std::string, std::shared_ptr<Session>, std::less<>> sessions_;

  std::mutex pending_mu_;
  std::condition_variable pending_cv_;
  std::size_t pending_reviews_ = 0;  // review batches queued to the store, not yet written

  std::mutex metrics_mu_;
  HubStats counters_;  // memorized, forgotten, reviews, latency, load_seconds

 private:
  SessionIndexOptions IndexOptions() const {
    return {.bm25 = {.k1 = config_.bm25_k1, .b = config_.bm25_b},
            .dimensions = embedder_ ? embedder_->dimensions() : 0,
            .hnsw_threshold = static_cast<std::size_t>(config_.hnsw_threshold)};
  }
  Status EmbedMissing(std::vector<NewItem>& items);
};

Status MemoryHub::Impl::Load() {
  const auto start = std::chrono::steady_clock::now();
  GOCLAW_ASSIGN_OR_RETURN(auto cards, store_.ScanAll(kCardsTable));
  std::unordered_map<std::string, fsrs::Card> card_of;
  card_of.reserve(cards.size());
  for (auto& e : cards) {
    auto card = DecodeCard(e.value);
    if (card) card_of.emplace(std::move(e.key), *card);
  }
  cards.clear();
  std::size_t loaded = 0;
  std::string after;
  while (true) {  // a page at a time: 100k items with vectors need not be in memory twice
    GOCLAW_ASSIGN_OR_RETURN(auto page, store_.Scan(kItemsTable, "", after, 4096));
    if (page.empty()) break;
    after = page.back().key;
    for (auto& e : page) {
      auto item = DecodeItem(e.key, e.value);
      if (!item) return MakeError(item.error());
      auto card = card_of.find(e.key);
      if (card != card_of.end()) {
        item->card = card->second;
        card_of.erase(card);
      }
      auto session = FindOrCreate(item->session);
      if (auto ok = session->index.CheckVector(item->vector); !ok) {
        logger_.Warn("memory item {} of session {} keeps no vector: {}", item->id, item->session, ok.error().message());
        item->vector.clear();
      }
      const auto terms = Tokenize(item->content);
      const std::string id = item->id;
      if (auto ok = session->index.Add(std::move(*item), terms); !ok) {
        logger_.Warn("memory item {} is findable by BM25 only: {}", id, ok.error().message());
      }
      ++loaded;
    }
  }
  if (!card_of.empty()) {  // reviews queued after their item was forgotten
    store::StoreBatch batch;
    for (const auto& [key, card] : card_of) batch.mutations.push_back(store::TableMutation::Erase(std::string(kCardsTable), key));
    if (auto ok = store_.CommitAndWait(std::move(batch)); !ok) logger_.Warn("erasing stray memory cards: {}", ok.error().message());
  }
  counters_.load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  logger_.Info("memory: {} items in {} sessions loaded and indexed in {:.3f}s", loaded, sessions_.size(),
               counters_.load_seconds);
  return OkStatus();
}

Status MemoryHub::Impl::EmbedMissing(std::vector<NewItem>& items) {
  std::vector<std::size_t> which;
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].vector.empty() && embedder_) {
      which.push_back(i);
      texts.push_back(items[i].content);
    }
  }
  if (texts.empty()) return OkStatus();
  auto vectors = embedder_->Embed(texts);
  if (!vectors) {
    return MakeError(vectors.error().code(), "embedding the content with " + embedder_->name() + ": " + vectors.error().message());
  }
  for (std::size_t j = 0; j < which.size(); ++j) items[which[j]].vector = std::move((*vectors)[j]);
  return OkStatus();
}

Result<std::vector<std::string>> MemoryHub::Impl::Memorize(std::string_view session, std::vector<NewItem> items) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  if (items.empty()) return FieldError("items", "nothing to memorize: items is empty");
  if (items.size() > static_cast<std::size_t>(config_.max_batch)) {
    return FieldError("items", "memorize takes at most " + std::to_string(config_.max_batch) +
                                                  " items at once, got " + std::to_string(items.size()));
  }
  std::vector<bool> from_client(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string field = items.size() == 1 ? "vector" : "items[" + std::to_string(i) + "].vector";
    from_client[i] = !items[i].vector.empty();
    if (from_client[i] && embedder_ && items[i].vector.size() != embedder_->dimensions()) {
      return FieldError(field, "the vector has " + std::to_string(items[i].vector.size()) +
                                                    " dimensions; this server's embedder (" + embedder_->name() +
                                                    ") makes " + std::to_string(embedder_->dimensions()));
    }
    if (from_client[i] && !Normalize(items[i].vector)) {
      return FieldError(field, "the vector must have a non-zero finite length");
    }
  }
  GOCLAW_RETURN_IF_ERROR(EmbedMissing(items));
  std::vector<std::vector<std::string>> terms(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!from_client[i] && !items[i].vector.empty() && !Normalize(items[i].vector)) items[i].vector.clear();  // no features
    terms[i] = Tokenize(items[i].content);
  }

  auto s = FindOrCreate(session);
  std::lock_guard write(s->write_mu);
  {
    std::shared_lock read(s->mu);
    if (s->index.size() + items.size() > static_cast<std::size_t>(config_.max_items_per_session)) {
      return MakeError(ErrorCode::kResourceExhausted, "session " + std::string(session) + " holds " +
                                                      std::to_string(s->index.size()) + " items; memory.max_items_per_session is " +
                                                      std::to_string(config_.max_items_per_session));
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      if (auto ok = s->index.CheckVector(items[i].vector); !ok) {
        return FieldError(items.size() == 1 ? "vector" : "items[" + std::to_string(i) + "].vector", ok.error().message());
      }
    }
  }
  const std::int64_t now = NowUs();
  std::vector<MemoryItem> made;
  made.reserve(items.size());
  store::StoreBatch batch;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < items.size(); ++i) {
    MemoryItem m;
    m.id = "mem-" + ids_.Next().ToString();
    m.session = std::string(session);
    m.content = std::move(items[i].content);
    m.vector = std::move(items[i].vector);
    m.vector_from_client = from_client[i];
    m.metadata = std::move(items[i].metadata);
    m.provenance = std::move(items[i].provenance);
    m.created_at_us = now;
    // Memorizing is the first review: a new memory starts with the initial stability of a
    // good answer (w[2] days) rather than at zero.
    m.card = scheduler_.Review(scheduler_.NewCard(now), now, fsrs::Rating::kGood);
    const std::string key = ItemKey(session, m.id);
    batch.mutations.push_back(store::TableMutation::Put(std::string(kItemsTable), key, EncodeItem(m)));
    batch.mutations.push_back(store::TableMutation::Put(std::string(kCardsTable), key, EncodeCard(m.card)));
    ids.push_back(m.id);
    made.push_back(std::move(m));
  }
  GOCLAW_RETURN_IF_ERROR(store_.CommitAndWait(std::move(batch)));
  {
    std::unique_lock lock(s->mu);
    for (std::size_t i = 0; i < made.size(); ++i) {
      const std::string id = made[i].id;
      if (auto ok = s->index.Add(std::move(made[i]), terms[i]); !ok) {
        logger_.Warn("memory item {} is findable by BM25 only: {}", id, ok.error().message());
      }
    }
  }
  std::lock_guard lock(metrics_mu_);
  counters_.memorized += ids.size();
  return ids;
}

Result<std::vector<Hit>> MemoryHub::Impl::Retrieve(std::string_view session, const Query& query) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  const auto start = std::chrono::steady_clock::now();
  std::vector<float> qv = query.vector;
  if (!qv.empty()) {
    if (embedder_ && qv.size() != embedder_->dimensions()) {
      return FieldError("vector", "the query vector has " + std::to_string(qv.size()) +
                                                    " dimensions; this server's embedder (" + embedder_->name() +
                                                    ") makes " + std::to_string(embedder_->dimensions()));
    }
    if (!Normalize(qv)) return FieldError("vector", "the query vector must have a non-zero finite length");
  } else if (query.mode != Mode::kBm25 && embedder_ && !query.text.empty()) {
    auto v = embedder_->Embed({query.text});
    if (!v) return MakeError(v.error().code(), "embedding the query with " + embedder_->name() + ": " + v.error().message());
    qv = std::move((*v)[0]);
    if (!Normalize(qv)) qv.clear();
  }
  if (query.mode == Mode::kVector && qv.empty() && !embedder_) {
    return FieldError("vector", "vector mode needs a query vector: this server has no embedder (memory.embedder.kind: none)");
  }
  if (query.mode == Mode::kBm25 && query.text.empty()) {
    return FieldError("query", "bm25 mode needs query text");
  }
  const std::vector<std::string> terms = query.mode == Mode::kVector ? std::vector<std::string>{} : Tokenize(query.text);

  std::vector<Hit> hits;
  auto s = Find(session);
  if (s == nullptr) return hits;
  const std::int64_t now = NowUs();
  const double rw = config_.retrievability_weight;
  {
    std::shared_lock read(s->mu);
    const SessionIndex& index = s->index;
    if (!qv.empty() && index.dimensions() != 0 && qv.size() != index.dimensions()) {
      return FieldError("vector", "the query vector has " + std::to_string(qv.size()) +
                                                    " dimensions; this session's vectors have " + std::to_string(index.dimensions()));
    }
    std::function<bool(DocId)> accept;
    if (!query.filter.empty()) accept = [&index, &query](DocId d) { return query.filter.Matches(index.item(d)); };
    // Deeper candidate lists than top_k when fusion or retrievability can reorder them.
    const bool reorders = query.mode == Mode::kHybrid || rw > 0;
    const std::size_t depth = reorders ? std::max<std::size_t>(query.top_k * 2, 50) : query.top_k;
    Ranking bm25, vec;
    if (query.mode != Mode::kVector) bm25 = index.SearchBm25(terms, depth, accept);
    if (query.mode != Mode::kBm25 && !qv.empty()) {
      auto r = index.SearchVector(qv, depth, accept);
      if (!r) return MakeError(r.error());
      vec = std::move(*r);
    }
    Ranking ranked = query.mode == Mode::kHybrid
                         ? FuseReciprocalRanks(vec, bm25, {.k = static_cast<double>(config_.rrf_k),
                                                           .vector = config_.vector_weight,
                                                           .bm25 = config_.bm25_weight})
                         : (query.mode == Mode::kBm25 ? bm25 : vec);
    std::unordered_map<DocId, double> r_of;
    for (Scored& c : ranked) {
      const double r = Retrievability(index.item(c.doc), now);
      r_of[c.doc] = r;
      c.score *= RetrievabilityFactor(r, rw);
    }
    std::sort(ranked.begin(), ranked.end(), RanksBefore);
    if (ranked.size() > query.top_k) ranked.resize(query.top_k);
    std::unordered_map<DocId, int> bm25_rank, vector_rank;
    for (std::size_t i = 0; i < bm25.size(); ++i) bm25_rank[bm25[i].doc] = static_cast<int>(i + 1);
    for (std::size_t i = 0; i < vec.size(); ++i) vector_rank[vec[i].doc] = static_cast<int>(i + 1);
    hits.reserve(ranked.size());
    for (const Scored& c : ranked) {
      Hit h{.item = index.item(c.doc), .score = c.score, .retrievability = r_of[c.doc]};
      if (auto it = bm25_rank.find(c.doc); it != bm25_rank.end()) h.bm25_rank = it->second;
      if (auto it = vector_rank.find(c.doc); it != vector_rank.end()) h.vector_rank = it->second;
      hits.push_back(std::move(h));
    }
  }
  if (query.review && rating_ && !hits.empty()) {
    store::StoreBatch batch;
    std::unique_lock lock(s->mu);  // the card update and its queued write in one order
    for (Hit& h : hits) {
      fsrs::Card* card = s->index.MutableCard(h.item.id);
      if (card == nullptr) continue;  // forgotten meanwhile
      *card = scheduler_.Review(*card, std::max(now, card->last_review_us), *rating_);
      h.item.card = *card;
      batch.mutations.push_back(store::TableMutation::Put(std::string(kCardsTable), ItemKey(session, h.item.id), EncodeCard(*card)));
    }
    const std::size_t n = batch.mutations.size();
    {
      std::lock_guard pending(pending_mu_);
      ++pending_reviews_;
    }
    store_.Commit(std::move(batch), [this](Status ok) {
      if (!ok) logger_.Warn("memory: storing reviews failed: {}", ok.error().message());
      std::lock_guard pending(pending_mu_);
      if (--pending_reviews_ == 0) pending_cv_.notify_all();
    });
    std::lock_guard m(metrics_mu_);
    counters_.reviews += n;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::lock_guard m(metrics_mu_);
  counters_.retrieve_latency[static_cast<int>(query.mode)].Record(seconds);
  return hits;
}

Result<std::size_t> MemoryHub::Impl::ForgetIds(Session& s, std::vector<std::string> ids) {
  // The caller holds s.write_mu.
  {
    std::shared_lock read(s.mu);
    std::erase_if(ids, [&s](const std::string& id) { return s.index.Find(id) == nullptr; });
  }
  if (ids.empty()) return std::size_t{0};
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  store::StoreBatch batch;
  std::string session;
  {
    std::shared_lock read(s.mu);
    session = s.index.Find(ids[0])->session;
  }
  for (const auto& id : ids) {
    batch.mutations.push_back(store::TableMutation::Erase(std::string(kItemsTable), ItemKey(session, id)));
    batch.mutations.push_back(store::TableMutation::Erase(std::string(kCardsTable), ItemKey(session, id)));
  }
  GOCLAW_RETURN_IF_ERROR(store_.CommitAndWait(std::move(batch)));
  {
    std::unique_lock lock(s.mu);
    for (const auto& id : ids) s.index.Remove(id);
  }
  std::lock_guard m(metrics_mu_);
  counters_.forgotten += ids.size();
  return ids.size();
}

Result<std::size_t> MemoryHub::Impl::ForgetWhere(std::string_view session,
                                                 const std::function<bool(const MemoryItem&)>& pick) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  auto s = Find(session);
  if (s == nullptr) return std::size_t{0};
  std::lock_guard write(s->write_mu);
  std::vector<std::string> ids;
  {
    std::shared_lock read(s->mu);
    s->index.ForEach([&ids, &pick](const MemoryItem& item) {
      if (pick(item)) ids.push_back(item.id);
    });
  }
  return ForgetIds(*s, std::move(ids));
}

Result<std::size_t> MemoryHub::Impl::ForgetSession(std::string_view session) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  auto s = Find(session);
  if (s == nullptr) return std::size_t{0};
  std::lock_guard write(s->write_mu);
  std::size_t n = 0;
  {
    std::shared_lock read(s->mu);
    n = s->index.size();
  }
  if (n == 0) return n;
  store::StoreBatch batch;
  batch.mutations.push_back(store::TableMutation::ErasePrefix(std::string(kItemsTable), SessionPrefix(session)));
  batch.mutations.push_back(store::TableMutation::ErasePrefix(std::string(kCardsTable), SessionPrefix(session)));
  GOCLAW_RETURN_IF_ERROR(store_.CommitAndWait(std::move(batch)));
  {
    std::unique_lock lock(s->mu);
    s->index = SessionIndex(IndexOptions());
  }
  std::lock_guard m(metrics_mu_);
  counters_.forgotten += n;
  return n;
}

SessionStats MemoryHub::Impl::StatsOf(std::string_view name, Session& s) {
  SessionStats st;
  st.session = std::string(name);
  const std::int64_t now = NowUs();
  std::shared_lock read(s.mu);
  st.items = s.index.size();
  st.vectors = s.index.vector_count();
  st.dimensions = s.index.dimensions();
  st.vector_index = st.vectors == 0 ? "none" : (s.index.uses_hnsw() ? "hnsw" : "exact");
  st.terms = s.index.term_count();
  st.bytes = s.index.MemoryBytes();
  double sum = 0;
  s.index.ForEach([&](const MemoryItem& item) {
    const double r = Retrievability(item, now);
    sum += r;
    if (r < 0.5) ++st.weak;
    ++st.by_state[static_cast<int>(item.card.state) & 3];
  });
  st.average_retrievability = st.items == 0 ? 0 : sum / static_cast<double>(st.items);
  return st;
}

MemoryHub::MemoryHub(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
MemoryHub::~MemoryHub() = default;

Result<std::unique_ptr<MemoryHub>> MemoryHub::Open(store::Store& store, HubOptions options) {
  auto impl = std::make_unique<Impl>(store, std::move(options));
  GOCLAW_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<MemoryHub>(new MemoryHub(std::move(impl)));
}

Result<std::vector<std::string>> MemoryHub::Memorize(std::string_view session, std::vector<NewItem> items) {
  return impl_->Memorize(session, std::move(items));
}

Result<std::vector<Hit>> MemoryHub::Retrieve(std::string_view session, const Query& query) {
  return impl_->Retrieve(session, query);
}

Result<std::optional<MemoryItem>> MemoryHub::Get(std::string_view session, std::string_view id) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  auto s = impl_->Find(session);
  if (s == nullptr) return std::optional<MemoryItem>();
  std::shared_lock read(s->mu);
  const MemoryItem* item = s->index.Find(id);
  return item == nullptr ? std::optional<MemoryItem>() : std::optional<MemoryItem>(*item);
}

Result<ItemPage> MemoryHub::List(std::string_view session, std::size_t limit, std::size_t offset) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  ItemPage page;
  auto s = impl_->Find(session);
  if (s == nullptr) return page;
  std::shared_lock read(s->mu);
  page.total = s->index.size();
  for (const MemoryItem* item : s->index.Page(offset, limit)) page.items.push_back(*item);
  return page;
}

Result<std::size_t> MemoryHub::Forget(std::string_view session, const std::vector<std::string>& ids) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  auto s = impl_->Find(session);
  if (s == nullptr) return std::size_t{0};
  std::lock_guard write(s->write_mu);
  return impl_->ForgetIds(*s, ids);
}

Result<std::size_t> MemoryHub::ForgetMatching(std::string_view session, const Filter& filter) {
  return impl_->ForgetWhere(session, [&filter](const MemoryItem& item) { return filter.Matches(item); });
}

Result<std::size_t> MemoryHub::ForgetSession(std::string_view session) { return impl_->ForgetSession(session); }

Result<std::size_t> MemoryHub::ForgetWeak(std::string_view session, double threshold) {
  if (!(threshold > 0 && threshold <= 1)) {
    return FieldError("threshold", "threshold must be a retrievability in (0, 1], got " + std::to_string(threshold));
  }
  const std::int64_t now = impl_->NowUs();
  Impl* impl = impl_.get();
  return impl_->ForgetWhere(session, [impl, now, threshold](const MemoryItem& item) {
    return impl->Retrievability(item, now) < threshold;
  });
}

Result<SessionStats> MemoryHub::Stats(std::string_view session) {
  GOCLAW_RETURN_IF_ERROR(CheckSession(session));
  auto s = impl_->Find(session);
  if (s == nullptr) {
    SessionStats empty;
    empty.session = std::string(session);
    empty.vector_index = "none";
    return empty;
  }
  return impl_->StatsOf(session, *s);
}

std::vector<SessionSummary> MemoryHub::Sessions() {
  std::vector<SessionSummary> out;
  for (auto& [name, s] : impl_->AllSessions()) {
    std::shared_lock read(s->mu);
    if (s->index.size() > 0) out.push_back({name, s->index.size()});
  }
  return out;
}

HubStats MemoryHub::Totals() {
  HubStats t;
  for (auto& [name, s] : impl_->AllSessions()) {
    std::shared_lock read(s->mu);
    if (s->index.size() == 0) continue;
    ++t.sessions;
    t.items += s->index.size();
    t.vectors += s->index.vector_count();
    t.terms += s->index.term_count();
    t.bytes += s->index.MemoryBytes();
  }
  std::lock_guard lock(impl_->metrics_mu_);
  const HubStats& c = impl_->counters_;
  t.load_seconds = c.load_seconds;
  t.memorized = c.memorized;
  t.forgotten = c.forgotten;
  t.reviews = c.reviews;
  for (int i = 0; i < 3; ++i) t.retrieve_latency[i] = c.retrieve_latency[i];
  t.embedder = impl_->embedder_ ? impl_->embedder_->name() : "none";
  return t;
}

double MemoryHub::RetrievabilityNow(const MemoryItem& item) const { return impl_->Retrievability(item, impl_->NowUs()); }
const config::MemoryConfig& MemoryHub::config() const { return impl_->config_; }
std::int64_t MemoryHub::NowUs() const { return impl_->NowUs(); }

}  // namespace goclaw::memory
