#include "engine/ml/rabit_tracker.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

namespace dataml::engine::ml {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

constexpr int32_t kMagic = 0xff99;
constexpr int32_t kMaxStringBytes = 1 << 16;  // task ids, commands, print messages

// The ring of 1.7's tracker: a depth-first walk of the tree from `rank`, the last child's walk
// reversed, so that consecutive ranks on the ring are mostly tree neighbours.
std::vector<int> WalkRing(const std::vector<std::vector<int>>& tree, const std::vector<int>& parent, int rank) {
  std::vector<int> children;
  for (int v : tree[rank])
    if (v != parent[rank]) children.push_back(v);
  std::sort(children.begin(), children.end());  // Python's set order for small ints
  std::vector<int> walk = {rank};
  for (size_t i = 0; i < children.size(); ++i) {
    std::vector<int> sub = WalkRing(tree, parent, children[i]);
    if (i + 1 == children.size()) std::reverse(sub.begin(), sub.end());
    walk.insert(walk.end(), sub.begin(), sub.end());
  }
  return walk;
}

// A worker's connection that asked to start, held until every worker has.
struct Pending {
  tcp::socket socket;
  std::string host;  // its address as the tracker sees it: what its peers connect to
};

// A worker whose links are set up and that still waits for peers to connect to it.
struct Listening {
  std::string host;
  int32_t port = 0;
  int waiting_for = 0;
};

}  // namespace

RabitLinks ComputeRabitLinks(int n) {
  std::vector<std::vector<int>> tree(n);
  std::vector<int> parent(n);
  for (int r = 0; r < n; ++r) {
    parent[r] = (r + 1) / 2 - 1;
    if (r > 0) tree[r].push_back(parent[r]);
    for (int child : {2 * r + 1, 2 * r + 2})
      if (child < n) tree[r].push_back(child);
  }
  std::vector<int> walk = WalkRing(tree, parent, 0);
  std::vector<int> next(n), relabel(n, -1);
  for (int i = 0; i < n; ++i) next[walk[i]] = walk[(i + 1) % n];
  // Relabel along the ring: the i-th node it reaches from 0 becomes rank i.
  relabel[0] = 0;
  for (int k = next[0], i = 1; k != 0; k = next[k], ++i) relabel[k] = i;

  RabitLinks links;
  links.tree.resize(n);
  links.parent.resize(n);
  links.ring.resize(n);
  for (int r = 0; r < n; ++r) {
    for (int v : tree[r]) links.tree[relabel[r]].push_back(relabel[v]);
    links.parent[relabel[r]] = parent[r] < 0 ? -1 : relabel[parent[r]];
  }
  for (int r = 0; r < n; ++r) links.ring[r] = {(r + n - 1) % n, (r + 1) % n};
  return links;
}

nlohmann::json RabitWorkerConfig(const std::string& tracker_host, uint16_t tracker_port, int rank) {
  return {{"DMLC_TRACKER_URI", tracker_host},
          {"DMLC_TRACKER_PORT", static_cast<int>(tracker_port)},
          {"DMLC_TASK_ID", std::to_string(rank)}};
}

struct RabitTracker::State {
  int world_size = 0;
  RabitLinks links;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  asio::steady_timer join_deadline{io};
  std::thread thread;

  // Touched by the io thread only, until it has ended.
  std::map<int, Pending> pending;       // rank -> its start connection
  std::map<int, Listening> listening;   // rank -> where its remaining peers connect
  std::set<int> started;                // ranks whose links are set up
  std::set<int> shut_down;
  std::vector<std::shared_ptr<tcp::socket>> open;  // every connection, closed when it ends

  std::mutex mutex;
  std::condition_variable finished;
  std::optional<Status> outcome;  // set once

  void Finish(Status status) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (outcome) return;
      outcome = std::move(status);
    }
    finished.notify_all();
    // Ends the io thread's work: the accept loop and every read fail and their coroutines end.
    boost::system::error_code ignored;
    acceptor.close(ignored);
    join_deadline.cancel();
    for (auto& socket : open) socket->close(ignored);
    for (auto& [rank, p] : pending) p.socket.close(ignored);
  }

  awaitable<int32_t> ReadInt(tcp::socket& s) {
    int32_t v = 0;
    co_await asio::async_read(s, asio::buffer(&v, sizeof v), use_awaitable);
    co_return v;
  }
  awaitable<void> WriteInt(tcp::socket& s, int32_t v) {
    co_await asio::async_write(s, asio::buffer(&v, sizeof v), use_awaitable);
  }
  awaitable<std::string> ReadString(tcp::socket& s) {
    int32_t size = co_await ReadInt(s);
    if (size < 0 || size > kMaxStringBytes) throw std::runtime_error("a string of " + std::to_string(size) + " bytes");
    std::string out(static_cast<size_t>(size), '\0');
    if (size > 0) co_await asio::async_read(s, asio::buffer(out), use_awaitable);
    co_return out;
  }
  awaitable<void> WriteString(tcp::socket& s, const std::string& text) {
    co_await WriteInt(s, static_cast<int32_t>(text.size()));
    co_await asio::async_write(s, asio::buffer(text), use_awaitable);
  }

  awaitable<void> AcceptLoop() {
    while (true) {
      auto socket = std::make_shared<tcp::socket>(co_await acceptor.async_accept(use_awaitable));
      open.push_back(socket);
      asio::co_spawn(io, Serve(socket), [this](std::exception_ptr e) { OnError(e, "a worker's connection"); });
    }
  }

  void OnError(const std::exception_ptr& e, const char* where) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& error) {
      Finish(Status::Internal(std::string("rabit tracker: ") + where + ": " + error.what()));
    }
  }

  // One connection: the header every command starts with, then the command.
  awaitable<void> Serve(std::shared_ptr<tcp::socket> socket) {
    tcp::socket& s = *socket;
    int32_t magic = co_await ReadInt(s);
    if (magic != kMagic) throw std::runtime_error("not a rabit worker (magic " + std::to_string(magic) + ")");
    co_await WriteInt(s, kMagic);
    int32_t rank = co_await ReadInt(s);
    int32_t world = co_await ReadInt(s);
    std::string task_id = co_await ReadString(s);
    std::string command = co_await ReadString(s);
    if (world != -1 && world != world_size)
      throw std::runtime_error("a worker of a world of " + std::to_string(world) + ", not " + std::to_string(world_size));

    if (command == "print") {
      spdlog::info("xgboost: {}", co_await ReadString(s));
    } else if (command == "shutdown") {
      if (!started.contains(rank)) throw std::runtime_error("shutdown of rank " + std::to_string(rank) + ", which never started");
      shut_down.insert(rank);
      if (static_cast<int>(shut_down.size()) == world_size) Finish(Status::OK());
    } else if (command == "start") {
      co_await Join(std::move(s), task_id);
    } else {
      throw std::runtime_error("unsupported command '" + command + "'");
    }
  }

  // A worker asking to start; once every rank has, each gets its links, in rank order.
  awaitable<void> Join(tcp::socket s, const std::string& task_id) {
    int rank = -1;
    auto [end, error] = std::from_chars(task_id.data(), task_id.data() + task_id.size(), rank);
    if (error != std::errc() || end != task_id.data() + task_id.size() || rank < 0 || rank >= world_size)
      throw std::runtime_error("task id '" + task_id + "' is not a rank below " + std::to_string(world_size));
    if (pending.contains(rank) || started.contains(rank))
      throw std::runtime_error("rank " + std::to_string(rank) + " joined twice");
    std::string host = s.remote_endpoint().address().to_string();
    pending.emplace(rank, Pending{std::move(s), std::move(host)});
    if (static_cast<int>(pending.size()) < world_size) co_return;
    join_deadline.cancel();
    // Served one by one: a worker connects to the peers served before it (already listening) and
    // accepts the ones served after it.
    for (int r = 0; r < world_size; ++r) {
      co_await Link(r, pending.at(r));
      boost::system::error_code ignored;
      pending.at(r).socket.close(ignored);
      started.insert(r);
    }
  }

  awaitable<void> Link(int rank, Pending& worker) {
    tcp::socket& s = worker.socket;
    const std::vector<int>& neighbours = links.tree[rank];
    auto [prev, next] = links.ring[rank];
    co_await WriteInt(s, rank);
    co_await WriteInt(s, links.parent[rank]);
    co_await WriteInt(s, world_size);
    co_await WriteInt(s, static_cast<int32_t>(neighbours.size()));
    for (int v : neighbours) co_await WriteInt(s, v);
    co_await WriteInt(s, prev == rank ? -1 : prev);
    co_await WriteInt(s, next == rank ? -1 : next);

    std::set<int> needed(neighbours.begin(), neighbours.end());
    for (int v : {prev, next})
      if (v != rank) needed.insert(v);
    while (true) {
      std::set<int> good;
      int32_t good_count = co_await ReadInt(s);
      if (good_count < 0 || good_count > world_size) throw std::runtime_error("a count of " + std::to_string(good_count) + " links");
      for (int32_t i = 0; i < good_count; ++i) good.insert(co_await ReadInt(s));
      std::vector<int> connect;  // peers already listening
      int accept = 0;            // peers that will connect to it later
      for (int v : needed) {
        if (good.contains(v)) continue;
        if (listening.contains(v)) connect.push_back(v);
        else ++accept;
      }
      co_await WriteInt(s, static_cast<int32_t>(connect.size()));
      co_await WriteInt(s, accept);
      for (int v : connect) {
        co_await WriteString(s, listening.at(v).host);
        co_await WriteInt(s, listening.at(v).port);
        co_await WriteInt(s, v);
      }
      int32_t errors = co_await ReadInt(s);
      if (errors != 0) continue;  // it could not reach some: it asks again with what it has
      int32_t port = co_await ReadInt(s);
      for (int v : connect) {
        if (--listening.at(v).waiting_for == 0) listening.erase(v);
      }
      if (accept > 0) listening[rank] = Listening{worker.host, port, accept};
      co_return;
    }
  }
};

RabitTracker::RabitTracker(std::unique_ptr<State> state, uint16_t port) : state_(std::move(state)), port_(port) {}

RabitTracker::~RabitTracker() {
  Stop();
  if (state_->thread.joinable()) state_->thread.join();
}

Result<std::unique_ptr<RabitTracker>> RabitTracker::Start(int world_size, const std::string& bind_address,
                                                          std::chrono::milliseconds join_timeout) {
  if (world_size < 1) return Status::InvalidArgument("a rabit tracker needs at least one worker");
  auto state = std::make_unique<State>();
  state->world_size = world_size;
  state->links = ComputeRabitLinks(world_size);
  boost::system::error_code ec;
  auto address = asio::ip::make_address(bind_address, ec);
  if (ec) return Status::InvalidArgument("rabit tracker: bad bind address '" + bind_address + "'");
  tcp::endpoint endpoint(address, 0);
  state->acceptor.open(endpoint.protocol(), ec);
  if (!ec) state->acceptor.bind(endpoint, ec);
  if (!ec) state->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::Unavailable("rabit tracker: cannot listen on " + bind_address + ": " + ec.message());

  const uint16_t port = state->acceptor.local_endpoint().port();
  State* s = state.get();
  s->join_deadline.expires_after(join_timeout);
  s->join_deadline.async_wait([s, world_size, join_timeout](boost::system::error_code waited) {
    if (waited) return;  // cancelled: everyone joined, or the tracker ended
    s->Finish(Status::Unavailable(fmt::format("only {} of {} training workers joined within {:g} s", s->pending.size(),
                                              world_size, join_timeout.count() / 1000.0)));
  });
  asio::co_spawn(s->io, s->AcceptLoop(), [s](std::exception_ptr e) {
    // The acceptor closes when the tracker finishes; any other end of the loop is an error.
    if (!s->acceptor.is_open()) return;
    s->OnError(e, "accepting workers");
  });
  s->thread = std::thread([s] { s->io.run(); });
  return std::unique_ptr<RabitTracker>(new RabitTracker(std::move(state), port));
}

Status RabitTracker::Wait() {
  if (state_->thread.joinable()) state_->thread.join();
  std::lock_guard<std::mutex> lock(state_->mutex);
  return state_->outcome.value_or(Status::Internal("the rabit tracker ended without an outcome"));
}

Status RabitTracker::WaitFor(std::chrono::milliseconds timeout) {
  {
    std::unique_lock<std::mutex> lock(state_->mutex);
    if (!state_->finished.wait_for(lock, timeout, [this] { return state_->outcome.has_value(); })) {
      lock.unlock();
      Stop();
      if (Status ended = Wait(); ended.ok()) return ended;  // it finished just in time
      return Status::Unavailable(fmt::format("not every training worker left within {:g} s", timeout.count() / 1000.0));
    }
  }
  return Wait();
}

void RabitTracker::Stop() {
  // Closing sockets is the io thread's business: post it there.
  asio::post(state_->io, [s = state_.get()] {
    s->Finish(Status::FailedPrecondition("the rabit tracker was stopped"));
  });
}

}  // namespace dataml::engine::ml
