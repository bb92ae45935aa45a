#include "services/mlflow/model_registry.h"

#include <charconv>

#include "base/json.h"
#include "base/strings.h"
#include "services/mlflow/filter_sql.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/search_filter.h"
#include "services/mlflow/tracking_store.h"
#include "services/mlflow/validation.h"

namespace mlflow {
namespace {

const char* const kStages[] = {"None", "Staging", "Production", "Archived"};

struct ModelRow {
  int64_t model_key = 0;
  std::string name;
  std::optional<std::string> description;
  int64_t creation = 0;
  int64_t updated = 0;
};

void ValidateModelName(const std::string& name) {
  if (name.empty()) throw InvalidParameter("Registered model name cannot be empty.");
}

int64_t ParseVersion(const std::string& version) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(version.data(), version.data() + version.size(), v);
  if (version.empty() || ec != std::errc() || p != version.data() + version.size() || v < 1) {
    throw InvalidParameter("Model version must be an integer, got '" + version + "'");
  }
  return v;
}

std::optional<ModelRow> FindModel(meta::Transaction& tx, int64_t server, const std::string& name) {
  auto row = tx.QueryOne(
      "SELECT model_key, name, description, creation_timestamp, last_updated_timestamp "
      "FROM mlflow_registered_models WHERE server_id = ? AND name = ?",
      {server, name});
  if (!row) return std::nullopt;
  return ModelRow{row->Int(0), row->Text(1), row->OptText(2), row->Int(3), row->Int(4)};
}

ModelRow MustFindModel(meta::Transaction& tx, int64_t server, const std::string& name) {
  auto row = FindModel(tx, server, name);
  if (!row) throw NotFound("Registered Model with name=" + name + " not found");
  return *row;
}

constexpr const char* kVersionColumns =
    "v.version, v.creation_timestamp, v.last_updated_timestamp, v.user_id, v.current_stage, "
    "v.description, v.source, v.run_id, v.status, v.status_message, v.run_link, "
    "v.storage_location";

ModelVersion VersionFromRow(meta::Transaction& tx, int64_t model_key, const std::string& name,
                            const meta::Row& r) {
  ModelVersion v;
  v.name = name;
  v.version = std::to_string(r.Int(0));
  v.creation_timestamp = r.Int(1);
  v.last_updated_timestamp = r.Int(2);
  v.user_id = r.Text(3);
  v.current_stage = r.Text(4);
  v.description = r.OptText(5);
  v.source = r.Text(6);
  v.run_id = r.Text(7);
  v.status = r.Text(8);
  v.status_message = r.OptText(9);
  v.run_link = r.Text(10);
  v.storage_location = r.Text(11);
  tx.Each(
      "SELECT key, value FROM mlflow_model_version_tags WHERE model_key = ? AND version = ? "
      "ORDER BY key",
      {model_key, r.Int(0)}, [&](const meta::Row& t) {
        v.tags.push_back(KeyValue{t.Text(0), t.Text(1)});
        return true;
      });
  tx.Each(
      "SELECT alias FROM mlflow_model_aliases WHERE model_key = ? AND version = ? ORDER BY alias",
      {model_key, r.Int(0)}, [&](const meta::Row& a) {
        v.aliases.push_back(a.Text(0));
        return true;
      });
  return v;
}

std::optional<ModelVersion> FindVersion(meta::Transaction& tx, const ModelRow& m, int64_t version) {
  auto row = tx.QueryOne(std::string("SELECT ") + kVersionColumns +
                             " FROM mlflow_model_versions v WHERE v.model_key = ? AND "
                             "v.version = ?",
                         {m.model_key, version});
  if (!row) return std::nullopt;
  return VersionFromRow(tx, m.model_key, m.name, *row);
}

ModelVersion MustFindVersion(meta::Transaction& tx, const ModelRow& m, const std::string& version) {
  auto v = FindVersion(tx, m, ParseVersion(version));
  if (!v) {
    throw NotFound("Model Version (name=" + m.name + ", version=" + version + ") not found");
  }
  return *v;
}

std::vector<ModelVersion> LatestVersions(meta::Transaction& tx, const ModelRow& m,
                                         const std::vector<std::string>& stages) {
  std::vector<ModelVersion> out;
  for (const std::string& stage : stages) {
    auto row = tx.QueryOne(std::string("SELECT ") + kVersionColumns +
                               " FROM mlflow_model_versions v WHERE v.model_key = ? AND "
                               "v.current_stage = ? ORDER BY v.version DESC LIMIT 1",
                           {m.model_key, stage});
    if (row) out.push_back(VersionFromRow(tx, m.model_key, m.name, *row));
  }
  return out;
}

RegisteredModel LoadModel(meta::Transaction& tx, const ModelRow& m) {
  RegisteredModel out;
  out.name = m.name;
  out.description = m.description;
  out.creation_timestamp = m.creation;
  out.last_updated_timestamp = m.updated;
  out.latest_versions = LatestVersions(tx, m, {std::begin(kStages), std::end(kStages)});
  tx.Each("SELECT key, value FROM mlflow_registered_model_tags WHERE model_key = ? ORDER BY key",
          {m.model_key}, [&](const meta::Row& t) {
            out.tags.push_back(KeyValue{t.Text(0), t.Text(1)});
            return true;
          });
  tx.Each("SELECT alias, version FROM mlflow_model_aliases WHERE model_key = ? ORDER BY alias",
          {m.model_key}, [&](const meta::Row& a) {
            out.aliases.push_back(ModelAlias{a.Text(0), std::to_string(a.Int(1))});
            return true;
          });
  return out;
}

void Touch(meta::Transaction& tx, int64_t model_key, int64_t now) {
  tx.Exec("UPDATE mlflow_registered_models SET last_updated_timestamp = ? WHERE model_key = ?",
          {now, model_key});
}

void ValidateAlias(const std::string& alias) {
  if (alias.empty()) throw InvalidParameter("Registered model alias name cannot be empty.");
  if (base::ToLower(alias) == "latest") {
    throw InvalidParameter("'latest' alias name (case insensitive) is reserved.");
  }
  bool version_like = alias.size() > 1 && (alias[0] == 'v' || alias[0] == 'V');
  for (size_t i = 1; i < alias.size() && version_like; ++i) {
    version_like = alias[i] >= '0' && alias[i] <= '9';
  }
  if (version_like) throw InvalidParameter("Version alias name '" + alias + "' is reserved.");
  for (char c : alias) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-';
    if (!ok || alias.size() > 255) {
      throw InvalidParameter("Invalid alias name: '" + alias +
                             "'. Names may only contain alphanumerics, underscores (_), and "
                             "dashes (-), and be at most 255 characters long.");
    }
  }
}

// Where a version's files are: runs:/ and models:/ sources resolved within the server.
std::string ResolveSource(meta::Transaction& tx, int64_t server, const std::string& source) {
  for (const std::string& part : base::Split(source, '/')) {
    if (part == "..") {
      throw InvalidParameter("Invalid model version source: '" + source +
                             "'. The source must not contain '..' path segments.");
    }
  }
  if (source.starts_with("runs:/")) {
    std::string rest = source.substr(6);
    while (rest.starts_with("/")) rest.erase(0, 1);
    size_t slash = rest.find('/');
    std::string run_id = rest.substr(0, slash);
    std::string path = slash == std::string::npos ? "" : rest.substr(slash + 1);
    auto row =
        tx.QueryOne("SELECT artifact_uri FROM mlflow_runs WHERE run_uuid = ? AND server_id = ?",
                    {run_id, server});
    if (!row) throw NotFound("Run with id=" + run_id + " not found");
    return path.empty() ? row->Text(0) : row->Text(0) + "/" + path;
  }
  if (source.starts_with("models:/")) {
    std::string rest = source.substr(8);
    while (rest.starts_with("/")) rest.erase(0, 1);
    std::string name, selector, path;
    size_t at = rest.find('@');
    size_t slash = rest.find('/');
    // "<selector>[/<path>]" after the model name: an alias, a version or a stage.
    auto split_selector = [&](const std::string& tail) {
      size_t s = tail.find('/');
      selector = tail.substr(0, s);
      if (s != std::string::npos) path = tail.substr(s + 1);
    };
    ModelVersion target;
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      name = rest.substr(0, at);
      split_selector(rest.substr(at + 1));
      ModelRow m = MustFindModel(tx, server, name);
      auto alias =
          tx.QueryOne("SELECT version FROM mlflow_model_aliases WHERE model_key = ? AND alias = ?",
                      {m.model_key, selector});
      if (!alias) throw NotFound("Registered model alias " + selector + " not found.");
      target = MustFindVersion(tx, m, std::to_string(alias->Int(0)));
    } else {
      if (slash == std::string::npos) {
        throw InvalidParameter("Invalid model URI '" + source +
                               "'. Expected models:/<name>/<version or stage> or "
                               "models:/<name>@<alias>.");
      }
      name = rest.substr(0, slash);
      split_selector(rest.substr(slash + 1));
      ModelRow m = MustFindModel(tx, server, name);
      bool numeric =
          !selector.empty() && selector.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) {
        target = MustFindVersion(tx, m, selector);
      } else {
        std::vector<std::string> stages;
        if (base::ToLower(selector) == "latest") {
          stages.assign(std::begin(kStages), std::end(kStages));
        } else {
          stages.push_back(CanonicalStage(selector));
        }
        std::vector<ModelVersion> found = LatestVersions(tx, m, stages);
        if (found.empty()) {
          throw NotFound("No versions of model with name '" + name + "' and stage '" + selector +
                         "' found");
        }
        target = found.front();
        for (const ModelVersion& v : found) {
          if (std::stoll(v.version) > std::stoll(target.version)) target = v;
        }
      }
    }
    return path.empty() ? target.storage_location : target.storage_location + "/" + path;
  }
  return source;
}

// A condition on the tags table `table` (keyed by `owner` = the row's key columns).
std::string TagCondition(const Comparison& c, const std::string& table, const std::string& owner,
                         std::vector<meta::Value>& params) {
  params.push_back(c.key);
  std::string cond = StringCondition(c, "t.value", params);
  return "EXISTS (SELECT 1 FROM " + table + " t WHERE " + owner + " AND t.key = ? AND " + cond +
         ")";
}

}  // namespace

std::string CanonicalStage(const std::string& stage) {
  for (const char* s : kStages) {
    if (base::EqualsIgnoreCase(stage, s)) return s;
  }
  throw InvalidParameter("Invalid Model Version stage: " + stage +
                         ". Value must be one of None, Staging, Production, Archived.");
}

RegisteredModel ModelRegistry::CreateRegisteredModel(
    int64_t server, const std::string& name, const std::vector<KeyValue>& tags,
    const std::optional<std::string>& description) {
  ValidateModelName(name);
  for (const KeyValue& t : tags) {
    ValidateKeyName("tag", t.key);
    ValidateTagValue(t.key, t.value);
  }
  RegisteredModel out;
  store_.Write([&](meta::Transaction& tx) {
    if (FindModel(tx, server, name)) {
      throw AlreadyExists("Registered Model (name=" + name + ") already exists.");
    }
    int64_t now = NowMillis();
    tx.Exec(
        "INSERT INTO mlflow_registered_models(server_id, name, description, creation_timestamp, "
        "last_updated_timestamp, next_version) VALUES(?, ?, ?, ?, ?, 1)",
        {server, name, description ? meta::Value(*description) : meta::Null(), now, now});
    int64_t key = tx.LastInsertId();
    for (const KeyValue& t : tags) {
      tx.Exec(
          "INSERT INTO mlflow_registered_model_tags(model_key, key, value) VALUES(?, ?, ?) "
          "ON CONFLICT(model_key, key) DO UPDATE SET value = excluded.value",
          {key, t.key, t.value});
    }
    out = LoadModel(tx, MustFindModel(tx, server, name));
  });
  return out;
}

RegisteredModel ModelRegistry::GetRegisteredModel(int64_t server, const std::string& name) {
  ValidateModelName(name);
  RegisteredModel out;
  store_.Read([&](meta::Transaction& tx) { out = LoadModel(tx, MustFindModel(tx, server, name)); });
  return out;
}

RegisteredModel ModelRegistry::RenameRegisteredModel(int64_t server, const std::string& name,
                                                     const std::string& new_name) {
  ValidateModelName(name);
  ValidateModelName(new_name);
  RegisteredModel out;
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    if (new_name != name && FindModel(tx, server, new_name)) {
      throw AlreadyExists("Registered Model (name=" + new_name + ") already exists.");
    }
    tx.Exec(
        "UPDATE mlflow_registered_models SET name = ?, last_updated_timestamp = ? "
        "WHERE model_key = ?",
        {new_name, NowMillis(), m.model_key});
    out = LoadModel(tx, MustFindModel(tx, server, new_name));
  });
  return out;
}

RegisteredModel ModelRegistry::UpdateRegisteredModel(
    int64_t server, const std::string& name, const std::optional<std::string>& description) {
  ValidateModelName(name);
  RegisteredModel out;
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    if (description) {
      tx.Exec("UPDATE mlflow_registered_models SET description = ? WHERE model_key = ?",
              {*description, m.model_key});
    }
    Touch(tx, m.model_key, NowMillis());
    out = LoadModel(tx, MustFindModel(tx, server, name));
  });
  return out;
}

void ModelRegistry::DeleteRegisteredModel(int64_t server, const std::string& name) {
  ValidateModelName(name);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    tx.Exec("DELETE FROM mlflow_registered_models WHERE model_key = ?", {m.model_key});
  });
}

RegisteredModelPage ModelRegistry::SearchRegisteredModels(int64_t server,
                                                          const RegistrySearch& search) {
  int64_t limit = SearchLimit(search.max_results, 100, 1000);
  int64_t offset = DecodeOffsetToken(search.page_token);
  std::string where;
  std::vector<meta::Value> params = {server};
  for (const Comparison& c : ParseFilter(search.filter)) {
    if (c.type == EntityType::kTag) {
      where += " AND " +
               TagCondition(c, "mlflow_registered_model_tags", "t.model_key = m.model_key", params);
    } else if (c.type == EntityType::kAttribute && c.key == "name") {
      where += " AND " + StringCondition(c, "m.name", params);
    } else {
      throw InvalidParameter("Invalid attribute key '" + c.key +
                             "' specified. Valid keys are '{'name'}' and tags.<key>");
    }
  }
  std::string order;
  bool by_name = false;
  for (const std::string& text : search.order_by) {
    OrderKey k = ParseOrderBy(text);
    std::string column;
    if (k.type == EntityType::kAttribute && k.key == "name") {
      column = "m.name";
      by_name = true;
    } else if (k.type == EntityType::kAttribute &&
               (k.key == "timestamp" || k.key == "last_updated_timestamp")) {
      column = "m.last_updated_timestamp";
    } else if (k.type == EntityType::kAttribute && k.key == "creation_timestamp") {
      column = "m.creation_timestamp";
    } else {
      throw InvalidParameter("Invalid order by key '" + k.key +
                             "' specified. Valid keys are '{'name', 'timestamp'}'");
    }
    order += ", " + column + (k.ascending ? " ASC" : " DESC");
  }
  if (!by_name) order += ", m.name ASC";
  params.push_back(limit + 1);
  params.push_back(offset);
  RegisteredModelPage page;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& r :
         tx.Query("SELECT m.model_key, m.name, m.description, m.creation_timestamp, "
                  "m.last_updated_timestamp FROM mlflow_registered_models m WHERE m.server_id = ?" +
                      where + " ORDER BY " + order.substr(2) + " LIMIT ? OFFSET ?",
                  params)) {
      if (static_cast<int64_t>(page.models.size()) == limit) {
        page.next_page_token = EncodeOffsetToken(offset + limit);
        break;
      }
      page.models.push_back(
          LoadModel(tx, ModelRow{r.Int(0), r.Text(1), r.OptText(2), r.Int(3), r.Int(4)}));
    }
  });
  return page;
}

std::vector<ModelVersion> ModelRegistry::GetLatestVersions(int64_t server, const std::string& name,
                                                           const std::vector<std::string>& stages) {
  ValidateModelName(name);
  std::vector<std::string> wanted;
  for (const std::string& s : stages) wanted.push_back(CanonicalStage(s));
  if (wanted.empty()) wanted.assign(std::begin(kStages), std::end(kStages));
  std::vector<ModelVersion> out;
  store_.Read([&](meta::Transaction& tx) {
    out = LatestVersions(tx, MustFindModel(tx, server, name), wanted);
  });
  return out;
}

void ModelRegistry::SetRegisteredModelTag(int64_t server, const std::string& name,
                                          const KeyValue& tag) {
  ValidateModelName(name);
  ValidateKeyName("tag", tag.key);
  ValidateTagValue(tag.key, tag.value);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    tx.Exec(
        "INSERT INTO mlflow_registered_model_tags(model_key, key, value) VALUES(?, ?, ?) "
        "ON CONFLICT(model_key, key) DO UPDATE SET value = excluded.value",
        {m.model_key, tag.key, tag.value});
  });
}

void ModelRegistry::DeleteRegisteredModelTag(int64_t server, const std::string& name,
                                             const std::string& key) {
  ValidateModelName(name);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    tx.Exec("DELETE FROM mlflow_registered_model_tags WHERE model_key = ? AND key = ?",
            {m.model_key, key});
  });
}

ModelVersion ModelRegistry::CreateModelVersion(int64_t server, const NewModelVersion& req) {
  ValidateModelName(req.name);
  if (req.source.empty()) throw MissingParameter("source");
  for (const KeyValue& t : req.tags) {
    ValidateKeyName("tag", t.key);
    ValidateTagValue(t.key, t.value);
  }
  ModelVersion out;
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, req.name);
    if (!req.run_id.empty() &&
        !tx.QueryOne("SELECT 1 FROM mlflow_runs WHERE run_uuid = ? AND server_id = ?",
                     {req.run_id, server})) {
      throw NotFound("Run with id=" + req.run_id + " not found");
    }
    std::string location = ResolveSource(tx, server, req.source);
    int64_t version =
        tx.QueryOne("SELECT next_version FROM mlflow_registered_models WHERE model_key = ?",
                    {m.model_key})
            ->Int(0);
    int64_t now = NowMillis();
    tx.Exec(
        "UPDATE mlflow_registered_models SET next_version = ?, last_updated_timestamp = ? "
        "WHERE model_key = ?",
        {version + 1, now, m.model_key});
    tx.Exec(
        "INSERT INTO mlflow_model_versions(model_key, version, creation_timestamp, "
        "last_updated_timestamp, user_id, current_stage, description, source, run_id, status, "
        "status_message, run_link, storage_location) "
        "VALUES(?, ?, ?, ?, '', 'None', ?, ?, ?, 'READY', NULL, ?, ?)",
        {m.model_key, version, now, now,
         req.description ? meta::Value(*req.description) : meta::Null(), req.source, req.run_id,
         req.run_link, location});
    for (const KeyValue& t : req.tags) {
      tx.Exec(
          "INSERT INTO mlflow_model_version_tags(model_key, version, key, value) "
          "VALUES(?, ?, ?, ?) ON CONFLICT(model_key, version, key) DO UPDATE SET "
          "value = excluded.value",
          {m.model_key, version, t.key, t.value});
    }
    out = *FindVersion(tx, m, version);
  });
  return out;
}

ModelVersion ModelRegistry::GetModelVersion(int64_t server, const std::string& name,
                                            const std::string& version) {
  ValidateModelName(name);
  ModelVersion out;
  store_.Read([&](meta::Transaction& tx) {
    out = MustFindVersion(tx, MustFindModel(tx, server, name), version);
  });
  return out;
}

ModelVersion ModelRegistry::UpdateModelVersion(int64_t server, const std::string& name,
                                               const std::string& version,
                                               const std::optional<std::string>& description) {
  ValidateModelName(name);
  ModelVersion out;
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    MustFindVersion(tx, m, version);
    int64_t now = NowMillis();
    if (description) {
      tx.Exec(
          "UPDATE mlflow_model_versions SET description = ? WHERE model_key = ? AND version = ?",
          {*description, m.model_key, ParseVersion(version)});
    }
    tx.Exec(
        "UPDATE mlflow_model_versions SET last_updated_timestamp = ? "
        "WHERE model_key = ? AND version = ?",
        {now, m.model_key, ParseVersion(version)});
    out = MustFindVersion(tx, m, version);
  });
  return out;
}

ModelVersion ModelRegistry::TransitionStage(int64_t server, const std::string& name,
                                            const std::string& version, const std::string& stage,
                                            bool archive_existing_versions) {
  ValidateModelName(name);
  std::string target = CanonicalStage(stage);
  if (archive_existing_versions && target != "Staging" && target != "Production") {
    throw InvalidParameter(
        "Model version transition cannot archive existing model versions "
        "because '" +
        target +
        "' is not an Active stage. Valid stages are ['Staging', "
        "'Production']");
  }
  ModelVersion out;
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    int64_t v = std::stoll(MustFindVersion(tx, m, version).version);
    int64_t now = NowMillis();
    if (archive_existing_versions) {
      tx.Exec(
          "UPDATE mlflow_model_versions SET current_stage = 'Archived', "
          "last_updated_timestamp = ? WHERE model_key = ? AND current_stage = ? AND version != ?",
          {now, m.model_key, target, v});
    }
    tx.Exec(
        "UPDATE mlflow_model_versions SET current_stage = ?, last_updated_timestamp = ? "
        "WHERE model_key = ? AND version = ?",
        {target, now, m.model_key, v});
    Touch(tx, m.model_key, now);
    out = MustFindVersion(tx, m, version);
  });
  return out;
}

void ModelRegistry::DeleteModelVersion(int64_t server, const std::string& name,
                                       const std::string& version) {
  ValidateModelName(name);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    MustFindVersion(tx, m, version);
    tx.Exec("DELETE FROM mlflow_model_versions WHERE model_key = ? AND version = ?",
            {m.model_key, ParseVersion(version)});
    Touch(tx, m.model_key, NowMillis());
  });
}

ModelVersionPage ModelRegistry::SearchModelVersions(int64_t server, const RegistrySearch& search) {
  int64_t limit = SearchLimit(search.max_results, 200000, 200000);
  int64_t offset = DecodeOffsetToken(search.page_token);
  std::string where;
  std::vector<meta::Value> params = {server};
  for (const Comparison& c : ParseFilter(search.filter)) {
    if (c.type == EntityType::kTag) {
      where +=
          " AND " + TagCondition(c, "mlflow_model_version_tags",
                                 "t.model_key = v.model_key AND t.version = v.version", params);
      continue;
    }
    if (c.type != EntityType::kAttribute) {
      throw InvalidParameter("Invalid entity type '" + std::string(EntityName(c.type)) +
                             "'. Valid values are ['tag', 'attribute']");
    }
    if (c.key == "name") {
      where += " AND " + StringCondition(c, "m.name", params);
    } else if (c.key == "source_path") {
      where += " AND " + StringCondition(c, "v.source", params);
    } else if (c.key == "run_id") {
      if (c.op == Comparator::kIn || c.op == Comparator::kNotIn) {
        if (c.value.kind != FilterValue::Kind::kList) {
          throw InvalidParameter("Expected a list of quoted strings for 'run_id " + c.op_text +
                                 "'. Got value " + c.value.text);
        }
        params.push_back(base::Json(c.value.list).dump());
        where += std::string(" AND v.run_id ") + (c.op == Comparator::kIn ? "" : "NOT ") +
                 "IN (SELECT value FROM json_each(?))";
      } else {
        where += " AND " + StringCondition(c, "v.run_id", params);
      }
    } else if (c.key == "version_number") {
      static const char* kOps[] = {"=", "!=", "<", "<=", ">", ">="};
      if (c.op > Comparator::kGe || c.value.kind != FilterValue::Kind::kNumber) {
        throw InvalidParameter(
            "Invalid filter on version_number: expected a numeric "
            "comparison, got '" +
            c.op_text + " " + c.value.text + "'");
      }
      where += std::string(" AND v.version ") + kOps[static_cast<int>(c.op)] + " ?";
      params.push_back(static_cast<int64_t>(c.value.number));
    } else {
      throw InvalidParameter("Invalid attribute key '" + c.key +
                             "' specified. Valid keys are '{'name', 'run_id', 'source_path', "
                             "'version_number'}'");
    }
  }
  std::string order;
  for (const std::string& text : search.order_by) {
    OrderKey k = ParseOrderBy(text);
    std::string column;
    if (k.type == EntityType::kAttribute && k.key == "name") {
      column = "m.name";
    } else if (k.type == EntityType::kAttribute && k.key == "version_number") {
      column = "v.version";
    } else if (k.type == EntityType::kAttribute && k.key == "creation_timestamp") {
      column = "v.creation_timestamp";
    } else if (k.type == EntityType::kAttribute &&
               (k.key == "timestamp" || k.key == "last_updated_timestamp")) {
      column = "v.last_updated_timestamp";
    } else {
      throw InvalidParameter("Invalid order by key '" + k.key +
                             "' specified. Valid keys are '{'name', 'version_number', "
                             "'creation_timestamp', 'last_updated_timestamp'}'");
    }
    order += ", " + column + (k.ascending ? " ASC" : " DESC");
  }
  order += ", v.last_updated_timestamp DESC, m.name ASC, v.version DESC";
  params.push_back(limit + 1);
  params.push_back(offset);
  ModelVersionPage page;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& r :
         tx.Query(std::string("SELECT v.model_key, m.name, ") + kVersionColumns +
                      " FROM mlflow_model_versions v JOIN mlflow_registered_models m ON "
                      "m.model_key = v.model_key WHERE m.server_id = ?" +
                      where + " ORDER BY " + order.substr(2) + " LIMIT ? OFFSET ?",
                  params)) {
      if (static_cast<int64_t>(page.versions.size()) == limit) {
        page.next_page_token = EncodeOffsetToken(offset + limit);
        break;
      }
      std::vector<meta::Value> rest;
      for (size_t i = 2; i < r.size(); ++i) rest.push_back(r.value(i));
      page.versions.push_back(VersionFromRow(tx, r.Int(0), r.Text(1), meta::Row(std::move(rest))));
    }
  });
  return page;
}

std::string ModelRegistry::GetDownloadUri(int64_t server, const std::string& name,
                                          const std::string& version) {
  return GetModelVersion(server, name, version).storage_location;
}

void ModelRegistry::SetModelVersionTag(int64_t server, const std::string& name,
                                       const std::string& version, const KeyValue& tag) {
  ValidateModelName(name);
  ValidateKeyName("tag", tag.key);
  ValidateTagValue(tag.key, tag.value);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    MustFindVersion(tx, m, version);
    tx.Exec(
        "INSERT INTO mlflow_model_version_tags(model_key, version, key, value) VALUES(?, ?, ?, ?) "
        "ON CONFLICT(model_key, version, key) DO UPDATE SET value = excluded.value",
        {m.model_key, ParseVersion(version), tag.key, tag.value});
  });
}

void ModelRegistry::DeleteModelVersionTag(int64_t server, const std::string& name,
                                          const std::string& version, const std::string& key) {
  ValidateModelName(name);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    MustFindVersion(tx, m, version);
    tx.Exec("DELETE FROM mlflow_model_version_tags WHERE model_key = ? AND version = ? AND key = ?",
            {m.model_key, ParseVersion(version), key});
  });
}

void ModelRegistry::SetAlias(int64_t server, const std::string& name, const std::string& alias,
                             const std::string& version) {
  ValidateModelName(name);
  ValidateAlias(alias);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    MustFindVersion(tx, m, version);
    tx.Exec(
        "INSERT INTO mlflow_model_aliases(model_key, alias, version) VALUES(?, ?, ?) "
        "ON CONFLICT(model_key, alias) DO UPDATE SET version = excluded.version",
        {m.model_key, alias, ParseVersion(version)});
    Touch(tx, m.model_key, NowMillis());
  });
}

void ModelRegistry::DeleteAlias(int64_t server, const std::string& name, const std::string& alias) {
  ValidateModelName(name);
  store_.Write([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    tx.Exec("DELETE FROM mlflow_model_aliases WHERE model_key = ? AND alias = ?",
            {m.model_key, alias});
    Touch(tx, m.model_key, NowMillis());
  });
}

ModelVersion ModelRegistry::GetVersionByAlias(int64_t server, const std::string& name,
                                              const std::string& alias) {
  ValidateModelName(name);
  ModelVersion out;
  store_.Read([&](meta::Transaction& tx) {
    ModelRow m = MustFindModel(tx, server, name);
    auto row =
        tx.QueryOne("SELECT version FROM mlflow_model_aliases WHERE model_key = ? AND alias = ?",
                    {m.model_key, alias});
    if (!row) throw NotFound("Registered model alias " + alias + " not found.");
    out = MustFindVersion(tx, m, std::to_string(row->Int(0)));
  });
  return out;
}

}  // namespace mlflow
