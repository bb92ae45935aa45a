// The delimiter roll-up shared by the three S3 listings (objects, versions, multipart
// uploads): rows are read from an index in key order, keys holding the delimiter after the
// prefix collapse into a common prefix, and the scan then seeks straight past that prefix
// (to the smallest key greater than every key starting with it) instead of reading the keys
// under it. Entries are emitted only when greater than the listing's marker, so a marker that
// is itself a common prefix continues after it. Used by one thread, within one read
// transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "platform/meta/store.h"

namespace storage {

// The smallest string greater than every string that starts with `s`; empty if none exists.
std::string PrefixSuccessor(std::string s);

class KeyScan {
 public:
  KeyScan(std::string prefix, std::string delimiter, std::string marker, size_t max_entries);

  // The common prefix `key` rolls up into, if any.
  std::optional<std::string> CommonPrefixOf(const std::string& key) const;

  // Reads rows whose key (column 0) is greater than `after` (or at least `from`) and within
  // the prefix, using `sql(op, bounded)`: a query over the caller's table with the key
  // comparison `key <op> ?` and, when bounded, `AND key < ?`, ordered by key, whose leading
  // parameters are `params`. Calls `emit` for each row that is not rolled up. Stops at the
  // entry limit (setting truncated()) or at the end.
  void Scan(meta::Transaction& tx, const std::function<std::string(const char*, bool)>& sql,
            const std::vector<meta::Value>& params, std::string start, bool inclusive,
            const std::function<void(const meta::Row&)>& emit);

  // For the caller's own row loops: counts an entry, or reports the limit is reached.
  bool Full() const { return count_ >= max_; }
  void CountEntry() { ++count_; }
  void MarkTruncated() { truncated_ = true; }

  bool truncated() const { return truncated_; }
  uint64_t rows_read() const { return rows_; }
  void AddRowsRead(uint64_t n) { rows_ += n; }
  std::vector<std::string>& common_prefixes() { return prefixes_; }
  // The last entry emitted: a key or a common prefix.
  const std::string& last_entry() const { return last_; }
  bool last_was_prefix() const { return last_was_prefix_; }
  void SetLastEntry(std::string entry) {
    last_ = std::move(entry);
    last_was_prefix_ = false;
  }

 private:
  std::string prefix_;
  std::string delimiter_;
  std::string marker_;
  size_t max_;
  size_t count_ = 0;
  bool truncated_ = false;
  uint64_t rows_ = 0;
  std::vector<std::string> prefixes_;
  std::string last_;
  bool last_was_prefix_ = false;
};

}  // namespace storage
