#include "engines/runner/process_info.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/crypto.h"

namespace runner {
namespace {

// Starts `sh -c script` in a new session with `marker` in its environment.
pid_t Spawn(const char* script, const std::string& marker) {
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();
    const char* argv[] = {"/bin/sh", "-c", script, nullptr};
    const char* envp[] = {marker.c_str(), "PATH=/usr/bin:/bin", nullptr};
    ::execve(argv[0], const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
  }
  return pid;
}

bool WaitUntil(const std::function<bool()>& pred) {
  for (int i = 0; i < 500; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

TEST(ProcessInfoTest, ReadsThisProcess) {
  auto self = ReadProcessInfo(::getpid());
  ASSERT_TRUE(self.has_value());
  EXPECT_EQ(self->pid, ::getpid());
  EXPECT_EQ(self->ppid, ::getppid());
  EXPECT_EQ(self->pgid, ::getpgrp());
  EXPECT_EQ(self->sid, ::getsid(0));
  EXPECT_GT(self->start_ticks, 0u);
  EXPECT_EQ(self->state, 'R');
  EXPECT_FALSE(ReadProcessInfo(0x3fffffff).has_value());
  bool found = false;
  for (const ProcessInfo& p : ListProcesses()) found |= p.pid == ::getpid();
  EXPECT_TRUE(found);
}

TEST(ProcessInfoTest, MeasuresMemory) {
  EXPECT_GT(ProcessMemoryBytes(::getpid()), 100 * 1024);
  EXPECT_EQ(ProcessMemoryBytes(0x3fffffff), 0);
}

TEST(ProcessInfoTest, FindsAndKillsATreeBySessionAndMarker) {
  const std::string marker = "TREE_MARKER=" + base::RandomHex(16);
  // A session leader with a child, and a grandchild that escapes into its own session.
  pid_t leader = Spawn("sleep 300 & setsid sleep 301 & wait", marker);
  ASSERT_GT(leader, 0);
  auto info = ReadProcessInfo(leader);
  ASSERT_TRUE(info.has_value());
  EXPECT_TRUE(WaitUntil([&] { return FindProcessTree({0, 0, marker}).size() == 3; }));
  EXPECT_TRUE(HasEnvironmentEntry(leader, marker));
  EXPECT_FALSE(HasEnvironmentEntry(leader, marker + "x"));

  // By session alone, the escaped one is not found (once it has left).
  EXPECT_TRUE(WaitUntil([&] {
    return FindProcessTree({leader, info->start_ticks, {}}).size() == 2;
  }));
  // A wrong leader start time means the session id was reused: nothing is ours.
  EXPECT_TRUE(FindProcessTree({leader, info->start_ticks + 1, {}}).empty());

  EXPECT_EQ(KillProcessTree({leader, info->start_ticks, marker}, 2000), 3);
  int status = 0;
  ASSERT_EQ(::waitpid(leader, &status, 0), leader);
  EXPECT_TRUE(WIFSIGNALED(status));
  EXPECT_TRUE(WaitUntil([&] { return FindProcessTree({0, 0, marker}).empty(); }));
}

}  // namespace
}  // namespace runner
