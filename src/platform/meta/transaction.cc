#include "platform/meta/store.h"

namespace meta {

std::vector<Row> Transaction::Query(std::string_view sql, const std::vector<Value>& params) {
  std::vector<Row> rows;
  Each(sql, params, [&](const Row& row) {
    rows.push_back(row);
    return true;
  });
  return rows;
}

std::optional<Row> Transaction::QueryOne(std::string_view sql, const std::vector<Value>& params) {
  std::optional<Row> out;
  Each(sql, params, [&](const Row& row) {
    out = row;
    return false;
  });
  return out;
}

}  // namespace meta
