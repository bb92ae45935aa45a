// IAM users, groups, group membership and access keys.
#include "base/crypto.h"
#include "services/iam/iam.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace iam {
namespace {

constexpr const char* kUserColumns = "name, user_id, path, arn, created, tags";

base::Json UserJson(const meta::Row& r, bool with_tags) {
  base::Json u = {{"UserName", r.Text(0)}, {"UserId", r.Text(1)}, {"Path", r.Text(2)},
                  {"Arn", r.Text(3)},      {"CreateDate", r.Double(4)}};
  if (with_tags) {
    base::Json tags = TagsJson(r.Text(5));
    if (!tags.empty()) u["Tags"] = tags;
  }
  return u;
}

base::Json GroupJson(const meta::Row& r) {
  return {{"GroupName", r.Text(0)}, {"GroupId", r.Text(1)}, {"Path", r.Text(2)},
          {"Arn", r.Text(3)},       {"CreateDate", r.Double(4)}};
}

std::optional<meta::Row> FindUser(meta::Transaction& tx, const std::string& name) {
  return tx.QueryOne(std::string("SELECT ") + kUserColumns + " FROM iam_users WHERE name_key = ?",
                     {meta::Text(NameKey(name))});
}

meta::Row MustFindUser(meta::Transaction& tx, const std::string& name) {
  auto row = FindUser(tx, name);
  if (!row) throw NoSuchEntity("The user with name " + name + " cannot be found.");
  return *row;
}

meta::Row MustFindGroup(meta::Transaction& tx, const std::string& name) {
  auto row = tx.QueryOne(
      "SELECT name, group_id, path, arn, created FROM iam_groups WHERE name_key = ?",
      {meta::Text(NameKey(name))});
  if (!row) throw NoSuchEntity("The group with name " + name + " cannot be found.");
  return *row;
}

// The user an operation acts on: the UserName member, or the caller when it is omitted.
std::string TargetUser(const aws::RequestContext& ctx, const base::Json& in) {
  std::string name = Optional(in, "UserName");
  if (!name.empty()) return name;
  if (ctx.principal().type == aws::Principal::Type::kUser) return ctx.principal().user_name;
  throw aws::ApiError(400, "ValidationError",
                      "Must specify userName when calling with non-User credentials");
}

}  // namespace

void RegisterUserOperations(Iam& iam, aws::Service& svc) {
  meta::Store& store = iam.store();
  auto user_arn = [&iam](const aws::RequestContext& ctx, const base::Json& in) {
    std::string name = Optional(in, "UserName");
    if (name.empty()) return ctx.principal().arn.empty() ? std::string("*") : ctx.principal().arn;
    return "arn:aws:iam::" + iam.account_id() + ":user/" + name;
  };
  auto group_arn = [&iam](const aws::RequestContext&, const base::Json& in) {
    return "arn:aws:iam::" + iam.account_id() + ":group/" + Optional(in, "GroupName");
  };

  svc.Handle("CreateUser", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "UserName");
       std::string path = ValidPath(in);
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         if (FindUser(tx, name)) {
           throw EntityAlreadyExists("User with name " + name + " already exists.");
         }
         tx.Exec(
             "INSERT INTO iam_users(name_key, name, user_id, path, arn, created, tags) "
             "VALUES(?, ?, ?, ?, ?, ?, ?)",
             {meta::Text(NameKey(name)), meta::Text(name), meta::Text(NewId("AIDA")),
              meta::Text(path), meta::Text("arn:aws:iam::" + iam.account_id() + ":user" + path + name),
              NowSeconds(), meta::Text(MergeTags("[]", in.value("Tags", base::Json())))});
         out["User"] = UserJson(MustFindUser(tx, name), true);
       });
       return out;
     }).Resource(user_arn);

  svc.Handle("GetUser", [&](aws::RequestContext& ctx, const base::Json& in) {
       base::Json out;
       if (!in.contains("UserName") && ctx.principal().is_root()) {
         out["User"] = {{"UserId", iam.account_id()},
                        {"Arn", ctx.principal().arn},
                        {"Path", "/"},
                        {"CreateDate", NowSeconds()}};
         return out;
       }
       std::string name = TargetUser(ctx, in);
       store.Read([&](meta::Transaction& tx) { out["User"] = UserJson(MustFindUser(tx, name), true); });
       return out;
     }).Resource(user_arn);

  svc.Handle("ListUsers", [&](aws::RequestContext&, const base::Json& in) {
    std::string prefix = Optional(in, "PathPrefix", "/");
    std::vector<meta::Row> rows;
    store.Read([&](meta::Transaction& tx) {
      rows = tx.Query(std::string("SELECT ") + kUserColumns +
                          " FROM iam_users WHERE substr(path, 1, length(?)) = ? ORDER BY name_key",
                      {meta::Text(prefix), meta::Text(prefix)});
    });
    std::vector<std::string> keys;
    for (const auto& r : rows) keys.push_back(NameKey(r.Text(0)));
    base::Json out;
    Page page = Paginate(in, keys, out);
    out["Users"] = base::Json::array();
    for (size_t i = page.begin; i < page.end; ++i) out["Users"].push_back(UserJson(rows[i], false));
    return out;
  });

  svc.Handle("UpdateUser", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "UserName");
       std::string new_name = Optional(in, "NewUserName", name);
       store.Write([&](meta::Transaction& tx) {
         meta::Row user = MustFindUser(tx, name);
         std::string path = in.contains("NewPath") ? ValidPath(in, "NewPath") : user.Text(2);
         if (NameKey(new_name) != NameKey(name) && FindUser(tx, new_name)) {
           throw EntityAlreadyExists("User with name " + new_name + " already exists.");
         }
         // Memberships, keys and policies refer to the key; move them along with the user.
         std::string old_key = NameKey(name), new_key = NameKey(new_name);
         tx.Exec("PRAGMA defer_foreign_keys = ON");
         tx.Exec("UPDATE iam_users SET name_key = ?, name = ?, path = ?, arn = ? WHERE name_key = ?",
                 {meta::Text(new_key), meta::Text(new_name), meta::Text(path),
                  meta::Text("arn:aws:iam::" + iam.account_id() + ":user" + path + new_name),
                  meta::Text(old_key)});
         tx.Exec("UPDATE iam_group_members SET user_key = ? WHERE user_key = ?",
                 {meta::Text(new_key), meta::Text(old_key)});
         tx.Exec("UPDATE iam_access_keys SET user_key = ? WHERE user_key = ?",
                 {meta::Text(new_key), meta::Text(old_key)});
         for (const char* table : {"iam_attachments", "iam_inline_policies"}) {
           tx.Exec(std::string("UPDATE ") + table +
                       " SET principal_key = ? WHERE principal_type = 'user' AND principal_key = ?",
                   {meta::Text(new_key), meta::Text(old_key)});
         }
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(user_arn);

  svc.Handle("DeleteUser", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "UserName");
       store.Write([&](meta::Transaction& tx) {
         MustFindUser(tx, name);
         meta::Params key = {meta::Text(NameKey(name))};
         auto busy = [&](const char* sql) { return tx.QueryOne(sql, key)->Int(0) > 0; };
         if (busy("SELECT count(*) FROM iam_access_keys WHERE user_key = ?") ||
             busy("SELECT count(*) FROM iam_group_members WHERE user_key = ?") ||
             busy("SELECT count(*) FROM iam_attachments WHERE principal_type = 'user' AND "
                  "principal_key = ?") ||
             busy("SELECT count(*) FROM iam_inline_policies WHERE principal_type = 'user' AND "
                  "principal_key = ?")) {
           throw DeleteConflict("Cannot delete entity, must delete subordinate entities first.");
         }
         tx.Exec("DELETE FROM iam_users WHERE name_key = ?", key);
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(user_arn);

  // Groups.
  svc.Handle("CreateGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "GroupName");
       std::string path = ValidPath(in);
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         if (tx.QueryOne("SELECT 1 FROM iam_groups WHERE name_key = ?", {meta::Text(NameKey(name))})) {
           throw EntityAlreadyExists("Group with name " + name + " already exists.");
         }
         tx.Exec(
             "INSERT INTO iam_groups(name_key, name, group_id, path, arn, created) "
             "VALUES(?, ?, ?, ?, ?, ?)",
             {meta::Text(NameKey(name)), meta::Text(name), meta::Text(NewId("AGPA")),
              meta::Text(path),
              meta::Text("arn:aws:iam::" + iam.account_id() + ":group" + path + name), NowSeconds()});
         out["Group"] = GroupJson(MustFindGroup(tx, name));
       });
       return out;
     }).Resource(group_arn);

  svc.Handle("GetGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "GroupName");
       base::Json out;
       std::vector<meta::Row> rows;
       store.Read([&](meta::Transaction& tx) {
         out["Group"] = GroupJson(MustFindGroup(tx, name));
         rows = tx.Query(std::string("SELECT ") + kUserColumns +
                             " FROM iam_users u JOIN iam_group_members m ON m.user_key = u.name_key"
                             " WHERE m.group_key = ? ORDER BY u.name_key",
                         {meta::Text(NameKey(name))});
       });
       std::vector<std::string> keys;
       for (const auto& r : rows) keys.push_back(NameKey(r.Text(0)));
       Page page = Paginate(in, keys, out);
       out["Users"] = base::Json::array();
       for (size_t i = page.begin; i < page.end; ++i) out["Users"].push_back(UserJson(rows[i], false));
       return out;
     }).Resource(group_arn);

  auto list_groups = [&](const std::string& sql, const std::vector<meta::Value>& params,
                         const base::Json& in) {
    std::vector<meta::Row> rows;
    store.Read([&](meta::Transaction& tx) { rows = tx.Query(sql, params); });
    std::vector<std::string> keys;
    for (const auto& r : rows) keys.push_back(NameKey(r.Text(0)));
    base::Json out;
    Page page = Paginate(in, keys, out);
    out["Groups"] = base::Json::array();
    for (size_t i = page.begin; i < page.end; ++i) out["Groups"].push_back(GroupJson(rows[i]));
    return out;
  };

  svc.Handle("ListGroups", [=](aws::RequestContext&, const base::Json& in) {
    std::string prefix = Optional(in, "PathPrefix", "/");
    return list_groups(
        "SELECT name, group_id, path, arn, created FROM iam_groups "
        "WHERE substr(path, 1, length(?)) = ? ORDER BY name_key",
        {meta::Text(prefix), meta::Text(prefix)}, in);
  });

  svc.Handle("ListGroupsForUser", [=, &store](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "UserName");
       store.Read([&](meta::Transaction& tx) { MustFindUser(tx, name); });
       return list_groups(
           "SELECT g.name, g.group_id, g.path, g.arn, g.created FROM iam_groups g "
           "JOIN iam_group_members m ON m.group_key = g.name_key WHERE m.user_key = ? "
           "ORDER BY g.name_key",
           {meta::Text(NameKey(name))}, in);
     }).Resource(user_arn);

  svc.Handle("UpdateGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "GroupName");
       std::string new_name = Optional(in, "NewGroupName", name);
       store.Write([&](meta::Transaction& tx) {
         meta::Row group = MustFindGroup(tx, name);
         std::string path = in.contains("NewPath") ? ValidPath(in, "NewPath") : group.Text(2);
         std::string old_key = NameKey(name), new_key = NameKey(new_name);
         if (old_key != new_key &&
             tx.QueryOne("SELECT 1 FROM iam_groups WHERE name_key = ?", {meta::Text(new_key)})) {
           throw EntityAlreadyExists("Group with name " + new_name + " already exists.");
         }
         tx.Exec("PRAGMA defer_foreign_keys = ON");
         tx.Exec("UPDATE iam_groups SET name_key = ?, name = ?, path = ?, arn = ? WHERE name_key = ?",
                 {meta::Text(new_key), meta::Text(new_name), meta::Text(path),
                  meta::Text("arn:aws:iam::" + iam.account_id() + ":group" + path + new_name),
                  meta::Text(old_key)});
         tx.Exec("UPDATE iam_group_members SET group_key = ? WHERE group_key = ?",
                 {meta::Text(new_key), meta::Text(old_key)});
         for (const char* table : {"iam_attachments", "iam_inline_policies"}) {
           tx.Exec(std::string("UPDATE ") + table +
                       " SET principal_key = ? WHERE principal_type = 'group' AND principal_key = ?",
                   {meta::Text(new_key), meta::Text(old_key)});
         }
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(group_arn);

  svc.Handle("DeleteGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "GroupName");
       store.Write([&](meta::Transaction& tx) {
         MustFindGroup(tx, name);
         meta::Params key = {meta::Text(NameKey(name))};
         auto busy = [&](const char* sql) { return tx.QueryOne(sql, key)->Int(0) > 0; };
         if (busy("SELECT count(*) FROM iam_group_members WHERE group_key = ?") ||
             busy("SELECT count(*) FROM iam_attachments WHERE principal_type = 'group' AND "
                  "principal_key = ?") ||
             busy("SELECT count(*) FROM iam_inline_policies WHERE principal_type = 'group' AND "
                  "principal_key = ?")) {
           throw DeleteConflict("Cannot delete entity, must delete subordinate entities first.");
         }
         tx.Exec("DELETE FROM iam_groups WHERE name_key = ?", key);
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(group_arn);

  svc.Handle("AddUserToGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string group = Required(in, "GroupName");
       std::string user = Required(in, "UserName");
       store.Write([&](meta::Transaction& tx) {
         MustFindGroup(tx, group);
         MustFindUser(tx, user);
         tx.Exec(
             "INSERT INTO iam_group_members(group_key, user_key) VALUES(?, ?) ON CONFLICT DO NOTHING",
             {meta::Text(NameKey(group)), meta::Text(NameKey(user))});
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(group_arn);

  svc.Handle("RemoveUserFromGroup", [&](aws::RequestContext&, const base::Json& in) {
       std::string group = Required(in, "GroupName");
       std::string user = Required(in, "UserName");
       store.Write([&](meta::Transaction& tx) {
         MustFindGroup(tx, group);
         MustFindUser(tx, user);
         if (tx.Exec("DELETE FROM iam_group_members WHERE group_key = ? AND user_key = ?",
                     {meta::Text(NameKey(group)), meta::Text(NameKey(user))}) == 0) {
           throw NoSuchEntity("The user with name " + user + " is not a member of group " + group +
                              ".");
         }
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(group_arn);

  // Access keys.
  svc.Handle("CreateAccessKey", [&](aws::RequestContext& ctx, const base::Json& in) {
       std::string name = TargetUser(ctx, in);
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         meta::Row user = MustFindUser(tx, name);
         if (tx.QueryOne("SELECT count(*) FROM iam_access_keys WHERE user_key = ?",
                         {meta::Text(NameKey(name))})
                 ->Int(0) >= 2) {
           throw LimitExceeded("Cannot exceed quota for AccessKeysPerUser: 2");
         }
         std::string id = "AKIA" + base::RandomUpperAlnum(16);
         std::string secret = base::RandomSecret(40);
         double now = NowSeconds();
         tx.Exec(
             "INSERT INTO iam_access_keys(access_key_id, secret, user_key, status, created) "
             "VALUES(?, ?, ?, 'Active', ?)",
             {meta::Text(id), meta::Text(secret), meta::Text(NameKey(name)), now});
         out["AccessKey"] = {{"UserName", user.Text(0)}, {"AccessKeyId", id},
                             {"Status", "Active"},       {"SecretAccessKey", secret},
                             {"CreateDate", now}};
       });
       return out;
     }).Resource(user_arn);

  svc.Handle("ListAccessKeys", [&](aws::RequestContext& ctx, const base::Json& in) {
       std::string name = TargetUser(ctx, in);
       std::vector<meta::Row> rows;
       std::string user_name;
       store.Read([&](meta::Transaction& tx) {
         user_name = MustFindUser(tx, name).Text(0);
         rows = tx.Query(
             "SELECT access_key_id, status, created FROM iam_access_keys WHERE user_key = ? "
             "ORDER BY access_key_id",
             {meta::Text(NameKey(name))});
       });
       std::vector<std::string> keys;
       for (const auto& r : rows) keys.push_back(r.Text(0));
       base::Json out;
       Page page = Paginate(in, keys, out);
       out["AccessKeyMetadata"] = base::Json::array();
       for (size_t i = page.begin; i < page.end; ++i) {
         out["AccessKeyMetadata"].push_back({{"UserName", user_name},
                                             {"AccessKeyId", rows[i].Text(0)},
                                             {"Status", rows[i].Text(1)},
                                             {"CreateDate", rows[i].Double(2)}});
       }
       return out;
     }).Resource(user_arn);

  svc.Handle("UpdateAccessKey", [&](aws::RequestContext& ctx, const base::Json& in) {
       std::string name = TargetUser(ctx, in);
       std::string id = Required(in, "AccessKeyId");
       std::string status = Required(in, "Status");
       store.Write([&](meta::Transaction& tx) {
         if (tx.Exec("UPDATE iam_access_keys SET status = ? WHERE access_key_id = ? AND user_key = ?",
                     {meta::Text(status), meta::Text(id), meta::Text(NameKey(name))}) == 0) {
           throw NoSuchEntity("The Access Key with id " + id + " cannot be found.");
         }
       });
       return base::Json::object();
     }).Resource(user_arn);

  svc.Handle("DeleteAccessKey", [&](aws::RequestContext& ctx, const base::Json& in) {
       std::string name = TargetUser(ctx, in);
       std::string id = Required(in, "AccessKeyId");
       store.Write([&](meta::Transaction& tx) {
         if (tx.Exec("DELETE FROM iam_access_keys WHERE access_key_id = ? AND user_key = ?",
                     {meta::Text(id), meta::Text(NameKey(name))}) == 0) {
           throw NoSuchEntity("The Access Key with id " + id + " cannot be found.");
         }
       });
       return base::Json::object();
     }).Resource(user_arn);

  svc.Handle("GetAccessKeyLastUsed", [&](aws::RequestContext&, const base::Json& in) {
    std::string id = Required(in, "AccessKeyId");
    base::Json out;
    store.Read([&](meta::Transaction& tx) {
      auto row = tx.QueryOne(
          "SELECT u.name, k.last_used, k.last_used_service, k.last_used_region "
          "FROM iam_access_keys k JOIN iam_users u ON u.name_key = k.user_key "
          "WHERE k.access_key_id = ?",
          {meta::Text(id)});
      if (!row) throw aws::ApiError(403, "AccessDenied", "The access key does not exist.");
      out["UserName"] = row->Text(0);
      base::Json used = {{"ServiceName", row->OptText(2).value_or("N/A")},
                         {"Region", row->OptText(3).value_or("N/A")}};
      if (!row->IsNull(1)) used["LastUsedDate"] = row->Double(1);
      out["AccessKeyLastUsed"] = used;
    });
    return out;
  });
}

}  // namespace iam
