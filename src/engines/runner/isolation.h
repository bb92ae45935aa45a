// How strongly the runner separates a job's processes from the rest of the machine. The best
// mode this machine allows is found by probing (sandbox.h); the mode is fixed per runner.
// Plain values; thread-safe.
#pragma once

#include <string_view>

namespace runner {

enum class Isolation {
  // Probe and use the best of the modes below.
  kAuto,
  // A private mount namespace (the host directory bind-mounted at /opt/ml, the rest of the
  // filesystem the host's, configured paths masked), a private pid namespace (its own /proc;
  // the kernel kills every process of the tree when its leader dies) and a private UTS
  // namespace (the host name is the job host's name, "algo-1").
  kNamespaces,
  // A private mount namespace only: processes see each other and the host's /proc.
  kMountNamespace,
  // No namespaces: /opt/ml is not remounted. Paths under /opt/ml in the command, the
  // environment and the working directory are rewritten to the host directory, which is
  // also exported as UNISTUDIO_ML_ROOT; code that opens /opt/ml/... literally will not find
  // its files. Logged loudly when chosen.
  kNone,
};

std::string_view IsolationName(Isolation isolation);

}  // namespace runner
