// The resources one process tree of a job (one "host" of a possibly distributed job) may use,
// and the rule that derives them from an instance type on this machine.
//
// Scaling rule: a job asks for `instance_count` instances of a type. Each dimension is scaled
// on its own so that the whole job fits the host: the share of a dimension is
// min(1, host capacity / (instance_count x type amount)), and each instance gets the type's
// amount times that share. A job never gets more than the type has nor, all instances
// together, more than the host has. Example on a 2-CPU, 24 GiB host: ml.m5.large (2 vCPU,
// 8 GiB) keeps 2 CPUs and 8 GiB; ml.p3.2xlarge (8 vCPU, 61 GiB) gets 2 CPUs and 24 GiB; two
// ml.m5.xlarge instances (4 vCPU, 16 GiB each) get 1 CPU and 12 GiB each. GPUs are divided
// the same way, whole devices only. Plain data; thread-compatible.
#pragma once

#include <cstdint>

#include "engines/runner/host_capacity.h"
#include "engines/runner/instance_type.h"

namespace runner {

struct ResourceLimits {
  // CPU time as a number of CPUs (1.5 = one and a half); 0 = no limit.
  double cpus = 0;
  // Memory of the whole process tree; 0 = no limit. Going over it kills the tree and fails
  // the job with reason "OutOfMemory".
  int64_t memory_bytes = 0;
  // Processes and threads of the tree (cgroup pids.max; RLIMIT_NPROC when not root); 0 = none.
  int64_t max_processes = 0;
  // Open files per process (RLIMIT_NOFILE); 0 = inherit.
  int64_t max_open_files = 0;
  // Whole GPU devices. On a host with GPUs the scheduler assigns device ids and the process
  // sees only those, through CUDA_VISIBLE_DEVICES (empty for a host given none).
  int gpus = 0;
};

inline constexpr int64_t kDefaultMaxProcesses = 4096;
inline constexpr int64_t kDefaultMaxOpenFiles = 65536;

// The per-instance limits for `instance_count` instances of `type` on `host` (rule above).
ResourceLimits LimitsForInstance(const InstanceType& type, int instance_count,
                                 const HostCapacity& host);

// The RLIMIT_NOFILE value (soft and hard) a job gets when it asks for `wanted` open files and
// the server's own hard limit is `hard_limit` (RLIM_INFINITY when unlimited): raising a hard
// limit needs CAP_SYS_RESOURCE, which root in a container usually lacks, so a job gets at most
// the server's hard limit.
uint64_t OpenFilesLimit(int64_t wanted, uint64_t hard_limit);

}  // namespace runner
