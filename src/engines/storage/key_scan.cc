#include "engines/storage/key_scan.h"

namespace storage {

std::string PrefixSuccessor(std::string s) {
  while (!s.empty() && static_cast<unsigned char>(s.back()) == 0xff) s.pop_back();
  if (!s.empty()) s.back() = static_cast<char>(static_cast<unsigned char>(s.back()) + 1);
  return s;
}

KeyScan::KeyScan(std::string prefix, std::string delimiter, std::string marker, size_t max_entries)
    : prefix_(std::move(prefix)),
      delimiter_(std::move(delimiter)),
      marker_(std::move(marker)),
      max_(max_entries) {}

std::optional<std::string> KeyScan::CommonPrefixOf(const std::string& key) const {
  if (delimiter_.empty()) return std::nullopt;
  size_t pos = key.find(delimiter_, prefix_.size());
  if (pos == std::string::npos) return std::nullopt;
  return key.substr(0, pos + delimiter_.size());
}

void KeyScan::Scan(meta::Transaction& tx, const std::function<std::string(const char*, bool)>& sql,
                   const std::vector<meta::Value>& params, std::string start, bool inclusive,
                   const std::function<void(const meta::Row&)>& emit) {
  if (!prefix_.empty() && start < prefix_) {
    start = prefix_;
    inclusive = true;
  }
  std::string upper = prefix_.empty() ? "" : PrefixSuccessor(prefix_);
  bool bounded = !upper.empty();
  while (!truncated_) {
    std::vector<meta::Value> p = params;
    p.push_back(meta::Text(start));
    if (bounded) p.push_back(meta::Text(upper));
    bool reseek = false;
    tx.Each(sql(inclusive ? ">=" : ">", bounded), p, [&](const meta::Row& row) {
      ++rows_;
      if (Full()) {
        truncated_ = true;
        return false;
      }
      std::string key = row.Text(0);
      if (auto cp = CommonPrefixOf(key)) {
        if (*cp > marker_) {
          prefixes_.push_back(*cp);
          last_ = *cp;
          last_was_prefix_ = true;
          ++count_;
        }
        start = PrefixSuccessor(*cp);
        inclusive = true;
        reseek = !start.empty();
        return false;
      }
      emit(row);
      last_ = std::move(key);
      last_was_prefix_ = false;
      ++count_;
      return true;
    });
    if (!reseek) break;
  }
}

}  // namespace storage
