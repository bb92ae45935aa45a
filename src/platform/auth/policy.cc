#include "platform/auth/policy.h"

#include "base/json.h"
#include "platform/auth/document.h"

namespace auth {

namespace {

constexpr std::string_view kVersion2012 = "2012-10-17";
constexpr std::string_view kVersion2008 = "2008-10-17";

std::vector<std::string> StringList(const base::Json& value, std::string_view field) {
  auto bad = [&] {
    return PolicyError(std::string(field) + " must be a string or a non-empty list of strings.");
  };
  std::vector<std::string> out;
  if (value.is_string()) {
    out.push_back(value.get<std::string>());
  } else if (value.is_array() && !value.empty()) {
    for (const base::Json& v : value) {
      if (!v.is_string()) throw bad();
      out.push_back(v.get<std::string>());
    }
  } else {
    throw bad();
  }
  return out;
}

const std::string& Text(const base::Json& value, std::string_view field) {
  if (!value.is_string()) throw PolicyError(std::string(field) + " must be a string.");
  return value.get_ref<const std::string&>();
}

internal::Statement ParseStatement(const base::Json& json, bool variables) {
  using internal::Pattern;
  if (!json.is_object())
    throw PolicyError("Syntax errors in policy: a statement must be an object.");
  internal::Statement st;
  bool has_effect = false;
  bool has_action = false;
  for (const auto& [name, value] : json.items()) {
    if (name == "Sid") {
      st.sid = Text(value, name);
    } else if (name == "Effect") {
      const std::string& effect = Text(value, name);
      if (effect != "Allow" && effect != "Deny") {
        throw PolicyError("Invalid effect: " + effect + ". Effect must be Allow or Deny.");
      }
      st.allow = effect == "Allow";
      has_effect = true;
    } else if (name == "Action" || name == "NotAction") {
      if (has_action) throw PolicyError("A statement cannot contain both Action and NotAction.");
      has_action = true;
      st.not_action = name == "NotAction";
      for (const std::string& a : StringList(value, name)) {
        size_t colon = a.find(':');
        if (a != "*" && (colon == std::string::npos || colon == 0)) {
          throw PolicyError(
              "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.");
        }
        st.actions.push_back(Pattern::Compile(a, {.wildcards = true, .variables = false}));
      }
    } else if (name == "Resource" || name == "NotResource") {
      if (st.has_resource) {
        throw PolicyError("A statement cannot contain both Resource and NotResource.");
      }
      st.has_resource = true;
      st.not_resource = name == "NotResource";
      for (const std::string& r : StringList(value, name)) {
        if (r != "*" && r.rfind("arn:", 0) != 0) {
          throw PolicyError("Resource " + r + " must be in ARN format or \"*\".");
        }
        st.resources.push_back(Pattern::Compile(r, {.wildcards = true, .variables = variables}));
      }
    } else if (name == "Principal" || name == "NotPrincipal") {
      if (st.has_principal) {
        throw PolicyError("A statement cannot contain both Principal and NotPrincipal.");
      }
      st.has_principal = true;
      st.not_principal = name == "NotPrincipal";
      st.principals = internal::PrincipalSet::Compile(value);
    } else if (name == "Condition") {
      if (!value.is_object()) throw PolicyError("Condition must be an object.");
      for (const auto& [op, tests] : value.items()) {
        if (!tests.is_object()) {
          throw PolicyError("Condition operator " + op + " must map keys to values.");
        }
        for (const auto& [key, values] : tests.items()) {
          st.conditions.push_back(internal::Condition::Compile(op, key, values, variables));
        }
      }
    } else {
      throw PolicyError("Syntax errors in policy: unknown statement field " + name + ".");
    }
  }
  if (!has_effect) throw PolicyError("Missing required field Effect.");
  if (!has_action) throw PolicyError("Policy statement must contain actions.");
  return st;
}

void CheckKind(const internal::Statement& st, PolicyKind kind) {
  if (kind == PolicyKind::kResource) {
    if (!st.has_principal) throw PolicyError("Missing required field Principal.");
    return;
  }
  if (st.has_principal) throw PolicyError("Policy document should not specify a principal.");
  if (!st.has_resource) throw PolicyError("Policy statement must contain resources.");
}

}  // namespace

Policy Policy::Parse(std::string_view text, std::optional<PolicyKind> kind) {
  base::Json json;
  try {
    json = base::ParseJson(text);
  } catch (const base::ParseError& e) {
    throw PolicyError(std::string("Syntax errors in policy: ") + e.what() + ".");
  }
  if (!json.is_object()) {
    throw PolicyError("Syntax errors in policy: the document must be a JSON object.");
  }
  auto doc = std::make_shared<internal::Document>();
  doc->version = std::string(kVersion2008);
  const base::Json* statements = nullptr;
  for (const auto& [name, value] : json.items()) {
    if (name == "Version") {
      doc->version = Text(value, name);
      if (doc->version != kVersion2012 && doc->version != kVersion2008) {
        throw PolicyError("Invalid policy version " + doc->version +
                          ": use 2012-10-17 (or 2008-10-17).");
      }
    } else if (name == "Id") {
      doc->id = Text(value, name);
    } else if (name == "Statement") {
      statements = &value;
    } else {
      throw PolicyError("Syntax errors in policy: unknown field " + name + ".");
    }
  }
  if (statements == nullptr) throw PolicyError("Missing required field Statement.");
  bool variables = doc->version == kVersion2012;
  if (statements->is_array()) {
    if (statements->empty()) throw PolicyError("Statement must contain at least one statement.");
    for (const base::Json& s : *statements) doc->statements.push_back(ParseStatement(s, variables));
  } else {
    doc->statements.push_back(ParseStatement(*statements, variables));
  }
  if (kind) {
    for (const internal::Statement& st : doc->statements) CheckKind(st, *kind);
  }
  return Policy(std::move(doc));
}

const std::string& Policy::version() const { return document_->version; }
const std::string& Policy::id() const { return document_->id; }
size_t Policy::statement_count() const { return document_->statements.size(); }
const std::string& Policy::sid(size_t index) const { return document_->statements[index].sid; }

}  // namespace auth
