// Glue crawlers: named definitions (S3 targets, target database, table prefix) kept in the
// metadata store, and crawls that run in the background. A crawl walks each S3 target, finds
// its datasets (the target itself, or each sub-folder when the target holds several), infers
// each dataset's format (Parquet by magic bytes, JSON Lines, delimited text with a header) and
// schema with the SQL engine's file description, detects Hive partition folders
// (`key=value/`), creates or updates the tables and adds missing partitions in the catalog,
// and records what changed (tables created, updated, partitions added) as the crawler's
// metrics and last crawl. Through the API a crawl acts as the crawler's role: it lists and
// reads with the role's s3 permissions and changes the catalog with its glue permissions.
//
//   glue::Crawlers crawlers(meta, catalog, fs);
//   crawlers.Create(create_crawler_input);
//   crawlers.Start("sales-crawler");            // returns at once; the crawl runs meanwhile
//   crawlers.Get("sales-crawler")               // State READY again when done
//
// Errors are GlueError (kEntityNotFound, kAlreadyExists, kCrawlerRunning,
// kCrawlerNotRunning, kInvalidInput). Thread-safe; destroying it stops running crawls and
// waits for them.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/json.h"
#include "engines/sql/catalog/file_system.h"
#include "platform/meta/store.h"
#include "services/glue/catalog.h"
#include "services/glue/data_access_authorizer.h"

namespace glue {

// What one crawl changed.
struct CrawlSummary {
  int tables_created = 0;
  int tables_updated = 0;
  int partitions_added = 0;
  std::vector<std::string> log;  // one line per finding
};

// Crawls the S3 target `path` (s3://bucket/prefix/) into `database`; tables are named
// `prefix` + the dataset folder's name. Each catalog change is first checked against `access`
// (the crawler's role): glue:CreateTable, glue:UpdateTable, glue:BatchCreatePartition. Throws
// GlueError/sql::Error on failure.
CrawlSummary CrawlS3Path(Catalog& catalog, sql::FileSystem& fs, const std::string& path,
                         const std::string& database, const std::string& prefix,
                         const std::string& crawler_name, const std::atomic<bool>& stop,
                         const DataAccess& access = {});

class Crawlers {
 public:
  Crawlers(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs);
  ~Crawlers();
  Crawlers(const Crawlers&) = delete;
  Crawlers& operator=(const Crawlers&) = delete;

  // CreateCrawler's input; the Crawler document is built from it.
  void Create(const base::Json& input);
  std::optional<base::Json> Get(const std::string& name) const;
  std::vector<base::Json> List() const;
  // UpdateCrawler's input (members given replace the current ones).
  void Update(const base::Json& input);
  void Delete(const std::string& name);
  // Starts a crawl that lists, reads and changes the catalog through `access` (the crawler's
  // role; unchecked by default).
  void Start(const std::string& name, DataAccess access = {});
  void Stop(const std::string& name);
  // CrawlerMetrics documents (TablesCreated, TablesUpdated, LastRuntimeSeconds, ...).
  base::Json Metrics(const std::string& name) const;

 private:
  void Crawl(std::string name, std::shared_ptr<std::atomic<bool>> stop, DataAccess access);
  void Save(const base::Json& doc);

  meta::Store& meta_;
  Catalog& catalog_;
  std::shared_ptr<sql::FileSystem> fs_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<std::atomic<bool>>> running_;
  std::vector<std::thread> threads_;
};

}  // namespace glue
