#include "jobs/local_backend.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string_view>
#include <thread>

#include "core/text.h"

extern char** environ;

namespace dataml::jobs {
namespace {

constexpr const char* kSelfExecutable = "/proc/self/exe";
constexpr std::chrono::milliseconds kReapPollInterval{50};
// Server secrets a worker has no use for: it talks to the server with its job token only.
constexpr std::array<std::string_view, 5> kWithheldVariables = {
    "DATAML_JWT_SECRET=", "DATAML_ADMIN_PASSWORD=", "DATAML_NEW_PASSWORD=", "DATAML_DB=",
    "DATAML_JOB_TOKEN="};

std::vector<std::string> WorkerEnvironment(const std::string& token) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view variable(*entry);
    bool withheld = false;
    for (std::string_view prefix : kWithheldVariables)
      withheld = withheld || variable.starts_with(prefix);
    if (!withheld) env.emplace_back(variable);
  }
  // The environment, unlike argv, is not visible to other users through ps.
  env.push_back("DATAML_JOB_TOKEN=" + token);
  // XGBoost's OpenMP threads spin while they wait by default. On a machine shared with the
  // server and other workers that turned a 0.1 s training into 3-11 s (measured on 2 cores
  // under load); passive waiting costs nothing measurable when the machine is idle. An
  // operator's own setting wins. (libgomp reads it when it loads, so it must be set here.)
  if (std::getenv("OMP_WAIT_POLICY") == nullptr) env.push_back("OMP_WAIT_POLICY=PASSIVE");
  return env;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The log's last `max_bytes`, as QuotableTail gives them (read from the end: logs can be large).
std::string ReadTail(const std::string& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";
  std::streamoff size = in.tellg();
  std::streamoff limit = static_cast<std::streamoff>(max_bytes);
  in.seekg(size > limit ? size - limit : 0);
  std::string tail((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return QuotableTail(tail, max_bytes);
}

// Owns the posix_spawn attribute objects for one launch.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;

  explicit SpawnSetup(const std::string& log_path) {
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    // The server's listening socket and database files must not live on in the worker.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    posix_spawnattr_init(&attributes);
    // `serve` blocks SIGINT and SIGTERM in all its threads; the worker must receive them.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGINT);
    sigaddset(&defaults, SIGTERM);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    // Its own process group: a terminal's Ctrl-C reaches the server only, which then stops
    // the worker and everything the worker started.
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

}  // namespace

Result<std::unique_ptr<LocalBackend>> LocalBackend::Make(LocalBackendOptions options) {
  // /proc/self/exe is resolved by the child just before exec, so the worker is this very binary
  // even if the file was replaced since the server started.
  if (options.executable.empty()) options.executable = kSelfExecutable;
  if (options.server_url.empty())
    return Status::InvalidArgument("the local job backend needs a server URL");
  std::error_code ec;
  options.data_dir = std::filesystem::absolute(options.data_dir, ec).lexically_normal().string();
  std::filesystem::create_directories(std::filesystem::path(options.data_dir) / "jobs", ec);
  if (ec) return Status::Internal("cannot create the job log directory: " + ec.message());
  return std::unique_ptr<LocalBackend>(new LocalBackend(std::move(options)));
}

LocalBackend::~LocalBackend() {
  if (!children_.empty()) Shutdown();
}

std::string LocalBackend::LogPath(int64_t job_id) const {
  return (std::filesystem::path(options_.data_dir) / "jobs" / (std::to_string(job_id) + ".log"))
      .string();
}

Result<std::string> LocalBackend::Launch(const Job& job, const std::string& token) {
  std::vector<std::string> args = {"dataml",     "worker",
                                   "--job",      std::to_string(job.id),
                                   "--server",   options_.server_url,
                                   "--data-dir", options_.data_dir};
  std::vector<std::string> env = WorkerEnvironment(token);
  std::vector<char*> argv = NullTerminated(args);
  std::vector<char*> envp = NullTerminated(env);
  SpawnSetup setup(LogPath(job.id));
  pid_t pid = 0;
  int rc = posix_spawn(&pid, options_.executable.c_str(), &setup.actions, &setup.attributes,
                       argv.data(), envp.data());
  if (rc != 0)
    return Status::Internal(std::string("cannot start the worker: ") + std::strerror(rc));
  children_[job.id] = pid;
  return std::to_string(pid);
}

std::string LocalBackend::ExitReason(int64_t job_id, int wait_status) const {
  std::string reason;
  if (WIFEXITED(wait_status)) {
    reason = "worker exited with code " + std::to_string(WEXITSTATUS(wait_status));
  } else if (WIFSIGNALED(wait_status)) {
    int signal = WTERMSIG(wait_status);
    reason =
        "worker was killed by signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
  } else {
    reason = "worker ended";
  }
  std::string tail = ReadTail(LogPath(job_id), options_.log_tail_bytes);
  return tail.empty() ? reason : reason + ": " + tail;
}

ReapReport LocalBackend::Reap(const std::vector<RunningJob>&) { return {ReapChildren(), {}}; }

// Its own children, whatever the dispatcher believes runs: waitpid is the truth here.
std::vector<WorkerExit> LocalBackend::ReapChildren() {
  std::vector<WorkerExit> exits;
  for (auto it = children_.begin(); it != children_.end();) {
    int wait_status = 0;
    pid_t done = waitpid(it->second, &wait_status, WNOHANG);
    if (done == 0) {
      ++it;
      continue;
    }
    exits.push_back(
        {it->first, done > 0 ? ExitReason(it->first, wait_status) : "worker process lost"});
    it = children_.erase(it);
  }
  return exits;
}

void LocalBackend::Terminate(const RunningJob& job) {
  // By job id, not by the pid in the reference: only its own children, never a pid reused since.
  auto it = children_.find(job.job_id);
  if (it == children_.end()) return;
  // SIGKILL: a cancelled job's outcome is refused anyway, so there is nothing to let it finish;
  // the whole process group goes, in case the worker started children.
  kill(-it->second, SIGKILL);
}

std::vector<int64_t> LocalBackend::Shutdown() {
  std::vector<int64_t> ids;
  for (const auto& [job_id, pid] : children_) {
    ids.push_back(job_id);
    kill(-pid, SIGTERM);
  }
  auto deadline = std::chrono::steady_clock::now() + options_.kill_grace;
  while (!children_.empty() && std::chrono::steady_clock::now() < deadline) {
    ReapChildren();
    if (!children_.empty()) std::this_thread::sleep_for(kReapPollInterval);
  }
  for (const auto& [job_id, pid] : children_) {
    kill(-pid, SIGKILL);
    int wait_status = 0;
    waitpid(pid, &wait_status, 0);
  }
  children_.clear();
  return ids;
}

std::string LoopbackUrl(const std::string& host, int port) {
  std::string target = host;
  if (host.empty() || host == "0.0.0.0")
    target = "127.0.0.1";
  else if (host == "::")
    target = "[::1]";
  else if (host.find(':') != std::string::npos)
    target = "[" + host + "]";
  return "http://" + target + ":" + std::to_string(port);
}

}  // namespace dataml::jobs
