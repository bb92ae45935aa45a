#include "engines/sql/formats/parquet/statistics_builder.h"

#include <cmath>
#include <cstring>
#include <string>

namespace sql::parquet {
namespace {

// Bounds longer than this are left out rather than bloating the footer.
constexpr size_t kMaxBoundBytes = 4096;

struct Signed {
  template <typename T>
  bool operator()(const T& a, const T& b) const {
    return a < b;
  }
};
struct Unsigned64 {
  bool operator()(int64_t a, int64_t b) const {
    return static_cast<uint64_t>(a) < static_cast<uint64_t>(b);
  }
};

}  // namespace

StatisticsBuilder::StatisticsBuilder(const Column& column, const ColumnPlan& plan)
    : plan_(plan),
      ordered_(column.physical_type != PhysicalType::kInt96 &&
               column.logical.kind != LogicalKind::kInterval &&
               column.logical.kind != LogicalKind::kNull),
      unsigned_64_(column.logical.kind == LogicalKind::kInteger && !column.logical.is_signed &&
                   column.logical.bit_width == 64) {}

template <typename T, typename Less>
void StatisticsBuilder::Scan(const ValueArray<T>& v, const ColumnBatch& b, int64_t begin,
                             int64_t end, Less less) {
  bool found = false;
  T lo{};
  T hi{};
  for (int64_t i = begin; i < end; ++i) {
    if (!b.IsValid(i)) continue;
    const T x = v[i];
    if constexpr (std::is_floating_point_v<T>) {
      if (std::isnan(x)) continue;
    }
    if (!found) {
      lo = hi = x;
      found = true;
    } else {
      if (less(x, lo)) lo = x;
      if (less(hi, x)) hi = x;
    }
  }
  if (!found) return;
  if (!min_ || less(lo, std::get<T>(*min_))) min_ = StatValue(lo);
  if (!max_ || less(std::get<T>(*max_), hi)) max_ = StatValue(hi);
}

void StatisticsBuilder::Update(const ColumnBatch& b, int64_t begin, int64_t end) {
  if (!b.valid.empty()) {
    for (int64_t i = begin; i < end; ++i) null_count_ += b.valid[i] == 0;
  }
  if (!ordered_) return;
  switch (b.type) {
    case ValueType::kBool: {
      bool seen[2] = {false, false};
      for (int64_t i = begin; i < end; ++i) {
        if (b.IsValid(i)) seen[b.bools[i] != 0] = true;
      }
      if (!seen[0] && !seen[1]) break;
      const bool lo = !seen[0];
      const bool hi = seen[1];
      if (!min_ || (lo < std::get<bool>(*min_))) min_ = StatValue(lo);
      if (!max_ || (std::get<bool>(*max_) < hi)) max_ = StatValue(hi);
      break;
    }
    case ValueType::kInt32:
      Scan(b.i32, b, begin, end, Signed());
      break;
    case ValueType::kInt64:
      if (unsigned_64_) {
        Scan(b.i64, b, begin, end, Unsigned64());
      } else {
        Scan(b.i64, b, begin, end, Signed());
      }
      break;
    case ValueType::kFloat:
      Scan(b.f32, b, begin, end, Signed());
      break;
    case ValueType::kDouble:
      Scan(b.f64, b, begin, end, Signed());
      break;
    case ValueType::kInt128:
      Scan(b.i128, b, begin, end, Signed());
      break;
    case ValueType::kBinary: {
      const std::string* lo = min_ ? &std::get<std::string>(*min_) : nullptr;
      const std::string* hi = max_ ? &std::get<std::string>(*max_) : nullptr;
      std::string_view new_lo, new_hi;
      bool found = false;
      for (int64_t i = begin; i < end; ++i) {
        if (!b.IsValid(i)) continue;
        const std::string_view x = b.Binary(i);
        if (!found) {
          new_lo = new_hi = x;
          found = true;
        } else {
          if (x < new_lo) new_lo = x;
          if (new_hi < x) new_hi = x;
        }
      }
      if (!found) break;
      if (lo == nullptr || new_lo < *lo) min_ = StatValue(std::string(new_lo));
      if (hi == nullptr || *hi < new_hi) max_ = StatValue(std::string(new_hi));
      break;
    }
  }
}

format::Statistics StatisticsBuilder::Finish() {
  format::Statistics s;
  s.null_count = null_count_;
  if (min_ && max_) {
    // Zero bounds cover both signs of zero.
    if (auto* f = std::get_if<float>(&*min_); f && *f == 0) *f = -0.0f;
    if (auto* f = std::get_if<float>(&*max_); f && *f == 0) *f = 0.0f;
    if (auto* d = std::get_if<double>(&*min_); d && *d == 0) *d = -0.0;
    if (auto* d = std::get_if<double>(&*max_); d && *d == 0) *d = 0.0;
    std::string bounds[2];
    bool ok = true;
    for (int k = 0; k < 2; ++k) {
      const StatValue& value = k == 0 ? *min_ : *max_;
      ColumnBatch one;
      one.Reset(plan_.value_type);
      SizeBatch(plan_.value_type, 1, &one);
      one.num_rows = 1;
      std::visit(
          [&](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) {
              one.bools[0] = x;
            } else if constexpr (std::is_same_v<T, int32_t>) {
              one.i32[0] = x;
            } else if constexpr (std::is_same_v<T, int64_t>) {
              one.i64[0] = x;
            } else if constexpr (std::is_same_v<T, float>) {
              one.f32[0] = x;
            } else if constexpr (std::is_same_v<T, double>) {
              one.f64[0] = x;
            } else if constexpr (std::is_same_v<T, Int128>) {
              one.i128[0] = x;
            } else {
              one.bytes = x;
              one.offsets[1] = static_cast<int64_t>(x.size());
            }
          },
          value);
      const int64_t row = 0;
      ColumnBatch physical;
      ConvertToPhysical(plan_, one, &row, 1, &physical);
      std::string& out = bounds[k];
      switch (physical.type) {
        case ValueType::kBool:
          out.assign(1, static_cast<char>(physical.bools[0]));
          break;
        case ValueType::kInt32:
          out.assign(reinterpret_cast<const char*>(physical.i32.data()), 4);
          break;
        case ValueType::kInt64:
          out.assign(reinterpret_cast<const char*>(physical.i64.data()), 8);
          break;
        case ValueType::kFloat:
          out.assign(reinterpret_cast<const char*>(physical.f32.data()), 4);
          break;
        case ValueType::kDouble:
          out.assign(reinterpret_cast<const char*>(physical.f64.data()), 8);
          break;
        case ValueType::kInt128:
          ok = false;
          break;
        case ValueType::kBinary:
          out = physical.bytes;
          ok = ok && out.size() <= kMaxBoundBytes;
          break;
      }
    }
    if (ok) {
      s.min_value = std::move(bounds[0]);
      s.max_value = std::move(bounds[1]);
    }
  }
  null_count_ = 0;
  min_.reset();
  max_.reset();
  return s;
}

}  // namespace sql::parquet
