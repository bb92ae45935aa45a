#include "engines/sql/execution/key_bounds.h"

#include <algorithm>

#include "engines/sql/execution/scan_operator.h"

namespace sql {

namespace {

bool IsIntegerType(const Type& t) {
  return t == Type::Bigint() || t == Type::Integer() || t == Type::Smallint() ||
         t == Type::Tinyint();
}

}  // namespace

std::shared_ptr<const KeyBounds> KeyBounds::Of(FileSystem& fs, const TableDefinition& table,
                                               const std::string& column, const Type& type) {
  if (!IsIntegerType(type) || table.files.empty()) return nullptr;
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (const DataFile& file : table.files) {
    if (table.format != FileFormat::kParquet) return nullptr;
    std::unique_ptr<parquet::FileReader> reader = OpenParquetFile(fs, file.path);
    const parquet::FileMetadata& meta = reader->metadata();
    int idx = meta.schema.FindColumn(column);
    if (idx < 0) return nullptr;
    const parquet::Column& c = meta.schema.columns[idx];
    bool is_signed = c.logical.kind == parquet::LogicalKind::kNone ||
                     (c.logical.kind == parquet::LogicalKind::kInteger && c.logical.is_signed);
    if (!is_signed || ParquetColumnType(c) != type) return nullptr;
    for (const parquet::RowGroupInfo& rg : meta.row_groups) {
      if (rg.num_rows == 0) continue;
      if (static_cast<size_t>(idx) >= rg.columns.size() || !rg.columns[idx].statistics)
        return nullptr;
      const parquet::ColumnStatistics& stats = *rg.columns[idx].statistics;
      auto lo = IntegerStatistic(stats.min);
      auto hi = IntegerStatistic(stats.max);
      if (!lo || !hi) return nullptr;
      ranges.emplace_back(*lo, *hi);
    }
  }
  return FromRanges(std::move(ranges));
}

std::shared_ptr<const KeyBounds> KeyBounds::FromRanges(
    std::vector<std::pair<int64_t, int64_t>> ranges) {
  std::sort(ranges.begin(), ranges.end());
  auto bounds = std::make_shared<KeyBounds>();
  for (size_t i = 0; i < ranges.size(); i++) {
    if (ranges[i].first > ranges[i].second) return nullptr;
    if (i + 1 < ranges.size() && ranges[i].second > ranges[i + 1].first) return nullptr;
    bounds->maxes_.push_back(ranges[i].second);
    bounds->boundaries_.push_back(ranges[i].first);
    bounds->boundaries_.push_back(ranges[i].second);
  }
  // Sorted already: each range starts at or after the previous one's max.
  bounds->boundaries_.erase(std::unique(bounds->boundaries_.begin(), bounds->boundaries_.end()),
                            bounds->boundaries_.end());
  return bounds;
}

int64_t KeyBounds::CompleteBelow(int64_t key) const {
  auto it = std::lower_bound(maxes_.begin(), maxes_.end(), key);
  return it == maxes_.begin() ? INT64_MIN : *(it - 1);
}

int64_t KeyBounds::BoundaryAtOrAbove(int64_t key) const {
  auto it = std::lower_bound(boundaries_.begin(), boundaries_.end(), key);
  return it == boundaries_.end() ? INT64_MAX : *it;
}

}  // namespace sql
