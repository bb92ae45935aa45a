#include "engines/runner/local_backend.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "base/crypto.h"
#include "base/files.h"
#include "base/time.h"
#include "engines/runner/job_log.h"
#include "engines/runner/job_record.h"
#include "engines/runner/process_info.h"
#include "engines/runner/sandbox.h"

namespace runner {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using namespace std::chrono_literals;

constexpr milliseconds kWait = 20s;

// Everything the callbacks report, for tests to wait on and inspect.
class Recorder {
 public:
  JobCallbacks Callbacks() {
    return {[this](const JobStatus& s) {
              std::lock_guard<std::mutex> lock(mutex_);
              statuses_.push_back(s);
              changed_.notify_all();
            },
            [this](std::string_view id, const OutputLine& line) {
              std::lock_guard<std::mutex> lock(mutex_);
              lines_.emplace_back(std::string(id), line);
              changed_.notify_all();
            }};
  }

  std::vector<OutputLine> Lines(const std::string& id, OutputStream stream) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<OutputLine> out;
    for (const auto& [job, line] : lines_) {
      if (job == id && line.stream == stream) out.push_back(line);
    }
    return out;
  }
  std::vector<std::string> Texts(const std::string& id,
                                 OutputStream stream = OutputStream::kStdout) {
    std::vector<std::string> out;
    for (const OutputLine& l : Lines(id, stream)) out.push_back(l.text);
    return out;
  }
  std::vector<JobState> States(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<JobState> out;
    for (const JobStatus& s : statuses_) {
      if (s.id == id) out.push_back(s.state);
    }
    return out;
  }
  std::vector<JobStatus> All() {
    std::lock_guard<std::mutex> lock(mutex_);
    return statuses_;
  }
  // Waits until job `id` printed `text` on stdout.
  bool WaitForLine(const std::string& id, const std::string& text, milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      return std::any_of(lines_.begin(), lines_.end(),
                         [&](const auto& p) { return p.first == id && p.second.text == text; });
    });
  }
  bool WaitForState(const std::string& id, JobState state, milliseconds timeout = kWait) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      return std::any_of(statuses_.begin(), statuses_.end(),
                         [&](const JobStatus& s) { return s.id == id && s.state == state; });
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<JobStatus> statuses_;
  std::vector<std::pair<std::string, OutputLine>> lines_;
};

std::vector<pid_t> ProcessesWithToken(const std::string& token) {
  return FindProcessTree({0, 0, std::string(kJobTokenVariable) + "=" + token});
}

bool Eventually(const std::function<bool()>& pred, milliseconds timeout = 5s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

// The best isolation this machine allows (CI machines may not allow namespaces).
Isolation BestIsolation() {
  static const Isolation best = [] {
    Sandbox probe(Isolation::kAuto, "/opt/ml", {});
    return probe.isolation();
  }();
  return best;
}

bool Allows(Isolation isolation) {
  switch (isolation) {
    case Isolation::kNamespaces:
      return BestIsolation() == Isolation::kNamespaces;
    case Isolation::kMountNamespace:
      return BestIsolation() != Isolation::kNone;
    default:
      return true;
  }
}

#define REQUIRE_ISOLATION(mode) \
  if (!Allows(mode)) GTEST_SKIP() << "this machine does not allow " << IsolationName(mode)

class RunnerTestBase : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("runner-test-" + base::RandomHex(8));
    fs::create_directories(root_ / "jobs");
  }

  void TearDown() override {
    backend_.reset();
    // No process of any job of the test may outlive it.
    for (const JobStatus& s : recorder_.All()) {
      EXPECT_TRUE(ProcessesWithToken(s.run_token).empty()) << "orphans of job " << s.id;
    }
    fs::remove_all(root_);
  }

  LocalBackend::Options BaseOptions(Isolation isolation) {
    LocalBackend::Options o;
    o.state_dir = root_ / "state";
    o.callbacks = recorder_.Callbacks();
    o.isolation = isolation;
    o.masked_paths = {(root_ / "jobs").string()};
    o.stop_grace = 10s;
    return o;
  }

  void Start(Isolation isolation = Isolation::kAuto) { Start(BaseOptions(isolation)); }
  void Start(LocalBackend::Options options) {
    backend_ = std::make_unique<LocalBackend>(std::move(options));
  }

  fs::path JobDir(const std::string& id) { return root_ / "jobs" / id; }

  HostSpec Host(const std::string& job, const std::string& name, std::vector<std::string> argv) {
    HostSpec h;
    h.name = name;
    h.ml_dir = JobDir(job) / name;
    h.argv = std::move(argv);
    return h;
  }
  HostSpec Shell(const std::string& job, const std::string& name, const std::string& script) {
    return Host(job, name, {"/bin/sh", "-c", script});
  }

  JobSpec Job(const std::string& id, std::vector<HostSpec> hosts) {
    JobSpec spec;
    spec.id = id;
    spec.directory = JobDir(id);
    spec.hosts = std::move(hosts);
    return spec;
  }
  JobSpec ShellJob(const std::string& id, const std::string& script) {
    return Job(id, {Shell(id, "algo-1", script)});
  }

  JobStatus RunToEnd(JobSpec spec, milliseconds timeout = kWait) {
    std::string id = spec.id;
    backend_->Submit(std::move(spec));
    auto status = backend_->Wait(id, timeout);
    EXPECT_TRUE(status.has_value());
    EXPECT_TRUE(IsTerminal(status->state)) << JobStateName(status->state);
    return *status;
  }

  fs::path root_;
  Recorder recorder_;
  std::unique_ptr<LocalBackend> backend_;
};

class LocalBackendTest : public RunnerTestBase {};

// Tests that run under each isolation mode.
class IsolationModeTest : public RunnerTestBase, public ::testing::WithParamInterface<Isolation> {};

INSTANTIATE_TEST_SUITE_P(Modes, IsolationModeTest,
                         ::testing::Values(Isolation::kNamespaces, Isolation::kMountNamespace,
                                           Isolation::kNone),
                         [](const auto& info) {
                           std::string name(IsolationName(info.param));
                           name.erase(std::remove(name.begin(), name.end(), '-'), name.end());
                           return name;
                         });

TEST_F(LocalBackendTest, AutoPicksTheStrongestIsolationThisMachineAllows) {
  Start(Isolation::kAuto);
  const Isolation chosen = backend_->isolation();
  std::printf("isolation on this machine: %s\n", std::string(IsolationName(chosen)).c_str());
  backend_.reset();
  auto allowed = [&](Isolation mode) {
    try {
      LocalBackend backend(BaseOptions(mode));
      return backend.isolation() == mode;
    } catch (const RunnerError&) {
      return false;
    }
  };
  const Isolation strongest = allowed(Isolation::kNamespaces)       ? Isolation::kNamespaces
                              : allowed(Isolation::kMountNamespace) ? Isolation::kMountNamespace
                                                                    : Isolation::kNone;
  EXPECT_EQ(chosen, strongest);
  EXPECT_TRUE(allowed(Isolation::kNone));
}

TEST_P(IsolationModeTest, CapturesOutputLinesInOrderWithTimestamps) {
  REQUIRE_ISOLATION(GetParam());
  Start(GetParam());
  const int64_t before = base::ToUnixMillis(base::Now());
  JobStatus s = RunToEnd(
      ShellJob("out",
               "i=1; while [ $i -le 200 ]; do echo line$i; i=$((i+1)); done; echo oops >&2; "
               "printf 'no newline at end'"));
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_EQ(s.reason, "");
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(recorder_.States("out"),
            (std::vector<JobState>{JobState::kPending, JobState::kStarting, JobState::kRunning,
                                   JobState::kCompleted}));
  std::vector<std::string> expected;
  for (int i = 1; i <= 200; ++i) expected.push_back("line" + std::to_string(i));
  expected.push_back("no newline at end");
  EXPECT_EQ(recorder_.Texts("out"), expected);
  EXPECT_EQ(recorder_.Texts("out", OutputStream::kStderr), std::vector<std::string>{"oops"});
  int64_t last = 0;
  for (const OutputLine& l : recorder_.Lines("out", OutputStream::kStdout)) {
    EXPECT_EQ(l.host, "algo-1");
    EXPECT_GE(l.time_ms, before);
    EXPECT_GE(l.time_ms, last);
    EXPECT_LE(l.time_ms, s.end_time_ms);
    last = l.time_ms;
  }
  // The same lines are in the job's log file, which outlives the server.
  std::vector<std::string> logged_out, logged_err;
  for (const OutputLine& l : JobLog::Read(JobDir("out") / "logs" / "algo-1.log", "algo-1"))
    (l.stream == OutputStream::kStdout ? logged_out : logged_err).push_back(l.text);
  EXPECT_EQ(logged_out, expected);
  EXPECT_EQ(logged_err, std::vector<std::string>{"oops"});
}

TEST_F(LocalBackendTest, RunsPythonWithTheHostsPackages) {
  Start();
  JobStatus s = RunToEnd(Job("py", {Host("py", "algo-1",
                                         {"/usr/bin/python3", "-c",
                                          "import sys, numpy\n"
                                          "print('sum', int(numpy.arange(10).sum()))\n"
                                          "print('err', file=sys.stderr)\n"
                                          "sys.exit(0)"})}));
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_EQ(recorder_.Texts("py"), std::vector<std::string>{"sum 45"});
  EXPECT_EQ(recorder_.Texts("py", OutputStream::kStderr), std::vector<std::string>{"err"});
}

TEST_F(LocalBackendTest, ReportsExitCodes) {
  Start();
  JobStatus s = RunToEnd(ShellJob("code", "echo bye; exit 3"));
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.reason, "exited with code 3");
  EXPECT_EQ(s.exit_code, 3);
  EXPECT_FALSE(s.signal.has_value());
  EXPECT_EQ(s.failed_host, "algo-1");
  ASSERT_EQ(s.hosts.size(), 1u);
  EXPECT_EQ(s.hosts[0].exit_code, 3);
  EXPECT_GT(s.hosts[0].pid, 0);
}

TEST_F(LocalBackendTest, ReportsSignals) {
  Start();
  JobStatus s = RunToEnd(ShellJob("sig", "kill -SEGV $$"));
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.reason, "killed by signal 11 (SIGSEGV)");
  EXPECT_EQ(s.signal, SIGSEGV);
  EXPECT_FALSE(s.exit_code.has_value());
}

TEST_F(LocalBackendTest, ReportsACommandThatCannotStart) {
  Start();
  JobStatus s = RunToEnd(Job("noexec", {Host("noexec", "algo-1", {"/nonexistent/train"})}));
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.reason, "could not start: exec: No such file or directory");
  EXPECT_EQ(recorder_.States("noexec"),
            (std::vector<JobState>{JobState::kPending, JobState::kStarting, JobState::kFailed}));

  JobSpec bad_dir = ShellJob("nodir", "true");
  bad_dir.hosts[0].working_dir = "/nonexistent-dir";
  s = RunToEnd(std::move(bad_dir));
  EXPECT_EQ(s.reason, "could not start: working directory: No such file or directory");

  // A bare name is looked up in the job's PATH.
  s = RunToEnd(Job("bare", {Host("bare", "algo-1", {"echo", "found"})}));
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_EQ(recorder_.Texts("bare"), std::vector<std::string>{"found"});
  s = RunToEnd(Job("bare2", {Host("bare2", "algo-1", {"no-such-program-here"})}));
  EXPECT_EQ(s.reason, "could not start: exec: No such file or directory");
}

TEST_F(LocalBackendTest, RejectsInvalidAndDuplicateJobs) {
  Start();
  EXPECT_THROW(backend_->Submit(ShellJob("../escape", "true")), RunnerError);
  EXPECT_THROW(backend_->Submit(Job("nohosts", {})), RunnerError);
  JobSpec rel = ShellJob("rel", "true");
  rel.hosts[0].ml_dir = "relative/dir";
  EXPECT_THROW(backend_->Submit(std::move(rel)), RunnerError);
  JobSpec dup_hosts = Job("duph", {Shell("duph", "a", "true"), Shell("duph", "a", "true")});
  EXPECT_THROW(backend_->Submit(std::move(dup_hosts)), RunnerError);
  JobSpec bad_env = ShellJob("env", "true");
  bad_env.hosts[0].env["A=B"] = "x";
  EXPECT_THROW(backend_->Submit(std::move(bad_env)), RunnerError);

  backend_->Submit(ShellJob("dup", "sleep 0.3"));
  EXPECT_THROW(backend_->Submit(ShellJob("dup", "true")), RunnerError);
  EXPECT_EQ(backend_->Wait("dup", kWait)->state, JobState::kCompleted);
  // A finished job's id may be used again.
  EXPECT_EQ(RunToEnd(ShellJob("dup", "exit 0")).state, JobState::kCompleted);
  EXPECT_FALSE(backend_->Stop("unknown"));
  EXPECT_FALSE(backend_->Status("unknown").has_value());
  EXPECT_FALSE(backend_->Wait("unknown", 10ms).has_value());
}

TEST_F(LocalBackendTest, RefusesToMaskTheMountPoint) {
  for (const char* masked : {"/opt", "/opt/", "/", "/opt/ml", "relative"}) {
    LocalBackend::Options options = BaseOptions(Isolation::kAuto);
    options.masked_paths = {masked};
    EXPECT_THROW(LocalBackend backend(std::move(options)), RunnerError) << masked;
  }
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  options.masked_paths = {"/optx", "/opt/mlx", "/opt/ml/inner"};
  EXPECT_NO_THROW(LocalBackend backend(std::move(options)));
}

TEST_F(LocalBackendTest, GivesTheJobItsEnvironmentAndWorkingDirectory) {
  Start();
  JobSpec spec = ShellJob("env",
                          "pwd; echo \"$HYPER\"; echo \"$UNISTUDIO_ML_ROOT\"; echo \"$PATH\"; "
                          "echo \"$UNISTUDIO_JOB_TOKEN\"; echo \"${HOME:-unset}\"");
  spec.hosts[0].env["HYPER"] = "epochs=3 lr=0.1";
  JobStatus s = RunToEnd(std::move(spec));
  EXPECT_EQ(s.state, JobState::kCompleted);
  const std::string ml = backend_->isolation() == Isolation::kNone
                             ? (JobDir("env") / "algo-1").string()
                             : std::string("/opt/ml");
  EXPECT_EQ(
      recorder_.Texts("env"),
      (std::vector<std::string>{ml, "epochs=3 lr=0.1", ml,
                                "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                s.run_token, "unset"}));
  EXPECT_EQ(s.run_token.size(), 32u);
}

// Two concurrent jobs write /opt/ml/model/x; each sees only its own, and the files land in
// the right host directories.
TEST_P(IsolationModeTest, EachJobSeesOnlyItsOwnOptMl) {
  REQUIRE_ISOLATION(GetParam());
  Start(GetParam());
  const bool literal = GetParam() != Isolation::kNone;
  // Without namespaces, scripts reach their directory through rewritten paths.
  const std::string model = literal ? "/opt/ml/model" : "$SM_MODEL_DIR";
  auto make = [&](const std::string& id) {
    JobSpec spec = ShellJob(id, "mkdir -p " + model + " && echo " + id + " > " + model +
                                    "/x && echo written && sleep 0.5 && cat " + model +
                                    "/x && ls " + model + " && ls " + JobDir("a").string() +
                                    " >/dev/null 2>&1 && echo other-visible || echo other-hidden");
    spec.hosts[0].env["SM_MODEL_DIR"] = "/opt/ml/model";
    return spec;
  };
  backend_->Submit(make("a"));
  backend_->Submit(make("b"));
  // Both run at the same time.
  ASSERT_TRUE(recorder_.WaitForLine("a", "written"));
  ASSERT_TRUE(recorder_.WaitForLine("b", "written"));
  EXPECT_EQ(backend_->Wait("a", kWait)->state, JobState::kCompleted);
  EXPECT_EQ(backend_->Wait("b", kWait)->state, JobState::kCompleted);
  const std::string hidden = literal ? "other-hidden" : "other-visible";
  EXPECT_EQ(recorder_.Texts("a"), (std::vector<std::string>{"written", "a", "x", hidden}));
  EXPECT_EQ(recorder_.Texts("b"), (std::vector<std::string>{"written", "b", "x", hidden}));
  EXPECT_EQ(*base::ReadFile(JobDir("a") / "algo-1" / "model" / "x"), "a\n");
  EXPECT_EQ(*base::ReadFile(JobDir("b") / "algo-1" / "model" / "x"), "b\n");
  EXPECT_FALSE(fs::exists("/opt/ml/model/x"));
}

TEST_F(LocalBackendTest, WithoutNamespacesOptMlPathsAreRewritten) {
  Start(Isolation::kNone);
  base::MakeDirs(JobDir("rw") / "algo-1" / "code");
  base::WriteFileAtomic(JobDir("rw") / "algo-1" / "code" / "train.sh",
                        "echo \"$UNISTUDIO_ML_ROOT\"; pwd; echo \"$SM_CHANNELS\"\n");
  JobSpec spec = Job("rw", {Host("rw", "algo-1", {"/bin/sh", "/opt/ml/code/train.sh"})});
  spec.hosts[0].working_dir = "/opt/ml/code";
  spec.hosts[0].env["SM_CHANNELS"] = "/opt/ml/input/data/train:/opt/ml/input/data/test:/etc";
  EXPECT_EQ(RunToEnd(std::move(spec)).state, JobState::kCompleted);
  const std::string dir = (JobDir("rw") / "algo-1").string();
  EXPECT_EQ(recorder_.Texts("rw"),
            (std::vector<std::string>{dir, dir + "/code",
                                      dir + "/input/data/train:" + dir + "/input/data/test:/etc"}));
}

TEST_F(LocalBackendTest, APidNamespaceHidesTheHostsProcesses) {
  REQUIRE_ISOLATION(Isolation::kNamespaces);
  Start(Isolation::kNamespaces);
  JobStatus s = RunToEnd(ShellJob("pid", "echo $$; test -e /proc/" + std::to_string(::getpid()) +
                                             " && echo host-visible || "
                                             "echo host-hidden"));
  EXPECT_EQ(s.state, JobState::kCompleted);
  // The shell is the second process of its namespace, after the sandbox leader.
  EXPECT_EQ(recorder_.Texts("pid"), (std::vector<std::string>{"2", "host-hidden"}));
}

TEST_F(LocalBackendTest, AppliesCpuAffinityRlimitsAndGpuDevices) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  HostCapacity capacity = HostCapacity::Detect();
  capacity.gpus = 2;  // device ids are only handed out; nothing here uses a GPU
  options.capacity = capacity;
  Start(std::move(options));
  const std::string script =
      "grep Cpus_allowed_list /proc/self/status | cut -f2; ulimit -n; ulimit -c; "
      "echo \"gpus=$CUDA_VISIBLE_DEVICES\"";
  JobSpec spec = ShellJob("limits", script);
  spec.hosts[0].limits.cpus = 1;
  spec.hosts[0].limits.max_open_files = 1234;
  spec.hosts[0].limits.gpus = 1;
  EXPECT_EQ(RunToEnd(std::move(spec)).state, JobState::kCompleted);
  auto lines = recorder_.Texts("limits");
  ASSERT_EQ(lines.size(), 4u);
  if (capacity.cpu_ids.size() > 1) {
    EXPECT_EQ(lines[0], std::to_string(capacity.cpu_ids[0]));  // one CPU, the least loaded
  }
  EXPECT_EQ(lines[1], "1234");
  EXPECT_EQ(lines[2], "0");
  EXPECT_EQ(lines[3], "gpus=0");
  // A CPU job on a GPU host sees no device.
  EXPECT_EQ(RunToEnd(ShellJob("cpu", "echo \"gpus=$CUDA_VISIBLE_DEVICES\"")).state,
            JobState::kCompleted);
  EXPECT_EQ(recorder_.Texts("cpu"), std::vector<std::string>{"gpus="});
}

TEST_F(LocalBackendTest, AnOpenFilesLimitAboveTheHardLimitIsClamped) {
  rlimit own;
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  if (own.rlim_max == RLIM_INFINITY || own.rlim_max > (1u << 30)) {
    GTEST_SKIP() << "this server has no hard limit on open files to clamp to";
  }
  Start(BaseOptions(Isolation::kAuto));
  JobSpec spec = ShellJob("many-files", "ulimit -Sn; ulimit -Hn");
  spec.hosts[0].limits.max_open_files = static_cast<int64_t>(own.rlim_max) * 4;
  EXPECT_EQ(RunToEnd(std::move(spec)).state, JobState::kCompleted);
  const std::string hard = std::to_string(own.rlim_max);
  EXPECT_EQ(recorder_.Texts("many-files"), (std::vector<std::string>{hard, hard}));
}

TEST_F(LocalBackendTest, BindsExtraPathsAndNamesTheHost) {
  REQUIRE_ISOLATION(Isolation::kNamespaces);
  Start(Isolation::kNamespaces);
  const fs::path shared = root_ / "shared";
  base::MakeDirs(shared / "train");
  base::WriteFileAtomic(shared / "train" / "data.csv", "1,2,3\n");
  base::WriteFileAtomic(shared / "hosts", "127.0.0.1 localhost\n127.0.0.1 algo-1 algo-2\n");
  JobSpec spec = ShellJob("binds",
                          "hostname; getent hosts algo-2 | cut -d' ' -f1; "
                          "cat /opt/ml/input/data/train/data.csv; "
                          "touch /opt/ml/input/data/train/new 2>/dev/null && echo writable || "
                          "echo read-only");
  base::MakeDirs(spec.hosts[0].ml_dir / "input" / "data" / "train");
  spec.hosts[0].binds = {{shared / "hosts", "/etc/hosts", true},
                         {shared / "train", "/opt/ml/input/data/train", true}};
  EXPECT_EQ(RunToEnd(std::move(spec)).state, JobState::kCompleted);
  EXPECT_EQ(recorder_.Texts("binds"),
            (std::vector<std::string>{"algo-1", "127.0.0.1", "1,2,3", "read-only"}));
  EXPECT_FALSE(fs::exists(shared / "train" / "new"));

  JobSpec missing = ShellJob("missing", "true");
  missing.hosts[0].binds = {{shared / "hosts", "/no/such/target", true}};
  EXPECT_EQ(RunToEnd(std::move(missing)).reason,
            "could not start: bind mount: No such file or directory");
}

TEST_F(LocalBackendTest, WithoutNamespacesBindsAreRefused) {
  Start(Isolation::kNone);
  JobSpec spec = ShellJob("binds", "true");
  spec.hosts[0].binds = {{"/etc/hosts", "/etc/hosts", true}};
  EXPECT_THROW(backend_->Submit(std::move(spec)), RunnerError);
}

TEST_F(LocalBackendTest, BackgroundProcessesDieWithTheJob) {
  Start();
  JobStatus s = RunToEnd(ShellJob("bg", "sleep 300 & sleep 301 & echo started"));
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_LT(s.end_time_ms - s.start_time_ms, 5000);
  EXPECT_TRUE(Eventually([&] { return ProcessesWithToken(s.run_token).empty(); }));
}

TEST_F(LocalBackendTest, KillsAJobOverItsMemoryLimit) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  options.watchdog_interval = 50ms;
  Start(std::move(options));
  JobSpec spec = Job("oom", {Host("oom", "algo-1",
                                  {"/usr/bin/python3", "-c",
                                   "import time\n"
                                   "chunks = []\n"
                                   "for i in range(64):\n"
                                   "    chunks.append(bytearray(32 * 1024 * 1024))\n"
                                   "    print('allocated', (i + 1) * 32, flush=True)\n"
                                   "    time.sleep(0.05)\n"
                                   "print('survived', flush=True)\n"})});
  spec.hosts[0].limits.memory_bytes = 256LL * 1024 * 1024;
  JobStatus s = RunToEnd(std::move(spec));
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.reason, "OutOfMemory");
  EXPECT_EQ(s.failed_host, "algo-1");
  EXPECT_EQ(s.signal, SIGKILL);
  auto lines = recorder_.Texts("oom");
  ASSERT_FALSE(lines.empty());
  EXPECT_TRUE(std::find(lines.begin(), lines.end(), "survived") == lines.end());
  // Killed near the limit, not at the end of the allocations.
  EXPECT_LT(lines.size(), 20u);
}

TEST_F(LocalBackendTest, StopsAJobAtItsWallClockLimit) {
  Start();
  JobSpec spec = ShellJob("slow", "echo begin; sleep 30; echo never");
  spec.max_runtime = 300ms;
  auto begin = std::chrono::steady_clock::now();
  JobStatus s = RunToEnd(std::move(spec));
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(s.state, JobState::kStopped);
  EXPECT_EQ(s.reason, "MaxRuntimeExceeded");
  EXPECT_EQ(s.signal, SIGTERM);
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(recorder_.Texts("slow"), std::vector<std::string>{"begin"});
  auto states = recorder_.States("slow");
  EXPECT_NE(std::find(states.begin(), states.end(), JobState::kStopping), states.end());
}

TEST_P(IsolationModeTest, StopLetsATrappingJobExitCleanly) {
  REQUIRE_ISOLATION(GetParam());
  Start(GetParam());
  backend_->Submit(ShellJob("trap",
                            "trap 'echo saving; echo saved > \"$UNISTUDIO_ML_ROOT/ckpt\"; exit 0' "
                            "TERM; echo ready; while true; do sleep 0.1; done"));
  ASSERT_TRUE(recorder_.WaitForLine("trap", "ready"));
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(backend_->Stop("trap"));
  JobStatus s = *backend_->Wait("trap", kWait);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);  // well within the 10 s grace
  EXPECT_EQ(s.state, JobState::kStopped);
  EXPECT_EQ(s.reason, "Stopped by user");
  EXPECT_EQ(s.exit_code, 0);
  EXPECT_EQ(recorder_.Texts("trap"), (std::vector<std::string>{"ready", "saving"}));
  EXPECT_EQ(*base::ReadFile(JobDir("trap") / "algo-1" / "ckpt"), "saved\n");
  EXPECT_EQ(recorder_.States("trap"),
            (std::vector<JobState>{JobState::kPending, JobState::kStarting, JobState::kRunning,
                                   JobState::kStopping, JobState::kStopped}));
  EXPECT_FALSE(backend_->Stop("trap"));
}

TEST_P(IsolationModeTest, StopKillsAJobThatIgnoresSigtermAfterTheGrace) {
  REQUIRE_ISOLATION(GetParam());
  Start(GetParam());
  JobSpec spec = ShellJob("stubborn", "trap '' TERM; echo ready; while true; do sleep 0.1; done");
  spec.stop_grace = 500ms;
  backend_->Submit(std::move(spec));
  ASSERT_TRUE(recorder_.WaitForLine("stubborn", "ready"));
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(backend_->Stop("stubborn"));
  JobStatus s = *backend_->Wait("stubborn", kWait);
  auto took = std::chrono::steady_clock::now() - begin;
  EXPECT_EQ(s.state, JobState::kStopped);
  EXPECT_EQ(s.reason, "Stopped by user");
  EXPECT_EQ(s.signal, SIGKILL);
  EXPECT_GE(took, 500ms);
  EXPECT_LT(took, 5s);
}

TEST_F(LocalBackendTest, StopsAPendingJobWithoutRunningIt) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  HostCapacity capacity;
  capacity.cpu_ids = {0};
  capacity.memory_bytes = 1LL << 30;
  options.capacity = capacity;
  Start(std::move(options));
  JobSpec first = ShellJob("first", "echo ready; sleep 30");
  first.hosts[0].limits.cpus = 1;
  JobSpec second = ShellJob("second", "echo ran");
  second.hosts[0].limits.cpus = 1;
  backend_->Submit(std::move(first));
  backend_->Submit(std::move(second));
  ASSERT_TRUE(recorder_.WaitForLine("first", "ready"));
  EXPECT_EQ(backend_->Status("second")->state, JobState::kPending);
  EXPECT_TRUE(backend_->Stop("second"));
  JobStatus s = *backend_->Wait("second", kWait);
  EXPECT_EQ(s.state, JobState::kStopped);
  EXPECT_EQ(s.reason, "Stopped by user");
  EXPECT_EQ(s.start_time_ms, 0);
  EXPECT_EQ(recorder_.States("second"),
            (std::vector<JobState>{JobState::kPending, JobState::kStopped}));
  EXPECT_TRUE(recorder_.Texts("second").empty());
  EXPECT_TRUE(backend_->Stop("first"));
  EXPECT_EQ(backend_->Wait("first", kWait)->state, JobState::kStopped);
}

TEST_F(LocalBackendTest, AFailingHostStopsTheOthersAndFailsTheJob) {
  Start();
  const std::string id = "dist";
  JobSpec spec =
      Job(id, {Shell(id, "algo-1", "echo algo-1 > $UNISTUDIO_ML_ROOT/who; echo up; sleep 30"),
               Shell(id, "algo-2", "echo algo-2 > $UNISTUDIO_ML_ROOT/who; sleep 0.5; exit 4"),
               Shell(id, "algo-3",
                     "echo algo-3 > $UNISTUDIO_ML_ROOT/who; trap 'echo term; exit 0' TERM; "
                     "while true; do sleep 0.1; done")});
  for (HostSpec& h : spec.hosts) h.env["SM_CURRENT_HOST"] = h.name;
  auto begin = std::chrono::steady_clock::now();
  JobStatus s = RunToEnd(std::move(spec));
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
  EXPECT_EQ(s.state, JobState::kFailed);
  EXPECT_EQ(s.failed_host, "algo-2");
  EXPECT_EQ(s.reason, "exited with code 4");
  EXPECT_EQ(s.exit_code, 4);
  ASSERT_EQ(s.hosts.size(), 3u);
  EXPECT_EQ(s.hosts[0].signal, SIGTERM);
  EXPECT_EQ(s.hosts[1].exit_code, 4);
  EXPECT_EQ(s.hosts[2].exit_code, 0);
  std::set<int> pids;
  for (const HostStatus& h : s.hosts) pids.insert(h.pid);
  EXPECT_EQ(pids.size(), 3u);
  // Each host had its own /opt/ml (UNISTUDIO_ML_ROOT is /opt/ml under namespaces).
  for (const char* host : {"algo-1", "algo-2", "algo-3"}) {
    EXPECT_EQ(*base::ReadFile(JobDir(id) / host / "who"), std::string(host) + "\n");
  }
  EXPECT_EQ(recorder_.Texts(id), (std::vector<std::string>{"up", "term"}));
  auto l1 = JobLog::Read(JobDir(id) / "logs" / "algo-1.log", "algo-1");
  ASSERT_EQ(l1.size(), 1u);
  EXPECT_EQ(l1[0].text, "up");
}

TEST_F(LocalBackendTest, QueuesJobsThatDoNotFitAndRunsThemInOrder) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  HostCapacity capacity;
  capacity.cpu_ids = {0, 1};
  capacity.memory_bytes = 4LL << 30;
  options.capacity = capacity;
  Start(std::move(options));
  for (const char* id : {"q1", "q2", "q3"}) {
    JobSpec spec = ShellJob(id, "echo run; sleep 0.3");
    spec.hosts[0].limits.cpus = 2;  // the whole host
    spec.hosts[0].limits.memory_bytes = 1LL << 30;
    backend_->Submit(std::move(spec));
  }
  ASSERT_TRUE(recorder_.WaitForLine("q1", "run"));
  EXPECT_EQ(backend_->Status("q2")->state, JobState::kPending);
  EXPECT_EQ(backend_->Status("q3")->state, JobState::kPending);
  std::vector<JobStatus> done;
  for (const char* id : {"q1", "q2", "q3"}) done.push_back(*backend_->Wait(id, kWait));
  for (size_t i = 0; i < done.size(); ++i) {
    EXPECT_EQ(done[i].state, JobState::kCompleted);
    EXPECT_EQ(recorder_.States(done[i].id),
              (std::vector<JobState>{JobState::kPending, JobState::kStarting, JobState::kRunning,
                                     JobState::kCompleted}));
    if (i > 0) {
      EXPECT_GE(done[i].start_time_ms, done[i - 1].end_time_ms);
    }
  }
}

TEST_F(LocalBackendTest, SplitsLongLines) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  options.max_line_bytes = 1000;
  Start(std::move(options));
  JobStatus s = RunToEnd(ShellJob("long", "head -c 2500 /dev/zero | tr '\\0' 'a'; echo; echo end"));
  EXPECT_EQ(s.state, JobState::kCompleted);
  EXPECT_EQ(recorder_.Texts("long"),
            (std::vector<std::string>{std::string(1000, 'a'), std::string(1000, 'a'),
                                      std::string(500, 'a'), "end"}));
}

TEST_F(LocalBackendTest, ShutdownStopsRunningJobsAndFailsWaitingOnes) {
  LocalBackend::Options options = BaseOptions(Isolation::kAuto);
  options.shutdown_grace = 300ms;
  HostCapacity capacity;
  capacity.cpu_ids = {0};
  capacity.memory_bytes = 1LL << 30;
  options.capacity = capacity;
  Start(std::move(options));
  backend_->Submit(ShellJob("running", "trap '' TERM; echo ready; sleep 300"));
  backend_->Submit(ShellJob("waiting", "echo never"));
  ASSERT_TRUE(recorder_.WaitForLine("running", "ready"));
  auto begin = std::chrono::steady_clock::now();
  backend_.reset();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 3s);
  for (const char* id : {"running", "waiting"}) {
    ASSERT_FALSE(recorder_.States(id).empty());
    EXPECT_EQ(recorder_.States(id).back(), JobState::kFailed) << id;
  }
  auto all = recorder_.All();
  for (const JobStatus& s : all) {
    if (IsTerminal(s.state)) {
      EXPECT_EQ(s.reason, "server shut down");
    }
  }
  EXPECT_TRUE(fs::is_empty(root_ / "state"));
}

// The runner lives in a child process that is killed without any cleanup; a new runner on
// the same state directory finds the job's record, kills what survived and reports it.
class RestartTest : public RunnerTestBase, public ::testing::WithParamInterface<Isolation> {
 protected:
  // Runs a runner in a child process, submits `script`, and returns once it runs.
  pid_t StartDoomedServer(const std::string& script, std::string* token) {
    int ready[2];
    EXPECT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    if (child == 0) {
      ::close(ready[0]);
      LocalBackend::Options options = BaseOptions(GetParam());
      options.callbacks = {};
      LocalBackend backend(std::move(options));
      backend.Submit(ShellJob("doomed", script));
      while (true) {
        auto s = backend.Status("doomed");
        if (s && s->state == JobState::kRunning) {
          std::string t = s->run_token;
          [[maybe_unused]] ssize_t n = ::write(ready[1], t.data(), t.size());
          break;
        }
        std::this_thread::sleep_for(5ms);
      }
      // Wait for the script to have put a process outside its session.
      while (!fs::exists(JobDir("doomed") / "algo-1" / "escaped")) std::this_thread::sleep_for(5ms);
      [[maybe_unused]] ssize_t n = ::write(ready[1], "!", 1);
      while (true) ::pause();
    }
    ::close(ready[1]);
    char buf[64] = {};
    size_t got = 0;
    while (got < 33) {
      ssize_t n = ::read(ready[0], buf + got, 33 - got);
      if (n <= 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(ready[0]);
    EXPECT_EQ(got, 33u);
    token->assign(buf, 32);
    return child;
  }
};

INSTANTIATE_TEST_SUITE_P(Modes, RestartTest,
                         ::testing::Values(Isolation::kNamespaces, Isolation::kNone),
                         [](const auto& info) { return std::string(IsolationName(info.param)); });

TEST_P(RestartTest, ANewRunnerKillsSurvivorsAndReportsThem) {
  REQUIRE_ISOLATION(GetParam());
  std::string token;
  // The script puts a process outside its session, where only the marker can find it.
  pid_t server = StartDoomedServer(
      "setsid sh -c 'touch \"$UNISTUDIO_ML_ROOT/escaped\"; exec sleep 300' & sleep 300", &token);
  ASSERT_EQ(token.size(), 32u);
  EXPECT_GE(ProcessesWithToken(token).size(), 2u);
  ASSERT_EQ(::kill(server, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(server, &status, 0), server);
  ASSERT_EQ(LoadJobRecords(root_ / "state").size(), 1u);

  if (GetParam() == Isolation::kNamespaces) {
    // The kernel tears the pid namespace down with its leader.
    EXPECT_TRUE(Eventually([&] { return ProcessesWithToken(token).empty(); }));
  } else {
    // The leader's death signal killed its process group; the escaped process lives on.
    EXPECT_TRUE(Eventually([&] { return ProcessesWithToken(token).size() == 1; }));
  }

  Start(GetParam());
  EXPECT_TRUE(ProcessesWithToken(token).empty());
  auto s = backend_->Status("doomed");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, JobState::kFailed);
  EXPECT_EQ(s->reason, "server restarted");
  EXPECT_EQ(s->run_token, token);
  ASSERT_TRUE(recorder_.WaitForState("doomed", JobState::kFailed));
  EXPECT_TRUE(LoadJobRecords(root_ / "state").empty());
  // The new runner works as usual.
  EXPECT_EQ(RunToEnd(ShellJob("after", "echo ok")).state, JobState::kCompleted);
}

TEST_F(LocalBackendTest, RecoveryLeavesAReusedPidAlone) {
  // An unrelated process whose pid a stale record happens to name.
  pid_t unrelated = ::fork();
  if (unrelated == 0) {
    ::setsid();
    execl("/bin/sleep", "sleep", "30", nullptr);
    ::_exit(127);
  }
  ASSERT_TRUE(Eventually([&] {
    auto info = ReadProcessInfo(unrelated);
    return info && info->sid == unrelated;
  }));
  auto info = ReadProcessInfo(unrelated);
  fs::create_directories(root_ / "state");
  SaveJobRecord(
      root_ / "state",
      {"stale", base::RandomHex(32), 1, 2, {{"algo-1", unrelated, info->start_ticks - 1}}});
  Start();
  EXPECT_EQ(backend_->Status("stale")->reason, "server restarted");
  auto still = ReadProcessInfo(unrelated);
  ASSERT_TRUE(still.has_value());
  EXPECT_NE(still->state, 'Z');
  ::kill(unrelated, SIGKILL);
  ::waitpid(unrelated, nullptr, 0);
}

// Submit to the first line of the job's stdout: the runner's share of a training job's
// start-up latency.
TEST_F(LocalBackendTest, MeasuresSubmitToFirstOutputLine) {
  Start();
  auto measure = [&](const std::string& id, std::vector<std::string> argv) {
    auto begin = std::chrono::steady_clock::now();
    backend_->Submit(Job(id, {Host(id, "algo-1", std::move(argv))}));
    EXPECT_TRUE(recorder_.WaitForLine(id, "hi"));
    auto took = std::chrono::steady_clock::now() - begin;
    backend_->Wait(id, kWait);
    return std::chrono::duration<double, std::milli>(took).count();
  };
  // The same program started directly, for comparison: what this machine needs anyway.
  auto spawn_directly = [] {
    int out[2];
    EXPECT_EQ(::pipe2(out, O_CLOEXEC), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    char* argv[] = {const_cast<char*>("/bin/echo"), const_cast<char*>("hi"), nullptr};
    auto begin = std::chrono::steady_clock::now();
    pid_t pid = 0;
    EXPECT_EQ(::posix_spawn(&pid, argv[0], &actions, nullptr, argv, environ), 0);
    ::close(out[1]);
    char buf[8];
    EXPECT_GT(::read(out[0], buf, sizeof buf), 0);
    auto took = std::chrono::steady_clock::now() - begin;
    ::close(out[0]);
    ::waitpid(pid, nullptr, 0);
    posix_spawn_file_actions_destroy(&actions);
    return std::chrono::duration<double, std::milli>(took).count();
  };
  std::vector<double> echo_ms, python_ms, direct_ms;
  for (int i = 0; i < 15; ++i) {
    direct_ms.push_back(spawn_directly());
    echo_ms.push_back(measure("echo" + std::to_string(i), {"/bin/echo", "hi"}));
    python_ms.push_back(
        measure("py" + std::to_string(i), {"/usr/bin/python3", "-c", "print('hi')"}));
  }
  for (auto* v : {&echo_ms, &python_ms, &direct_ms}) std::sort(v->begin(), v->end());
  RecordProperty("submit_to_first_line_echo_median_ms", std::to_string(echo_ms[7]));
  RecordProperty("submit_to_first_line_python_median_ms", std::to_string(python_ms[7]));
  RecordProperty("posix_spawn_echo_median_ms", std::to_string(direct_ms[7]));
  std::printf(
      "submit -> first stdout line, median of 15: /bin/echo %.2f ms, python3 %.2f ms; "
      "/bin/echo by posix_spawn without the runner %.2f ms\n",
      echo_ms[7], python_ms[7], direct_ms[7]);
  EXPECT_LT(echo_ms[7], 200.0);
}

}  // namespace
}  // namespace runner
