#include "engines/runner/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "base/log.h"
#include "base/strings.h"
#include "engines/runner/backend.h"
#include "engines/runner/process_info.h"
#include "engines/runner/resource_limits.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Descriptors the shepherd keeps are moved at or above this number, clear of 0-2.
constexpr int kFirstKeptFd = 16;
constexpr int kMaxLimits = 4;

// Everything the forked processes need, as plain pointers into storage the parent prepared:
// after the fork only async-signal-safe system calls may run (no allocation, no locks).
struct ChildPlan {
  bool pid_namespace = false;
  bool mount_namespace = false;
  const char* mount_point = nullptr;
  const char* ml_dir = nullptr;
  const char* const* masked = nullptr;  // null-terminated
  const char* const* bind_sources = nullptr;
  const char* const* bind_targets = nullptr;
  const bool* bind_read_only = nullptr;
  size_t bind_count = 0;
  const char* hostname = nullptr;  // set in a new UTS namespace, or nullptr
  int death_signal = SIGKILL;
  int lifeline_fd = -1;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int status_fd = -1;
  int cgroup_fd = -1;
  int limit_count = 0;
  int limit_resource[kMaxLimits] = {};
  rlimit limit_value[kMaxLimits] = {};
  bool pin = false;
  cpu_set_t cpus;
  const char* exec_path = nullptr;  // nullptr: not found (reported as ENOENT)
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const char* working_dir = nullptr;
};

// fork(2) without glibc's atfork handlers (which take malloc's locks, possibly held by another
// thread of the server at this moment), optionally into new namespaces.
pid_t RawClone(unsigned long flags) {
  return static_cast<pid_t>(
      ::syscall(SYS_clone, flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

void WriteAll(int fd, const void* data, size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    p += n;
    size -= static_cast<size_t>(n);
  }
}

void Report(int fd, int32_t kind, int32_t value, int32_t error) {
  ShepherdMessage m;
  m.kind = kind;
  m.value = value;
  m.error = error;
  WriteAll(fd, &m, sizeof m);
}

[[noreturn]] void FailSetup(int status_fd, SetupStep step) {
  int err = errno;
  Report(status_fd, ShepherdMessage::kSetupFailed, static_cast<int32_t>(step), err);
  ::_exit(127);
}

struct ExecFailure {
  int32_t step;
  int32_t error;
};

[[noreturn]] void FailCommand(int fd, SetupStep step, int error) {
  ExecFailure f{static_cast<int32_t>(step), error};
  WriteAll(fd, &f, sizeof f);
  ::_exit(127);
}

void ResetSignals() {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &sa, nullptr);
  }
}

void SetHandler(int sig, void (*handler)(int)) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = handler;
  sigfillset(&sa.sa_mask);
  ::sigaction(sig, &sa, nullptr);
}

// The shepherd's copy of the server's lifeline (read end of a pipe only the server writes).
volatile sig_atomic_t g_lifeline_fd = -1;

void IgnoreSignal(int) {}

// Whether the server's end of the lifeline is closed, waiting up to `wait_ms` for it.
bool ServerGone(int lifeline_fd, int wait_ms = 0) {
  pollfd p{lifeline_fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&p, 1, wait_ms);
  } while (ready < 0 && errno == EINTR);
  return ready == 1 && (p.revents & (POLLHUP | POLLERR)) != 0;
}

// Without a pid namespace the death signal is caught: when the server is really gone, the
// whole process group goes with the shepherd. The signal comes when the server's forking
// thread ends; when the whole server dies, its descriptors (the lifeline's other end) close
// only after its last thread has gone, a moment later, hence the wait.
void OnParentDeath(int) {
  const int saved_errno = errno;
  if (ServerGone(g_lifeline_fd, 2000)) ::kill(0, SIGKILL);
  errno = saved_errno;
}

// Moves `fd` to a close-on-exec descriptor at or above kFirstKeptFd.
int Relocate(int fd) {
  if (fd < 0) return fd;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, kFirstKeptFd);
  if (moved >= 0) ::close(fd);
  return moved;
}

void CloseRange(unsigned first, unsigned last) {
  if (first > last) return;
  if (::close_range(first, last, 0) == 0) return;
  rlimit rl;
  unsigned bound = ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1u << 20)
                       ? static_cast<unsigned>(rl.rlim_cur)
                       : (1u << 20);
  for (unsigned fd = first; fd <= last && fd < bound; ++fd) ::close(static_cast<int>(fd));
}

// Closes every descriptor except the `n` (sorted, distinct) in `keep`.
void CloseAllExcept(const int* keep, int n) {
  unsigned next = 0;
  for (int i = 0; i < n; ++i) {
    if (keep[i] < 0) continue;
    if (static_cast<unsigned>(keep[i]) > next) CloseRange(next, static_cast<unsigned>(keep[i]) - 1);
    next = static_cast<unsigned>(keep[i]) + 1;
  }
  CloseRange(next, ~0u);
}

[[noreturn]] void RunCommand(const ChildPlan& p, int failure_fd) {
  // Dispositions are already the defaults or the shepherd's handlers, which exec resets; only
  // the mask needs clearing.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  if (::dup2(p.stdin_fd, 0) < 0 || ::dup2(p.stdout_fd, 1) < 0 || ::dup2(p.stderr_fd, 2) < 0)
    FailCommand(failure_fd, SetupStep::kStdio, errno);
  if (::chdir(p.working_dir) != 0) FailCommand(failure_fd, SetupStep::kChdir, errno);
  if (p.exec_path == nullptr) FailCommand(failure_fd, SetupStep::kExec, ENOENT);
  ::execve(p.exec_path, p.argv, p.envp);
  FailCommand(failure_fd, SetupStep::kExec, errno);
}

// The command's stack between the shepherd's clone and its exec. It shares the shepherd's
// memory (like vfork), which stays suspended meanwhile, so no page tables are copied.
alignas(64) char g_command_stack[256 * 1024];

struct CommandArgs {
  const ChildPlan* plan;
  int failure_fd;
};

int CommandMain(void* arg) {
  const auto* args = static_cast<const CommandArgs*>(arg);
  RunCommand(*args->plan, args->failure_fd);
}

[[noreturn]] void RunShepherd(ChildPlan p) {
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  ResetSignals();
  g_lifeline_fd = p.lifeline_fd;
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM, SIGPIPE, SIGTSTP,
                  SIGTTIN, SIGTTOU}) {
    SetHandler(sig, IgnoreSignal);
  }
  if (!p.pid_namespace) SetHandler(p.death_signal, OnParentDeath);
  if (::setsid() < 0) FailSetup(p.status_fd, SetupStep::kSession);
  if (::prctl(PR_SET_PDEATHSIG, p.death_signal) != 0)
    FailSetup(p.status_fd, SetupStep::kDeathSignal);
  // The server may have died before the death signal was armed.
  if (ServerGone(p.lifeline_fd)) ::_exit(1);
  if (!p.pid_namespace) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  if (p.hostname != nullptr && ::sethostname(p.hostname, std::strlen(p.hostname)) != 0)
    FailSetup(p.status_fd, SetupStep::kHostname);
  if (p.cgroup_fd >= 0) {
    if (::write(p.cgroup_fd, "0", 1) != 1) FailSetup(p.status_fd, SetupStep::kCgroup);
    ::close(p.cgroup_fd);
  }
  if (p.mount_namespace) {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      FailSetup(p.status_fd, SetupStep::kMountPrivate);
    if (::mount(p.ml_dir, p.mount_point, nullptr, MS_BIND | MS_REC, nullptr) != 0)
      FailSetup(p.status_fd, SetupStep::kBindMount);
    for (size_t i = 0; i < p.bind_count; ++i) {
      if (::mount(p.bind_sources[i], p.bind_targets[i], nullptr, MS_BIND | MS_REC, nullptr) != 0)
        FailSetup(p.status_fd, SetupStep::kExtraBind);
      if (p.bind_read_only[i] && ::mount(nullptr, p.bind_targets[i], nullptr,
                                         MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0)
        FailSetup(p.status_fd, SetupStep::kExtraBind);
    }
    for (const char* const* m = p.masked; *m != nullptr; ++m) {
      if (::mount("tmpfs", *m, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                  "size=4k,mode=755") != 0 &&
          errno != ENOENT)
        FailSetup(p.status_fd, SetupStep::kMask);
    }
    if (p.pid_namespace &&
        ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      FailSetup(p.status_fd, SetupStep::kProc);
  }
  for (int i = 0; i < p.limit_count; ++i) {
    if (::setrlimit(static_cast<__rlimit_resource>(p.limit_resource[i]), &p.limit_value[i]) != 0)
      FailSetup(p.status_fd, SetupStep::kLimits);
  }
  if (p.pin && ::sched_setaffinity(0, sizeof p.cpus, &p.cpus) != 0)
    FailSetup(p.status_fd, SetupStep::kAffinity);

  // Keep only what the shepherd and the command need, clear of 0-2 and close-on-exec.
  p.lifeline_fd = Relocate(p.lifeline_fd);
  p.stdin_fd = Relocate(p.stdin_fd);
  p.stdout_fd = Relocate(p.stdout_fd);
  p.stderr_fd = Relocate(p.stderr_fd);
  p.status_fd = Relocate(p.status_fd);
  g_lifeline_fd = p.lifeline_fd;
  int keep[] = {p.lifeline_fd, p.stdin_fd, p.stdout_fd, p.stderr_fd, p.status_fd};
  std::sort(std::begin(keep), std::end(keep));
  CloseAllExcept(keep, 5);
  if (p.status_fd < 0 || p.stdout_fd < 0 || p.stderr_fd < 0 || p.stdin_fd < 0) ::_exit(127);

  int failure_pipe[2];
  if (::pipe2(failure_pipe, O_CLOEXEC) != 0) FailSetup(p.status_fd, SetupStep::kFork);
  failure_pipe[0] = Relocate(failure_pipe[0]);
  failure_pipe[1] = Relocate(failure_pipe[1]);
  CommandArgs args{&p, failure_pipe[1]};
  pid_t child = ::clone(CommandMain, g_command_stack + sizeof g_command_stack,
                        CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  if (child < 0) FailSetup(p.status_fd, SetupStep::kFork);

  ::close(failure_pipe[1]);
  ::close(p.stdin_fd);
  ::close(p.stdout_fd);
  ::close(p.stderr_fd);
  ExecFailure failure{0, 0};
  ssize_t n;
  do {
    n = ::read(failure_pipe[0], &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  ::close(failure_pipe[0]);
  const bool started = n == 0;
  if (started) {
    Report(p.status_fd, ShepherdMessage::kStarted, 0, 0);
  } else {
    Report(p.status_fd, ShepherdMessage::kSetupFailed, failure.step, failure.error);
  }

  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  int status = 0;
  while (true) {
    int st = 0;
    pid_t w = ::waitpid(-1, &st, __WALL);
    if (w < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (w == child) {
      status = st;
      break;
    }
  }
  if (started) Report(p.status_fd, ShepherdMessage::kExited, status, 0);
  // Whatever the command left behind goes with it: everything in the pid namespace, or the
  // process group (the server sweeps the session for processes that left the group).
  ::kill(p.pid_namespace && ::getpid() == 1 ? -1 : 0, SIGKILL);
  ::_exit(0);
}

unsigned long CloneFlags(Isolation isolation) {
  switch (isolation) {
    case Isolation::kNamespaces:
      return CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS;
    case Isolation::kMountNamespace:
      return CLONE_NEWNS;
    default:
      return 0;
  }
}

// Whether this machine lets us build the sandbox of `isolation` on `mount_point`: a child
// does the mounts in its own namespaces and reports.
bool ProbeMode(Isolation isolation, const std::string& mount_point) {
  const char* target = mount_point.c_str();
  const bool pid_namespace = isolation == Isolation::kNamespaces;
  pid_t pid = RawClone(CloneFlags(isolation));
  if (pid < 0) return false;
  if (pid == 0) {
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) ::_exit(1);
    if (::mount(target, target, nullptr, MS_BIND | MS_REC, nullptr) != 0) ::_exit(2);
    if (pid_namespace &&
        ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      ::_exit(3);
    if (pid_namespace && ::sethostname("probe", 5) != 0) ::_exit(4);
    ::_exit(0);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string ResolveExecutable(const std::string& name, const std::string& path_list,
                              const Sandbox& sandbox, const fs::path& ml_dir, bool* found) {
  *found = true;
  if (name.find('/') != std::string::npos) return name;
  for (const std::string& dir : base::Split(path_list, ':')) {
    if (dir.empty() || dir.front() != '/') continue;
    std::string candidate = dir + "/" + name;
    // Under namespaces, the process's /opt/ml is the host directory.
    std::string on_host = sandbox.isolation() == Isolation::kNone
                              ? candidate
                              : Sandbox::MapToHost(candidate, sandbox.mount_point(), ml_dir);
    struct stat st;
    if (::stat(on_host.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(on_host.c_str(), X_OK) == 0)
      return candidate;
  }
  *found = false;
  return name;
}

}  // namespace

std::string_view SetupStepName(SetupStep step) {
  switch (step) {
    case SetupStep::kSession:
      return "new session";
    case SetupStep::kDeathSignal:
      return "death signal";
    case SetupStep::kCgroup:
      return "join cgroup";
    case SetupStep::kMountPrivate:
      return "private mounts";
    case SetupStep::kHostname:
      return "host name";
    case SetupStep::kExtraBind:
      return "bind mount";
    case SetupStep::kBindMount:
      return "bind mount /opt/ml";
    case SetupStep::kMask:
      return "mask path";
    case SetupStep::kProc:
      return "mount /proc";
    case SetupStep::kLimits:
      return "resource limits";
    case SetupStep::kAffinity:
      return "cpu affinity";
    case SetupStep::kFork:
      return "fork";
    case SetupStep::kStdio:
      return "standard streams";
    case SetupStep::kChdir:
      return "working directory";
    case SetupStep::kExec:
      return "exec";
  }
  return "setup";
}

std::string Sandbox::MapToHost(const std::string& path, const std::string& mount_point,
                               const fs::path& ml_dir) {
  if (path == mount_point) return ml_dir.string();
  if (path.size() > mount_point.size() && path.starts_with(mount_point) &&
      path[mount_point.size()] == '/')
    return ml_dir.string() + path.substr(mount_point.size());
  return path;
}

Sandbox::Sandbox(Isolation isolation, std::string mount_point,
                 std::vector<std::string> masked_paths)
    : isolation_(isolation),
      mount_point_(std::move(mount_point)),
      masked_paths_(std::move(masked_paths)) {
  int lifeline[2];
  if (::pipe2(lifeline, O_CLOEXEC) != 0)
    throw RunnerError(std::string("lifeline pipe failed: ") + std::strerror(errno));
  lifeline_read_ = lifeline[0];
  lifeline_write_ = lifeline[1];
  dev_null_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (dev_null_ < 0)
    throw RunnerError(std::string("open /dev/null failed: ") + std::strerror(errno));

  if (isolation_ != Isolation::kNone) {
    std::error_code ec;
    if (!fs::is_directory(mount_point_, ec)) fs::create_directories(mount_point_, ec);
  }
  auto usable = [&](Isolation mode) {
    std::error_code ec;
    return fs::is_directory(mount_point_, ec) && ProbeMode(mode, mount_point_);
  };
  if (isolation_ == Isolation::kAuto) {
    if (usable(Isolation::kNamespaces)) {
      isolation_ = Isolation::kNamespaces;
    } else if (usable(Isolation::kMountNamespace)) {
      isolation_ = Isolation::kMountNamespace;
    } else {
      isolation_ = Isolation::kNone;
    }
  } else if (isolation_ != Isolation::kNone && !usable(isolation_)) {
    ::close(lifeline_read_);
    ::close(lifeline_write_);
    ::close(dev_null_);
    throw RunnerError("job isolation '" + std::string(IsolationName(isolation_)) +
                      "' is not available on this machine");
  }
  if (isolation_ == Isolation::kNone) {
    LOG_WARN(
        "job sandbox without namespaces: each job's /opt/ml is reached only through rewritten "
        "paths and UNISTUDIO_ML_ROOT; code that opens /opt/ml literally will not find its files",
        {{"mount_point", mount_point_}});
  } else {
    LOG_INFO("job sandbox", {{"isolation", std::string(IsolationName(isolation_))},
                             {"mount_point", mount_point_}});
  }
}

Sandbox::~Sandbox() {
  ::close(lifeline_read_);
  ::close(lifeline_write_);
  ::close(dev_null_);
}

std::string Sandbox::RewritePath(const std::string& value, const fs::path& ml_dir) const {
  if (isolation_ != Isolation::kNone) return value;
  std::vector<std::string> parts = base::Split(value, ':');
  for (std::string& part : parts) part = MapToHost(part, mount_point_, ml_dir);
  return base::Join(parts, ":");
}

std::map<std::string, std::string> Sandbox::FinalEnvironment(const LaunchSpec& spec) const {
  std::map<std::string, std::string> env = spec.env;
  if (!env.count("PATH")) env["PATH"] = kDefaultPath;
  for (auto& [key, value] : env) value = RewritePath(value, spec.ml_dir);
  env[std::string(kJobTokenVariable)] = spec.run_token;
  env[std::string(kMlRootVariable)] =
      isolation_ == Isolation::kNone ? spec.ml_dir.string() : mount_point_;
  return env;
}

SandboxedProcess Sandbox::Start(const LaunchSpec& spec) {
  // Everything the children touch is built here, before the fork.
  std::map<std::string, std::string> env = FinalEnvironment(spec);
  std::vector<std::string> argv;
  for (const std::string& arg : spec.argv) argv.push_back(RewritePath(arg, spec.ml_dir));
  bool found = false;
  std::string exec_path = ResolveExecutable(argv[0], env["PATH"], *this, spec.ml_dir, &found);
  std::string working_dir = RewritePath(spec.working_dir, spec.ml_dir);
  std::string ml_dir = spec.ml_dir.string();
  std::vector<std::string> env_entries;
  for (const auto& [key, value] : env) env_entries.push_back(key + "=" + value);
  std::vector<char*> argv_ptrs;
  for (std::string& a : argv) argv_ptrs.push_back(a.data());
  argv_ptrs.push_back(nullptr);
  std::vector<char*> env_ptrs;
  for (std::string& e : env_entries) env_ptrs.push_back(e.data());
  env_ptrs.push_back(nullptr);
  std::vector<const char*> masked;
  for (const std::string& m : masked_paths_) masked.push_back(m.c_str());
  masked.push_back(nullptr);
  std::vector<std::string> bind_source_strings;
  for (const BindMount& b : spec.binds) bind_source_strings.push_back(b.source.string());
  std::vector<const char*> bind_sources, bind_targets;
  std::unique_ptr<bool[]> bind_read_only(new bool[spec.binds.size() + 1]);
  for (size_t i = 0; i < spec.binds.size(); ++i) {
    bind_sources.push_back(bind_source_strings[i].c_str());
    bind_targets.push_back(spec.binds[i].target.c_str());
    bind_read_only[i] = spec.binds[i].read_only;
  }

  ChildPlan plan;
  plan.pid_namespace = isolation_ == Isolation::kNamespaces;
  plan.mount_namespace = isolation_ != Isolation::kNone;
  plan.mount_point = mount_point_.c_str();
  plan.ml_dir = ml_dir.c_str();
  plan.masked = masked.data();
  if (plan.mount_namespace) {
    plan.bind_sources = bind_sources.data();
    plan.bind_targets = bind_targets.data();
    plan.bind_read_only = bind_read_only.get();
    plan.bind_count = spec.binds.size();
  } else if (!spec.binds.empty()) {
    throw RunnerError("bind mounts need a mount namespace, which this machine does not allow");
  }
  if (plan.pid_namespace && !spec.hostname.empty()) plan.hostname = spec.hostname.c_str();
  plan.death_signal = plan.pid_namespace ? SIGKILL : SIGHUP;
  plan.lifeline_fd = lifeline_read_;
  plan.stdin_fd = dev_null_;
  plan.cgroup_fd = spec.cgroup_procs_fd;
  auto add_limit = [&](int resource, rlim_t value) {
    plan.limit_resource[plan.limit_count] = resource;
    plan.limit_value[plan.limit_count] = {value, value};
    ++plan.limit_count;
  };
  add_limit(RLIMIT_CORE, 0);
  if (spec.limits.max_open_files > 0) {
    rlimit current;
    rlim_t hard = ::getrlimit(RLIMIT_NOFILE, &current) == 0 ? current.rlim_max : RLIM_INFINITY;
    add_limit(RLIMIT_NOFILE, OpenFilesLimit(spec.limits.max_open_files, hard));
  }
  // RLIMIT_NPROC counts every process of the user and does not bind root.
  if (spec.limits.max_processes > 0 && ::geteuid() != 0)
    add_limit(RLIMIT_NPROC, static_cast<rlim_t>(spec.limits.max_processes));
  CPU_ZERO(&plan.cpus);
  for (int cpu : spec.cpus) {
    if (cpu >= 0 && cpu < CPU_SETSIZE) {
      CPU_SET(cpu, &plan.cpus);
      plan.pin = true;
    }
  }
  plan.exec_path = found ? exec_path.c_str() : nullptr;
  plan.argv = argv_ptrs.data();
  plan.envp = env_ptrs.data();
  plan.working_dir = working_dir.c_str();

  int out[2] = {-1, -1}, err[2] = {-1, -1}, status[2] = {-1, -1};
  auto close_all = [&] {
    for (int fd : {out[0], out[1], err[0], err[1], status[0], status[1]}) {
      if (fd >= 0) ::close(fd);
    }
  };
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0 ||
      ::pipe2(status, O_CLOEXEC) != 0) {
    int e = errno;
    close_all();
    throw RunnerError(std::string("could not create pipes: ") + std::strerror(e));
  }
  plan.stdout_fd = out[1];
  plan.stderr_fd = err[1];
  plan.status_fd = status[1];

  pid_t pid = RawClone(CloneFlags(isolation_));
  if (pid == 0) RunShepherd(plan);
  int clone_errno = errno;
  ::close(out[1]);
  ::close(err[1]);
  ::close(status[1]);
  out[1] = err[1] = status[1] = -1;
  if (pid < 0) {
    close_all();
    throw RunnerError(std::string("could not start the job's process: ") +
                      std::strerror(clone_errno));
  }
  for (int fd : {out[0], err[0], status[0]}) ::fcntl(fd, F_SETFL, O_NONBLOCK);
  SandboxedProcess process;
  process.pid = pid;
  if (auto info = ReadProcessInfo(pid)) process.start_ticks = info->start_ticks;
  process.stdout_fd = out[0];
  process.stderr_fd = err[0];
  process.status_fd = status[0];
  return process;
}

}  // namespace runner
