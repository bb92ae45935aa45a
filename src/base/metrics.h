// Process-wide request metrics in the Prometheus text exposition format (served at
// /_metrics): a counter of requests by service, operation and status, and a latency
// histogram by service and operation. Recording takes one short lock; it is cheap enough to
// call once per request. Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace base {

class Metrics {
 public:
  static Metrics& Global();

  void RecordRequest(std::string_view service, std::string_view operation, int status,
                     double seconds);
  // Renders every series as Prometheus text (version 0.0.4).
  std::string RenderPrometheus() const;

 private:
  Metrics();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace base
