// STS: GetCallerIdentity, GetSessionToken, AssumeRole, GetAccessKeyInfo. Temporary
// credentials live in sts_sessions until they expire; the credential provider honours them
// with their session token (X-Amz-Security-Token).
#include "base/crypto.h"
#include "base/json.h"
#include "services/iam/iam.h"
#include "services/iam/iam_common.h"
#include "services/iam/iam_operations.h"
#include "services/iam/role_sessions.h"

namespace iam {
namespace {

int64_t Duration(const base::Json& in, int64_t fallback, int64_t max) {
  auto it = in.find("DurationSeconds");
  if (it == in.end()) return fallback;
  int64_t v = it->is_number_integer() ? it->get<int64_t>() : 0;
  if (v < 900 || v > max) {
    throw aws::ApiError(400, "ValidationError",
                        "The requested DurationSeconds exceeds the MaxSessionDuration set for this "
                        "role or is below 900 seconds.");
  }
  return v;
}

base::Json CredentialsJson(const aws::Credentials& c) {
  return {{"AccessKeyId", c.principal.access_key_id},
          {"SecretAccessKey", c.secret_access_key},
          {"SessionToken", c.session_token},
          {"Expiration", base::ToUnixSecondsDouble(*c.expiration)}};
}

}  // namespace

void RegisterStsOperations(Iam& iam, aws::Service& svc) {
  meta::Store& store = iam.store();

  svc.Handle("GetCallerIdentity", [&](aws::RequestContext& ctx, const base::Json&) {
    const aws::Principal& p = ctx.principal();
    return base::Json{{"UserId", p.user_id}, {"Account", p.account_id}, {"Arn", p.arn}};
  }).AlwaysAllowed();

  svc.Handle("GetAccessKeyInfo", [&](aws::RequestContext&, const base::Json& in) {
    std::string id = Required(in, "AccessKeyId");
    if (!iam.Lookup(id)) {
      throw aws::ApiError(400, "InvalidParameterValue", "The access key id is not valid.");
    }
    return base::Json{{"Account", iam.account_id()}};
  });

  svc.Handle("GetSessionToken", [&](aws::RequestContext& ctx, const base::Json& in) {
    const aws::Principal& caller = ctx.principal();
    if (caller.type == aws::Principal::Type::kAssumedRole ||
        !ctx.http_request().headers.Get("X-Amz-Security-Token").value_or("").empty()) {
      throw aws::ApiError(403, "AccessDenied",
                          "Cannot call GetSessionToken with session credentials");
    }
    int64_t duration = Duration(in, caller.is_root() ? 3600 : 43200, caller.is_root() ? 3600 : 129600);
    aws::Principal session = caller;
    aws::Credentials creds = CreateSession(store, session, std::chrono::seconds(duration), "");
    return base::Json{{"Credentials", CredentialsJson(creds)}};
  }).AlwaysAllowed();

  svc.Handle("AssumeRole", [&](aws::RequestContext& ctx, const base::Json& in) {
       std::string role_arn = Required(in, "RoleArn");
       std::string session_name = Required(in, "RoleSessionName");
       std::string session_policy = Optional(in, "Policy");
       if (!session_policy.empty()) {
         try {
           ValidPolicyDocument(session_policy, auth::PolicyKind::kSession);
         } catch (const aws::ApiError& e) {
           throw aws::ApiError(400, "MalformedPolicyDocument", e.message());
         }
       }
       RoleRecord role = FindRoleByArn(store, role_arn);
       // Role chaining limits the session to one hour, as in AWS.
       int64_t max = ctx.principal().type == aws::Principal::Type::kAssumedRole ? 3600
                                                                                : role.max_session;
       int64_t duration = Duration(in, 3600, max);
       aws::Principal session = RoleSessionPrincipal(iam.account_id(), role, session_name);
       aws::Credentials creds =
           CreateSession(store, session, std::chrono::seconds(duration), session_policy);
       return base::Json{
           {"Credentials", CredentialsJson(creds)},
           {"AssumedRoleUser", {{"AssumedRoleId", session.user_id}, {"Arn", session.arn}}},
           {"PackedPolicySize", session_policy.empty() ? 0 : 6}};
     }).Resource([](const aws::RequestContext&, const base::Json& in) {
    return Optional(in, "RoleArn", "*");
  });

  // The role's trust policy is the resource policy sts:AssumeRole is evaluated against.
  svc.set_resource_policy([&store](const aws::RequestContext& ctx,
                                   const base::Json& in) -> std::shared_ptr<const auth::Policy> {
    if (ctx.operation() != "AssumeRole") return nullptr;
    auto role = TryFindRoleByArn(store, Optional(in, "RoleArn"));
    if (!role) return nullptr;
    return std::make_shared<const auth::Policy>(auth::Policy::Parse(role->trust_policy));
  }, /*must_allow=*/true);
}

}  // namespace iam
