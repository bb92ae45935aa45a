#include "engines/runner/isolation.h"

namespace runner {

std::string_view IsolationName(Isolation isolation) {
  switch (isolation) {
    case Isolation::kAuto:
      return "auto";
    case Isolation::kNamespaces:
      return "namespaces";
    case Isolation::kMountNamespace:
      return "mount-namespace";
    case Isolation::kNone:
      return "none";
  }
  return "unknown";
}

}  // namespace runner
