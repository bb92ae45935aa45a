#include "engines/runner/resource_limits.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "engines/runner/instance_type.h"

namespace runner {
namespace {

constexpr int64_t kGiB = 1024LL * 1024 * 1024;

HostCapacity Host(int cpus, int64_t memory, int gpus = 0) {
  HostCapacity h;
  for (int i = 0; i < cpus; ++i) h.cpu_ids.push_back(i);
  h.memory_bytes = memory;
  h.gpus = gpus;
  return h;
}

TEST(InstanceTypeTest, CatalogHasThePublishedShapes) {
  const InstanceType* m5 = FindInstanceType("ml.m5.large");
  ASSERT_NE(m5, nullptr);
  EXPECT_EQ(m5->vcpus, 2);
  EXPECT_EQ(m5->memory_gib, 8);
  const InstanceType* p3 = FindInstanceType("ml.p3.16xlarge");
  ASSERT_NE(p3, nullptr);
  EXPECT_EQ(p3->vcpus, 64);
  EXPECT_EQ(p3->memory_gib, 488);
  EXPECT_EQ(p3->gpus, 8);
  EXPECT_EQ(FindInstanceType("ml.g4dn.12xlarge")->gpus, 4);
  EXPECT_EQ(FindInstanceType("ml.c4.xlarge")->memory_gib, 7.5);
  EXPECT_EQ(FindInstanceType("ml.t3.medium")->memory_gib, 4);
  EXPECT_EQ(FindInstanceType("ml.m5.huge"), nullptr);
  EXPECT_EQ(FindInstanceType("m5.large"), nullptr);
  for (const InstanceType& t : InstanceTypes()) {
    EXPECT_TRUE(t.name.starts_with("ml.")) << t.name;
    EXPECT_GT(t.vcpus, 0) << t.name;
    EXPECT_GT(t.memory_gib, 0) << t.name;
    EXPECT_EQ(FindInstanceType(t.name), &t) << "duplicate " << t.name;
  }
}

TEST(ResourceLimitsTest, ATypeThatFitsKeepsItsShape) {
  ResourceLimits l = LimitsForInstance(*FindInstanceType("ml.m5.large"), 1, Host(2, 24 * kGiB));
  EXPECT_EQ(l.cpus, 2.0);
  EXPECT_EQ(l.memory_bytes, 8 * kGiB);
  EXPECT_EQ(l.gpus, 0);
  EXPECT_EQ(l.max_processes, kDefaultMaxProcesses);
  EXPECT_EQ(l.max_open_files, kDefaultMaxOpenFiles);
}

TEST(ResourceLimitsTest, EachDimensionIsScaledDownToTheHost) {
  ResourceLimits l = LimitsForInstance(*FindInstanceType("ml.p3.2xlarge"), 1, Host(2, 24 * kGiB));
  EXPECT_EQ(l.cpus, 2.0);
  EXPECT_EQ(l.memory_bytes, 24 * kGiB);
  EXPECT_EQ(l.gpus, 0);  // the host has none
}

TEST(ResourceLimitsTest, SeveralInstancesShareTheHost) {
  ResourceLimits l = LimitsForInstance(*FindInstanceType("ml.m5.xlarge"), 2, Host(2, 24 * kGiB));
  EXPECT_EQ(l.cpus, 1.0);
  EXPECT_EQ(l.memory_bytes, 12 * kGiB);
  ResourceLimits small =
      LimitsForInstance(*FindInstanceType("ml.t3.medium"), 4, Host(16, 64 * kGiB));
  EXPECT_EQ(small.cpus, 2.0);
  EXPECT_EQ(small.memory_bytes, 4 * kGiB);
}

TEST(ResourceLimitsTest, GpusAreWholeDevices) {
  ResourceLimits l =
      LimitsForInstance(*FindInstanceType("ml.p3.8xlarge"), 1, Host(8, 64 * kGiB, 2));
  EXPECT_EQ(l.gpus, 2);
  ResourceLimits three =
      LimitsForInstance(*FindInstanceType("ml.g4dn.xlarge"), 3, Host(8, 64 * kGiB, 2));
  EXPECT_EQ(three.gpus, 0);
  ResourceLimits two =
      LimitsForInstance(*FindInstanceType("ml.g4dn.xlarge"), 2, Host(8, 64 * kGiB, 2));
  EXPECT_EQ(two.gpus, 1);
}

TEST(ResourceLimitsTest, OpenFilesNeverExceedTheServersHardLimit) {
  EXPECT_EQ(OpenFilesLimit(kDefaultMaxOpenFiles, 20000), 20000u);
  EXPECT_EQ(OpenFilesLimit(1234, 20000), 1234u);
  EXPECT_EQ(OpenFilesLimit(20000, 20000), 20000u);
  EXPECT_EQ(OpenFilesLimit(kDefaultMaxOpenFiles, RLIM_INFINITY),
            static_cast<uint64_t>(kDefaultMaxOpenFiles));
  EXPECT_EQ(OpenFilesLimit(-1, 20000), 0u);
}

TEST(HostCapacityTest, DetectsThisMachine) {
  HostCapacity h = HostCapacity::Detect();
  EXPECT_GE(h.cpus(), 1.0);
  EXPECT_EQ(h.cpus(), static_cast<double>(std::thread::hardware_concurrency()));
  EXPECT_GT(h.memory_bytes, 64LL * 1024 * 1024);
  EXPECT_GE(h.gpus, 0);
}

}  // namespace
}  // namespace runner
