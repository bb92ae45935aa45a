// IAM roles and their trust policies.
#include "services/iam/iam.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace iam {
namespace {

constexpr const char* kRoleColumns =
    "name, role_id, path, arn, created, trust_policy, description, max_session, tags";

base::Json RoleJson(const meta::Row& r, bool with_tags) {
  base::Json role = {{"RoleName", r.Text(0)},
                     {"RoleId", r.Text(1)},
                     {"Path", r.Text(2)},
                     {"Arn", r.Text(3)},
                     {"CreateDate", r.Double(4)},
                     {"AssumeRolePolicyDocument", EncodePolicyDocument(r.Text(5))},
                     {"MaxSessionDuration", r.Int(7)}};
  if (auto d = r.OptText(6)) role["Description"] = *d;
  if (with_tags) {
    base::Json tags = TagsJson(r.Text(8));
    if (!tags.empty()) role["Tags"] = tags;
  }
  return role;
}

meta::Row MustFindRole(meta::Transaction& tx, const std::string& name) {
  auto row = tx.QueryOne(std::string("SELECT ") + kRoleColumns + " FROM iam_roles WHERE name_key = ?",
                         {meta::Text(NameKey(name))});
  if (!row) throw NoSuchEntity("The role with name " + name + " cannot be found.");
  return *row;
}

int64_t MaxSession(const base::Json& in, int64_t fallback) {
  auto it = in.find("MaxSessionDuration");
  if (it == in.end()) return fallback;
  int64_t v = it->is_number_integer() ? it->get<int64_t>() : 0;
  if (v < 3600 || v > 43200) {
    throw aws::ApiError(400, "ValidationError",
                        "1 validation error detected: Value '" + std::to_string(v) +
                            "' at 'maxSessionDuration' failed to satisfy constraint: Member must "
                            "have value greater than or equal to 3600 and less than or equal to "
                            "43200");
  }
  return v;
}

}  // namespace

void RegisterRoleOperations(Iam& iam, aws::Service& svc) {
  meta::Store& store = iam.store();
  auto role_arn = [&iam](const aws::RequestContext&, const base::Json& in) {
    return "arn:aws:iam::" + iam.account_id() + ":role/" + Optional(in, "RoleName");
  };

  svc.Handle("CreateRole", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "RoleName");
       std::string path = ValidPath(in);
       std::string trust = ValidPolicyDocument(Required(in, "AssumeRolePolicyDocument"), auth::PolicyKind::kResource);
       int64_t max_session = MaxSession(in, 3600);
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         if (tx.QueryOne("SELECT 1 FROM iam_roles WHERE name_key = ?", {meta::Text(NameKey(name))})) {
           throw EntityAlreadyExists("Role with name " + name + " already exists.");
         }
         auto desc = in.find("Description");
         tx.Exec(
             "INSERT INTO iam_roles(name_key, name, role_id, path, arn, created, trust_policy, "
             "description, max_session, tags) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             {meta::Text(NameKey(name)), meta::Text(name), meta::Text(NewId("AROA")),
              meta::Text(path), meta::Text("arn:aws:iam::" + iam.account_id() + ":role" + path + name),
              NowSeconds(), meta::Text(trust),
              desc != in.end() && desc->is_string() ? meta::Value(desc->get<std::string>())
                                                   : meta::Null(),
              max_session, meta::Text(MergeTags("[]", in.value("Tags", base::Json())))});
         out["Role"] = RoleJson(MustFindRole(tx, name), true);
       });
       return out;
     }).Resource(role_arn);

  svc.Handle("GetRole", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "RoleName");
       base::Json out;
       store.Read([&](meta::Transaction& tx) { out["Role"] = RoleJson(MustFindRole(tx, name), true); });
       return out;
     }).Resource(role_arn);

  svc.Handle("ListRoles", [&](aws::RequestContext&, const base::Json& in) {
    std::string prefix = Optional(in, "PathPrefix", "/");
    std::vector<meta::Row> rows;
    store.Read([&](meta::Transaction& tx) {
      rows = tx.Query(std::string("SELECT ") + kRoleColumns +
                          " FROM iam_roles WHERE substr(path, 1, length(?)) = ? ORDER BY name_key",
                      {meta::Text(prefix), meta::Text(prefix)});
    });
    std::vector<std::string> keys;
    for (const auto& r : rows) keys.push_back(NameKey(r.Text(0)));
    base::Json out;
    Page page = Paginate(in, keys, out);
    out["Roles"] = base::Json::array();
    for (size_t i = page.begin; i < page.end; ++i) out["Roles"].push_back(RoleJson(rows[i], false));
    return out;
  });

  svc.Handle("UpdateRole", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "RoleName");
       store.Write([&](meta::Transaction& tx) {
         meta::Row role = MustFindRole(tx, name);
         auto desc = in.find("Description");
         tx.Exec("UPDATE iam_roles SET description = ?, max_session = ? WHERE name_key = ?",
                 {desc != in.end() && desc->is_string() ? meta::Value(desc->get<std::string>())
                                                       : (role.IsNull(6) ? meta::Null()
                                                                         : meta::Text(role.Text(6))),
                  MaxSession(in, role.Int(7)), meta::Text(NameKey(name))});
       });
       return base::Json::object();
     }).Resource(role_arn);

  svc.Handle("UpdateAssumeRolePolicy", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "RoleName");
       std::string trust = ValidPolicyDocument(Required(in, "PolicyDocument"), auth::PolicyKind::kResource);
       store.Write([&](meta::Transaction& tx) {
         MustFindRole(tx, name);
         tx.Exec("UPDATE iam_roles SET trust_policy = ? WHERE name_key = ?",
                 {meta::Text(trust), meta::Text(NameKey(name))});
       });
       return base::Json::object();
     }).Resource(role_arn);

  svc.Handle("DeleteRole", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "RoleName");
       store.Write([&](meta::Transaction& tx) {
         MustFindRole(tx, name);
         meta::Params key = {meta::Text(NameKey(name))};
         auto busy = [&](const char* sql) { return tx.QueryOne(sql, key)->Int(0) > 0; };
         if (busy("SELECT count(*) FROM iam_attachments WHERE principal_type = 'role' AND "
                  "principal_key = ?") ||
             busy("SELECT count(*) FROM iam_inline_policies WHERE principal_type = 'role' AND "
                  "principal_key = ?")) {
           throw DeleteConflict("Cannot delete entity, must detach all policies first.");
         }
         tx.Exec("DELETE FROM iam_roles WHERE name_key = ?", key);
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(role_arn);

}

}  // namespace iam
