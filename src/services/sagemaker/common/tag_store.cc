#include "services/sagemaker/common/tag_store.h"

#include "services/sagemaker/common/api_support.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr size_t kMaxTags = 50;

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE sagemaker_tags (
  arn TEXT NOT NULL,
  tag_key TEXT NOT NULL,
  tag_value TEXT NOT NULL,
  PRIMARY KEY (arn, tag_key));
)sql"},
};

}  // namespace

TagStore::TagStore(meta::Store& store) : store_(store) {
  store_.Migrate("sagemaker-tags", kMigrations);
}

void TagStore::RegisterResourceType(const std::string& type, ExistsFn exists) {
  std::lock_guard<std::mutex> lock(mu_);
  types_[type] = std::move(exists);
}

void TagStore::RequireResource(const std::string& arn) {
  // arn:aws:sagemaker:<region>:<account>:<type>/<name>
  size_t colon = std::string::npos;
  int colons = 0;
  for (size_t i = 0; i < arn.size() && colons < 5; ++i) {
    if (arn[i] == ':' && ++colons == 5) colon = i;
  }
  size_t slash = colon == std::string::npos ? std::string::npos : arn.find('/', colon);
  if (!arn.starts_with("arn:aws:sagemaker:") || slash == std::string::npos) {
    throw ValidationError("Invalid resource ARN: " + arn);
  }
  std::string type = arn.substr(colon + 1, slash - colon - 1);
  ExistsFn exists;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = types_.find(type);
    if (it != types_.end()) exists = it->second;
  }
  if (!exists) throw ValidationError("Tags are not supported for " + type + " resources.");
  if (!exists(arn)) throw ValidationError("Resource " + arn + " does not exist.");
}

void TagStore::Set(const std::string& arn, const Json& tags) {
  if (!tags.is_array() || tags.empty()) return;
  store_.Write([&](meta::Transaction& tx) {
    for (const Json& tag : tags) {
      tx.Exec(
          "INSERT INTO sagemaker_tags (arn, tag_key, tag_value) VALUES (?, ?, ?) "
          "ON CONFLICT (arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value",
          {arn, Str(tag, "Key"), Str(tag, "Value")});
    }
    auto count = tx.QueryOne("SELECT COUNT(*) FROM sagemaker_tags WHERE arn = ?", {arn});
    if (count && static_cast<size_t>(count->Int(0)) > kMaxTags) {
      throw ValidationError("A resource can have at most 50 tags.");
    }
  });
}

void TagStore::Remove(const std::string& arn, const Json& keys) {
  store_.Write([&](meta::Transaction& tx) {
    for (const Json& key : keys) {
      if (key.is_string())
        tx.Exec("DELETE FROM sagemaker_tags WHERE arn = ? AND tag_key = ?",
                {arn, key.get<std::string>()});
    }
  });
}

void TagStore::RemoveAll(const std::string& arn) {
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec("DELETE FROM sagemaker_tags WHERE arn = ?", {arn});
  });
}

Json TagStore::List(const std::string& arn) {
  Json out = Json::array();
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row :
         tx.Query("SELECT tag_key, tag_value FROM sagemaker_tags WHERE arn = ? ORDER BY tag_key",
                  {arn})) {
      out.push_back({{"Key", row.Text(0)}, {"Value", row.Text(1)}});
    }
  });
  return out;
}

void TagStore::RegisterOperations(aws::Service& service) {
  auto resource = [](const aws::RequestContext&, const Json& in) { return Str(in, "ResourceArn"); };
  service
      .Handle("AddTags",
              [this](aws::RequestContext&, const Json& in) {
                std::string arn = Str(in, "ResourceArn");
                RequireResource(arn);
                Set(arn, Arr(in, "Tags"));
                return Json{{"Tags", List(arn)}};
              })
      .Resource(resource);
  service
      .Handle("DeleteTags",
              [this](aws::RequestContext&, const Json& in) {
                std::string arn = Str(in, "ResourceArn");
                RequireResource(arn);
                Remove(arn, Arr(in, "TagKeys"));
                return Json::object();
              })
      .Resource(resource);
  service
      .Handle("ListTags",
              [this](aws::RequestContext&, const Json& in) {
                std::string arn = Str(in, "ResourceArn");
                RequireResource(arn);
                Json out = Json::object();
                WritePage(ReadPage(in, 50), List(arn), "Tags", out);
                return out;
              })
      .Resource(resource);
}

}  // namespace sagemaker
