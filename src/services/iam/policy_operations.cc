// Managed policies and their versions, attachments, and inline policies of users, groups and
// roles. The operations that exist once per principal kind (PutUserPolicy, PutGroupPolicy,
// PutRolePolicy, ...) are registered from one table of kinds.
#include "base/crypto.h"
#include "base/strings.h"
#include "services/iam/aws_managed_policies.h"
#include "services/iam/iam.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace iam {
namespace {

struct PrincipalKind {
  const char* kind;    // "User"
  const char* type;    // "user", the principal_type column value and ARN resource type
  const char* table;   // "iam_users"
  const char* member;  // "UserName"
};

constexpr PrincipalKind kKinds[] = {
    {"User", "user", "iam_users", "UserName"},
    {"Group", "group", "iam_groups", "GroupName"},
    {"Role", "role", "iam_roles", "RoleName"},
};

void MustFindPrincipal(meta::Transaction& tx, const PrincipalKind& k, const std::string& name) {
  if (!tx.QueryOne(std::string("SELECT 1 FROM ") + k.table + " WHERE name_key = ?",
                   {meta::Text(NameKey(name))})) {
    throw NoSuchEntity("The " + std::string(k.type) + " with name " + name + " cannot be found.");
  }
}

std::string StableAwsPolicyId(std::string_view name) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string digest = base::Sha256(name);
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i) id += kAlphabet[static_cast<unsigned char>(digest[i]) % 32];
  return id;
}

base::Json PolicyJson(const meta::Row& r, int64_t attachments) {
  // Columns: arn, name, policy_id, path, description, default_version, created, updated, tags
  base::Json p = {{"PolicyName", r.Text(1)},
                  {"PolicyId", r.Text(2)},
                  {"Arn", r.Text(0)},
                  {"Path", r.Text(3)},
                  {"DefaultVersionId", "v" + std::to_string(r.Int(5))},
                  {"AttachmentCount", attachments},
                  {"PermissionsBoundaryUsageCount", 0},
                  {"IsAttachable", true},
                  {"CreateDate", r.Double(6)},
                  {"UpdateDate", r.Double(7)}};
  if (auto d = r.OptText(4)) p["Description"] = *d;
  base::Json tags = TagsJson(r.Text(8));
  if (!tags.empty()) p["Tags"] = tags;
  return p;
}

base::Json AwsPolicyJson(const AwsManagedPolicy& m, int64_t attachments) {
  return {{"PolicyName", m.name},
          {"PolicyId", StableAwsPolicyId(m.name)},
          {"Arn", AwsManagedPolicyArn(m)},
          {"Path", m.path},
          {"DefaultVersionId", "v1"},
          {"AttachmentCount", attachments},
          {"PermissionsBoundaryUsageCount", 0},
          {"IsAttachable", true},
          {"Description", m.description},
          {"CreateDate", 1423000000.0},
          {"UpdateDate", 1423000000.0}};
}

constexpr const char* kPolicyColumns =
    "arn, name, policy_id, path, description, default_version, created, updated, tags";

std::optional<meta::Row> FindPolicy(meta::Transaction& tx, const std::string& arn) {
  return tx.QueryOne(std::string("SELECT ") + kPolicyColumns + " FROM iam_policies WHERE arn = ?",
                     {meta::Text(arn)});
}

int64_t AttachmentCount(meta::Transaction& tx, const std::string& arn) {
  return tx.QueryOne("SELECT count(*) FROM iam_attachments WHERE policy_arn = ?", {meta::Text(arn)})
      ->Int(0);
}

void NoSuchPolicy(const std::string& arn) {
  throw NoSuchEntity("Policy " + arn + " does not exist or is not attachable.");
}

// "v3" -> 3; throws ValidationError for anything else.
int64_t VersionNumber(const std::string& id) {
  if (id.size() < 2 || id[0] != 'v' || id.find_first_not_of("0123456789", 1) != std::string::npos ||
      id.size() > 10) {
    throw aws::ApiError(400, "ValidationError",
                        "1 validation error detected: Value '" + id +
                            "' at 'versionId' failed to satisfy constraint: Member must satisfy "
                            "regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?");
  }
  return std::stoll(id.substr(1));
}

void RegisterPrincipalPolicyOperations(Iam& iam, aws::Service& svc, const PrincipalKind& k) {
  meta::Store& store = iam.store();
  std::string kind = k.kind;
  auto arn = [&iam, k](const aws::RequestContext&, const base::Json& in) {
    return "arn:aws:iam::" + iam.account_id() + ":" + k.type + "/" + Optional(in, k.member);
  };

  svc.Handle("Put" + kind + "Policy", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::string policy = Required(in, "PolicyName");
       std::string document = ValidPolicyDocument(Required(in, "PolicyDocument"));
       store.Write([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         tx.Exec(
             "INSERT INTO iam_inline_policies(principal_type, principal_key, name, document) "
             "VALUES(?, ?, ?, ?) ON CONFLICT(principal_type, principal_key, name) "
             "DO UPDATE SET document = excluded.document",
             {meta::Text(k.type), meta::Text(NameKey(name)), meta::Text(policy),
              meta::Text(document)});
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(arn);

  svc.Handle("Get" + kind + "Policy", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::string policy = Required(in, "PolicyName");
       base::Json out;
       store.Read([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         auto row = tx.QueryOne(
             "SELECT document FROM iam_inline_policies WHERE principal_type = ? AND "
             "principal_key = ? AND name = ?",
             {meta::Text(k.type), meta::Text(NameKey(name)), meta::Text(policy)});
         if (!row) {
           throw NoSuchEntity("The " + std::string(k.type) + " policy with name " + policy +
                              " cannot be found.");
         }
         out = {{k.member, name},
                {"PolicyName", policy},
                {"PolicyDocument", EncodePolicyDocument(row->Text(0))}};
       });
       return out;
     }).Resource(arn);

  svc.Handle("Delete" + kind + "Policy", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::string policy = Required(in, "PolicyName");
       store.Write([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         if (tx.Exec("DELETE FROM iam_inline_policies WHERE principal_type = ? AND "
                     "principal_key = ? AND name = ?",
                     {meta::Text(k.type), meta::Text(NameKey(name)), meta::Text(policy)}) == 0) {
           throw NoSuchEntity("The " + std::string(k.type) + " policy with name " + policy +
                              " cannot be found.");
         }
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(arn);

  svc.Handle("List" + kind + "Policies", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::vector<std::string> names;
       store.Read([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         for (const auto& r : tx.Query("SELECT name FROM iam_inline_policies WHERE "
                                       "principal_type = ? AND principal_key = ? ORDER BY name",
                                       {meta::Text(k.type), meta::Text(NameKey(name))})) {
           names.push_back(r.Text(0));
         }
       });
       base::Json out;
       Page page = Paginate(in, names, out);
       out["PolicyNames"] = base::Json::array();
       for (size_t i = page.begin; i < page.end; ++i) out["PolicyNames"].push_back(names[i]);
       return out;
     }).Resource(arn);

  svc.Handle("Attach" + kind + "Policy", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::string policy_arn = Required(in, "PolicyArn");
       store.Write([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         if (!FindAwsManagedPolicy(policy_arn) && !FindPolicy(tx, policy_arn)) {
           NoSuchPolicy(policy_arn);
         }
         tx.Exec(
             "INSERT INTO iam_attachments(principal_type, principal_key, policy_arn) "
             "VALUES(?, ?, ?) ON CONFLICT DO NOTHING",
             {meta::Text(k.type), meta::Text(NameKey(name)), meta::Text(policy_arn)});
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(arn);

  svc.Handle("Detach" + kind + "Policy", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::string policy_arn = Required(in, "PolicyArn");
       store.Write([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         if (tx.Exec("DELETE FROM iam_attachments WHERE principal_type = ? AND principal_key = ? "
                     "AND policy_arn = ?",
                     {meta::Text(k.type), meta::Text(NameKey(name)), meta::Text(policy_arn)}) == 0) {
           throw NoSuchEntity("Policy " + policy_arn + " was not found.");
         }
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(arn);

  svc.Handle("ListAttached" + kind + "Policies", [&, k](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, k.member);
       std::vector<std::string> arns;
       store.Read([&](meta::Transaction& tx) {
         MustFindPrincipal(tx, k, name);
         for (const auto& r : tx.Query("SELECT policy_arn FROM iam_attachments WHERE "
                                       "principal_type = ? AND principal_key = ? ORDER BY policy_arn",
                                       {meta::Text(k.type), meta::Text(NameKey(name))})) {
           arns.push_back(r.Text(0));
         }
       });
       base::Json out;
       Page page = Paginate(in, arns, out);
       out["AttachedPolicies"] = base::Json::array();
       for (size_t i = page.begin; i < page.end; ++i) {
         std::string policy_name = arns[i].substr(arns[i].rfind('/') + 1);
         out["AttachedPolicies"].push_back({{"PolicyName", policy_name}, {"PolicyArn", arns[i]}});
       }
       return out;
     }).Resource(arn);
}

}  // namespace

void RegisterPolicyOperations(Iam& iam, aws::Service& svc) {
  meta::Store& store = iam.store();
  for (const auto& k : kKinds) RegisterPrincipalPolicyOperations(iam, svc, k);

  auto policy_arn = [](const aws::RequestContext&, const base::Json& in) {
    return Optional(in, "PolicyArn", "*");
  };

  svc.Handle("CreatePolicy", [&](aws::RequestContext&, const base::Json& in) {
       std::string name = Required(in, "PolicyName");
       std::string path = ValidPath(in);
       std::string document = ValidPolicyDocument(Required(in, "PolicyDocument"));
       std::string arn = "arn:aws:iam::" + iam.account_id() + ":policy" + path + name;
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         if (tx.QueryOne("SELECT 1 FROM iam_policies WHERE lower(name) = ?",
                         {meta::Text(NameKey(name))})) {
           throw EntityAlreadyExists("A policy called " + name +
                                     " already exists. Duplicate names are not allowed.");
         }
         double now = NowSeconds();
         auto desc = in.find("Description");
         tx.Exec(
             "INSERT INTO iam_policies(arn, name, policy_id, path, description, default_version, "
             "next_version, created, updated, tags) VALUES(?, ?, ?, ?, ?, 1, 2, ?, ?, ?)",
             {meta::Text(arn), meta::Text(name), meta::Text(NewId("ANPA")), meta::Text(path),
              desc != in.end() && desc->is_string() ? meta::Value(desc->get<std::string>())
                                                   : meta::Null(),
              now, now, meta::Text(MergeTags("[]", in.value("Tags", base::Json())))});
         tx.Exec(
             "INSERT INTO iam_policy_versions(policy_arn, version, document, created) "
             "VALUES(?, 1, ?, ?)",
             {meta::Text(arn), meta::Text(document), now});
         out["Policy"] = PolicyJson(*FindPolicy(tx, arn), 0);
       });
       return out;
     }).Resource([&iam](const aws::RequestContext&, const base::Json& in) {
    return "arn:aws:iam::" + iam.account_id() + ":policy/" + Optional(in, "PolicyName");
  });

  svc.Handle("GetPolicy", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       base::Json out;
       store.Read([&](meta::Transaction& tx) {
         if (const AwsManagedPolicy* m = FindAwsManagedPolicy(arn)) {
           out["Policy"] = AwsPolicyJson(*m, AttachmentCount(tx, arn));
           return;
         }
         auto row = FindPolicy(tx, arn);
         if (!row) NoSuchPolicy(arn);
         out["Policy"] = PolicyJson(*row, AttachmentCount(tx, arn));
       });
       return out;
     }).Resource(policy_arn);

  svc.Handle("DeletePolicy", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       store.Write([&](meta::Transaction& tx) {
         if (!FindPolicy(tx, arn)) NoSuchPolicy(arn);
         if (AttachmentCount(tx, arn) > 0) {
           throw DeleteConflict("Cannot delete a policy attached to entities.");
         }
         if (tx.QueryOne("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = ?",
                         {meta::Text(arn)})
                 ->Int(0) > 1) {
           throw DeleteConflict("This policy has more than one version. Before you delete a "
                                "policy, you must delete the policy's versions. The default "
                                "version is deleted with the policy.");
         }
         tx.Exec("DELETE FROM iam_policies WHERE arn = ?", {meta::Text(arn)});
       });
       return base::Json::object();
     }).Resource(policy_arn);

  svc.Handle("ListPolicies", [&](aws::RequestContext&, const base::Json& in) {
    std::string scope = Optional(in, "Scope", "All");
    std::string prefix = Optional(in, "PathPrefix", "/");
    bool only_attached = in.value("OnlyAttached", false);
    std::vector<std::pair<std::string, base::Json>> policies;  // sorted by ARN
    store.Read([&](meta::Transaction& tx) {
      if (scope != "Local") {
        for (const auto& m : AwsManagedPolicies()) {
          policies.emplace_back(AwsManagedPolicyArn(m),
                                AwsPolicyJson(m, AttachmentCount(tx, AwsManagedPolicyArn(m))));
        }
      }
      if (scope != "AWS") {
        for (const auto& r : tx.Query(std::string("SELECT ") + kPolicyColumns +
                                      " FROM iam_policies ORDER BY arn")) {
          policies.emplace_back(r.Text(0), PolicyJson(r, AttachmentCount(tx, r.Text(0))));
        }
      }
    });
    std::erase_if(policies, [&](const auto& p) {
      std::string path = p.second["Path"];
      return path.rfind(prefix, 0) != 0 || (only_attached && p.second["AttachmentCount"] == 0);
    });
    std::sort(policies.begin(), policies.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> keys;
    for (const auto& p : policies) keys.push_back(p.first);
    base::Json out;
    Page page = Paginate(in, keys, out);
    out["Policies"] = base::Json::array();
    for (size_t i = page.begin; i < page.end; ++i) out["Policies"].push_back(policies[i].second);
    return out;
  });

  svc.Handle("CreatePolicyVersion", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       std::string document = ValidPolicyDocument(Required(in, "PolicyDocument"));
       bool set_default = in.value("SetAsDefault", false);
       base::Json out;
       store.Write([&](meta::Transaction& tx) {
         auto row = tx.QueryOne("SELECT next_version FROM iam_policies WHERE arn = ?",
                                {meta::Text(arn)});
         if (!row) NoSuchPolicy(arn);
         if (tx.QueryOne("SELECT count(*) FROM iam_policy_versions WHERE policy_arn = ?",
                         {meta::Text(arn)})
                 ->Int(0) >= 5) {
           throw LimitExceeded("A managed policy can have up to 5 versions. Before you create a "
                               "new version, you must delete an existing version.");
         }
         int64_t version = row->Int(0);
         double now = NowSeconds();
         tx.Exec(
             "INSERT INTO iam_policy_versions(policy_arn, version, document, created) "
             "VALUES(?, ?, ?, ?)",
             {meta::Text(arn), version, meta::Text(document), now});
         tx.Exec("UPDATE iam_policies SET next_version = next_version + 1, updated = ? WHERE arn = ?",
                 {now, meta::Text(arn)});
         if (set_default) {
           tx.Exec("UPDATE iam_policies SET default_version = ? WHERE arn = ?",
                   {version, meta::Text(arn)});
         }
         out["PolicyVersion"] = {{"VersionId", "v" + std::to_string(version)},
                                 {"IsDefaultVersion", set_default},
                                 {"CreateDate", now}};
       });
       if (set_default) iam.InvalidatePolicyCache();
       return out;
     }).Resource(policy_arn);

  svc.Handle("GetPolicyVersion", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       int64_t version = VersionNumber(Required(in, "VersionId"));
       base::Json out;
       if (const AwsManagedPolicy* m = FindAwsManagedPolicy(arn)) {
         if (version != 1) throw NoSuchEntity("Policy " + arn + " version v" +
                                              std::to_string(version) + " does not exist.");
         out["PolicyVersion"] = {{"Document", EncodePolicyDocument(std::string(m->document))},
                                 {"VersionId", "v1"},
                                 {"IsDefaultVersion", true},
                                 {"CreateDate", 1423000000.0}};
         return out;
       }
       store.Read([&](meta::Transaction& tx) {
         auto row = tx.QueryOne(
             "SELECT v.document, v.created, p.default_version FROM iam_policy_versions v "
             "JOIN iam_policies p ON p.arn = v.policy_arn WHERE v.policy_arn = ? AND v.version = ?",
             {meta::Text(arn), version});
         if (!row) {
           throw NoSuchEntity("Policy " + arn + " version v" + std::to_string(version) +
                              " does not exist or is not attachable.");
         }
         out["PolicyVersion"] = {{"Document", EncodePolicyDocument(row->Text(0))},
                                 {"VersionId", "v" + std::to_string(version)},
                                 {"IsDefaultVersion", row->Int(2) == version},
                                 {"CreateDate", row->Double(1)}};
       });
       return out;
     }).Resource(policy_arn);

  svc.Handle("ListPolicyVersions", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       base::Json out;
       out["Versions"] = base::Json::array();
       if (FindAwsManagedPolicy(arn)) {
         out["Versions"].push_back(
             {{"VersionId", "v1"}, {"IsDefaultVersion", true}, {"CreateDate", 1423000000.0}});
         out["IsTruncated"] = false;
         return out;
       }
       store.Read([&](meta::Transaction& tx) {
         auto policy = FindPolicy(tx, arn);
         if (!policy) NoSuchPolicy(arn);
         for (const auto& r : tx.Query("SELECT version, created FROM iam_policy_versions WHERE "
                                       "policy_arn = ? ORDER BY version DESC",
                                       {meta::Text(arn)})) {
           out["Versions"].push_back({{"VersionId", "v" + std::to_string(r.Int(0))},
                                      {"IsDefaultVersion", r.Int(0) == policy->Int(5)},
                                      {"CreateDate", r.Double(1)}});
         }
       });
       out["IsTruncated"] = false;
       return out;
     }).Resource(policy_arn);

  svc.Handle("DeletePolicyVersion", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       int64_t version = VersionNumber(Required(in, "VersionId"));
       store.Write([&](meta::Transaction& tx) {
         auto policy = FindPolicy(tx, arn);
         if (!policy) NoSuchPolicy(arn);
         if (policy->Int(5) == version) {
           throw DeleteConflict("Cannot delete the default version of a policy.");
         }
         if (tx.Exec("DELETE FROM iam_policy_versions WHERE policy_arn = ? AND version = ?",
                     {meta::Text(arn), version}) == 0) {
           throw NoSuchEntity("Policy " + arn + " version v" + std::to_string(version) +
                              " does not exist.");
         }
       });
       return base::Json::object();
     }).Resource(policy_arn);

  svc.Handle("SetDefaultPolicyVersion", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       int64_t version = VersionNumber(Required(in, "VersionId"));
       store.Write([&](meta::Transaction& tx) {
         if (!FindPolicy(tx, arn)) NoSuchPolicy(arn);
         if (!tx.QueryOne("SELECT 1 FROM iam_policy_versions WHERE policy_arn = ? AND version = ?",
                          {meta::Text(arn), version})) {
           throw NoSuchEntity("Policy " + arn + " version v" + std::to_string(version) +
                              " does not exist.");
         }
         tx.Exec("UPDATE iam_policies SET default_version = ?, updated = ? WHERE arn = ?",
                 {version, NowSeconds(), meta::Text(arn)});
       });
       iam.InvalidatePolicyCache();
       return base::Json::object();
     }).Resource(policy_arn);

  svc.Handle("ListEntitiesForPolicy", [&](aws::RequestContext&, const base::Json& in) {
       std::string arn = Required(in, "PolicyArn");
       base::Json out = {{"PolicyUsers", base::Json::array()},
                         {"PolicyGroups", base::Json::array()},
                         {"PolicyRoles", base::Json::array()},
                         {"IsTruncated", false}};
       store.Read([&](meta::Transaction& tx) {
         if (!FindAwsManagedPolicy(arn) && !FindPolicy(tx, arn)) NoSuchPolicy(arn);
         for (const auto& k : kKinds) {
           std::string id_column = std::string(k.type) + "_id";
           for (const auto& r : tx.Query(
                    std::string("SELECT p.name, p.") + id_column + " FROM iam_attachments a JOIN " +
                        k.table + " p ON p.name_key = a.principal_key WHERE a.principal_type = ? "
                        "AND a.policy_arn = ? ORDER BY p.name_key",
                    {meta::Text(k.type), meta::Text(arn)})) {
             out[std::string("Policy") + k.kind + "s"].push_back(
                 {{std::string(k.kind) + "Name", r.Text(0)}, {std::string(k.kind) + "Id", r.Text(1)}});
           }
         }
       });
       return out;
     }).Resource(policy_arn);
}

}  // namespace iam
