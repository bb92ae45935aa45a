#include "services/iam/iam.h"

#include "base/log.h"
#include "platform/auth/evaluator.h"
#include "platform/aws/api_error.h"
#include "services/iam/aws_managed_policies.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/iam_schema.h"
#include "services/iam/role_sessions.h"

namespace iam {

Iam::Iam(meta::Store& store, std::string account_id, RootCredentials root)
    : store_(store), account_id_(std::move(account_id)), root_(std::move(root)) {
  store_.Migrate("iam", IamMigrations());
}

std::unique_ptr<aws::Service> Iam::MakeIamService() {
  auto svc = std::make_unique<aws::Service>("iam", "iam");
  RegisterUserOperations(*this, *svc);
  RegisterRoleOperations(*this, *svc);
  RegisterPolicyOperations(*this, *svc);
  RegisterTagOperations(*this, *svc);
  return svc;
}

std::unique_ptr<aws::Service> Iam::MakeStsService() {
  auto svc = std::make_unique<aws::Service>("sts", "sts");
  RegisterStsOperations(*this, *svc);
  return svc;
}

std::optional<aws::Credentials> Iam::Lookup(std::string_view access_key_id) {
  if (access_key_id == root_.access_key_id) {
    aws::Credentials c;
    c.secret_access_key = root_.secret_access_key;
    c.principal.type = aws::Principal::Type::kRoot;
    c.principal.arn = "arn:aws:iam::" + account_id_ + ":root";
    c.principal.account_id = account_id_;
    c.principal.user_id = account_id_;
    c.principal.access_key_id = std::string(access_key_id);
    return c;
  }
  std::optional<aws::Credentials> out;
  store_.Read([&](meta::Transaction& tx) {
    if (access_key_id.starts_with("ASIA")) {
      auto row = tx.QueryOne(
          "SELECT secret, session_token, kind, principal_arn, user_id, user_name, role_arn, "
          "session_name, expires, session_policy FROM sts_sessions WHERE access_key_id = ?",
          {meta::Text(access_key_id)});
      if (!row) return;
      aws::Credentials c;
      c.secret_access_key = row->Text(0);
      c.session_token = row->Text(1);
      std::string kind = row->Text(2);
      c.principal.type = kind == "role"   ? aws::Principal::Type::kAssumedRole
                         : kind == "root" ? aws::Principal::Type::kRoot
                                          : aws::Principal::Type::kUser;
      c.principal.arn = row->Text(3);
      c.principal.account_id = account_id_;
      c.principal.user_id = row->Text(4);
      c.principal.user_name = row->Text(5);
      c.principal.role_arn = row->Text(6);
      c.principal.session_name = row->Text(7);
      c.principal.access_key_id = std::string(access_key_id);
      c.expiration = base::FromUnixMillis(static_cast<int64_t>(row->Double(8) * 1000));
      if (auto doc = row->OptText(9)) {
        c.session_policy = std::make_shared<const auth::Policy>(auth::Policy::Parse(*doc));
      }
      out = std::move(c);
      return;
    }
    auto row = tx.QueryOne(
        "SELECT k.secret, k.status, u.name, u.user_id, u.arn FROM iam_access_keys k "
        "JOIN iam_users u ON u.name_key = k.user_key WHERE k.access_key_id = ?",
        {meta::Text(access_key_id)});
    if (!row) return;
    aws::Credentials c;
    c.secret_access_key = row->Text(0);
    c.active = row->Text(1) == "Active";
    c.principal.type = aws::Principal::Type::kUser;
    c.principal.user_name = row->Text(2);
    c.principal.user_id = row->Text(3);
    c.principal.arn = row->Text(4);
    c.principal.account_id = account_id_;
    c.principal.access_key_id = std::string(access_key_id);
    out = std::move(c);
  });
  return out;
}

std::vector<std::string> Iam::PolicyDocumentsFor(const aws::Principal& principal) {
  std::vector<std::pair<std::string, std::string>> holders;  // (type, key)
  std::vector<std::string> documents;
  store_.Read([&](meta::Transaction& tx) {
    if (principal.type == aws::Principal::Type::kUser) {
      std::string key = NameKey(principal.user_name);
      holders.emplace_back("user", key);
      for (const auto& r : tx.Query("SELECT group_key FROM iam_group_members WHERE user_key = ?",
                                    {meta::Text(key)})) {
        holders.emplace_back("group", r.Text(0));
      }
    } else if (principal.type == aws::Principal::Type::kAssumedRole) {
      holders.emplace_back("role", NameKey(principal.role_arn.substr(principal.role_arn.rfind('/') + 1)));
    }
    for (const auto& [type, key] : holders) {
      for (const auto& r : tx.Query("SELECT document FROM iam_inline_policies WHERE "
                                    "principal_type = ? AND principal_key = ?",
                                    {meta::Text(type), meta::Text(key)})) {
        documents.push_back(r.Text(0));
      }
      for (const auto& r : tx.Query("SELECT policy_arn FROM iam_attachments WHERE "
                                    "principal_type = ? AND principal_key = ?",
                                    {meta::Text(type), meta::Text(key)})) {
        std::string arn = r.Text(0);
        if (const AwsManagedPolicy* m = FindAwsManagedPolicy(arn)) {
          documents.emplace_back(m->document);
          continue;
        }
        if (auto doc = tx.QueryOne(
                "SELECT v.document FROM iam_policy_versions v JOIN iam_policies p "
                "ON p.arn = v.policy_arn AND p.default_version = v.version WHERE p.arn = ?",
                {meta::Text(arn)})) {
          documents.push_back(doc->Text(0));
        }
      }
    }
  });
  return documents;
}

std::vector<std::shared_ptr<const auth::Policy>> Iam::IdentityPolicies(
    const aws::Principal& principal) {
  std::string cache_key = principal.type == aws::Principal::Type::kAssumedRole
                              ? principal.role_arn
                              : principal.arn;
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(cache_key);
    if (it != cache_.end()) return it->second;
  }
  std::vector<std::shared_ptr<const auth::Policy>> policies;
  for (const std::string& doc : PolicyDocumentsFor(principal)) {
    try {
      policies.push_back(std::make_shared<const auth::Policy>(auth::Policy::Parse(doc)));
    } catch (const auth::PolicyError& e) {
      // Documents were validated when stored; one that no longer parses grants nothing.
      LOG_WARN("ignoring unparsable stored policy", {{"principal", principal.arn}});
    }
  }
  std::lock_guard<std::mutex> lock(cache_mu_);
  cache_[cache_key] = policies;
  return policies;
}

void Iam::InvalidatePolicyCache() {
  std::lock_guard<std::mutex> lock(cache_mu_);
  cache_.clear();
}

aws::Credentials Iam::IssueRoleSession(const std::string& role_arn,
                                       const std::string& session_name,
                                       std::chrono::seconds duration,
                                       const std::string& service_principal) {
  auto role = TryFindRoleByArn(store_, role_arn);
  if (!role) {
    throw aws::ApiError(400, "ValidationException",
                        "Could not find role " + role_arn + ". Please ensure it exists.");
  }
  auth::Request request;
  request.action = "sts:AssumeRole";
  request.resource = role_arn;
  request.principal.type = auth::Principal::Type::kService;
  request.principal.arn = service_principal;
  if (!auth::EvaluatePolicy(auth::Policy::Parse(role->trust_policy), request,
                            auth::PolicyKind::kResource)
           .allowed()) {
    throw aws::ApiError(400, "ValidationException",
                        "The role " + role_arn + " does not trust " + service_principal +
                            ": its trust policy must allow sts:AssumeRole for that service.");
  }
  aws::Principal session = RoleSessionPrincipal(account_id_, *role, session_name);
  return CreateSession(store_, session, duration, "");
}

}  // namespace iam
