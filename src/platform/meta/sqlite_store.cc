// The embedded metadata store on SQLite.
//
// One write connection, guarded by a mutex, takes every write transaction (BEGIN IMMEDIATE), so
// writers queue in-process instead of meeting SQLITE_BUSY. Read transactions borrow a
// connection from a small pool and see a WAL snapshot, concurrently with the writer. Each
// connection caches its prepared statements by SQL text.
#include <sqlite3.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string_view>
#include <unordered_map>

#include "base/log.h"
#include "platform/meta/store.h"

namespace meta {
namespace {

constexpr int kBusyTimeoutMs = 10000;
constexpr size_t kReadPoolSize = 8;

class Connection {
 public:
  explicit Connection(const std::string& path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw StoreError("cannot open metadata store: " + msg);
    }
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);
    sqlite3_extended_result_codes(db_, 1);
    // No memory map: in WAL mode a read transaction that finds the database changed since its
    // connection's last one unmaps the whole map (SQLite's pager reset), and under a steady
    // stream of writes that munmap, its TLB shootdown across cores and the page faults that
    // map the pages again cost more than the lookup itself. Pages come from each connection's
    // own cache (reset in the same case) and otherwise from the OS page cache by pread.
    ExecScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
               "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0; PRAGMA cache_size=-16384;");
  }

  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close(db_);
  }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void ExecScript(std::string_view sql) {
    char* err = nullptr;
    std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err ? err : "unknown error";
      sqlite3_free(err);
      throw StoreError("metadata statement failed: " + msg);
    }
  }

  sqlite3_stmt* Prepare(std::string_view sql) {
    auto it = statements_.find(sql);
    if (it != statements_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      throw StoreError(std::string("metadata statement failed to prepare: ") +
                       sqlite3_errmsg(db_));
    }
    statements_.emplace(std::string(sql), stmt);
    return stmt;
  }

  sqlite3* db() { return db_; }

 private:
  sqlite3* db_ = nullptr;
  // Looked up by string_view: no copy of the SQL text per statement run.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>()(sql); }
  };
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> statements_;
};

void Bind(sqlite3_stmt* stmt, const std::vector<Value>& params) {
  if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
    throw StoreError("metadata statement given the wrong number of parameters");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int idx = static_cast<int>(i + 1);
    const Value& v = params[i];
    if (std::holds_alternative<std::monostate>(v)) {
      sqlite3_bind_null(stmt, idx);
    } else if (auto* p = std::get_if<int64_t>(&v)) {
      sqlite3_bind_int64(stmt, idx, *p);
    } else if (auto* p = std::get_if<double>(&v)) {
      sqlite3_bind_double(stmt, idx, *p);
    } else if (auto* p = std::get_if<std::string>(&v)) {
      sqlite3_bind_text64(stmt, idx, p->data(), p->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else if (auto* p = std::get_if<Blob>(&v)) {
      sqlite3_bind_blob64(stmt, idx, p->bytes.data(), p->bytes.size(), SQLITE_STATIC);
    }
  }
}

Row ReadRow(sqlite3_stmt* stmt) {
  int n = sqlite3_column_count(stmt);
  std::vector<Value> values;
  values.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER:
        values.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, i)));
        break;
      case SQLITE_FLOAT:
        values.emplace_back(sqlite3_column_double(stmt, i));
        break;
      case SQLITE_TEXT:
        values.emplace_back(std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                                        static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
        break;
      case SQLITE_BLOB: {
        const char* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        values.emplace_back(Blob{std::string(p ? p : "", static_cast<size_t>(sqlite3_column_bytes(stmt, i)))});
        break;
      }
      default:
        values.emplace_back(std::monostate{});
    }
  }
  return Row(std::move(values));
}

[[noreturn]] void ThrowStep(sqlite3* db, int rc) {
  std::string msg = sqlite3_errmsg(db);
  if ((rc & 0xff) == SQLITE_CONSTRAINT) throw ConstraintError("constraint violated: " + msg);
  throw StoreError("metadata statement failed: " + msg);
}

class SqliteTransaction : public Transaction {
 public:
  explicit SqliteTransaction(Connection& conn) : conn_(conn) {}

  int64_t Exec(std::string_view sql, const std::vector<Value>& params) override {
    sqlite3_stmt* stmt = conn_.Prepare(sql);
    Bind(stmt, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) {
      sqlite3_reset(stmt);
      ThrowStep(conn_.db(), rc);
    }
    sqlite3_reset(stmt);
    return sqlite3_changes64(conn_.db());
  }

  void Each(std::string_view sql, const std::vector<Value>& params,
            const std::function<bool(const Row&)>& row_fn) override {
    sqlite3_stmt* stmt = conn_.Prepare(sql);
    Bind(stmt, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      bool more;
      try {
        more = row_fn(ReadRow(stmt));
      } catch (...) {
        sqlite3_reset(stmt);
        throw;
      }
      if (!more) {
        sqlite3_reset(stmt);
        return;
      }
    }
    sqlite3_reset(stmt);
    if (rc != SQLITE_DONE) ThrowStep(conn_.db(), rc);
  }

  int64_t LastInsertId() override { return sqlite3_last_insert_rowid(conn_.db()); }

 private:
  Connection& conn_;
};

class SqliteStore : public Store {
 public:
  explicit SqliteStore(std::string path) : path_(std::move(path)), writer_(path_) {
    writer_.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " module TEXT PRIMARY KEY, version INTEGER NOT NULL)");
  }

  void Write(const std::function<void(Transaction&)>& fn) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    RunTransaction(writer_, "BEGIN IMMEDIATE", fn);
  }

  void Read(const std::function<void(Transaction&)>& fn) override {
    struct Lease {
      SqliteStore* store;
      std::unique_ptr<Connection> conn;
      ~Lease() { store->Return(std::move(conn)); }
    } lease{this, Borrow()};
    RunTransaction(*lease.conn, "BEGIN", fn);
  }

  void Migrate(std::string_view module, std::span<const Migration> migrations) override {
    std::lock_guard<std::mutex> lock(write_mu_);
    int current = 0;
    RunTransaction(writer_, "BEGIN IMMEDIATE", [&](Transaction& tx) {
      if (auto row = tx.QueryOne("SELECT version FROM schema_migrations WHERE module = ?",
                                 {Text(module)})) {
        current = static_cast<int>(row->Int(0));
      }
    });
    int known = 0;
    for (const auto& m : migrations) known = std::max(known, m.version);
    if (current > known) {
      throw StoreError("metadata store of module " + std::string(module) +
                       " is newer than this program (version " + std::to_string(current) + ")");
    }
    for (const auto& m : migrations) {
      if (m.version <= current) continue;
      RunTransaction(writer_, "BEGIN IMMEDIATE", [&](Transaction& tx) {
        writer_.ExecScript(m.sql);
        tx.Exec(
            "INSERT INTO schema_migrations(module, version) VALUES(?, ?) "
            "ON CONFLICT(module) DO UPDATE SET version = excluded.version",
            {Text(module), Int(m.version)});
      });
      LOG_DEBUG("migrated", {{"module", std::string(module)},
                              {"version", std::to_string(m.version)}});
    }
  }

 private:
  // BEGIN and COMMIT run as cached statements: parsing them anew is measurable on the small
  // transactions of a busy store.
  static void RunTransaction(Connection& conn, const char* begin,
                             const std::function<void(Transaction&)>& fn) {
    SqliteTransaction tx(conn);
    tx.Exec(begin, {});
    try {
      fn(tx);
    } catch (...) {
      // A failed statement may already have ended the transaction; nothing to report then.
      sqlite3_exec(conn.db(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
    tx.Exec("COMMIT", {});
  }

  std::unique_ptr<Connection> Borrow() {
    std::unique_lock<std::mutex> lock(pool_mu_);
    pool_cv_.wait(lock, [&] { return !idle_.empty() || open_readers_ < kReadPoolSize; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_readers_;
    lock.unlock();
    try {
      return std::make_unique<Connection>(path_);
    } catch (...) {
      std::lock_guard<std::mutex> relock(pool_mu_);
      --open_readers_;
      pool_cv_.notify_one();
      throw;
    }
  }

  void Return(std::unique_ptr<Connection> conn) {
    std::lock_guard<std::mutex> lock(pool_mu_);
    idle_.push_back(std::move(conn));
    pool_cv_.notify_one();
  }

  std::string path_;
  std::mutex write_mu_;
  Connection writer_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  size_t open_readers_ = 0;
};

}  // namespace

std::unique_ptr<Store> OpenSqliteStore(const std::string& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace meta
