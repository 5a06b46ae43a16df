// Tests only: a pull worker over a real gRPC stream (worker_grpc_test): a reader thread queues
// what the server sends, or hands it to a handler that may answer; writes are serialized.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "goclaw/v1/worker.grpc.pb.h"

namespace goclaw::worker::testing {

using Msg = v1::ServerMessage;
inline constexpr std::chrono::milliseconds kWait{10000};

class TestWorker {
 public:
  using Handler = std::function<void(TestWorker&, const Msg&)>;

  explicit TestWorker(const std::shared_ptr<grpc::Channel>& channel, Handler handler = nullptr)
      : stub_(v1::WorkerService::NewStub(channel)), handler_(std::move(handler)) {
    stream_ = stub_->Connect(&ctx_);
    reader_ = std::thread([this] {
      Msg m;
      while (stream_->Read(&m)) {
        if (handler_ && m.message_case() != Msg::kWelcome) handler_(*this, m);
        std::lock_guard lock(mu_);
        inbox_.push_back(m);
        cv_.notify_all();
      }
      std::lock_guard lock(mu_);
      ended_ = true;
      cv_.notify_all();
    });
  }
  ~TestWorker() { Stop(); }

  bool Write(const v1::WorkerMessage& m) {
    std::lock_guard lock(write_mu_);
    return !half_closed_ && stream_->Write(m);
  }
  bool Hello(const std::string& name, std::vector<std::string> queues, int capacity) {
    v1::WorkerMessage m;
    m.mutable_hello()->set_name(name);
    for (auto& q : queues) m.mutable_hello()->add_queues(q);
    m.mutable_hello()->set_capacity(capacity);
    return Write(m);
  }
  bool Result(const std::string& attempt_id, bool success, const std::string& output_json,
              const std::string& error = "") {
    v1::WorkerMessage m;
    auto* r = m.mutable_result();
    r->set_attempt_id(attempt_id);
    r->set_success(success);
    r->set_output_json(output_json);
    r->set_error_message(error);
    return Write(m);
  }
  bool Heartbeat() {
    v1::WorkerMessage m;
    m.mutable_heartbeat();
    return Write(m);
  }
  // Sends a heartbeat every `period` until Stop.
  void KeepAlive(std::chrono::milliseconds period) {
    beats_ = std::thread([this, period] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, period, [this] { return stopping_; })) {
        lock.unlock();
        Heartbeat();
        lock.lock();
      }
    });
  }

  // The next message of `kind` (earlier ones of other kinds are kept), or nullopt after kWait.
  std::optional<Msg> Next(Msg::MessageCase kind) {
    std::unique_lock lock(mu_);
    std::optional<Msg> found;
    cv_.wait_for(lock, kWait, [&] {
      for (auto it = inbox_.begin(); it != inbox_.end(); ++it) {
        if (it->message_case() == kind) {
          found = std::move(*it);
          inbox_.erase(it);
          return true;
        }
      }
      return ended_;
    });
    return found;
  }
  // Waits for the server to end the stream; its status.
  grpc::Status Ended() {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, kWait, [this] { return ended_; });
    }
    Stop();
    return status_;
  }
  // Half-closes the stream as a worker leaving would; the server's status.
  grpc::Status HangUp() {
    Stop();
    return status_;
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = stopping_ = true;
      cv_.notify_all();
    }
    if (beats_.joinable()) beats_.join();
    {
      std::lock_guard lock(write_mu_);
      half_closed_ = true;
      stream_->WritesDone();
    }
    {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, kWait, [this] { return ended_; })) ctx_.TryCancel();
    }
    reader_.join();
    status_ = stream_->Finish();
  }

 private:
  std::unique_ptr<v1::WorkerService::Stub> stub_;
  grpc::ClientContext ctx_;
  std::unique_ptr<grpc::ClientReaderWriter<v1::WorkerMessage, Msg>> stream_;
  Handler handler_;
  std::mutex write_mu_;
  bool half_closed_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Msg> inbox_;
  bool ended_ = false;
  bool stopping_ = false;
  bool stopped_ = false;
  grpc::Status status_;
  std::thread reader_;
  std::thread beats_;
};

}  // namespace goclaw::worker::testing
