// Signals POSTed to an http task's signal_url (http_signal_forwarder.h).
#include "goclaw/exec/http_signal_forwarder.h"

#include <deque>
#include <mutex>

#include "goclaw/core/json_text.h"

namespace goclaw::exec {
namespace {

constexpr int kRetries = 3;
constexpr Millis kFirstBackoff{100};

struct Forwarder : std::enable_shared_from_this<Forwarder> {
  std::string workflow_id, task_id;
  int attempt = 0;
  int lineage = 0;
  Url url;
  std::shared_ptr<SignalClient> client;
  TimerQueue* timers = nullptr;
  const Clock* clock = nullptr;
  std::weak_ptr<AttemptChannel> channel;

  std::mutex mu;
  std::deque<ChannelMessage> queue;  // the front one is in flight
  bool cancelled = false;
  net::RequestHandle in_flight;

  void Add(const ChannelMessage& m) {
    std::lock_guard lock(mu);
    if (cancelled) return;
    queue.push_back(m);
    if (queue.size() == 1) SendLocked(0);
  }

  void Cancel() {
    net::RequestHandle handle;
    {
      std::lock_guard lock(mu);
      cancelled = true;
      queue.clear();
      handle = in_flight;
    }
    handle.Cancel();
  }

  void SendLocked(int tries) {
    const ChannelMessage& m = queue.front();
    net::HttpRequest request;
    request.method = "POST";
    request.url = url;
    request.timeout = Millis(10000);
    request.headers.emplace_back("Content-Type", "application/json");
    request.headers.emplace_back("Idempotency-Key", workflow_id + "/" + task_id + "/signal/" + std::to_string(m.seq));
    request.headers.emplace_back(std::string(kLineageHeader), std::to_string(lineage + 1));
    request.body = JsonText(boost::json::object{{"workflow_id", workflow_id},
                                                {"task_id", task_id},
                                                {"attempt", attempt},
                                                {"seq", m.seq},
                                                {"kind", m.kind},
                                                {"payload", m.payload}});
    const auto started = std::chrono::steady_clock::now();
    // The channel is held while the exchange runs: an agent may acknowledge after the attempt
    // ended (it answered the task's call first), and the acknowledgement still counts.
    const bool sent = client->Start(
        std::move(request),
        [self = shared_from_this(), ch = channel.lock(), seq = m.seq, kind = m.kind, tries,
         started](Result<net::HttpResponse> res) { self->Answered(ch, seq, kind, tries, started, std::move(res)); },
        &in_flight);
    if (!sent) {  // the executor stopped: nothing more goes out
      cancelled = true;
      queue.clear();
    }
  }

  void Answered(const std::shared_ptr<AttemptChannel>& ch, std::uint64_t seq, const std::string& kind, int tries,
                std::chrono::steady_clock::time_point started, Result<net::HttpResponse> res) {
    const bool ok = res && res->status >= 200 && res->status < 300;
    const bool retry = !ok && tries < kRetries &&
                       (!res ? res.error().code() == ErrorCode::kUnavailable ||
                                   res.error().code() == ErrorCode::kDeadlineExceeded
                             : res->status >= 500 || res->status == 429 || res->status == 408);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::string line = "signal " + std::to_string(seq) + " (" + kind + ") -> " +
                       (res ? std::to_string(res->status) + " " + std::string(net::StatusReason(res->status))
                            : "error: " + res.error().message()) +
                       " (" + std::to_string(ms.count()) + " ms)" + (retry ? "; retrying" : "");
    if (ch) {
      ch->Log("signal", line);
      if (ok) ch->Ack(seq);
    }
    if (retry) {
      const Millis delay = kFirstBackoff * (1 << tries);
      auto again = [self = shared_from_this(), tries] {
        std::lock_guard lock(self->mu);
        if (!self->cancelled && !self->queue.empty()) self->SendLocked(tries + 1);
      };
      if (timers != nullptr && clock != nullptr) {
        timers->At(clock->SteadyNow() + delay, std::move(again));
      } else {
        again();
      }
      return;
    }
    std::lock_guard lock(mu);
    if (cancelled || queue.empty()) return;
    queue.pop_front();
    if (!queue.empty()) SendLocked(0);
  }
};

}  // namespace

bool SignalClient::Start(net::HttpRequest request, net::AsyncHttpClient::Callback done, net::RequestHandle* handle) {
  std::lock_guard lock(mu_);  // Close waits for a Start in progress
  if (client_ == nullptr) return false;
  *handle = client_->Start(std::move(request), std::move(done));
  return true;
}

void SignalClient::Close() {
  std::lock_guard lock(mu_);
  client_ = nullptr;
}

void ForwardSignals(const Attempt& attempt, Url signal_url, std::shared_ptr<SignalClient> client, TimerQueue* timers,
                    const Clock* clock) {
  auto f = std::make_shared<Forwarder>();
  f->workflow_id = attempt.workflow_id;
  f->task_id = attempt.task_id;
  f->attempt = attempt.number;
  f->lineage = attempt.lineage_depth;
  f->url = std::move(signal_url);
  f->client = std::move(client);
  f->timers = timers;
  f->clock = clock;
  f->channel = attempt.channel;
  // The attempt's end (its channel is cancelled, or dropped with the attempt) stops the rest.
  attempt.channel->OnCancel([f] { f->Cancel(); });
  attempt.channel->OnMessage([f](const ChannelMessage& m) { f->Add(m); });
}

}  // namespace goclaw::exec
