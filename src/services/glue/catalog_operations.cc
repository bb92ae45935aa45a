// The Data Catalog operations of the Glue API: databases, tables and their versions,
// partitions (single and batch).
#include "base/crypto.h"
#include "services/glue/catalog.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_error.h"
#include "services/glue/glue_operations.h"

namespace glue {
namespace {

using base::Json;

constexpr size_t kMaxBatch = 100;

// The caller's account is the only catalog; another CatalogId names nothing.
void CheckCatalog(const aws::RequestContext& ctx, const Json& in) {
  std::string id = Optional(in, "CatalogId");
  if (!id.empty() && id != ctx.account_id()) {
    throw EntityNotFound("Catalog " + id + " not found.");
  }
}

Json Object(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_object()) throw InvalidInput(std::string(name) + " is required.");
  return *it;
}

Json ErrorDetail(const GlueError& e) {
  return {{"ErrorCode", std::string(e.code())}, {"ErrorMessage", e.what()}};
}

std::vector<std::string> ValuesOf(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_array()) throw InvalidInput(std::string(name) + " is required.");
  std::vector<std::string> values;
  for (const Json& v : *it) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  return values;
}

void CheckBatch(const Json& list, const char* name) {
  if (!list.is_array()) throw InvalidInput(std::string(name) + " is required.");
  if (list.size() > kMaxBatch) {
    throw InvalidInput(std::string(name) + " may hold at most 100 entries.");
  }
}

void RegisterDatabases(Catalog& catalog, aws::Service& svc) {
  auto catalog_arn = [](const aws::RequestContext& ctx, const Json&) {
    return ctx.Arn("glue", "catalog");
  };
  Register(svc, "CreateDatabase", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.CreateDatabase(Object(in, "DatabaseInput"));
    return Json::object();
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    return DatabaseArn(ctx, in.value("DatabaseInput", Json::object()), "Name");
  });
  Register(svc, "GetDatabase", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string name = Required(in, "Name");
    std::optional<Json> db = catalog.GetDatabase(name);
    if (!db) throw EntityNotFound("Database " + NormalizeName(name) + " not found.");
    return Json{{"Database", *db}};
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    return DatabaseArn(ctx, in, "Name");
  });
  Register(svc, "GetDatabases", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string token = Optional(in, "NextToken");
    std::optional<std::string> after = token.empty() ? std::string() : base::Base64Decode(token);
    if (!after) throw InvalidInput("Invalid NextToken.");
    JsonPage page = catalog.ListDatabases(*after, MaxResults(in, 100, 100));
    Json out = {{"DatabaseList", page.items}};
    if (!page.next_token.empty()) out["NextToken"] = base::Base64Encode(page.next_token);
    return out;
  }).Resource(catalog_arn);
  Register(svc, "UpdateDatabase", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.UpdateDatabase(Required(in, "Name"), Object(in, "DatabaseInput"));
    return Json::object();
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    return DatabaseArn(ctx, in, "Name");
  });
  Register(svc, "DeleteDatabase", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.DeleteDatabase(Required(in, "Name"));
    return Json::object();
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    return DatabaseArn(ctx, in, "Name");
  });
}

void RegisterTables(Catalog& catalog, aws::Service& svc) {
  auto table_arn = [](const char* member) {
    return [member](const aws::RequestContext& ctx, const Json& in) {
      return TableArn(ctx, in, member);
    };
  };
  Register(svc, "CreateTable", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.CreateTable(Required(in, "DatabaseName"), Object(in, "TableInput"));
    return Json::object();
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    Json names = {{"DatabaseName", Optional(in, "DatabaseName")},
                  {"Name", in.value("TableInput", Json::object()).value("Name", "")}};
    return TableArn(ctx, names, "Name");
  });
  Register(svc, "GetTable", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    std::string name = Required(in, "Name");
    if (!catalog.GetDatabase(db))
      throw EntityNotFound("Database " + NormalizeName(db) + " not found.");
    std::optional<Json> table = catalog.GetTable(db, name);
    if (!table) throw EntityNotFound("Table " + NormalizeName(name) + " not found.");
    return Json{{"Table", *table}};
  }).Resource(table_arn("Name"));
  Register(svc, "GetTables", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string token = Optional(in, "NextToken");
    std::optional<std::string> after = token.empty() ? std::string() : base::Base64Decode(token);
    if (!after) throw InvalidInput("Invalid NextToken.");
    JsonPage page = catalog.ListTables(Required(in, "DatabaseName"), Optional(in, "Expression"),
                                       *after, MaxResults(in, 100, 100));
    Json out = {{"TableList", page.items}};
    if (!page.next_token.empty()) out["NextToken"] = base::Base64Encode(page.next_token);
    return out;
  }).Resource([](const aws::RequestContext& ctx, const Json& in) { return DatabaseArn(ctx, in); });
  Register(svc, "UpdateTable", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::optional<std::string> version;
    if (in.contains("VersionId")) version = Optional(in, "VersionId");
    catalog.UpdateTable(Required(in, "DatabaseName"), Object(in, "TableInput"),
                        OptionalBool(in, "SkipArchive"), version);
    return Json::object();
  }).Resource([](const aws::RequestContext& ctx, const Json& in) {
    Json names = {{"DatabaseName", Optional(in, "DatabaseName")},
                  {"Name", in.value("TableInput", Json::object()).value("Name", "")}};
    return TableArn(ctx, names, "Name");
  });
  Register(svc, "DeleteTable", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.DeleteTable(Required(in, "DatabaseName"), Required(in, "Name"));
    return Json::object();
  }).Resource(table_arn("Name"));
  Register(svc, "BatchDeleteTable", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    Json list = in.value("TablesToDelete", Json());
    CheckBatch(list, "TablesToDelete");
    Json errors = Json::array();
    for (const Json& name : list) {
      std::string table = name.is_string() ? name.get<std::string>() : "";
      try {
        catalog.DeleteTable(db, table);
      } catch (const GlueError& e) {
        errors.push_back({{"TableName", table}, {"ErrorDetail", ErrorDetail(e)}});
      }
    }
    return Json{{"Errors", errors}};
  }).Resource([](const aws::RequestContext& ctx, const Json& in) { return DatabaseArn(ctx, in); });
  Register(svc, "GetTableVersions", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::vector<Json> versions =
        catalog.GetTableVersions(Required(in, "DatabaseName"), Required(in, "TableName"));
    Json out = Json::object();
    out["TableVersions"] = PageOf(versions, in, MaxResults(in, 100, 100), out);
    return out;
  }).Resource(table_arn("TableName"));
  Register(svc, "GetTableVersion", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string version = Optional(in, "VersionId");
    std::vector<Json> versions =
        catalog.GetTableVersions(Required(in, "DatabaseName"), Required(in, "TableName"));
    for (const Json& v : versions) {
      if (version.empty() || v["VersionId"] == version) return Json{{"TableVersion", v}};
    }
    throw EntityNotFound("Version " + version + " not found.");
  }).Resource(table_arn("TableName"));
  Register(svc, "DeleteTableVersion", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.DeleteTableVersion(Required(in, "DatabaseName"), Required(in, "TableName"),
                               Required(in, "VersionId"));
    return Json::object();
  }).Resource(table_arn("TableName"));
  Register(svc, "BatchDeleteTableVersion", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    std::string table = Required(in, "TableName");
    Json errors = Json::array();
    for (const std::string& version : StringList(in, "VersionIds")) {
      try {
        catalog.DeleteTableVersion(db, table, version);
      } catch (const GlueError& e) {
        errors.push_back(
            {{"TableName", table}, {"VersionId", version}, {"ErrorDetail", ErrorDetail(e)}});
      }
    }
    return Json{{"Errors", errors}};
  }).Resource(table_arn("TableName"));
}

void RegisterPartitions(Catalog& catalog, aws::Service& svc) {
  auto table_arn = [](const aws::RequestContext& ctx, const Json& in) {
    return TableArn(ctx, in, "TableName");
  };
  Register(svc, "CreatePartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.CreatePartition(Required(in, "DatabaseName"), Required(in, "TableName"),
                            Object(in, "PartitionInput"));
    return Json::object();
  }).Resource(table_arn);
  Register(svc, "BatchCreatePartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    std::string table = Required(in, "TableName");
    Json list = in.value("PartitionInputList", Json());
    CheckBatch(list, "PartitionInputList");
    Json errors = Json::array();
    for (const Json& p : list) {
      try {
        catalog.CreatePartition(db, table, p);
      } catch (const GlueError& e) {
        errors.push_back({{"PartitionValues", p.value("Values", Json::array())},
                          {"ErrorDetail", ErrorDetail(e)}});
      }
    }
    return Json{{"Errors", errors}};
  }).Resource(table_arn);
  Register(svc, "GetPartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::optional<Json> p = catalog.GetPartition(
        Required(in, "DatabaseName"), Required(in, "TableName"), ValuesOf(in, "PartitionValues"));
    if (!p) throw EntityNotFound("Partition not found.");
    return Json{{"Partition", *p}};
  }).Resource(table_arn);
  Register(svc, "GetPartitions", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    PartitionQuery q;
    q.expression = Optional(in, "Expression");
    q.next_token = Optional(in, "NextToken");
    q.max_results = MaxResults(in, 1000, 1000);
    if (auto seg = in.find("Segment"); seg != in.end() && seg->is_object()) {
      q.segment_number = static_cast<int>(seg->value("SegmentNumber", 0));
      q.total_segments = static_cast<int>(seg->value("TotalSegments", 1));
    }
    JsonPage page =
        catalog.GetPartitions(Required(in, "DatabaseName"), Required(in, "TableName"), q);
    if (OptionalBool(in, "ExcludeColumnSchema")) {
      for (Json& p : page.items) {
        if (p.contains("StorageDescriptor")) p["StorageDescriptor"].erase("Columns");
      }
    }
    Json out = {{"Partitions", page.items}};
    if (!page.next_token.empty()) out["NextToken"] = page.next_token;
    return out;
  }).Resource(table_arn);
  Register(svc, "BatchGetPartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    std::string table = Required(in, "TableName");
    Json list = in.value("PartitionsToGet", Json());
    CheckBatch(list, "PartitionsToGet");
    Json found = Json::array();
    for (const Json& key : list) {
      if (std::optional<Json> p = catalog.GetPartition(db, table, ValuesOf(key, "Values"))) {
        found.push_back(*p);
      }
    }
    return Json{{"Partitions", found}, {"UnprocessedKeys", Json::array()}};
  }).Resource(table_arn);
  Register(svc, "UpdatePartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.UpdatePartition(Required(in, "DatabaseName"), Required(in, "TableName"),
                            ValuesOf(in, "PartitionValueList"), Object(in, "PartitionInput"));
    return Json::object();
  }).Resource(table_arn);
  Register(svc, "DeletePartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    catalog.DeletePartition(Required(in, "DatabaseName"), Required(in, "TableName"),
                            ValuesOf(in, "PartitionValues"));
    return Json::object();
  }).Resource(table_arn);
  Register(svc, "BatchDeletePartition", [&](aws::RequestContext& ctx, const Json& in) {
    CheckCatalog(ctx, in);
    std::string db = Required(in, "DatabaseName");
    std::string table = Required(in, "TableName");
    Json list = in.value("PartitionsToDelete", Json());
    CheckBatch(list, "PartitionsToDelete");
    Json errors = Json::array();
    for (const Json& key : list) {
      try {
        catalog.DeletePartition(db, table, ValuesOf(key, "Values"));
      } catch (const GlueError& e) {
        errors.push_back({{"PartitionValues", key.value("Values", Json::array())},
                          {"ErrorDetail", ErrorDetail(e)}});
      }
    }
    return Json{{"Errors", errors}};
  }).Resource(table_arn);
}

}  // namespace

void RegisterCatalogOperations(Catalog& catalog, aws::Service& svc) {
  RegisterDatabases(catalog, svc);
  RegisterTables(catalog, svc);
  RegisterPartitions(catalog, svc);
}

}  // namespace glue
