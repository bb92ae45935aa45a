#include "engines/storage/lifecycle.h"

#include <algorithm>

namespace storage {

LifecycleReport& LifecycleReport::operator+=(const LifecycleReport& o) {
  expired += o.expired;
  markers_removed += o.markers_removed;
  noncurrent_removed += o.noncurrent_removed;
  uploads_aborted += o.uploads_aborted;
  return *this;
}

bool LifecycleDue(base::TimePoint since, int days, base::TimePoint now) {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  int64_t at = base::ToUnixMillis(since) + static_cast<int64_t>(days) * kDayMs;
  int64_t midnight = (at + kDayMs - 1) / kDayMs * kDayMs;
  return base::ToUnixMillis(now) >= midnight;
}

bool LifecycleSelects(const LifecycleRule& rule, std::string_view key, uint64_t size,
                      const TagSet& tags) {
  if (!key.starts_with(rule.prefix)) return false;
  if (rule.object_size_greater_than && !(size > *rule.object_size_greater_than)) return false;
  if (rule.object_size_less_than && !(size < *rule.object_size_less_than)) return false;
  for (const Tag& want : rule.tags) {
    if (std::find(tags.begin(), tags.end(), want) == tags.end()) return false;
  }
  return true;
}

}  // namespace storage
