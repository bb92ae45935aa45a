#include "engines/sql/common/vector_ops.h"

#include <cmath>

namespace sql {

namespace {

constexpr uint64_t kNullHash = 0xbf58476d1ce4e5b9ULL;

template <class F>
void HashLoop(const Vector& v, size_t count, uint64_t* hashes, bool combine, F&& hash_of) {
  bool c = v.is_constant();
  if (!v.has_nulls()) {
    if (combine) {
      for (size_t i = 0; i < count; i++) hashes[i] = CombineHash(hashes[i], hash_of(c ? 0 : i));
    } else {
      for (size_t i = 0; i < count; i++) hashes[i] = hash_of(c ? 0 : i);
    }
    return;
  }
  for (size_t i = 0; i < count; i++) {
    size_t k = c ? 0 : i;
    uint64_t h = v.IsValid(k) ? hash_of(k) : kNullHash;
    hashes[i] = combine ? CombineHash(hashes[i], h) : h;
  }
}

}  // namespace

void HashVector(const Vector& v, size_t count, uint64_t* hashes, bool combine) {
  switch (v.type().physical()) {
    case PhysicalType::kBool: {
      const uint8_t* d = v.data<uint8_t>();
      HashLoop(v, count, hashes, combine, [&](size_t i) { return HashInt(d[i] + 1); });
      break;
    }
    case PhysicalType::kInt64: {
      const int64_t* d = v.data<int64_t>();
      HashLoop(v, count, hashes, combine, [&](size_t i) { return HashInt(static_cast<uint64_t>(d[i])); });
      break;
    }
    case PhysicalType::kInt128: {
      const int128_t* d = v.data<int128_t>();
      HashLoop(v, count, hashes, combine, [&](size_t i) {
        return CombineHash(HashInt(static_cast<uint64_t>(d[i])), HashInt(static_cast<uint64_t>(d[i] >> 64)));
      });
      break;
    }
    case PhysicalType::kDouble: {
      const double* d = v.data<double>();
      HashLoop(v, count, hashes, combine, [&](size_t i) {
        double x = d[i];
        if (x == 0) x = 0;
        if (std::isnan(x)) return HashInt(0x7ff8000000000000ULL);
        uint64_t bits;
        std::memcpy(&bits, &x, 8);
        return HashInt(bits);
      });
      break;
    }
    case PhysicalType::kString: {
      const std::string_view* d = v.data<std::string_view>();
      HashLoop(v, count, hashes, combine, [&](size_t i) { return HashString(d[i]); });
      break;
    }
  }
}

int CompareRows(const Vector& a, size_t i, const Vector& b, size_t j) {
  if (a.is_constant()) i = 0;
  if (b.is_constant()) j = 0;
  bool av = a.IsValid(i), bv = b.IsValid(j);
  if (!av || !bv) return av == bv ? 0 : (av ? -1 : 1);
  switch (a.type().physical()) {
    case PhysicalType::kBool: {
      int x = a.data<uint8_t>()[i], y = b.data<uint8_t>()[j];
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kInt64: {
      int64_t x = a.data<int64_t>()[i], y = b.data<int64_t>()[j];
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kInt128: {
      int128_t x = a.data<int128_t>()[i], y = b.data<int128_t>()[j];
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kDouble: {
      double x = a.data<double>()[i], y = b.data<double>()[j];
      bool xn = std::isnan(x), yn = std::isnan(y);
      if (xn || yn) return xn == yn ? 0 : (xn ? 1 : -1);
      return x < y ? -1 : x > y;
    }
    case PhysicalType::kString: {
      int c = a.data<std::string_view>()[i].compare(b.data<std::string_view>()[j]);
      return c < 0 ? -1 : c > 0;
    }
  }
  return 0;
}

bool RowsEqual(const Vector& a, size_t i, const Vector& b, size_t j) { return CompareRows(a, i, b, j) == 0; }

}  // namespace sql
