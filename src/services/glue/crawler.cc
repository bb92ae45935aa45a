#include "services/glue/crawler.h"

#include <chrono>
#include <set>

#include "base/strings.h"
#include "base/time.h"
#include "engines/sql/common/error.h"
#include "engines/sql/main/table_functions.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_error.h"
#include "services/glue/table_format.h"
#include "services/glue/table_source.h"

namespace glue {

using base::Json;

namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE glue_crawlers (
  name TEXT PRIMARY KEY,
  doc TEXT NOT NULL);
)sql"},
};

bool Hidden(std::string_view relative) {
  for (const std::string& part : base::Split(relative, '/')) {
    if (!part.empty() && (part[0] == '_' || part[0] == '.')) return true;
  }
  return false;
}

bool IsPartitionFolder(std::string_view component) {
  size_t eq = component.find('=');
  return eq != std::string_view::npos && eq > 0;
}

// A table name from a folder name: lower-case, anything but letters, digits and '_' as '_'.
std::string TableName(std::string_view folder) {
  std::string out;
  for (char c : base::ToLower(folder)) {
    bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '_' ||
                static_cast<unsigned char>(c) >= 0x80;
    out += keep ? c : '_';
  }
  return out;
}

std::string LastComponent(const std::string& location) {
  std::string trimmed = location;
  while (!trimmed.empty() && trimmed.back() == '/') trimmed.pop_back();
  return trimmed.substr(trimmed.rfind('/') + 1);
}

std::string Head(sql::FileSystem& fs, const std::string& path, size_t n) {
  std::unique_ptr<sql::RandomAccessFile> f = fs.Open(path);
  std::string bytes(std::min<uint64_t>(n, f->Size()), '\0');
  bytes.resize(f->ReadAt(0, bytes.size(), bytes.data()));
  return bytes;
}

// The format of a dataset from its first file: Parquet by magic, JSON Lines by a leading '{',
// otherwise delimited text whose delimiter is the commonest of ',', '\t', '|' in the first line.
StorageFormat DetectFormat(sql::FileSystem& fs, const std::string& path) {
  std::string head = Head(fs, path, 4096);
  StorageFormat f;
  if (head.starts_with("PAR1")) {
    f.format = sql::FileFormat::kParquet;
    f.compression = "SNAPPY";
    return f;
  }
  size_t first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '{') {
    f.format = sql::FileFormat::kJson;
    return f;
  }
  f.format = sql::FileFormat::kCsv;
  std::string line = head.substr(0, head.find('\n'));
  char best = ',';
  size_t best_count = 0;
  for (char d : {',', '\t', '|'}) {
    size_t n = static_cast<size_t>(std::count(line.begin(), line.end(), d));
    if (n > best_count) best = d, best_count = n;
  }
  f.csv.delimiter = best;
  f.csv.quote = 0;
  f.csv.escape = 0;
  f.csv.null_marker = "\\N";
  return f;
}

}  // namespace

CrawlSummary CrawlS3Path(Catalog& catalog, sql::FileSystem& fs, const std::string& path,
                         const std::string& database, const std::string& prefix,
                         const std::string& crawler_name, const std::atomic<bool>& stop,
                         const DataAccess& access) {
  CrawlSummary summary;
  std::string root = path;
  if (!root.empty() && root.back() != '/') root += '/';
  // Datasets: the root when its files sit in it or under partition folders, else each
  // sub-folder of it.
  std::map<std::string, std::vector<sql::FileEntry>> datasets;
  for (const sql::FileEntry& f : fs.Glob(root)) {
    if (!f.path.starts_with(root) || f.size == 0) continue;
    std::string relative = f.path.substr(root.size());
    if (Hidden(relative)) continue;
    std::vector<std::string> parts = base::Split(relative, '/');
    bool at_root = parts.size() == 1 || IsPartitionFolder(parts[0]);
    datasets[at_root ? root : root + parts[0] + "/"].push_back(f);
  }
  if (datasets.contains(root) && datasets.size() > 1) {
    summary.log.push_back("Files directly under " + root + " are left out: it holds folders of " +
                          "datasets as well");
    datasets.erase(root);
  }
  for (auto& [location, files] : datasets) {
    if (stop.load()) break;
    StorageFormat format = DetectFormat(fs, files.front().path);
    bool header = format.format == sql::FileFormat::kCsv;
    std::shared_ptr<sql::TableDefinition> def =
        sql::DescribeFiles(fs, location, format.format, format.csv, header);
    std::vector<sql::ColumnDef> keys = def->partition_keys;
    for (sql::ColumnDef& k : keys) k.type = sql::Type::Varchar();
    std::string name = TableName(prefix + LastComponent(location));
    Json input = MakeTableInput(format, def->columns, keys, location, header);
    input["Name"] = name;
    uint64_t bytes = 0;
    for (const sql::FileEntry& f : files) bytes += f.size;
    input["Parameters"]["UPDATED_BY_CRAWLER"] = crawler_name;
    input["Parameters"]["CrawlerSchemaSerializerVersion"] = "1.0";
    input["Parameters"]["CrawlerSchemaDeserializerVersion"] = "1.0";
    input["Parameters"]["objectCount"] = std::to_string(files.size());
    input["Parameters"]["sizeKey"] = std::to_string(bytes);
    input["Parameters"]["typeOfData"] = "file";
    std::optional<Json> existing = catalog.GetTable(database, name);
    if (!existing) {
      access.CheckChange("glue:CreateTable", database, name);
      catalog.CreateTable(database, input);
      summary.tables_created++;
      summary.log.push_back("Created table " + name + " in database " + database);
    } else if ((*existing)["StorageDescriptor"].value("Columns", Json::array()) !=
                   input["StorageDescriptor"]["Columns"] ||
               existing->value("PartitionKeys", Json::array()) != input["PartitionKeys"]) {
      access.CheckChange("glue:UpdateTable", database, name);
      catalog.UpdateTable(database, input, false);
      summary.tables_updated++;
      summary.log.push_back("Updated table " + name + " in database " + database);
    }
    if (keys.empty()) continue;
    std::optional<Json> table = catalog.GetTable(database, name);
    std::set<std::vector<std::string>> seen;
    for (const sql::DataFile& f : def->files) {
      std::vector<std::string> values = f.partition_values;
      for (std::string& v : values) {
        if (v.empty()) v = "__HIVE_DEFAULT_PARTITION__";
      }
      if (!seen.insert(values).second || catalog.GetPartition(database, name, values)) continue;
      Json sd = (*table)["StorageDescriptor"];
      sd["Location"] = f.path.substr(0, f.path.rfind('/') + 1);
      access.CheckChange("glue:BatchCreatePartition", database, name);
      catalog.CreatePartition(database, name, {{"Values", values}, {"StorageDescriptor", sd}});
      summary.partitions_added++;
    }
    if (summary.partitions_added > 0) {
      summary.log.push_back("Added " + std::to_string(summary.partitions_added) +
                            " partitions to table " + name);
    }
  }
  return summary;
}

Crawlers::Crawlers(meta::Store& meta, Catalog& catalog, std::shared_ptr<sql::FileSystem> fs)
    : meta_(meta), catalog_(catalog), fs_(std::move(fs)) {
  meta_.Migrate("glue_crawlers", kMigrations);
  // A crawl that was running when the server stopped did not finish.
  meta_.Write([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_crawlers")) {
      Json doc = base::ParseJson(row.Text(0));
      if (doc.value("State", "READY") == "READY") continue;
      doc["State"] = "READY";
      doc["LastCrawl"]["Status"] = "FAILED";
      doc["LastCrawl"]["ErrorMessage"] = "The crawl was interrupted by a server restart";
      tx.Exec("UPDATE glue_crawlers SET doc = ? WHERE name = ?",
              {doc.dump(), doc["Name"].get<std::string>()});
    }
  });
}

Crawlers::~Crawlers() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    for (auto& [name, stop] : running_) stop->store(true);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void Crawlers::Save(const Json& doc) {
  meta_.Write([&](meta::Transaction& tx) {
    tx.Exec("UPDATE glue_crawlers SET doc = ? WHERE name = ?",
            {doc.dump(), doc["Name"].get<std::string>()});
  });
}

void Crawlers::Create(const Json& input) {
  std::string name = input.value("Name", "");
  if (name.empty()) throw GlueError(ErrorKind::kInvalidInput, "Name is required.");
  Json targets = input.value("Targets", Json::object());
  Json doc = {
      {"Name", name},
      {"Role", input.value("Role", "")},
      {"Targets", targets},
      {"DatabaseName", NormalizeName(input.value("DatabaseName", ""))},
      {"Description", input.value("Description", "")},
      {"Classifiers", input.value("Classifiers", Json::array())},
      {"TablePrefix", input.value("TablePrefix", "")},
      {"SchemaChangePolicy",
       input.value("SchemaChangePolicy", Json{{"UpdateBehavior", "UPDATE_IN_DATABASE"},
                                              {"DeleteBehavior", "DEPRECATE_IN_DATABASE"}})},
      {"RecrawlPolicy",
       input.value("RecrawlPolicy", Json{{"RecrawlBehavior", "CRAWL_EVERYTHING"}})},
      {"State", "READY"},
      {"CrawlElapsedTime", 0},
      {"CreationTime", NowSeconds()},
      {"LastUpdated", NowSeconds()},
      {"Version", 1},
      {"Metrics",
       {{"TablesCreated", 0},
        {"TablesUpdated", 0},
        {"TablesDeleted", 0},
        {"LastRuntimeSeconds", 0.0},
        {"MedianRuntimeSeconds", 0.0},
        {"TimeLeftSeconds", 0.0},
        {"StillEstimating", false}}}};
  if (input.contains("Schedule")) {
    doc["Schedule"] = {{"ScheduleExpression", input["Schedule"]}, {"State", "SCHEDULED"}};
  }
  if (targets.value("S3Targets", Json::array()).empty()) {
    throw GlueError(ErrorKind::kInvalidInput, "Crawlers need at least one S3 target.");
  }
  if (!catalog_.GetDatabase(doc["DatabaseName"].get<std::string>())) {
    throw GlueError(ErrorKind::kEntityNotFound,
                    "Database " + doc["DatabaseName"].get<std::string>() + " not found.");
  }
  meta_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM glue_crawlers WHERE name = ?", {name})) {
      throw GlueError(ErrorKind::kAlreadyExists, "Crawler with name " + name + " already exists.");
    }
    tx.Exec("INSERT INTO glue_crawlers (name, doc) VALUES (?, ?)", {name, doc.dump()});
  });
}

std::optional<Json> Crawlers::Get(const std::string& name) const {
  std::optional<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name})) {
      out = base::ParseJson(row->Text(0));
      out->erase("Metrics");
    }
  });
  return out;
}

std::vector<Json> Crawlers::List() const {
  std::vector<Json> out;
  meta_.Read([&](meta::Transaction& tx) {
    for (const auto& row : tx.Query("SELECT doc FROM glue_crawlers ORDER BY name")) {
      Json doc = base::ParseJson(row.Text(0));
      doc.erase("Metrics");
      out.push_back(std::move(doc));
    }
  });
  return out;
}

void Crawlers::Update(const Json& input) {
  std::string name = input.value("Name", "");
  std::lock_guard lock(mu_);
  if (running_.contains(name)) {
    throw GlueError(ErrorKind::kCrawlerRunning, "Crawler " + name + " is running.");
  }
  meta_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name});
    if (!row) throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
    Json doc = base::ParseJson(row->Text(0));
    for (const char* member : {"Role", "Targets", "Description", "Classifiers", "TablePrefix",
                               "SchemaChangePolicy", "RecrawlPolicy"}) {
      if (input.contains(member)) doc[member] = input[member];
    }
    if (input.contains("DatabaseName")) {
      doc["DatabaseName"] = NormalizeName(input["DatabaseName"].get<std::string>());
    }
    doc["LastUpdated"] = NowSeconds();
    doc["Version"] = doc.value("Version", 1) + 1;
    tx.Exec("UPDATE glue_crawlers SET doc = ? WHERE name = ?", {doc.dump(), name});
  });
}

void Crawlers::Delete(const std::string& name) {
  std::lock_guard lock(mu_);
  if (running_.contains(name)) {
    throw GlueError(ErrorKind::kCrawlerRunning, "Crawler " + name + " is running.");
  }
  meta_.Write([&](meta::Transaction& tx) {
    if (tx.Exec("DELETE FROM glue_crawlers WHERE name = ?", {name}) == 0) {
      throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
    }
  });
}

void Crawlers::Start(const std::string& name, DataAccess access) {
  std::lock_guard lock(mu_);
  if (running_.contains(name)) {
    throw GlueError(ErrorKind::kCrawlerRunning,
                    "Crawler with name " + name + " has already started");
  }
  std::optional<Json> doc;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name})) {
      doc = base::ParseJson(row->Text(0));
    }
  });
  if (!doc) throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
  (*doc)["State"] = "RUNNING";
  Save(*doc);
  auto stop = std::make_shared<std::atomic<bool>>(false);
  running_[name] = stop;
  threads_.emplace_back(
      [this, name, stop, access = std::move(access)] { Crawl(name, stop, access); });
}

void Crawlers::Stop(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = running_.find(name);
  if (it == running_.end()) {
    if (!Get(name)) throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
    throw GlueError(ErrorKind::kCrawlerNotRunning, "Crawler " + name + " is not running.");
  }
  it->second->store(true);
  meta_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name});
    if (!row) return;
    Json doc = base::ParseJson(row->Text(0));
    doc["State"] = "STOPPING";
    tx.Exec("UPDATE glue_crawlers SET doc = ? WHERE name = ?", {doc.dump(), name});
  });
}

Json Crawlers::Metrics(const std::string& name) const {
  Json out;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name})) {
      Json doc = base::ParseJson(row->Text(0));
      out = doc.value("Metrics", Json::object());
      out["CrawlerName"] = name;
    }
  });
  if (out.is_null()) throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
  return out;
}

void Crawlers::Crawl(std::string name, std::shared_ptr<std::atomic<bool>> stop, DataAccess access) {
  auto started = std::chrono::steady_clock::now();
  double start_time = NowSeconds();
  std::optional<Json> doc;
  meta_.Read([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name})) {
      doc = base::ParseJson(row->Text(0));
    }
  });
  CrawlSummary total;
  std::string status = "SUCCEEDED";
  std::string error;
  try {
    if (!doc) throw GlueError(ErrorKind::kEntityNotFound, "Crawler " + name + " not found.");
    std::shared_ptr<sql::FileSystem> fs = access.Wrap(fs_);
    for (const Json& target : (*doc)["Targets"].value("S3Targets", Json::array())) {
      CrawlSummary s = CrawlS3Path(catalog_, *fs, target.value("Path", ""),
                                   (*doc)["DatabaseName"].get<std::string>(),
                                   doc->value("TablePrefix", ""), name, *stop, access);
      total.tables_created += s.tables_created;
      total.tables_updated += s.tables_updated;
      total.partitions_added += s.partitions_added;
      total.log.insert(total.log.end(), s.log.begin(), s.log.end());
    }
    if (stop->load()) status = "CANCELLED";
  } catch (const std::exception& e) {
    status = "FAILED";
    error = e.what();
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard lock(mu_);
  running_.erase(name);
  meta_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM glue_crawlers WHERE name = ?", {name});
    if (!row) return;  // deleted meanwhile
    Json d = base::ParseJson(row->Text(0));
    d["State"] = "READY";
    d["CrawlElapsedTime"] = static_cast<int64_t>(seconds * 1000);
    d["LastCrawl"] = {{"Status", status},
                      {"LogGroup", "/aws-glue/crawlers"},
                      {"LogStream", name},
                      {"MessagePrefix", base::Join(total.log, "\n")},
                      {"StartTime", start_time}};
    if (!error.empty()) d["LastCrawl"]["ErrorMessage"] = error;
    Json& m = d["Metrics"];
    m["TablesCreated"] = total.tables_created;
    m["TablesUpdated"] = total.tables_updated;
    m["TablesDeleted"] = 0;
    m["LastRuntimeSeconds"] = seconds;
    m["MedianRuntimeSeconds"] = seconds;
    tx.Exec("UPDATE glue_crawlers SET doc = ? WHERE name = ?", {d.dump(), name});
  });
}

}  // namespace glue
