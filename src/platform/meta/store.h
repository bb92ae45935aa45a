// The metadata store: the transactional database every service keeps its records in.
//
// Services see only this interface (and Transaction), written so that a PostgreSQL backend can
// implement it later without touching them: statements use `?` placeholders and SQL common to
// SQLite and PostgreSQL (INSERT ... ON CONFLICT, standard types). Each module owns its tables
// and evolves them with numbered migrations applied once, in order, at startup.
//
// Write transactions are serialized; read transactions run concurrently on a snapshot.
// Thread-safe: any thread may call Read/Write at any time.
#pragma once

#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "platform/meta/row.h"
#include "platform/meta/value.h"

namespace meta {

// A failure of the database itself (I/O, corruption, a bad statement). Constraint violations
// raise ConstraintError so callers can map them to "already exists" answers.
class StoreError : public base::Error {
 public:
  using base::Error::Error;
};

class ConstraintError : public StoreError {
 public:
  using StoreError::StoreError;
};

using Params = std::initializer_list<Value>;

// Statements inside one transaction. Only valid inside the Read/Write callback that received
// it, on that thread.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs a statement; returns the number of rows changed.
  virtual int64_t Exec(std::string_view sql, const std::vector<Value>& params) = 0;
  int64_t Exec(std::string_view sql, Params params = {}) {
    return Exec(sql, std::vector<Value>(params));
  }
  // Calls `row_fn` for each result row until it returns false.
  virtual void Each(std::string_view sql, const std::vector<Value>& params,
                    const std::function<bool(const Row&)>& row_fn) = 0;
  std::vector<Row> Query(std::string_view sql, const std::vector<Value>& params);
  std::vector<Row> Query(std::string_view sql, Params params = {}) {
    return Query(sql, std::vector<Value>(params));
  }
  std::optional<Row> QueryOne(std::string_view sql, const std::vector<Value>& params);
  std::optional<Row> QueryOne(std::string_view sql, Params params = {}) {
    return QueryOne(sql, std::vector<Value>(params));
  }
  // The rowid / serial id of the last INSERT.
  virtual int64_t LastInsertId() = 0;
};

// One schema change of a module: `version` counts from 1; `sql` may hold several statements.
struct Migration {
  int version;
  std::string_view sql;
};

class Store {
 public:
  virtual ~Store() = default;

  // Runs `fn` in a write transaction: committed when `fn` returns, rolled back when it throws
  // (the exception propagates).
  virtual void Write(const std::function<void(Transaction&)>& fn) = 0;
  // Runs `fn` in a read-only transaction over a consistent snapshot.
  virtual void Read(const std::function<void(Transaction&)>& fn) = 0;
  // Applies the migrations of `module` that are newer than its recorded version, each in its
  // own transaction. Throws StoreError if the recorded version is newer than the code knows.
  virtual void Migrate(std::string_view module, std::span<const Migration> migrations) = 0;
};

// Opens (creating if needed) the embedded SQLite store at `path`, in WAL mode.
std::unique_ptr<Store> OpenSqliteStore(const std::string& path);

}  // namespace meta
