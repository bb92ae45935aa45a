// Tagging of users and roles (TagUser, UntagUser, ListUserTags, and the Role twins), from one
// table of taggable kinds.
#include "services/iam/iam.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"

namespace iam {
namespace {

struct TaggableKind {
  const char* kind;    // "User"
  const char* type;    // "user"
  const char* table;   // "iam_users"
  const char* member;  // "UserName"
};

constexpr TaggableKind kTaggable[] = {
    {"User", "user", "iam_users", "UserName"},
    {"Role", "role", "iam_roles", "RoleName"},
};

std::string StoredTags(meta::Transaction& tx, const TaggableKind& k, const std::string& name) {
  auto row = tx.QueryOne(std::string("SELECT tags FROM ") + k.table + " WHERE name_key = ?",
                         {meta::Text(NameKey(name))});
  if (!row) throw NoSuchEntity("The " + std::string(k.type) + " with name " + name + " cannot be found.");
  return row->Text(0);
}

}  // namespace

void RegisterTagOperations(Iam& iam, aws::Service& svc) {
  meta::Store& store = iam.store();
  for (const TaggableKind& k : kTaggable) {
    auto arn = [&iam, k](const aws::RequestContext&, const base::Json& in) {
      return "arn:aws:iam::" + iam.account_id() + ":" + k.type + "/" + Optional(in, k.member);
    };
    auto update = [&store, k](const base::Json& in,
                              const std::function<std::string(const std::string&)>& change) {
      std::string name = Required(in, k.member);
      store.Write([&](meta::Transaction& tx) {
        std::string tags = change(StoredTags(tx, k, name));
        tx.Exec(std::string("UPDATE ") + k.table + " SET tags = ? WHERE name_key = ?",
                {meta::Text(tags), meta::Text(NameKey(name))});
      });
      return base::Json::object();
    };
    svc.Handle(std::string("Tag") + k.kind, [update](aws::RequestContext&, const base::Json& in) {
         return update(in, [&](const std::string& t) {
           return MergeTags(t, in.value("Tags", base::Json()));
         });
       }).Resource(arn);
    svc.Handle(std::string("Untag") + k.kind, [update](aws::RequestContext&, const base::Json& in) {
         return update(in, [&](const std::string& t) {
           return RemoveTags(t, in.value("TagKeys", base::Json()));
         });
       }).Resource(arn);
    svc.Handle(std::string("List") + k.kind + "Tags",
               [&store, k](aws::RequestContext&, const base::Json& in) {
                 std::string name = Required(in, k.member);
                 base::Json out;
                 store.Read([&](meta::Transaction& tx) { out["Tags"] = TagsJson(StoredTags(tx, k, name)); });
                 out["IsTruncated"] = false;
                 return out;
               })
        .Resource(arn);
  }
}

}  // namespace iam
