#include "platform/auth/principal_set.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "base/strings.h"
#include "platform/auth/policy.h"

namespace auth::internal {

namespace {

bool IsAccountId(std::string_view s) {
  if (s.size() != 12) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The parts of an IAM or STS ARN that identify a principal:
// arn:PARTITION:SERVICE::ACCOUNT:RESOURCE.
struct PrincipalArn {
  std::string_view service;
  std::string_view account;
  std::string_view resource;
};

std::optional<PrincipalArn> SplitArn(std::string_view arn) {
  std::string_view parts[6];
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    parts[i] = arn.substr(0, colon);
    arn.remove_prefix(colon + 1);
  }
  parts[5] = arn;
  if (parts[0] != "arn" || parts[1].empty() || !parts[3].empty() || !IsAccountId(parts[4]) ||
      parts[5].empty()) {
    return std::nullopt;
  }
  return PrincipalArn{parts[2], parts[4], parts[5]};
}

// "user/path/name" -> "name" when `resource` is of `type`; empty otherwise.
std::string_view NameOf(std::string_view resource, std::string_view type) {
  if (resource.size() <= type.size() + 1 || resource.substr(0, type.size()) != type ||
      resource[type.size()] != '/') {
    return {};
  }
  return resource.substr(resource.rfind('/') + 1);
}

// "assumed-role/ROLE/SESSION" -> "ROLE".
std::string_view RoleOfSession(std::string_view resource) {
  constexpr std::string_view kPrefix = "assumed-role/";
  if (resource.substr(0, kPrefix.size()) != kPrefix) return {};
  std::string_view rest = resource.substr(kPrefix.size());
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return {};
  return rest.substr(0, slash);
}

std::vector<std::string> Strings(const base::Json& value, std::string_view type) {
  std::vector<std::string> out;
  auto add = [&](const base::Json& v) {
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      throw PolicyError("Invalid principal in policy: \"" + std::string(type) + "\":" + v.dump());
    }
    out.push_back(v.get<std::string>());
  };
  if (value.is_array()) {
    if (value.empty()) throw PolicyError("Invalid principal in policy: empty " + std::string(type));
    for (const base::Json& v : value) add(v);
  } else {
    add(value);
  }
  return out;
}

}  // namespace

PrincipalSet PrincipalSet::Compile(const base::Json& element) {
  PrincipalSet set;
  if (element.is_string()) {
    if (element.get_ref<const std::string&>() != "*") {
      throw PolicyError("Invalid principal in policy: " + element.dump());
    }
    set.everyone_ = true;
    return set;
  }
  if (!element.is_object() || element.empty()) {
    throw PolicyError("Invalid principal in policy: " + element.dump());
  }
  for (const auto& [type, value] : element.items()) {
    if (type == "AWS") {
      for (const std::string& v : Strings(value, type)) {
        auto invalid = [&] {
          return PolicyError("Invalid principal in policy: \"AWS\":\"" + v + "\"");
        };
        if (v == "*") {
          set.every_aws_ = true;
          continue;
        }
        if (IsAccountId(v)) {
          set.accounts_.push_back(v);
          continue;
        }
        std::optional<PrincipalArn> arn = SplitArn(v);
        if (!arn) throw invalid();
        std::string account(arn->account);
        if (arn->service == "iam" && arn->resource == "root") {
          set.accounts_.push_back(account);
        } else if (std::string_view n = NameOf(arn->resource, "user");
                   arn->service == "iam" && !n.empty()) {
          set.users_.push_back(Named{account, std::string(n)});
        } else if (std::string_view r = NameOf(arn->resource, "role");
                   arn->service == "iam" && !r.empty()) {
          set.roles_.push_back(Named{account, std::string(r)});
        } else if (arn->service == "sts" && (!RoleOfSession(arn->resource).empty() ||
                                             !NameOf(arn->resource, "federated-user").empty())) {
          set.sessions_.push_back(v);
        } else {
          throw invalid();
        }
      }
    } else if (type == "Service") {
      for (std::string& v : Strings(value, type)) set.services_.push_back(std::move(v));
    } else if (type == "Federated") {
      for (std::string& v : Strings(value, type)) set.providers_.push_back(std::move(v));
    } else {
      throw PolicyError("Invalid principal in policy: unsupported principal type \"" + type + "\"");
    }
  }
  return set;
}

PrincipalSet::Match PrincipalSet::Matches(const Principal& caller) const {
  using Type = Principal::Type;
  Match best = everyone_ ? Match::kGrant : Match::kNone;
  auto consider = [&best](Match m) { best = std::max(best, m); };
  switch (caller.type) {
    case Type::kAnonymous:
      if (every_aws_) consider(Match::kGrant);
      return best;
    case Type::kService:
      for (const std::string& s : services_) {
        if (base::EqualsIgnoreCase(s, caller.arn)) consider(Match::kExact);
      }
      return best;
    case Type::kWebIdentity:
      for (const std::string& p : providers_) {
        if (p == caller.arn) consider(Match::kExact);
      }
      return best;
    case Type::kAccount:
    case Type::kUser:
    case Type::kAssumedRole:
    case Type::kFederatedUser:
      break;
  }
  if (every_aws_) consider(Match::kGrant);
  for (const std::string& a : accounts_) {
    if (a == caller.account) consider(Match::kAccount);
  }
  std::optional<PrincipalArn> arn = SplitArn(caller.arn);
  if (!arn) return best;
  if (caller.type == Type::kUser) {
    std::string_view name = NameOf(arn->resource, "user");
    for (const Named& u : users_) {
      if (u.account == arn->account && u.name == name) consider(Match::kExact);
    }
  } else if (caller.type == Type::kAssumedRole) {
    std::string_view role = RoleOfSession(arn->resource);
    for (const Named& r : roles_) {
      if (r.account == arn->account && r.name == role) consider(Match::kGrant);
    }
  }
  if (caller.type == Type::kAssumedRole || caller.type == Type::kFederatedUser) {
    for (const std::string& s : sessions_) {
      if (s == caller.arn) consider(Match::kExact);
    }
  }
  return best;
}

}  // namespace auth::internal
