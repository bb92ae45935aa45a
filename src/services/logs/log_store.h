// The CloudWatch Logs data: log groups, the log streams in them and their events, kept in the
// metadata store (module "logs"). Services append events through Append (training jobs write
// their output under /aws/sagemaker/TrainingJobs); the `logs` API (logs_service.h) reads and
// writes through the rest.
//
// Events are ordered by (timestamp, id): the id is assigned on arrival, so events with equal
// timestamps keep their arrival order, and an EventPosition names a point in that order for
// paging tokens. Thread-safe: every method runs in its own store transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/meta/store.h"

namespace logs {

struct LogEvent {
  int64_t timestamp_ms = 0;
  std::string message;
};

struct GroupInfo {
  std::string name;
  int64_t created_ms = 0;
  int64_t stored_bytes = 0;
};

struct StreamInfo {
  std::string name;
  int64_t created_ms = 0;
  std::optional<int64_t> first_event_ms;
  std::optional<int64_t> last_event_ms;
  std::optional<int64_t> last_ingestion_ms;
  int64_t stored_bytes = 0;
};

struct StoredEvent {
  std::string stream;
  int64_t id = 0;
  int64_t timestamp_ms = 0;
  int64_t ingestion_ms = 0;
  std::string message;
};

// A point in (timestamp, id) order.
struct EventPosition {
  int64_t timestamp_ms = 0;
  int64_t id = 0;
};

// Which events of one group Scan visits, in which direction.
struct EventScan {
  std::string group;
  // Only these streams (none: every stream), or only streams whose name starts with this.
  std::vector<std::string> streams;
  std::string stream_prefix;
  // Timestamps in [start_ms, end_ms).
  std::optional<int64_t> start_ms;
  std::optional<int64_t> end_ms;
  // Strictly after / before this position.
  std::optional<EventPosition> after;
  std::optional<EventPosition> before;
  bool descending = false;
};

enum class CreateResult { kCreated, kAlreadyExists, kNoGroup };

class LogStore {
 public:
  // Migrates the module's tables.
  explicit LogStore(meta::Store& store);

  // Appends events to `stream` of `group`, creating both when missing (services writing their
  // own logs). Events may come in any time order. Messages longer than 256 KiB are cut.
  void Append(std::string_view group, std::string_view stream, std::span<const LogEvent> events);

  CreateResult CreateGroup(std::string_view group);
  // False when there is no such group. Deletes its streams and events.
  bool DeleteGroup(std::string_view group);
  CreateResult CreateStream(std::string_view group, std::string_view stream);
  bool DeleteStream(std::string_view group, std::string_view stream);

  std::optional<GroupInfo> FindGroup(std::string_view group);
  std::optional<StreamInfo> FindStream(std::string_view group, std::string_view stream);
  // Groups by name, starting after `after_name`, whose name starts with `prefix` and contains
  // `contains` (case-insensitively); at most `limit`.
  std::vector<GroupInfo> Groups(std::string_view prefix, std::string_view contains,
                                std::string_view after_name, size_t limit);
  // Streams of `group` by name, or by last event time, skipping `offset`; at most `limit`.
  std::vector<StreamInfo> Streams(std::string_view group, std::string_view prefix,
                                  bool by_last_event, bool descending, size_t offset,
                                  size_t limit);

  // Calls `visit` for each event `scan` selects, in order, until it returns false.
  void Scan(const EventScan& scan, const std::function<bool(const StoredEvent&)>& visit);

 private:
  meta::Store& store_;
};

}  // namespace logs
