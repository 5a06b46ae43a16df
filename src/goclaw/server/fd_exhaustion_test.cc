// Out of file descriptors, the HTTP server's accept loop backs off (10 ms doubling to 1 s)
// instead of retrying EMFILE at once (a busy loop), and accepts again once descriptors are
// free. The test lowers RLIMIT_NOFILE of this process for a moment (restored before it ends),
// so it runs a bare HttpServer with no engine or store that could need a descriptor meanwhile.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "goclaw/api/http/http_server.h"

namespace goclaw::api::http {
namespace {

int HighestOpenFd() {
  int highest = 2;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  }
  return highest;
}

TEST(FdExhaustionTest, AcceptBacksOffWhileOutOfDescriptorsAndRecovers) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // The sanitizers' runtimes need descriptors of their own while the process has none (UBSan's
  // vptr check probes memory through a pipe and then reports a false "invalid vptr"), so under
  // them this would test the sanitizer. The Release suite runs it.
  GTEST_SKIP() << "needs free descriptors for the sanitizer runtime";
#endif
  auto router = std::make_shared<Router>();
  router->Add("GET", "/ping", "ping", [](HttpRequest&) { return HttpResponse::Text(200, "pong"); });
  std::atomic<int> accept_errors{0};
  HttpServerOptions options;
  options.io_threads = 1;
  options.on_accept_error = [&] { ++accept_errors; };
  auto server = HttpServer::Start(options, router);
  ASSERT_TRUE(server) << server.error().ToString();
  const int port = (*server)->port();

  // Client sockets first: connecting needs no new descriptor, accepting does.
  std::vector<int> clients;
  for (int i = 0; i < 2; ++i) clients.push_back(::socket(AF_INET, SOCK_STREAM, 0));
  rlimit saved{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = static_cast<rlim_t>(HighestOpenFd() + 1);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
  std::vector<int> fillers;  // take every free number below the limit
  for (int fd; (fd = ::fcntl(0, F_DUPFD_CLOEXEC, 0)) >= 0;) fillers.push_back(fd);
  for (int c : clients) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(c, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);  // queued by the kernel
  }
  // Over 300 ms a busy loop fails thousands of times; 10+20+40+80+160 ms of pauses allow ~6.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int errors = accept_errors.load();
  for (int fd : fillers) ::close(fd);
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
  EXPECT_GE(errors, 1);  // it did run out
  EXPECT_LE(errors, 10);

  // Descriptors are back: the queued connections are served (within the back-off, <= 1 s).
  const std::string request = "GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  for (int c : clients) {
    ASSERT_EQ(::send(c, request.data(), request.size(), MSG_NOSIGNAL), static_cast<ssize_t>(request.size()));
    std::string got;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got.find("pong") == std::string::npos && std::chrono::steady_clock::now() < end) {
      pollfd p{c, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char buf[1024];
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      got.append(buf, static_cast<std::size_t>(n));
    }
    EXPECT_NE(got.find("HTTP/1.1 200"), std::string::npos) << got;
    ::close(c);
  }
}

}  // namespace
}  // namespace goclaw::api::http
