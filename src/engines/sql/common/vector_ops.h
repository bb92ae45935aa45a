// Typed operations over vector values shared by the operators: hashing rows, comparing
// single values, and scattering/gathering by selection. Pure functions over their inputs;
// thread-safe.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "engines/sql/common/vector.h"

namespace sql {

inline uint64_t HashInt(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

inline uint64_t HashString(std::string_view s) {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = HashInt(h ^ w);
  }
  uint64_t tail = 0;
  if (i < s.size()) std::memcpy(&tail, s.data() + i, s.size() - i);
  return HashInt(h ^ tail ^ 0x1234567ULL);
}

inline uint64_t CombineHash(uint64_t a, uint64_t b) { return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2)); }

// hashes[i] = hash of row i (combined into existing hashes when `combine`). NULL hashes to a
// fixed value.
void HashVector(const Vector& v, size_t count, uint64_t* hashes, bool combine);

// Compares row i of a with row j of b (same physical type). NULLs: equal to each other and
// greater than any value. NaN sorts above every number.
int CompareRows(const Vector& a, size_t i, const Vector& b, size_t j);
// Equality for grouping (NULL equals NULL; -0.0 equals 0.0; NaN equals NaN).
bool RowsEqual(const Vector& a, size_t i, const Vector& b, size_t j);

}  // namespace sql
