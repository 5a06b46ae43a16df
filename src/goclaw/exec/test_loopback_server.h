// For tests only: a blocking TCP server on 127.0.0.1 (or another loopback address, e.g. ::1; a free port) that serves each accepted
// connection on its own thread with the given function — the shape of the fake agents the http
// executor tests talk to (plain HTTP and HTTPS). The destructor stops accepting (a blocking
// accept() is not woken by closing the socket, so it connects once to wake it) and joins every
// connection thread: the serve function must return once its peer or the test lets it.
//
// Thread-safety: construct and destroy on one thread; serve runs on connection threads.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace goclaw::exec::testing {

class LoopbackServer {
 public:
  using Serve = std::function<void(boost::asio::ip::tcp::socket)>;

  explicit LoopbackServer(Serve serve, const char* address = "127.0.0.1")
      : serve_(std::move(serve)),
        address_(boost::asio::ip::make_address(address)),
        acceptor_(io_, boost::asio::ip::tcp::endpoint(address_, 0)),
        port_(acceptor_.local_endpoint().port()),
        thread_([this] { AcceptLoop(); }) {}

  ~LoopbackServer() {
    stopping_ = true;
    {
      boost::asio::io_context io;
      boost::asio::ip::tcp::socket wake(io);
      boost::system::error_code ec;
      wake.connect(boost::asio::ip::tcp::endpoint(address_, port_), ec);
    }
    thread_.join();
    for (auto& t : connections_) t.join();
  }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  unsigned short port() const { return port_; }
  int accepted() const { return accepted_.load(); }

 private:
  void AcceptLoop() {
    while (true) {
      boost::system::error_code ec;
      boost::asio::ip::tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++accepted_;
      connections_.emplace_back([this, s = std::move(socket)]() mutable { serve_(std::move(s)); });
    }
  }

  Serve serve_;
  boost::asio::ip::address address_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  unsigned short port_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> accepted_{0};
  std::vector<std::thread> connections_;  // touched only by the accept thread, then joined
  std::thread thread_;                    // last: starts once everything above exists
};

}  // namespace goclaw::exec::testing
