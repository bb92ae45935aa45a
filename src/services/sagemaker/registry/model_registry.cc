#include "services/sagemaker/registry/model_registry.h"

#include <algorithm>

#include "base/strings.h"
#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE sagemaker_model_package_groups (
  name_key TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  next_version INTEGER NOT NULL,
  doc TEXT NOT NULL);
CREATE TABLE sagemaker_model_packages (
  arn TEXT PRIMARY KEY,
  name_key TEXT NOT NULL,
  group_key TEXT,
  version INTEGER,
  created_ms INTEGER NOT NULL,
  doc TEXT NOT NULL);
CREATE INDEX sagemaker_model_packages_by_group ON sagemaker_model_packages(group_key, version);
CREATE TABLE sagemaker_models (
  name_key TEXT PRIMARY KEY,
  arn TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  doc TEXT NOT NULL);
)sql"},
};

// The members of CreateModelPackage that DescribeModelPackage returns as given.
constexpr const char* kPackageMembers[] = {
    "ModelPackageDescription",   "InferenceSpecification",  "ValidationSpecification",
    "SourceAlgorithmSpecification", "CertifyForMarketplace", "MetadataProperties",
    "ModelMetrics",              "Domain",                  "Task",
    "SamplePayloadUrl",          "CustomerMetadataProperties", "DriftCheckBaselines",
    "AdditionalInferenceSpecifications", "SkipModelValidation", "SourceUri",
    "SecurityConfig",            "ModelCard",               "ModelLifeCycle",
    "ModelPackageRegistrationType"};

constexpr const char* kModelMembers[] = {"PrimaryContainer", "Containers",
                                         "InferenceExecutionConfig", "ExecutionRoleArn",
                                         "VpcConfig", "EnableNetworkIsolation"};

// The name in a "name or ARN" member: the part after "<type>/" of an ARN.
std::string NameFrom(const std::string& name_or_arn, std::string_view type) {
  if (!name_or_arn.starts_with("arn:")) return name_or_arn;
  std::string marker = ":" + std::string(type) + "/";
  size_t at = name_or_arn.find(marker);
  if (at == std::string::npos) throw ValidationError("Invalid ARN: " + name_or_arn);
  return name_or_arn.substr(at + marker.size());
}

Json UserContext(const aws::RequestContext& ctx) {
  const aws::Principal& p = ctx.principal();
  return {{"IamIdentity", {{"Arn", p.arn}, {"PrincipalId", p.user_id}}}};
}

// Sorts summaries by SortBy (`name_member` or CreationTime) and SortOrder.
void SortSummaries(std::vector<Json>& items, const Json& in, const char* name_member,
                   bool default_descending) {
  bool by_name = Str(in, "SortBy") == "Name";
  std::string order = Str(in, "SortOrder");
  bool descending = order.empty() ? default_descending : order == "Descending";
  std::stable_sort(items.begin(), items.end(), [&](const Json& a, const Json& b) {
    if (by_name) {
      auto ka = std::make_pair(a.value(name_member, ""), a.value("ModelPackageVersion", 0));
      auto kb = std::make_pair(b.value(name_member, ""), b.value("ModelPackageVersion", 0));
      return descending ? kb < ka : ka < kb;
    }
    double ta = a.value("CreationTime", 0.0), tb = b.value("CreationTime", 0.0);
    return descending ? tb < ta : ta < tb;
  });
}

// Whether a summary passes the NameContains and CreationTime filters of a List request.
bool PassesFilters(const Json& in, const std::string& name, double created) {
  std::string contains = base::ToLower(Str(in, "NameContains"));
  if (!contains.empty() && base::ToLower(name).find(contains) == std::string::npos) return false;
  auto after = in.find("CreationTimeAfter");
  if (after != in.end() && after->is_number() && created <= after->get<double>()) return false;
  auto before = in.find("CreationTimeBefore");
  if (before != in.end() && before->is_number() && created >= before->get<double>()) return false;
  return true;
}

void CheckContainer(const Json& c) {
  if (!c.is_object()) return;
  if (Str(c, "Image").empty() && Str(c, "ModelPackageName").empty()) {
    throw ValidationError("A container must specify an Image or a ModelPackageName.");
  }
  std::string data = Str(c, "ModelDataUrl");
  if (!data.empty() && !ParseS3Uri(data)) {
    throw ValidationError("ModelDataUrl must be an S3 URI (s3://bucket/key): " + data);
  }
}

}  // namespace

ModelRegistry::ModelRegistry(meta::Store& store, TagStore& tags) : store_(store), tags_(tags) {
  store_.Migrate("sagemaker-registry", kMigrations);
  auto exists_in = [this](const char* table, const char* column) {
    return [this, table, column](const std::string& arn) {
      bool found = false;
      store_.Read([&](meta::Transaction& tx) {
        found = tx.QueryOne(std::string("SELECT 1 FROM ") + table + " WHERE " + column + " = ?",
                            {base::ToLower(arn)})
                    .has_value();
      });
      return found;
    };
  };
  tags_.RegisterResourceType("model-package-group",
                             exists_in("sagemaker_model_package_groups", "arn"));
  tags_.RegisterResourceType("model-package", exists_in("sagemaker_model_packages", "arn"));
  tags_.RegisterResourceType("model", exists_in("sagemaker_models", "arn"));
}

Json ModelRegistry::CreateModelPackageGroup(const aws::RequestContext& ctx, const Json& in) {
  std::string name = Str(in, "ModelPackageGroupName");
  std::string arn = SageMakerArn(ctx.region(), ctx.account_id(), "model-package-group", name);
  int64_t now = NowMs();
  Json doc = {{"ModelPackageGroupName", name},
              {"ModelPackageGroupArn", arn},
              {"CreationTime", EpochSeconds(now)},
              {"CreatedBy", UserContext(ctx)},
              {"ModelPackageGroupStatus", "Completed"}};
  if (in.contains("ModelPackageGroupDescription"))
    doc["ModelPackageGroupDescription"] = in["ModelPackageGroupDescription"];
  store_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM sagemaker_model_package_groups WHERE name_key = ?",
                    {NameKey(name)})) {
      throw ValidationError("Model Package Group already exists: " + arn);
    }
    tx.Exec(
        "INSERT INTO sagemaker_model_package_groups (name_key, arn, created_ms, next_version, doc) "
        "VALUES (?, ?, ?, 1, ?)",
        {NameKey(name), arn, now, doc.dump()});
  });
  tags_.Set(arn, Arr(in, "Tags"));
  return {{"ModelPackageGroupArn", arn}};
}

Json ModelRegistry::DescribeModelPackageGroup(const Json& in) {
  std::string name = NameFrom(Str(in, "ModelPackageGroupName"), "model-package-group");
  std::optional<Json> doc;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM sagemaker_model_package_groups WHERE name_key = ?",
                           {NameKey(name)});
    if (row) doc = base::ParseJson(row->Text(0));
  });
  if (!doc) throw ValidationError("ModelPackageGroup " + name + " does not exist.");
  return *doc;
}

Json ModelRegistry::ListModelPackageGroups(const Json& in) {
  std::vector<Json> items;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row : tx.Query("SELECT doc FROM sagemaker_model_package_groups")) {
      Json doc = base::ParseJson(row.Text(0));
      if (!PassesFilters(in, doc["ModelPackageGroupName"], doc["CreationTime"])) continue;
      Json summary = Json::object();
      for (const char* m : {"ModelPackageGroupName", "ModelPackageGroupArn",
                            "ModelPackageGroupDescription", "CreationTime",
                            "ModelPackageGroupStatus"}) {
        if (doc.contains(m)) summary[m] = doc[m];
      }
      items.push_back(std::move(summary));
    }
  });
  SortSummaries(items, in, "ModelPackageGroupName", false);
  Json out = Json::object();
  WritePage(ReadPage(in, 10), std::move(items), "ModelPackageGroupSummaryList", out);
  return out;
}

Json ModelRegistry::DeleteModelPackageGroup(const Json& in) {
  std::string name = NameFrom(Str(in, "ModelPackageGroupName"), "model-package-group");
  std::string arn;
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT arn FROM sagemaker_model_package_groups WHERE name_key = ?",
                           {NameKey(name)});
    if (!row) throw ValidationError("ModelPackageGroup " + name + " does not exist.");
    arn = row->Text(0);
    if (tx.QueryOne("SELECT 1 FROM sagemaker_model_packages WHERE group_key = ?",
                    {NameKey(name)})) {
      throw ConflictError("Model Package Group " + name +
                          " still holds model packages; delete them first.");
    }
    tx.Exec("DELETE FROM sagemaker_model_package_groups WHERE name_key = ?", {NameKey(name)});
  });
  tags_.RemoveAll(arn);
  return Json::object();
}

Json ModelRegistry::CreateModelPackage(const aws::RequestContext& ctx, const Json& in) {
  std::string package_name = Str(in, "ModelPackageName");
  std::string group_input = Str(in, "ModelPackageGroupName");
  if (package_name.empty() == group_input.empty()) {
    throw ValidationError(
        "Exactly one of ModelPackageName (unversioned) and ModelPackageGroupName (versioned) "
        "must be given.");
  }
  if (group_input.empty() && in.contains("ModelApprovalStatus")) {
    throw ValidationError("ModelApprovalStatus applies to versioned model packages only.");
  }
  const Json& spec = Obj(in, "InferenceSpecification");
  for (const Json& c : Arr(spec, "Containers")) CheckContainer(c);
  int64_t now = NowMs();
  Json doc = Json::object();
  for (const char* m : kPackageMembers) {
    if (in.contains(m)) doc[m] = in[m];
  }
  doc["CreationTime"] = EpochSeconds(now);
  doc["LastModifiedTime"] = EpochSeconds(now);
  doc["CreatedBy"] = UserContext(ctx);
  doc["ModelPackageStatus"] = "Completed";
  doc["ModelPackageStatusDetails"] = {{"ValidationStatuses", Json::array()},
                                      {"ImageScanStatuses", Json::array()}};
  std::string arn;
  store_.Write([&](meta::Transaction& tx) {
    if (!group_input.empty()) {
      std::string group = NameFrom(group_input, "model-package-group");
      auto row = tx.QueryOne(
          "SELECT next_version, doc FROM sagemaker_model_package_groups WHERE name_key = ?",
          {NameKey(group)});
      if (!row) throw ValidationError("Model Package Group " + group + " does not exist.");
      int64_t version = row->Int(0);
      std::string group_name = base::ParseJson(row->Text(1)).value("ModelPackageGroupName", group);
      arn = SageMakerArn(ctx.region(), ctx.account_id(), "model-package",
                         group_name + "/" + std::to_string(version));
      doc["ModelPackageName"] = group_name;
      doc["ModelPackageGroupName"] = group_name;
      doc["ModelPackageVersion"] = version;
      doc["ModelApprovalStatus"] = Str(in, "ModelApprovalStatus", "PendingManualApproval");
      doc["ModelPackageArn"] = arn;
      tx.Exec("UPDATE sagemaker_model_package_groups SET next_version = ? WHERE name_key = ?",
              {version + 1, NameKey(group)});
      tx.Exec(
          "INSERT INTO sagemaker_model_packages (arn, name_key, group_key, version, created_ms, "
          "doc) VALUES (?, ?, ?, ?, ?, ?)",
          {arn, NameKey(group_name), NameKey(group_name), version, now, doc.dump()});
    } else {
      arn = SageMakerArn(ctx.region(), ctx.account_id(), "model-package", package_name);
      if (tx.QueryOne("SELECT 1 FROM sagemaker_model_packages WHERE arn = ?", {arn})) {
        throw ConflictError("Model package " + package_name + " already exists.");
      }
      doc["ModelPackageName"] = package_name;
      doc["ModelPackageArn"] = arn;
      tx.Exec(
          "INSERT INTO sagemaker_model_packages (arn, name_key, group_key, version, created_ms, "
          "doc) VALUES (?, ?, NULL, NULL, ?, ?)",
          {arn, NameKey(package_name), now, doc.dump()});
    }
  });
  tags_.Set(arn, Arr(in, "Tags"));
  return {{"ModelPackageArn", arn}};
}

std::optional<Json> ModelRegistry::FindModelPackage(const std::string& name_or_arn) {
  std::optional<Json> doc;
  store_.Read([&](meta::Transaction& tx) {
    auto row = name_or_arn.starts_with("arn:")
                   ? tx.QueryOne("SELECT doc FROM sagemaker_model_packages WHERE arn = ?",
                                 {base::ToLower(name_or_arn)})
                   : tx.QueryOne(
                         "SELECT doc FROM sagemaker_model_packages WHERE name_key = ? AND "
                         "group_key IS NULL",
                         {NameKey(name_or_arn)});
    if (row) doc = base::ParseJson(row->Text(0));
  });
  return doc;
}

Json ModelRegistry::ListModelPackages(const Json& in) {
  std::string group = Str(in, "ModelPackageGroupName");
  if (!group.empty()) group = NameFrom(group, "model-package-group");
  // Without a group, only unversioned packages are listed unless ModelPackageType says more.
  std::string type = Str(in, "ModelPackageType", group.empty() ? "Unversioned" : "Both");
  std::string approval = Str(in, "ModelApprovalStatus");
  std::vector<Json> items;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row :
         tx.Query("SELECT doc, group_key FROM sagemaker_model_packages")) {
      bool versioned = !row.IsNull(1);
      if (!group.empty() && row.Text(1) != NameKey(group)) continue;
      if ((type == "Versioned" && !versioned) || (type == "Unversioned" && versioned)) continue;
      Json doc = base::ParseJson(row.Text(0));
      if (!approval.empty() && doc.value("ModelApprovalStatus", "") != approval) continue;
      if (!PassesFilters(in, doc["ModelPackageName"], doc["CreationTime"])) continue;
      Json summary = Json::object();
      for (const char* m : {"ModelPackageName", "ModelPackageGroupName", "ModelPackageVersion",
                            "ModelPackageArn", "ModelPackageDescription", "CreationTime",
                            "ModelPackageStatus", "ModelApprovalStatus"}) {
        if (doc.contains(m)) summary[m] = doc[m];
      }
      items.push_back(std::move(summary));
    }
  });
  SortSummaries(items, in, "ModelPackageName", false);
  Json out = Json::object();
  WritePage(ReadPage(in, 10), std::move(items), "ModelPackageSummaryList", out);
  return out;
}

Json ModelRegistry::UpdateModelPackage(const aws::RequestContext& ctx, const Json& in) {
  std::string arn = base::ToLower(Str(in, "ModelPackageArn"));
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc, group_key FROM sagemaker_model_packages WHERE arn = ?",
                           {arn});
    if (!row) throw ValidationError("Model package " + Str(in, "ModelPackageArn") +
                                    " does not exist.");
    Json doc = base::ParseJson(row->Text(0));
    if (in.contains("ModelApprovalStatus")) {
      if (row->IsNull(1)) {
        throw ValidationError("ModelApprovalStatus applies to versioned model packages only.");
      }
      doc["ModelApprovalStatus"] = in["ModelApprovalStatus"];
    }
    for (const char* m : {"ApprovalDescription", "InferenceSpecification", "SourceUri",
                          "ModelCard", "ModelLifeCycle", "ModelPackageRegistrationType"}) {
      if (in.contains(m)) doc[m] = in[m];
    }
    if (in.contains("InferenceSpecification")) {
      for (const Json& c : Arr(in["InferenceSpecification"], "Containers")) CheckContainer(c);
    }
    Json& metadata = doc["CustomerMetadataProperties"];
    if (!metadata.is_object()) metadata = Json::object();
    for (const auto& [k, v] : Obj(in, "CustomerMetadataProperties").items()) metadata[k] = v;
    for (const Json& k : Arr(in, "CustomerMetadataPropertiesToRemove")) {
      if (k.is_string()) metadata.erase(k.get<std::string>());
    }
    if (metadata.empty()) doc.erase("CustomerMetadataProperties");
    for (const Json& spec : Arr(in, "AdditionalInferenceSpecificationsToAdd")) {
      doc["AdditionalInferenceSpecifications"].push_back(spec);
    }
    doc["LastModifiedTime"] = EpochSeconds(NowMs());
    doc["LastModifiedBy"] = UserContext(ctx);
    tx.Exec("UPDATE sagemaker_model_packages SET doc = ? WHERE arn = ?", {doc.dump(), arn});
  });
  return {{"ModelPackageArn", Str(in, "ModelPackageArn")}};
}

Json ModelRegistry::DeleteModelPackage(const Json& in) {
  std::string name = Str(in, "ModelPackageName");
  std::string arn;
  store_.Write([&](meta::Transaction& tx) {
    auto row = name.starts_with("arn:")
                   ? tx.QueryOne("SELECT arn FROM sagemaker_model_packages WHERE arn = ?",
                                 {base::ToLower(name)})
                   : tx.QueryOne(
                         "SELECT arn FROM sagemaker_model_packages WHERE name_key = ? AND "
                         "group_key IS NULL",
                         {NameKey(name)});
    if (!row) throw ValidationError("Model package " + name + " does not exist.");
    arn = row->Text(0);
    tx.Exec("DELETE FROM sagemaker_model_packages WHERE arn = ?", {arn});
  });
  tags_.RemoveAll(arn);
  return Json::object();
}

Json ModelRegistry::CreateModel(const aws::RequestContext& ctx, const Json& in) {
  std::string name = Str(in, "ModelName");
  bool has_primary = in.contains("PrimaryContainer");
  bool has_containers = !Arr(in, "Containers").empty();
  if (has_primary == has_containers) {
    throw ValidationError("Exactly one of PrimaryContainer and Containers must be given.");
  }
  if (has_primary) CheckContainer(in["PrimaryContainer"]);
  for (const Json& c : Arr(in, "Containers")) CheckContainer(c);
  for (const Json& c : has_primary ? Json::array({in["PrimaryContainer"]}) : in["Containers"]) {
    std::string package = Str(c, "ModelPackageName");
    if (!package.empty() && !FindModelPackage(package)) {
      throw ValidationError("Model package " + package + " does not exist.");
    }
  }
  std::string arn = SageMakerArn(ctx.region(), ctx.account_id(), "model", name);
  int64_t now = NowMs();
  Json doc = {{"ModelName", name}, {"ModelArn", arn}, {"CreationTime", EpochSeconds(now)}};
  for (const char* m : kModelMembers) {
    if (in.contains(m)) doc[m] = in[m];
  }
  store_.Write([&](meta::Transaction& tx) {
    if (tx.QueryOne("SELECT 1 FROM sagemaker_models WHERE name_key = ?", {NameKey(name)})) {
      throw ValidationError("Cannot create already existing model \"" + arn + "\".");
    }
    tx.Exec("INSERT INTO sagemaker_models (name_key, arn, created_ms, doc) VALUES (?, ?, ?, ?)",
            {NameKey(name), arn, now, doc.dump()});
  });
  tags_.Set(arn, Arr(in, "Tags"));
  return {{"ModelArn", arn}};
}

std::optional<Json> ModelRegistry::FindModel(const std::string& name_or_arn) {
  std::string name = NameFrom(name_or_arn, "model");
  std::optional<Json> doc;
  store_.Read([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT doc FROM sagemaker_models WHERE name_key = ?", {NameKey(name)});
    if (row) doc = base::ParseJson(row->Text(0));
  });
  return doc;
}

Json ModelRegistry::ListModels(const Json& in) {
  std::vector<Json> items;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row : tx.Query("SELECT doc FROM sagemaker_models")) {
      Json doc = base::ParseJson(row.Text(0));
      if (!PassesFilters(in, doc["ModelName"], doc["CreationTime"])) continue;
      items.push_back({{"ModelName", doc["ModelName"]},
                       {"ModelArn", doc["ModelArn"]},
                       {"CreationTime", doc["CreationTime"]}});
    }
  });
  SortSummaries(items, in, "ModelName", true);
  Json out = Json::object();
  WritePage(ReadPage(in, 10), std::move(items), "Models", out);
  return out;
}

Json ModelRegistry::DeleteModel(const Json& in) {
  std::string name = Str(in, "ModelName");
  std::string arn;
  store_.Write([&](meta::Transaction& tx) {
    auto row = tx.QueryOne("SELECT arn FROM sagemaker_models WHERE name_key = ?", {NameKey(name)});
    if (!row) throw ValidationError("Could not find model \"" + name + "\".");
    arn = row->Text(0);
    tx.Exec("DELETE FROM sagemaker_models WHERE name_key = ?", {NameKey(name)});
  });
  tags_.RemoveAll(arn);
  return Json::object();
}

void ModelRegistry::RegisterOperations(aws::Service& service) {
  auto arn_of = [](const char* type, const char* member) {
    return [type, member](const aws::RequestContext& ctx, const Json& in) {
      std::string value = Str(in, member);
      return value.starts_with("arn:") ? value
                                       : SageMakerArn(ctx.region(), ctx.account_id(), type, value);
    };
  };
  service
      .Handle("CreateModelPackageGroup",
              [this](aws::RequestContext& ctx, const Json& in) {
                return CreateModelPackageGroup(ctx, in);
              })
      .Resource(arn_of("model-package-group", "ModelPackageGroupName"));
  service
      .Handle("DescribeModelPackageGroup",
              [this](aws::RequestContext&, const Json& in) { return DescribeModelPackageGroup(in); })
      .Resource(arn_of("model-package-group", "ModelPackageGroupName"));
  service.Handle("ListModelPackageGroups", [this](aws::RequestContext&, const Json& in) {
    return ListModelPackageGroups(in);
  });
  service
      .Handle("DeleteModelPackageGroup",
              [this](aws::RequestContext&, const Json& in) { return DeleteModelPackageGroup(in); })
      .Resource(arn_of("model-package-group", "ModelPackageGroupName"));
  service.Handle("CreateModelPackage", [this](aws::RequestContext& ctx, const Json& in) {
    return CreateModelPackage(ctx, in);
  });
  service
      .Handle("DescribeModelPackage",
              [this](aws::RequestContext&, const Json& in) {
                std::string name = Str(in, "ModelPackageName");
                std::optional<Json> doc = FindModelPackage(name);
                if (!doc) throw ValidationError("Model package " + name + " does not exist.");
                return *doc;
              })
      .Resource(arn_of("model-package", "ModelPackageName"));
  service.Handle("ListModelPackages",
                 [this](aws::RequestContext&, const Json& in) { return ListModelPackages(in); });
  service
      .Handle("UpdateModelPackage",
              [this](aws::RequestContext& ctx, const Json& in) {
                return UpdateModelPackage(ctx, in);
              })
      .Resource(arn_of("model-package", "ModelPackageArn"));
  service
      .Handle("DeleteModelPackage",
              [this](aws::RequestContext&, const Json& in) { return DeleteModelPackage(in); })
      .Resource(arn_of("model-package", "ModelPackageName"));
  service
      .Handle("CreateModel",
              [this](aws::RequestContext& ctx, const Json& in) { return CreateModel(ctx, in); })
      .Resource(arn_of("model", "ModelName"));
  service
      .Handle("DescribeModel",
              [this](aws::RequestContext&, const Json& in) {
                std::string name = Str(in, "ModelName");
                std::optional<Json> doc = FindModel(name);
                if (!doc) throw ValidationError("Could not find model \"" + name + "\".");
                return *doc;
              })
      .Resource(arn_of("model", "ModelName"));
  service.Handle("ListModels",
                 [this](aws::RequestContext&, const Json& in) { return ListModels(in); });
  service
      .Handle("DeleteModel",
              [this](aws::RequestContext&, const Json& in) { return DeleteModel(in); })
      .Resource(arn_of("model", "ModelName"));
}

}  // namespace sagemaker
