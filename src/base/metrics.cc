#include "base/metrics.h"

#include <array>
#include <cstdio>
#include <map>
#include <mutex>
#include <tuple>

namespace base {
namespace {

constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,   5,    10};

struct Histogram {
  std::array<uint64_t, kBuckets.size()> counts{};
  uint64_t count = 0;
  double sum = 0;
};

std::string Label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

struct Metrics::State {
  std::mutex mu;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests;
  std::map<std::pair<std::string, std::string>, Histogram> latency;
};

Metrics::Metrics() : state_(std::make_unique<State>()) {}

Metrics& Metrics::Global() {
  // Never destroyed: worker threads may still record while the process exits.
  static Metrics* metrics = new Metrics();
  return *metrics;
}

void Metrics::RecordRequest(std::string_view service, std::string_view operation, int status,
                            double seconds) {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  ++s.requests[{std::string(service), std::string(operation), status}];
  Histogram& h = s.latency[{std::string(service), std::string(operation)}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h.counts[i];
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::RenderPrometheus() const {
  State& s = *state_;
  std::lock_guard<std::mutex> lock(s.mu);
  std::string out;
  out += "# HELP unistudio_requests_total Requests answered, by service, operation and status.\n";
  out += "# TYPE unistudio_requests_total counter\n";
  for (const auto& [key, n] : s.requests) {
    const auto& [service, op, status] = key;
    out += "unistudio_requests_total{service=\"" + Label(service) + "\",operation=\"" +
           Label(op) + "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP unistudio_request_duration_seconds Request latency.\n";
  out += "# TYPE unistudio_request_duration_seconds histogram\n";
  for (const auto& [key, h] : s.latency) {
    std::string labels = "service=\"" + Label(key.first) + "\",operation=\"" + Label(key.second) + "\"";
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "%g", kBuckets[i]);
      out += "unistudio_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
             std::to_string(h.counts[i]) + "\n";
    }
    out += "unistudio_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(h.count) + "\n";
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.6f", h.sum);
    out += "unistudio_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
    out += "unistudio_request_duration_seconds_count{" + labels + "} " + std::to_string(h.count) +
           "\n";
  }
  return out;
}

}  // namespace base
