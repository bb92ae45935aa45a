#include "engines/sql/formats/parquet/column_plan.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "engines/sql/formats/parquet/parquet_error.h"

namespace sql::parquet {
namespace {

using U128 = unsigned __int128;

constexpr int64_t kJulianEpochDay = 2440588;  // 1970-01-01
constexpr int64_t kNanosPerDay = 86400LL * 1000000000LL;

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 1000;
    case TimeUnit::kMicros:
      return 1000000;
    case TimeUnit::kNanos:
      return 1000000000;
  }
  return 1;
}

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

[[noreturn]] void OutOfRange(const char* what) {
  throw ParquetError(std::string(what) + " value out of range");
}

int64_t Rescale(int64_t v, int64_t multiply, int64_t divide) {
  int64_t r;
  if (__builtin_mul_overflow(v, multiply, &r)) OutOfRange("timestamp");
  return divide == 1 ? r : FloorDiv(r, divide);
}

int64_t Int96ToUnit(Int128 raw, TimeUnit unit) {
  const auto bits = static_cast<U128>(raw);
  const auto nanos = static_cast<int64_t>(static_cast<uint64_t>(bits));
  const auto julian = static_cast<int32_t>(static_cast<uint32_t>(bits >> 64));
  const int64_t per_second = UnitsPerSecond(unit);
  // In 128 bits: the day part alone may pass the int64 range while the sum does not.
  const Int128 result =
      Int128{static_cast<int64_t>(julian) - kJulianEpochDay} * 86400 * per_second +
      FloorDiv(nanos, 1000000000 / per_second);
  if (result < std::numeric_limits<int64_t>::min() ||
      result > std::numeric_limits<int64_t>::max()) {
    OutOfRange("INT96 timestamp");
  }
  return static_cast<int64_t>(result);
}

Int128 UnitToInt96(int64_t v, TimeUnit unit) {
  const int64_t per_second = UnitsPerSecond(unit);
  const int64_t per_day = 86400 * per_second;
  const int64_t days = FloorDiv(v, per_day);
  const auto within_day = static_cast<int64_t>(Int128{v} - Int128{days} * per_day);
  const int64_t nanos = within_day * (1000000000 / per_second);
  const int64_t julian = days + kJulianEpochDay;
  if (julian < std::numeric_limits<int32_t>::min() ||
      julian > std::numeric_limits<int32_t>::max() || nanos < 0 || nanos >= kNanosPerDay) {
    OutOfRange("INT96 timestamp");
  }
  const U128 bits =
      static_cast<U128>(static_cast<uint32_t>(julian)) << 64 | static_cast<uint64_t>(nanos);
  return static_cast<Int128>(bits);
}

// Big-endian two's complement bytes -> integer; nullopt-like failure via exception.
Int128 DecimalFromBytes(const uint8_t* p, size_t len) {
  if (len == 0) return 0;
  const uint8_t sign_byte = (p[0] & 0x80) ? 0xff : 0x00;
  // Longer encodings are allowed when the extra leading bytes only extend the sign.
  while (len > 16) {
    if (p[0] != sign_byte) OutOfRange("decimal");
    ++p;
    --len;
  }
  if (len == 16 && ((p[0] & 0x80) ? 0xff : 0x00) != sign_byte) OutOfRange("decimal");
  U128 v = sign_byte ? ~U128{0} : 0;
  for (size_t i = 0; i < len; ++i) v = (v << 8) | p[i];
  return static_cast<Int128>(v);
}

// Writes `v` as `len` big-endian bytes; false when it does not fit.
bool DecimalToBytes(Int128 v, size_t len, char (&out)[16]) {
  if (len == 0 || len > 16) return false;
  if (len < 16) {
    const Int128 limit = static_cast<Int128>(U128{1} << (8 * len - 1));
    if (v < -limit || v >= limit) return false;
  }
  auto bits = static_cast<U128>(v);
  for (size_t i = len; i-- > 0;) {
    out[i] = static_cast<char>(static_cast<uint8_t>(bits));
    bits = static_cast<U128>(static_cast<Int128>(bits) >> 8);
  }
  return true;
}

size_t MinimalDecimalBytes(Int128 v) {
  for (size_t len = 1; len < 16; ++len) {
    const Int128 limit = static_cast<Int128>(U128{1} << (8 * len - 1));
    if (v >= -limit && v < limit) return len;
  }
  return 16;
}

Int128 Pow10(int n) {
  Int128 r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

}  // namespace

float HalfToFloat(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  const uint32_t exp = (h >> 10) & 0x1f;
  const uint32_t mant = h & 0x3ff;
  uint32_t bits;
  if (exp == 0) {
    const float magnitude = std::ldexp(static_cast<float>(mant), -24);
    return sign ? -magnitude : magnitude;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

uint16_t FloatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000);
  const int exp = static_cast<int>((x >> 23) & 0xff);
  const uint32_t mant = x & 0x7fffff;
  if (exp == 255) {
    if (mant == 0) return sign | 0x7c00;
    return static_cast<uint16_t>(sign | 0x7c00 | 0x200 | (mant >> 13));
  }
  const int e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    const uint32_t m = mant | 0x800000;
    const int shift = 14 - e;
    uint32_t r = m >> shift;
    const uint32_t rem = m & ((1u << shift) - 1);
    const uint32_t half = 1u << (shift - 1);
    if (rem > half || (rem == half && (r & 1))) ++r;
    return static_cast<uint16_t>(sign | r);
  }
  uint32_t r = (static_cast<uint32_t>(e) << 10) | (mant >> 13);
  const uint32_t rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem == 0x1000 && (r & 1))) ++r;
  return static_cast<uint16_t>(sign | r);
}

bool LogicalTypeFits(const LogicalType& lt, PhysicalType physical, int32_t type_length) {
  const bool binary =
      physical == PhysicalType::kByteArray || physical == PhysicalType::kFixedLenByteArray;
  switch (lt.kind) {
    case LogicalKind::kNone:
    case LogicalKind::kNull:
      return true;
    case LogicalKind::kString:
    case LogicalKind::kEnum:
    case LogicalKind::kJson:
    case LogicalKind::kBson:
      return binary;
    case LogicalKind::kUuid:
      return physical == PhysicalType::kFixedLenByteArray && type_length == 16;
    case LogicalKind::kDate:
      return physical == PhysicalType::kInt32;
    case LogicalKind::kTime:
      return physical ==
             (lt.unit == TimeUnit::kMillis ? PhysicalType::kInt32 : PhysicalType::kInt64);
    case LogicalKind::kTimestamp:
      return physical == PhysicalType::kInt64 || physical == PhysicalType::kInt96;
    case LogicalKind::kDecimal:
      return (binary || physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64) &&
             lt.precision > 0 && lt.scale >= 0;
    case LogicalKind::kInteger:
      return (lt.bit_width == 64 && physical == PhysicalType::kInt64) ||
             ((lt.bit_width == 8 || lt.bit_width == 16 || lt.bit_width == 32) &&
              physical == PhysicalType::kInt32);
    case LogicalKind::kFloat16:
      return physical == PhysicalType::kFixedLenByteArray && type_length == 2;
    case LogicalKind::kInterval:
      return physical == PhysicalType::kFixedLenByteArray && type_length == 12;
  }
  return false;
}

ValueType PhysicalValueType(PhysicalType physical) {
  switch (physical) {
    case PhysicalType::kBoolean:
      return ValueType::kBool;
    case PhysicalType::kInt32:
      return ValueType::kInt32;
    case PhysicalType::kInt64:
      return ValueType::kInt64;
    case PhysicalType::kInt96:
      return ValueType::kInt128;
    case PhysicalType::kFloat:
      return ValueType::kFloat;
    case PhysicalType::kDouble:
      return ValueType::kDouble;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return ValueType::kBinary;
  }
  return ValueType::kBinary;
}

ColumnPlan MakeColumnPlan(const Column& column, TimeUnit timestamp_unit) {
  ColumnPlan plan;
  plan.physical = column.physical_type;
  plan.type_length = column.type_length;
  plan.physical_value_type = PhysicalValueType(column.physical_type);
  plan.value_type = column.value_type();
  const LogicalType& lt = column.logical;
  if (lt.kind == LogicalKind::kDecimal) plan.decimal_precision = lt.precision;
  switch (column.physical_type) {
    case PhysicalType::kInt32:
      if (plan.value_type == ValueType::kInt64) {
        plan.conversion = lt.kind == LogicalKind::kDecimal ? Conversion::kSignExtend32
                                                           : Conversion::kZeroExtend32;
      }
      break;
    case PhysicalType::kInt64:
      if (lt.kind == LogicalKind::kTimestamp && lt.unit != timestamp_unit) {
        plan.conversion = Conversion::kRescale;
        const int64_t from = UnitsPerSecond(lt.unit);
        const int64_t to = UnitsPerSecond(timestamp_unit);
        if (to > from) {
          plan.multiply = to / from;
        } else {
          plan.divide = from / to;
        }
      }
      break;
    case PhysicalType::kInt96:
      plan.conversion = Conversion::kInt96;
      plan.unit = timestamp_unit;
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (lt.kind == LogicalKind::kDecimal) plan.conversion = Conversion::kDecimalBytes;
      if (lt.kind == LogicalKind::kFloat16) plan.conversion = Conversion::kFloat16;
      break;
    default:
      break;
  }
  return plan;
}

void SizeBatch(ValueType type, int64_t n, ColumnBatch* b) {
  const auto size = static_cast<size_t>(n);
  switch (type) {
    case ValueType::kBool:
      b->bools.resize(size);
      break;
    case ValueType::kInt32:
      b->i32.resize(size);
      break;
    case ValueType::kInt64:
      b->i64.resize(size);
      break;
    case ValueType::kFloat:
      b->f32.resize(size);
      break;
    case ValueType::kDouble:
      b->f64.resize(size);
      break;
    case ValueType::kInt128:
      b->i128.resize(size);
      break;
    case ValueType::kBinary:
      b->offsets.resize(size + 1);
      b->offsets[0] = 0;
      break;
  }
}

void ConvertToValues(const ColumnPlan& plan, const ColumnBatch& in, int64_t from, int64_t n,
                     ColumnBatch* out, int64_t pos) {
  switch (plan.conversion) {
    case Conversion::kNone:
      return;
    case Conversion::kRescale: {
      const int64_t* src = in.i64.data() + from;
      int64_t* dst = out->i64.data() + pos;
      for (int64_t i = 0; i < n; ++i) dst[i] = Rescale(src[i], plan.multiply, plan.divide);
      return;
    }
    case Conversion::kSignExtend32: {
      const int32_t* src = in.i32.data() + from;
      int64_t* dst = out->i64.data() + pos;
      for (int64_t i = 0; i < n; ++i) dst[i] = src[i];
      return;
    }
    case Conversion::kZeroExtend32: {
      const int32_t* src = in.i32.data() + from;
      int64_t* dst = out->i64.data() + pos;
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<uint32_t>(src[i]);
      return;
    }
    case Conversion::kInt96: {
      const Int128* src = in.i128.data() + from;
      int64_t* dst = out->i64.data() + pos;
      for (int64_t i = 0; i < n; ++i) dst[i] = Int96ToUnit(src[i], plan.unit);
      return;
    }
    case Conversion::kDecimalBytes: {
      const auto* bytes = reinterpret_cast<const uint8_t*>(in.bytes.data());
      for (int64_t i = 0; i < n; ++i) {
        const int64_t begin = in.offsets[from + i];
        const Int128 v =
            DecimalFromBytes(bytes + begin, static_cast<size_t>(in.offsets[from + i + 1] - begin));
        if (plan.value_type == ValueType::kInt64) {
          if (v < std::numeric_limits<int64_t>::min() || v > std::numeric_limits<int64_t>::max()) {
            OutOfRange("decimal");
          }
          out->i64[pos + i] = static_cast<int64_t>(v);
        } else {
          out->i128[pos + i] = v;
        }
      }
      return;
    }
    case Conversion::kFloat16: {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t begin = in.offsets[from + i];
        if (in.offsets[from + i + 1] - begin != 2) {
          throw ParquetError("corrupt FLOAT16 value: not two bytes");
        }
        uint16_t h;
        std::memcpy(&h, in.bytes.data() + begin, 2);
        out->f32[pos + i] = HalfToFloat(h);
      }
      return;
    }
  }
}

namespace {

void CheckDecimalPrecision(Int128 v, int32_t precision) {
  if (precision <= 0 || precision > 38) return;
  const Int128 limit = Pow10(precision);
  if (v <= -limit || v >= limit) {
    throw ParquetError("decimal value exceeds precision " + std::to_string(precision));
  }
}

}  // namespace

void ConvertToPhysical(const ColumnPlan& plan, const ColumnBatch& in, const int64_t* rows,
                       int64_t n, ColumnBatch* out) {
  if (plan.decimal_precision > 0) {
    for (int64_t i = 0; i < n; ++i) {
      CheckDecimalPrecision(
          plan.value_type == ValueType::kInt64 ? Int128{in.i64[rows[i]]} : in.i128[rows[i]],
          plan.decimal_precision);
    }
  }
  out->Reset(plan.physical_value_type);
  const bool binary = plan.physical_value_type == ValueType::kBinary;
  if (!binary) SizeBatch(plan.physical_value_type, n, out);
  switch (plan.conversion) {
    case Conversion::kNone:
    case Conversion::kRescale:  // the writer stores timestamps in the column's own unit
      switch (plan.physical_value_type) {
        case ValueType::kBool:
          for (int64_t i = 0; i < n; ++i) out->bools[i] = in.bools[rows[i]] != 0;
          return;
        case ValueType::kInt32:
          for (int64_t i = 0; i < n; ++i) out->i32[i] = in.i32[rows[i]];
          return;
        case ValueType::kInt64:
          for (int64_t i = 0; i < n; ++i) out->i64[i] = in.i64[rows[i]];
          return;
        case ValueType::kFloat:
          for (int64_t i = 0; i < n; ++i) out->f32[i] = in.f32[rows[i]];
          return;
        case ValueType::kDouble:
          for (int64_t i = 0; i < n; ++i) out->f64[i] = in.f64[rows[i]];
          return;
        case ValueType::kInt128:
          return;  // INT96 always converts
        case ValueType::kBinary: {
          out->offsets.resize(static_cast<size_t>(n) + 1);
          out->offsets[0] = 0;
          for (int64_t i = 0; i < n; ++i) {
            const std::string_view v = in.Binary(rows[i]);
            if (plan.physical == PhysicalType::kFixedLenByteArray &&
                v.size() != static_cast<size_t>(plan.type_length)) {
              throw ParquetError("FIXED_LEN_BYTE_ARRAY value of " + std::to_string(v.size()) +
                                 " bytes, expected " + std::to_string(plan.type_length));
            }
            out->bytes.append(v);
            out->offsets[i + 1] = static_cast<int64_t>(out->bytes.size());
          }
          return;
        }
      }
      return;
    case Conversion::kSignExtend32:
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = in.i64[rows[i]];
        if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
          OutOfRange("INT32 decimal");
        }
        out->i32[i] = static_cast<int32_t>(v);
      }
      return;
    case Conversion::kZeroExtend32:
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = in.i64[rows[i]];
        if (v < 0 || v > std::numeric_limits<uint32_t>::max()) OutOfRange("UINT32");
        out->i32[i] = static_cast<int32_t>(static_cast<uint32_t>(v));
      }
      return;
    case Conversion::kInt96:
      for (int64_t i = 0; i < n; ++i) out->i128[i] = UnitToInt96(in.i64[rows[i]], plan.unit);
      return;
    case Conversion::kDecimalBytes: {
      out->offsets.resize(static_cast<size_t>(n) + 1);
      out->offsets[0] = 0;
      const bool fixed = plan.physical == PhysicalType::kFixedLenByteArray;
      for (int64_t i = 0; i < n; ++i) {
        const Int128 v =
            plan.value_type == ValueType::kInt64 ? Int128{in.i64[rows[i]]} : in.i128[rows[i]];
        const size_t len = fixed ? static_cast<size_t>(plan.type_length) : MinimalDecimalBytes(v);
        char buf[16];
        if (!DecimalToBytes(v, len, buf)) OutOfRange("decimal");
        out->bytes.append(buf, len);
        out->offsets[i + 1] = static_cast<int64_t>(out->bytes.size());
      }
      return;
    }
    case Conversion::kFloat16:
      out->offsets.resize(static_cast<size_t>(n) + 1);
      out->offsets[0] = 0;
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = FloatToHalf(in.f32[rows[i]]);
        out->bytes.append(reinterpret_cast<const char*>(&h), 2);
        out->offsets[i + 1] = static_cast<int64_t>(out->bytes.size());
      }
      return;
  }
}

}  // namespace sql::parquet
