// One result row of a metadata-store query. Columns are addressed by position, in the order of
// the SELECT list. Reading a column as the wrong type converts the way SQLite does (integers
// to text, text to numbers); NULL reads as 0, 0.0 or "". Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/meta/value.h"

namespace meta {

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}

  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const;
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Text(size_t i) const;
  std::optional<std::string> OptText(size_t i) const;
  std::optional<int64_t> OptInt(size_t i) const;
  const Value& value(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

}  // namespace meta
