#include "services/logs/log_store.h"

#include <algorithm>

#include "base/strings.h"
#include "base/time.h"

namespace logs {
namespace {

constexpr size_t kMaxMessageBytes = 256 * 1024;
// CloudWatch counts 26 bytes of overhead per event in its size accounting.
constexpr int64_t kEventOverheadBytes = 26;

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE logs_groups (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ms INTEGER NOT NULL,
  stored_bytes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE logs_streams (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  first_event_ms INTEGER,
  last_event_ms INTEGER,
  last_ingestion_ms INTEGER,
  stored_bytes INTEGER NOT NULL DEFAULT 0,
  UNIQUE (group_id, name));
CREATE TABLE logs_events (
  id INTEGER PRIMARY KEY,
  group_id INTEGER NOT NULL,
  stream_id INTEGER NOT NULL,
  ts INTEGER NOT NULL,
  ingestion_ms INTEGER NOT NULL,
  message TEXT NOT NULL);
CREATE INDEX logs_events_by_stream ON logs_events(stream_id, ts, id);
CREATE INDEX logs_events_by_group ON logs_events(group_id, ts, id);
)sql"},
};

int64_t NowMs() { return base::ToUnixMillis(base::Now()); }

std::optional<int64_t> GroupId(meta::Transaction& tx, std::string_view group) {
  auto row = tx.QueryOne("SELECT id FROM logs_groups WHERE name = ?", {meta::Text(group)});
  if (!row) return std::nullopt;
  return row->Int(0);
}

std::optional<int64_t> StreamId(meta::Transaction& tx, int64_t group_id, std::string_view stream) {
  auto row = tx.QueryOne("SELECT id FROM logs_streams WHERE group_id = ? AND name = ?",
                         {group_id, meta::Text(stream)});
  if (!row) return std::nullopt;
  return row->Int(0);
}

int64_t InsertGroup(meta::Transaction& tx, std::string_view group) {
  tx.Exec("INSERT INTO logs_groups (name, created_ms) VALUES (?, ?)", {meta::Text(group), NowMs()});
  return tx.LastInsertId();
}

int64_t InsertStream(meta::Transaction& tx, int64_t group_id, std::string_view stream) {
  tx.Exec("INSERT INTO logs_streams (group_id, name, created_ms) VALUES (?, ?, ?)",
          {group_id, meta::Text(stream), NowMs()});
  return tx.LastInsertId();
}

StreamInfo ReadStream(const meta::Row& row) {
  StreamInfo s;
  s.name = row.Text(0);
  s.created_ms = row.Int(1);
  s.first_event_ms = row.OptInt(2);
  s.last_event_ms = row.OptInt(3);
  s.last_ingestion_ms = row.OptInt(4);
  s.stored_bytes = row.Int(5);
  return s;
}

constexpr const char* kStreamColumns =
    "name, created_ms, first_event_ms, last_event_ms, last_ingestion_ms, stored_bytes";

}  // namespace

LogStore::LogStore(meta::Store& store) : store_(store) { store_.Migrate("logs", kMigrations); }

void LogStore::Append(std::string_view group, std::string_view stream,
                      std::span<const LogEvent> events) {
  if (events.empty()) return;
  const int64_t now = NowMs();
  store_.Write([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, group);
    if (!group_id) group_id = InsertGroup(tx, group);
    std::optional<int64_t> stream_id = StreamId(tx, *group_id, stream);
    if (!stream_id) stream_id = InsertStream(tx, *group_id, stream);
    int64_t bytes = 0;
    int64_t first = events.front().timestamp_ms;
    int64_t last = first;
    for (const LogEvent& e : events) {
      std::string_view message = e.message;
      if (message.size() > kMaxMessageBytes) message = message.substr(0, kMaxMessageBytes);
      tx.Exec(
          "INSERT INTO logs_events (group_id, stream_id, ts, ingestion_ms, message) "
          "VALUES (?, ?, ?, ?, ?)",
          {*group_id, *stream_id, e.timestamp_ms, now, meta::Text(message)});
      bytes += static_cast<int64_t>(message.size()) + kEventOverheadBytes;
      first = std::min(first, e.timestamp_ms);
      last = std::max(last, e.timestamp_ms);
    }
    tx.Exec(
        "UPDATE logs_streams SET stored_bytes = stored_bytes + ?, last_ingestion_ms = ?, "
        "first_event_ms = CASE WHEN first_event_ms IS NULL OR first_event_ms > ? THEN ? "
        "ELSE first_event_ms END, "
        "last_event_ms = CASE WHEN last_event_ms IS NULL OR last_event_ms < ? THEN ? "
        "ELSE last_event_ms END WHERE id = ?",
        {bytes, now, first, first, last, last, *stream_id});
    tx.Exec("UPDATE logs_groups SET stored_bytes = stored_bytes + ? WHERE id = ?",
            {bytes, *group_id});
  });
}

CreateResult LogStore::CreateGroup(std::string_view group) {
  CreateResult result = CreateResult::kCreated;
  store_.Write([&](meta::Transaction& tx) {
    if (GroupId(tx, group)) {
      result = CreateResult::kAlreadyExists;
      return;
    }
    InsertGroup(tx, group);
  });
  return result;
}

bool LogStore::DeleteGroup(std::string_view group) {
  bool found = false;
  store_.Write([&](meta::Transaction& tx) {
    std::optional<int64_t> id = GroupId(tx, group);
    if (!id) return;
    found = true;
    tx.Exec("DELETE FROM logs_events WHERE group_id = ?", {*id});
    tx.Exec("DELETE FROM logs_streams WHERE group_id = ?", {*id});
    tx.Exec("DELETE FROM logs_groups WHERE id = ?", {*id});
  });
  return found;
}

CreateResult LogStore::CreateStream(std::string_view group, std::string_view stream) {
  CreateResult result = CreateResult::kCreated;
  store_.Write([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, group);
    if (!group_id) {
      result = CreateResult::kNoGroup;
    } else if (StreamId(tx, *group_id, stream)) {
      result = CreateResult::kAlreadyExists;
    } else {
      InsertStream(tx, *group_id, stream);
    }
  });
  return result;
}

bool LogStore::DeleteStream(std::string_view group, std::string_view stream) {
  bool found = false;
  store_.Write([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, group);
    if (!group_id) return;
    std::optional<int64_t> stream_id = StreamId(tx, *group_id, stream);
    if (!stream_id) return;
    found = true;
    auto bytes = tx.QueryOne("SELECT stored_bytes FROM logs_streams WHERE id = ?", {*stream_id});
    tx.Exec("DELETE FROM logs_events WHERE stream_id = ?", {*stream_id});
    tx.Exec("DELETE FROM logs_streams WHERE id = ?", {*stream_id});
    tx.Exec("UPDATE logs_groups SET stored_bytes = stored_bytes - ? WHERE id = ?",
            {bytes ? bytes->Int(0) : 0, *group_id});
  });
  return found;
}

std::optional<GroupInfo> LogStore::FindGroup(std::string_view group) {
  std::optional<GroupInfo> out;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT name, created_ms, stored_bytes FROM logs_groups WHERE name = ?",
                           {meta::Text(group)});
    if (row) out = GroupInfo{row->Text(0), row->Int(1), row->Int(2)};
  });
  return out;
}

std::optional<StreamInfo> LogStore::FindStream(std::string_view group, std::string_view stream) {
  std::optional<StreamInfo> out;
  store_.Read([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, group);
    if (!group_id) return;
    auto row = tx.QueryOne(std::string("SELECT ") + kStreamColumns +
                               " FROM logs_streams WHERE group_id = ? AND name = ?",
                           {*group_id, meta::Text(stream)});
    if (row) out = ReadStream(*row);
  });
  return out;
}

std::vector<GroupInfo> LogStore::Groups(std::string_view prefix, std::string_view contains,
                                        std::string_view after_name, size_t limit) {
  std::vector<GroupInfo> out;
  const std::string needle = base::ToLower(contains);
  store_.Read([&](meta::Transaction& tx) {
    tx.Each(
        "SELECT name, created_ms, stored_bytes FROM logs_groups "
        "WHERE name > ? AND substr(name, 1, ?) = ? ORDER BY name",
        {meta::Text(after_name), static_cast<int64_t>(prefix.size()), meta::Text(prefix)},
        [&](const meta::Row& row) {
          std::string name = row.Text(0);
          if (!needle.empty() && base::ToLower(name).find(needle) == std::string::npos)
            return true;
          out.push_back({std::move(name), row.Int(1), row.Int(2)});
          return out.size() < limit;
        });
  });
  return out;
}

std::vector<StreamInfo> LogStore::Streams(std::string_view group, std::string_view prefix,
                                          bool by_last_event, bool descending, size_t offset,
                                          size_t limit) {
  std::vector<StreamInfo> out;
  store_.Read([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, group);
    if (!group_id) return;
    const char* direction = descending ? " DESC" : " ASC";
    std::string order = by_last_event ? std::string("COALESCE(last_event_ms, created_ms)") +
                                            direction + ", name" + direction
                                      : std::string("name") + direction;
    std::string sql = std::string("SELECT ") + kStreamColumns +
                      " FROM logs_streams WHERE group_id = ? AND substr(name, 1, ?) = ? ORDER BY " +
                      order + " LIMIT ? OFFSET ?";
    for (const meta::Row& row :
         tx.Query(sql, {*group_id, static_cast<int64_t>(prefix.size()), meta::Text(prefix),
                        static_cast<int64_t>(limit), static_cast<int64_t>(offset)})) {
      out.push_back(ReadStream(row));
    }
  });
  return out;
}

void LogStore::Scan(const EventScan& scan, const std::function<bool(const StoredEvent&)>& visit) {
  store_.Read([&](meta::Transaction& tx) {
    std::optional<int64_t> group_id = GroupId(tx, scan.group);
    if (!group_id) return;
    std::string sql =
        "SELECT e.id, e.ts, e.ingestion_ms, e.message, s.name FROM logs_events e "
        "JOIN logs_streams s ON s.id = e.stream_id WHERE ";
    std::vector<meta::Value> params;
    if (scan.streams.size() == 1) {
      // One stream: walk its own index.
      std::optional<int64_t> stream_id = StreamId(tx, *group_id, scan.streams.front());
      if (!stream_id) return;
      sql += "e.stream_id = ?";
      params.push_back(*stream_id);
    } else {
      sql += "e.group_id = ?";
      params.push_back(*group_id);
      if (!scan.streams.empty()) {
        sql += " AND s.name IN (";
        for (size_t i = 0; i < scan.streams.size(); ++i) {
          sql += i == 0 ? "?" : ", ?";
          params.push_back(scan.streams[i]);
        }
        sql += ")";
      }
      if (!scan.stream_prefix.empty()) {
        sql += " AND substr(s.name, 1, ?) = ?";
        params.push_back(static_cast<int64_t>(scan.stream_prefix.size()));
        params.push_back(scan.stream_prefix);
      }
    }
    if (scan.start_ms) {
      sql += " AND e.ts >= ?";
      params.push_back(*scan.start_ms);
    }
    if (scan.end_ms) {
      sql += " AND e.ts < ?";
      params.push_back(*scan.end_ms);
    }
    if (scan.after) {
      sql += " AND (e.ts > ? OR (e.ts = ? AND e.id > ?))";
      params.insert(params.end(), {scan.after->timestamp_ms, scan.after->timestamp_ms,
                                   scan.after->id});
    }
    if (scan.before) {
      sql += " AND (e.ts < ? OR (e.ts = ? AND e.id < ?))";
      params.insert(params.end(), {scan.before->timestamp_ms, scan.before->timestamp_ms,
                                   scan.before->id});
    }
    sql += scan.descending ? " ORDER BY e.ts DESC, e.id DESC" : " ORDER BY e.ts, e.id";
    tx.Each(sql, params, [&](const meta::Row& row) {
      StoredEvent e;
      e.id = row.Int(0);
      e.timestamp_ms = row.Int(1);
      e.ingestion_ms = row.Int(2);
      e.message = row.Text(3);
      e.stream = row.Text(4);
      return visit(e);
    });
  });
}

}  // namespace logs
