#include "engines/runner/cgroup_v2.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/crypto.h"
#include "base/files.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

// A directory laid out like a delegated cgroup v2 parent. Regular files stand in for the
// kernel's control files, so what the runner writes can be read back.
class CgroupV2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    root = fs::temp_directory_path() / ("cgroup-" + base::RandomHex(8));
    fs::create_directories(root);
  }
  void TearDown() override { fs::remove_all(root); }
  fs::path root;
};

TEST_F(CgroupV2Test, RefusesAParentWithoutTheControllers) {
  base::WriteFileAtomic(root / "cgroup.controllers", "cpuset io hugetlb\n");
  std::string why;
  EXPECT_EQ(CgroupV2::Open(root, &why), nullptr);
  EXPECT_EQ(why, "cgroup controller cpu is not available");
  EXPECT_EQ(CgroupV2::Open(root / "missing", &why), nullptr);
}

TEST_F(CgroupV2Test, EnablesControllersAndWritesLimits) {
  base::WriteFileAtomic(root / "cgroup.controllers", "cpuset cpu io memory pids\n");
  base::WriteFileAtomic(root / "cgroup.subtree_control", "");
  std::string why;
  auto cgroups = CgroupV2::Open(root, &why);
  ASSERT_NE(cgroups, nullptr) << why;
  EXPECT_EQ(*base::ReadFile(root / "cgroup.subtree_control"), "+cpu +memory +pids");

  // Control files exist as soon as the kernel creates a group; create them for the fake.
  fs::path group_dir = root / "unistudio-job-algo-1";
  fs::create_directories(group_dir);
  for (const char* f : {"cpu.max", "memory.max", "memory.oom.group", "pids.max"})
    base::WriteFileAtomic(group_dir / f, "max\n");
  ResourceLimits limits;
  limits.cpus = 1.5;
  limits.memory_bytes = 512LL * 1024 * 1024;
  limits.max_processes = 100;
  auto group = cgroups->CreateGroup("unistudio-job-algo-1", limits);
  EXPECT_EQ(group->path(), group_dir);
  EXPECT_EQ(*base::ReadFile(group_dir / "cpu.max"), "150000 100000");
  EXPECT_EQ(*base::ReadFile(group_dir / "memory.max"), "536870912");
  EXPECT_EQ(*base::ReadFile(group_dir / "memory.oom.group"), "1");
  EXPECT_EQ(*base::ReadFile(group_dir / "pids.max"), "100");

  EXPECT_FALSE(group->OomKilled());
  base::WriteFileAtomic(group_dir / "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 0\n");
  EXPECT_FALSE(group->OomKilled());
  base::WriteFileAtomic(group_dir / "memory.events", "low 0\nhigh 0\nmax 9\noom 2\noom_kill 1\n");
  EXPECT_TRUE(group->OomKilled());
}

TEST_F(CgroupV2Test, RemovesTheGroupOfAnInterruptedJob) {
  base::WriteFileAtomic(root / "cgroup.controllers", "cpu memory pids\n");
  base::WriteFileAtomic(root / "cgroup.subtree_control", "cpu memory pids\n");
  std::string why;
  auto cgroups = CgroupV2::Open(root, &why);
  ASSERT_NE(cgroups, nullptr);
  EXPECT_EQ(CgroupV2::GroupName("job-1", "algo-2"), "unistudio-job-1-algo-2");
  fs::create_directories(root / "unistudio-job-1-algo-2");
  cgroups->RemoveGroup("unistudio-job-1-algo-2");
  EXPECT_FALSE(fs::exists(root / "unistudio-job-1-algo-2"));
  cgroups->RemoveGroup("unistudio-never-existed");
}

TEST_F(CgroupV2Test, LeavesEnabledControllersAlone) {
  base::WriteFileAtomic(root / "cgroup.controllers", "cpu memory pids\n");
  base::WriteFileAtomic(root / "cgroup.subtree_control", "cpu memory pids\n");
  std::string why;
  ASSERT_NE(CgroupV2::Open(root, &why), nullptr);
  EXPECT_EQ(*base::ReadFile(root / "cgroup.subtree_control"), "cpu memory pids\n");
}

}  // namespace
}  // namespace runner
