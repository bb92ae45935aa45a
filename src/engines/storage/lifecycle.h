// Lifecycle rules as the ObjectStore applies them: which objects a rule selects (key prefix,
// tags, size bounds) and what it does to them (expire current versions after a number of
// days or at a date, remove expired delete markers, remove noncurrent versions some days
// after they became noncurrent, abort multipart uploads left incomplete). Due times follow
// S3: the object's time plus the days, rounded up to the next midnight UTC.
// Plain data and pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"
#include "engines/storage/object_types.h"

namespace storage {

struct LifecycleRule {
  std::string id;
  bool enabled = true;
  // Filter: all given conditions must hold.
  std::string prefix;
  TagSet tags;
  std::optional<uint64_t> object_size_greater_than;
  std::optional<uint64_t> object_size_less_than;
  // Actions.
  std::optional<int> expiration_days;
  std::optional<base::TimePoint> expiration_date;
  bool expired_object_delete_marker = false;
  std::optional<int> noncurrent_days;
  std::optional<int> newer_noncurrent_versions;  // noncurrent versions kept regardless of age
  std::optional<int> abort_incomplete_multipart_days;
};

struct LifecycleReport {
  size_t expired = 0;             // current versions expired
  size_t markers_removed = 0;     // expired delete markers removed
  size_t noncurrent_removed = 0;  // noncurrent versions removed
  size_t uploads_aborted = 0;

  LifecycleReport& operator+=(const LifecycleReport& o);
};

// Whether an action `days` after `since` is due at `now` (S3 rounds to the next midnight UTC).
bool LifecycleDue(base::TimePoint since, int days, base::TimePoint now);

// Whether the rule's filter selects an object with this key, size and tags.
bool LifecycleSelects(const LifecycleRule& rule, std::string_view key, uint64_t size,
                      const TagSet& tags);

}  // namespace storage
