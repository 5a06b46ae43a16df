// The per-attempt channel (attempt_channel.h).
#include "goclaw/exec/attempt_channel.h"

#include <algorithm>
#include <utility>

namespace goclaw::exec {

void AttemptChannel::Cancel() {
  std::vector<UniqueFunction<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (cancelled_.exchange(true, std::memory_order_acq_rel)) return;
    callbacks.swap(on_cancel_);
  }
  cv_.notify_all();
  for (auto& cb : callbacks) cb();
}

void AttemptChannel::OnCancel(UniqueFunction<void()> cb) {
  {
    std::lock_guard lock(mu_);
    if (!cancelled()) {
      on_cancel_.push_back(std::move(cb));
      return;
    }
  }
  cb();
}

std::uint64_t AttemptChannel::Send(std::string kind, boost::json::value payload, std::uint64_t seq) {
  std::unique_lock lock(mu_);
  Messages& m = messages();
  if (seq == 0) seq = m.next_seq;
  m.next_seq = std::max(m.next_seq, seq + 1);
  m.inbox.push_back({seq, std::move(kind), std::move(payload)});
  if (m.receiver) {
    Flush(lock);
  } else {
    lock.unlock();
    cv_.notify_all();
  }
  return seq;
}

// Hands queued messages to the receiver, in order, outside the lock. One thread delivers at a
// time: a Send that finds another delivering leaves its message for that one.
void AttemptChannel::Flush(std::unique_lock<std::mutex>& lock) {
  Messages& m = messages();
  if (m.delivering) return;
  m.delivering = true;
  while (!m.inbox.empty()) {
    ChannelMessage next = std::move(m.inbox.front());
    m.inbox.pop_front();
    Receiver receiver = m.receiver;
    lock.unlock();
    receiver(next);
    lock.lock();
  }
  m.delivering = false;
}

std::optional<ChannelMessage> AttemptChannel::Poll() {
  std::lock_guard lock(mu_);
  if (!messages_ || messages_->inbox.empty()) return std::nullopt;
  ChannelMessage m = std::move(messages_->inbox.front());
  messages_->inbox.pop_front();
  return m;
}

std::optional<ChannelMessage> AttemptChannel::Wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  Messages& m = messages();
  cv_.wait_for(lock, timeout, [&] { return !m.inbox.empty() || cancelled(); });
  if (m.inbox.empty()) return std::nullopt;
  ChannelMessage next = std::move(m.inbox.front());
  m.inbox.pop_front();
  return next;
}

void AttemptChannel::OnMessage(Receiver receiver) {
  std::unique_lock lock(mu_);
  messages().receiver = std::move(receiver);
  if (messages_->receiver) Flush(lock);
}

void AttemptChannel::Progress(double fraction, std::string_view message) {
  AttemptReport r;
  r.kind = AttemptReport::Kind::kProgress;
  r.fraction = fraction >= 0 ? std::min(fraction, 1.0) : 0.0;  // NaN too
  r.text = std::string(message);
  Report(std::move(r));
}

void AttemptChannel::Log(std::string_view stream, std::string_view line) {
  AttemptReport r;
  r.kind = AttemptReport::Kind::kLog;
  r.stream = std::string(stream);
  r.text = std::string(line);
  Report(std::move(r));
}

void AttemptChannel::Ack(std::uint64_t seq) {
  AttemptReport r;
  r.kind = AttemptReport::Kind::kAck;
  r.seq = seq;
  Report(std::move(r));
}

void AttemptChannel::Heartbeat() { Report(AttemptReport{}); }

}  // namespace goclaw::exec
