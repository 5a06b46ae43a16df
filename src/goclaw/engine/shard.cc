// Shard event loop on boost::asio::io_context.
#include "goclaw/engine/shard.h"

#include <pthread.h>

#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

namespace goclaw::engine {

struct Shard::Loop {
  boost::asio::io_context io{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  std::thread thread;
  std::thread::id thread_id;
  bool stopped = false;
};

Shard::Shard(int index) : loop_(std::make_unique<Loop>()) {
  loop_->thread = std::thread([loop = loop_.get()] { loop->io.run(); });
  loop_->thread_id = loop_->thread.get_id();
  std::string name = "goclaw-shard-" + std::to_string(index);
  pthread_setname_np(loop_->thread.native_handle(), name.substr(0, 15).c_str());
}

Shard::~Shard() { Stop(); }

void Shard::Post(UniqueFunction<void()> fn) {
  boost::asio::post(loop_->io, [fn = std::move(fn)]() mutable { fn(); });
}

void Shard::Stop() {
  if (loop_->stopped) return;
  loop_->stopped = true;
  loop_->work.reset();
  loop_->io.stop();
  if (loop_->thread.joinable()) loop_->thread.join();
}

bool Shard::OnShardThread() const { return std::this_thread::get_id() == loop_->thread_id; }

}  // namespace goclaw::engine
