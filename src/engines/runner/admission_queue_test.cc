#include "engines/runner/admission_queue.h"

#include <gtest/gtest.h>

namespace runner {
namespace {

constexpr int64_t kGiB = 1024LL * 1024 * 1024;

HostCapacity FourCpus() {
  HostCapacity c;
  c.cpu_ids = {0, 1, 2, 3};
  c.memory_bytes = 16 * kGiB;
  return c;
}

ResourceLimits Limits(double cpus, int64_t memory) {
  ResourceLimits l;
  l.cpus = cpus;
  l.memory_bytes = memory;
  return l;
}

std::vector<std::string> Ids(const std::vector<AdmissionQueue::Admission>& admissions) {
  std::vector<std::string> ids;
  for (const auto& a : admissions) ids.push_back(a.job_id);
  return ids;
}

TEST(AdmissionQueueTest, AdmitsWhileThereIsRoomInFifoOrder) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("a", {Limits(2, 4 * kGiB)});
  q.Enqueue("b", {Limits(2, 4 * kGiB)});
  q.Enqueue("c", {Limits(1, 1 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"a", "b"}));
  EXPECT_EQ(q.admitted_cpus(), 4.0);
  EXPECT_EQ(q.admitted_memory_bytes(), 8 * kGiB);
  EXPECT_TRUE(q.IsWaiting("c"));
  EXPECT_TRUE(q.AdmitReady().empty());
  q.Release("a");
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"c"}));
  EXPECT_EQ(q.admitted_cpus(), 3.0);
}

TEST(AdmissionQueueTest, TheHeadIsNeverOvertaken) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("big1", {Limits(3, 1 * kGiB)});
  q.Enqueue("big2", {Limits(3, 1 * kGiB)});
  q.Enqueue("small", {Limits(1, 1 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"big1"}));
  // "small" would fit beside big1 but waits behind big2.
  EXPECT_TRUE(q.AdmitReady().empty());
  EXPECT_EQ(q.waiting(), 2u);
}

TEST(AdmissionQueueTest, MemoryAlsoLimitsAdmission) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("a", {Limits(1, 10 * kGiB)});
  q.Enqueue("b", {Limits(1, 10 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"a"}));
}

TEST(AdmissionQueueTest, OvercommitLetsMoreIn) {
  AdmissionQueue q(FourCpus(), 2.0, 1.0);
  q.Enqueue("a", {Limits(4, 1 * kGiB)});
  q.Enqueue("b", {Limits(4, 1 * kGiB)});
  q.Enqueue("c", {Limits(4, 1 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"a", "b"}));
}

TEST(AdmissionQueueTest, AJobLargerThanTheHostRunsAlone) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("huge", {Limits(64, 500 * kGiB)});
  q.Enqueue("next", {Limits(1, 1 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"huge"}));
  EXPECT_TRUE(q.AdmitReady().empty());
  q.Release("huge");
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"next"}));
}

TEST(AdmissionQueueTest, UnlimitedHostsDemandTheWholeHost) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("a", {ResourceLimits{}});
  q.Enqueue("b", {Limits(1, 1 * kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"a"}));
  EXPECT_EQ(q.admitted_cpus(), 4.0);
}

TEST(AdmissionQueueTest, PinsHostsToTheLeastLoadedCpus) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("a", {Limits(1.5, kGiB), Limits(1, kGiB)});
  q.Enqueue("b", {Limits(1, kGiB)});
  q.Enqueue("c", {Limits(4, kGiB)});
  auto admitted = q.AdmitReady();
  ASSERT_EQ(admitted.size(), 2u);
  EXPECT_EQ(admitted[0].host_cpus, (std::vector<std::vector<int>>{{0, 1}, {2}}));
  EXPECT_EQ(admitted[1].host_cpus, (std::vector<std::vector<int>>{{3}}));
  q.Release("a");
  q.Release("b");
  admitted = q.AdmitReady();
  ASSERT_EQ(admitted.size(), 1u);
  // A host using every CPU is not pinned.
  EXPECT_EQ(admitted[0].host_cpus, (std::vector<std::vector<int>>{{}}));
}

TEST(AdmissionQueueTest, GpusAreAssignedWholeAndNeverOvercommitted) {
  HostCapacity c = FourCpus();
  c.gpus = 2;
  AdmissionQueue q(c, 4.0, 4.0);
  ResourceLimits one_gpu = Limits(1, kGiB);
  one_gpu.gpus = 1;
  ResourceLimits two_gpus = Limits(1, kGiB);
  two_gpus.gpus = 2;
  q.Enqueue("a", {one_gpu});
  q.Enqueue("cpu-only", {Limits(1, kGiB)});
  q.Enqueue("b", {one_gpu});
  q.Enqueue("both", {two_gpus});
  auto admitted = q.AdmitReady();
  ASSERT_EQ(Ids(admitted), std::vector<std::string>({"a", "cpu-only", "b"}));
  EXPECT_EQ(admitted[0].host_gpus, (std::vector<std::vector<int>>{{0}}));
  EXPECT_EQ(admitted[1].host_gpus, (std::vector<std::vector<int>>{{}}));
  EXPECT_EQ(admitted[2].host_gpus, (std::vector<std::vector<int>>{{1}}));
  EXPECT_EQ(q.admitted_gpus(), 2);
  q.Release("a");
  EXPECT_TRUE(q.AdmitReady().empty());  // "both" needs the two devices
  q.Release("b");
  admitted = q.AdmitReady();
  ASSERT_EQ(Ids(admitted), std::vector<std::string>({"both"}));
  EXPECT_EQ(admitted[0].host_gpus, (std::vector<std::vector<int>>{{0, 1}}));
}

TEST(AdmissionQueueTest, RemoveTakesAWaitingJobOut) {
  AdmissionQueue q(FourCpus(), 1.0, 1.0);
  q.Enqueue("a", {Limits(4, kGiB)});
  q.Enqueue("b", {Limits(4, kGiB)});
  EXPECT_EQ(Ids(q.AdmitReady()), std::vector<std::string>({"a"}));
  EXPECT_FALSE(q.Remove("a"));
  EXPECT_TRUE(q.Remove("b"));
  EXPECT_FALSE(q.IsWaiting("b"));
  q.Release("a");
  EXPECT_TRUE(q.AdmitReady().empty());
}

}  // namespace
}  // namespace runner
