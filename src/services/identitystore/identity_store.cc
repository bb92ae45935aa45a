#include "services/identitystore/identity_store.h"

#include <algorithm>
#include <cctype>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"
#include "platform/aws/api_error.h"

namespace identitystore {
namespace {

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE ids_users (
  user_id TEXT PRIMARY KEY, user_name_key TEXT NOT NULL UNIQUE, doc TEXT NOT NULL,
  created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE ids_groups (
  group_id TEXT PRIMARY KEY, display_name_key TEXT NOT NULL UNIQUE, doc TEXT NOT NULL,
  created REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE ids_memberships (
  membership_id TEXT PRIMARY KEY,
  group_id TEXT NOT NULL REFERENCES ids_groups(group_id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES ids_users(user_id) ON DELETE CASCADE,
  created REAL NOT NULL, UNIQUE (group_id, user_id));
CREATE INDEX ids_memberships_user ON ids_memberships(user_id);
)sql"},
};

// The user attributes CreateUser accepts and DescribeUser returns, besides the ids.
constexpr const char* kUserAttributes[] = {
    "UserName",  "Name",     "DisplayName",       "NickName", "ProfileUrl", "Emails",
    "Addresses", "PhoneNumbers", "UserType",      "Title",    "PreferredLanguage", "Locale",
    "Timezone",  "Photos",   "Website",           "Birthdate", "Roles"};

aws::ApiError NotFound(const char* type, const std::string& id) {
  aws::ApiError e(400, "ResourceNotFoundException", std::string(type) + " not found.");
  e.With("ResourceType", type).With("ResourceId", id);
  return e;
}

aws::ApiError Conflict(const std::string& message) {
  return aws::ApiError(400, "ConflictException", message)
      .With("Reason", "UNIQUENESS_CONSTRAINT_VIOLATION");
}

aws::ApiError Invalid(const std::string& message) {
  return aws::ApiError(400, "ValidationException", message);
}

double Now() { return base::ToUnixSecondsDouble(base::Now()); }

std::string Str(const base::Json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "name.givenName" -> {"Name", "GivenName"}: attribute paths are camelCase member paths.
std::vector<std::string> MemberPath(const std::string& attribute_path) {
  std::vector<std::string> out;
  for (std::string part : base::Split(attribute_path, '.')) {
    if (part.empty()) throw Invalid("Invalid attribute path " + attribute_path);
    part[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(part[0])));
    out.push_back(part);
  }
  return out;
}

// Applies UpdateUser/UpdateGroup operations to a stored document; an absent AttributeValue
// removes the attribute.
void ApplyOperations(base::Json& doc, const base::Json& operations,
                     const std::vector<std::string>& allowed, bool user) {
  if (!operations.is_array() || operations.empty()) {
    throw Invalid("Operations must contain at least one attribute operation.");
  }
  for (const auto& op : operations) {
    std::vector<std::string> path = MemberPath(Str(op, "AttributePath"));
    if (std::find(allowed.begin(), allowed.end(), path[0]) == allowed.end()) {
      throw Invalid("Invalid attribute path " + Str(op, "AttributePath") + " for " +
                    (user ? "user" : "group") + ".");
    }
    base::Json* target = &doc;
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      if (!(*target)[path[i]].is_object()) (*target)[path[i]] = base::Json::object();
      target = &(*target)[path[i]];
    }
    auto value = op.find("AttributeValue");
    if (value == op.end() || value->is_null()) {
      target->erase(path.back());
    } else {
      (*target)[path.back()] = *value;
    }
  }
}

size_t MaxResults(const base::Json& in) {
  auto it = in.find("MaxResults");
  return it != in.end() && it->is_number_integer() ? it->get<size_t>() : 100;
}

size_t Offset(const base::Json& in) {
  std::string token = Str(in, "NextToken");
  if (token.empty()) return 0;
  auto decoded = base::Base64Decode(token);
  if (!decoded || decoded->find_first_not_of("0123456789") != std::string::npos ||
      decoded->empty() || decoded->size() > 12) {
    throw Invalid("Invalid NextToken.");
  }
  return std::stoul(*decoded);
}

// Slices `items` by MaxResults/NextToken into out[member], setting NextToken when more remain.
void Page(const base::Json& in, std::vector<base::Json> items, const char* member,
          base::Json& out) {
  size_t offset = Offset(in);
  size_t end = std::min(items.size(), offset + MaxResults(in));
  out[member] = base::Json::array();
  for (size_t i = offset; i < end; ++i) out[member].push_back(std::move(items[i]));
  if (end < items.size()) out["NextToken"] = base::Base64Encode(std::to_string(end));
}

std::string MemberUserId(const base::Json& in) {
  auto it = in.find("MemberId");
  if (it == in.end() || !it->is_object() || !it->contains("UserId")) {
    throw Invalid("MemberId must contain UserId.");
  }
  return (*it)["UserId"].get<std::string>();
}

}  // namespace

IdentityStore::IdentityStore(meta::Store& store, std::string identity_store_id)
    : store_(store), id_(std::move(identity_store_id)) {
  store_.Migrate("identitystore", kMigrations);
}

std::unique_ptr<aws::Service> IdentityStore::MakeService() {
  auto svc = std::make_unique<aws::Service>("identitystore", "identitystore");
  meta::Store& store = store_;
  const std::string id = id_;
  std::string prefix = id_.substr(2);

  auto check_store = [id](const base::Json& in) {
    std::string given = Str(in, "IdentityStoreId");
    if (given != id) throw NotFound("IDENTITY_STORE", given);
  };
  auto arn = [id](const aws::RequestContext& ctx, const base::Json&) {
    return "arn:aws:identitystore::" + ctx.account_id() + ":identitystore/" + id;
  };
  auto user_json = [id](const meta::Row& r) {
    base::Json u = base::ParseJson(r.Text(1));
    u["UserId"] = r.Text(0);
    u["IdentityStoreId"] = id;
    u["CreatedAt"] = r.Double(2);
    u["UpdatedAt"] = r.Double(3);
    return u;
  };
  auto group_json = [id](const meta::Row& r) {
    base::Json g = base::ParseJson(r.Text(1));
    g["GroupId"] = r.Text(0);
    g["IdentityStoreId"] = id;
    g["CreatedAt"] = r.Double(2);
    g["UpdatedAt"] = r.Double(3);
    return g;
  };
  auto find_user = [user_json](meta::Transaction& tx, const std::string& user_id) {
    auto row = tx.QueryOne("SELECT user_id, doc, created, updated FROM ids_users WHERE user_id = ?",
                           {meta::Text(user_id)});
    if (!row) throw NotFound("USER", user_id);
    return user_json(*row);
  };
  auto find_group = [group_json](meta::Transaction& tx, const std::string& group_id) {
    auto row = tx.QueryOne(
        "SELECT group_id, doc, created, updated FROM ids_groups WHERE group_id = ?",
        {meta::Text(group_id)});
    if (!row) throw NotFound("GROUP", group_id);
    return group_json(*row);
  };
  auto membership_json = [id](const meta::Row& r) {
    return base::Json{{"IdentityStoreId", id},
                      {"MembershipId", r.Text(0)},
                      {"GroupId", r.Text(1)},
                      {"MemberId", {{"UserId", r.Text(2)}}},
                      {"CreatedAt", r.Double(3)},
                      {"UpdatedAt", r.Double(3)}};
  };

  // Users.
  svc->Handle("CreateUser", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string user_name = Str(in, "UserName");
       if (user_name.empty()) throw Invalid("UserName is required.");
       if (Str(in, "DisplayName").empty()) throw Invalid("DisplayName is required.");
       base::Json doc = base::Json::object();
       for (const char* attr : kUserAttributes) {
         if (in.contains(attr)) doc[attr] = in[attr];
       }
       std::string user_id = prefix + "-" + base::Uuid4();
       store.Write([&](meta::Transaction& tx) {
         if (tx.QueryOne("SELECT 1 FROM ids_users WHERE user_name_key = ?",
                         {meta::Text(base::ToLower(user_name))})) {
           throw Conflict("Duplicate UserName");
         }
         double now = Now();
         tx.Exec(
             "INSERT INTO ids_users(user_id, user_name_key, doc, created, updated) "
             "VALUES(?, ?, ?, ?, ?)",
             {meta::Text(user_id), meta::Text(base::ToLower(user_name)), meta::Text(doc.dump()),
              now, now});
       });
       return base::Json{{"UserId", user_id}, {"IdentityStoreId", id}};
     }).Resource(arn);

  svc->Handle("DescribeUser", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       base::Json out;
       store.Read([&](meta::Transaction& tx) { out = find_user(tx, Str(in, "UserId")); });
       return out;
     }).Resource(arn);

  svc->Handle("ListUsers", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::optional<std::string> user_name;
       for (const auto& f : in.value("Filters", base::Json::array())) {
         if (base::ToLower(Str(f, "AttributePath")) != "username") {
           throw Invalid("Filtering is supported on UserName only.");
         }
         user_name = base::ToLower(Str(f, "AttributeValue"));
       }
       std::vector<base::Json> users;
       store.Read([&](meta::Transaction& tx) {
         for (const auto& r : tx.Query(
                  user_name ? "SELECT user_id, doc, created, updated FROM ids_users WHERE "
                              "user_name_key = ? ORDER BY created, user_id"
                            : "SELECT user_id, doc, created, updated FROM ids_users "
                              "ORDER BY created, user_id",
                  user_name ? std::vector<meta::Value>{meta::Text(*user_name)}
                            : std::vector<meta::Value>{})) {
           users.push_back(user_json(r));
         }
       });
       base::Json out;
       Page(in, std::move(users), "Users", out);
       return out;
     }).Resource(arn);

  svc->Handle("UpdateUser", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string user_id = Str(in, "UserId");
       std::vector<std::string> allowed(std::begin(kUserAttributes), std::end(kUserAttributes));
       store.Write([&](meta::Transaction& tx) {
         base::Json user = find_user(tx, user_id);
         base::Json doc = base::Json::object();
         for (const char* attr : kUserAttributes) {
           if (user.contains(attr)) doc[attr] = user[attr];
         }
         ApplyOperations(doc, in.value("Operations", base::Json()), allowed, true);
         std::string user_name = doc.value("UserName", "");
         if (user_name.empty()) throw Invalid("UserName cannot be removed.");
         if (tx.QueryOne("SELECT 1 FROM ids_users WHERE user_name_key = ? AND user_id <> ?",
                         {meta::Text(base::ToLower(user_name)), meta::Text(user_id)})) {
           throw Conflict("Duplicate UserName");
         }
         tx.Exec("UPDATE ids_users SET doc = ?, user_name_key = ?, updated = ? WHERE user_id = ?",
                 {meta::Text(doc.dump()), meta::Text(base::ToLower(user_name)), Now(),
                  meta::Text(user_id)});
       });
       return base::Json::object();
     }).Resource(arn);

  svc->Handle("DeleteUser", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string user_id = Str(in, "UserId");
       store.Write([&](meta::Transaction& tx) {
         if (tx.Exec("DELETE FROM ids_users WHERE user_id = ?", {meta::Text(user_id)}) == 0) {
           throw NotFound("USER", user_id);
         }
       });
       return base::Json::object();
     }).Resource(arn);

  svc->Handle("GetUserId", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       const base::Json alt = in.value("AlternateIdentifier", base::Json::object());
       const base::Json unique = alt.value("UniqueAttribute", base::Json::object());
       if (base::ToLower(Str(unique, "AttributePath")) != "username") {
         throw Invalid("Only the userName unique attribute is supported.");
       }
       std::string value = unique.contains("AttributeValue") && unique["AttributeValue"].is_string()
                               ? unique["AttributeValue"].get<std::string>()
                               : "";
       base::Json out = {{"IdentityStoreId", id}};
       store.Read([&](meta::Transaction& tx) {
         auto row = tx.QueryOne("SELECT user_id FROM ids_users WHERE user_name_key = ?",
                                {meta::Text(base::ToLower(value))});
         if (!row) throw NotFound("USER", value);
         out["UserId"] = row->Text(0);
       });
       return out;
     }).Resource(arn);

  // Groups.
  svc->Handle("CreateGroup", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string display_name = Str(in, "DisplayName");
       if (display_name.empty()) throw Invalid("DisplayName is required.");
       base::Json doc = {{"DisplayName", display_name}};
       if (in.contains("Description")) doc["Description"] = in["Description"];
       std::string group_id = prefix + "-" + base::Uuid4();
       store.Write([&](meta::Transaction& tx) {
         if (tx.QueryOne("SELECT 1 FROM ids_groups WHERE display_name_key = ?",
                         {meta::Text(base::ToLower(display_name))})) {
           throw Conflict("Duplicate GroupDisplayName");
         }
         double now = Now();
         tx.Exec(
             "INSERT INTO ids_groups(group_id, display_name_key, doc, created, updated) "
             "VALUES(?, ?, ?, ?, ?)",
             {meta::Text(group_id), meta::Text(base::ToLower(display_name)),
              meta::Text(doc.dump()), now, now});
       });
       return base::Json{{"GroupId", group_id}, {"IdentityStoreId", id}};
     }).Resource(arn);

  svc->Handle("DescribeGroup", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       base::Json out;
       store.Read([&](meta::Transaction& tx) { out = find_group(tx, Str(in, "GroupId")); });
       return out;
     }).Resource(arn);

  svc->Handle("ListGroups", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::optional<std::string> display_name;
       for (const auto& f : in.value("Filters", base::Json::array())) {
         if (base::ToLower(Str(f, "AttributePath")) != "displayname") {
           throw Invalid("Filtering is supported on DisplayName only.");
         }
         display_name = base::ToLower(Str(f, "AttributeValue"));
       }
       std::vector<base::Json> groups;
       store.Read([&](meta::Transaction& tx) {
         for (const auto& r : tx.Query(
                  display_name ? "SELECT group_id, doc, created, updated FROM ids_groups WHERE "
                                 "display_name_key = ? ORDER BY created, group_id"
                               : "SELECT group_id, doc, created, updated FROM ids_groups "
                                 "ORDER BY created, group_id",
                  display_name ? std::vector<meta::Value>{meta::Text(*display_name)}
                               : std::vector<meta::Value>{})) {
           groups.push_back(group_json(r));
         }
       });
       base::Json out;
       Page(in, std::move(groups), "Groups", out);
       return out;
     }).Resource(arn);

  svc->Handle("UpdateGroup", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string group_id = Str(in, "GroupId");
       store.Write([&](meta::Transaction& tx) {
         base::Json group = find_group(tx, group_id);
         base::Json doc = {{"DisplayName", group["DisplayName"]}};
         if (group.contains("Description")) doc["Description"] = group["Description"];
         ApplyOperations(doc, in.value("Operations", base::Json()), {"DisplayName", "Description"},
                         false);
         std::string display_name = doc.value("DisplayName", "");
         if (display_name.empty()) throw Invalid("DisplayName cannot be removed.");
         if (tx.QueryOne("SELECT 1 FROM ids_groups WHERE display_name_key = ? AND group_id <> ?",
                         {meta::Text(base::ToLower(display_name)), meta::Text(group_id)})) {
           throw Conflict("Duplicate GroupDisplayName");
         }
         tx.Exec(
             "UPDATE ids_groups SET doc = ?, display_name_key = ?, updated = ? WHERE group_id = ?",
             {meta::Text(doc.dump()), meta::Text(base::ToLower(display_name)), Now(),
              meta::Text(group_id)});
       });
       return base::Json::object();
     }).Resource(arn);

  svc->Handle("DeleteGroup", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string group_id = Str(in, "GroupId");
       store.Write([&](meta::Transaction& tx) {
         if (tx.Exec("DELETE FROM ids_groups WHERE group_id = ?", {meta::Text(group_id)}) == 0) {
           throw NotFound("GROUP", group_id);
         }
       });
       return base::Json::object();
     }).Resource(arn);

  svc->Handle("GetGroupId", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       const base::Json alt = in.value("AlternateIdentifier", base::Json::object());
       const base::Json unique = alt.value("UniqueAttribute", base::Json::object());
       if (base::ToLower(Str(unique, "AttributePath")) != "displayname") {
         throw Invalid("Only the displayName unique attribute is supported.");
       }
       std::string value = unique.contains("AttributeValue") && unique["AttributeValue"].is_string()
                               ? unique["AttributeValue"].get<std::string>()
                               : "";
       base::Json out = {{"IdentityStoreId", id}};
       store.Read([&](meta::Transaction& tx) {
         auto row = tx.QueryOne("SELECT group_id FROM ids_groups WHERE display_name_key = ?",
                                {meta::Text(base::ToLower(value))});
         if (!row) throw NotFound("GROUP", value);
         out["GroupId"] = row->Text(0);
       });
       return out;
     }).Resource(arn);

  // Memberships.
  svc->Handle("CreateGroupMembership", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string group_id = Str(in, "GroupId");
       std::string user_id = MemberUserId(in);
       std::string membership_id = prefix + "-" + base::Uuid4();
       store.Write([&](meta::Transaction& tx) {
         find_group(tx, group_id);
         find_user(tx, user_id);
         if (tx.QueryOne("SELECT 1 FROM ids_memberships WHERE group_id = ? AND user_id = ?",
                         {meta::Text(group_id), meta::Text(user_id)})) {
           throw Conflict("Member already exists in group");
         }
         tx.Exec(
             "INSERT INTO ids_memberships(membership_id, group_id, user_id, created) "
             "VALUES(?, ?, ?, ?)",
             {meta::Text(membership_id), meta::Text(group_id), meta::Text(user_id), Now()});
       });
       return base::Json{{"MembershipId", membership_id}, {"IdentityStoreId", id}};
     }).Resource(arn);

  svc->Handle("DeleteGroupMembership", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string membership_id = Str(in, "MembershipId");
       store.Write([&](meta::Transaction& tx) {
         if (tx.Exec("DELETE FROM ids_memberships WHERE membership_id = ?",
                     {meta::Text(membership_id)}) == 0) {
           throw NotFound("GROUP_MEMBERSHIP", membership_id);
         }
       });
       return base::Json::object();
     }).Resource(arn);

  svc->Handle("DescribeGroupMembership", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string membership_id = Str(in, "MembershipId");
       base::Json out;
       store.Read([&](meta::Transaction& tx) {
         auto row = tx.QueryOne(
             "SELECT membership_id, group_id, user_id, created FROM ids_memberships "
             "WHERE membership_id = ?",
             {meta::Text(membership_id)});
         if (!row) throw NotFound("GROUP_MEMBERSHIP", membership_id);
         out = membership_json(*row);
       });
       return out;
     }).Resource(arn);

  svc->Handle("GetGroupMembershipId", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string group_id = Str(in, "GroupId");
       std::string user_id = MemberUserId(in);
       base::Json out = {{"IdentityStoreId", id}};
       store.Read([&](meta::Transaction& tx) {
         auto row = tx.QueryOne(
             "SELECT membership_id FROM ids_memberships WHERE group_id = ? AND user_id = ?",
             {meta::Text(group_id), meta::Text(user_id)});
         if (!row) throw NotFound("GROUP_MEMBERSHIP", group_id);
         out["MembershipId"] = row->Text(0);
       });
       return out;
     }).Resource(arn);

  svc->Handle("ListGroupMemberships", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string group_id = Str(in, "GroupId");
       std::vector<base::Json> items;
       store.Read([&](meta::Transaction& tx) {
         find_group(tx, group_id);
         for (const auto& r : tx.Query(
                  "SELECT membership_id, group_id, user_id, created FROM ids_memberships "
                  "WHERE group_id = ? ORDER BY created, membership_id",
                  {meta::Text(group_id)})) {
           items.push_back(membership_json(r));
         }
       });
       base::Json out;
       Page(in, std::move(items), "GroupMemberships", out);
       return out;
     }).Resource(arn);

  svc->Handle("ListGroupMembershipsForMember",
              [=, &store](aws::RequestContext&, const base::Json& in) {
                check_store(in);
                std::string user_id = MemberUserId(in);
                std::vector<base::Json> items;
                store.Read([&](meta::Transaction& tx) {
                  find_user(tx, user_id);
                  for (const auto& r : tx.Query(
                           "SELECT membership_id, group_id, user_id, created FROM "
                           "ids_memberships WHERE user_id = ? ORDER BY created, membership_id",
                           {meta::Text(user_id)})) {
                    items.push_back(membership_json(r));
                  }
                });
                base::Json out;
                Page(in, std::move(items), "GroupMemberships", out);
                return out;
              })
      .Resource(arn);

  svc->Handle("IsMemberInGroups", [=, &store](aws::RequestContext&, const base::Json& in) {
       check_store(in);
       std::string user_id = MemberUserId(in);
       base::Json out = {{"Results", base::Json::array()}};
       store.Read([&](meta::Transaction& tx) {
         find_user(tx, user_id);
         for (const auto& g : in.value("GroupIds", base::Json::array())) {
           std::string group_id = g.is_string() ? g.get<std::string>() : "";
           bool exists = tx.QueryOne(
                             "SELECT 1 FROM ids_memberships WHERE group_id = ? AND user_id = ?",
                             {meta::Text(group_id), meta::Text(user_id)})
                             .has_value();
           out["Results"].push_back({{"GroupId", group_id},
                                     {"MemberId", {{"UserId", user_id}}},
                                     {"MembershipExists", exists}});
         }
       });
       return out;
     }).Resource(arn);

  return svc;
}

}  // namespace identitystore
