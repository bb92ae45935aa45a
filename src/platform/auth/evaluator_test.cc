#include "platform/auth/evaluator.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/json.h"

// evaluator_test_cases.json, linked into the test binary.
extern const std::string_view kEvaluatorTestCases;

namespace auth {
namespace {

using Result = Decision::Result;
using Type = Principal::Type;

constexpr char kAccount[] = "111122223333";

// The table's principal notation: "anonymous", "root", "user/NAME[@ACCOUNT]",
// "session/ROLE/SESSION", "service/NAME", "web/PROVIDER". Users live under /division/.
Principal ParsePrincipal(const std::string& s) {
  auto after = [&](std::string_view prefix) { return s.substr(prefix.size()); };
  if (s == "anonymous") return {};
  if (s == "root")
    return {Type::kAccount, std::string("arn:aws:iam::") + kAccount + ":root", kAccount};
  if (s.starts_with("user/")) {
    std::string name = after("user/");
    std::string account = kAccount;
    if (size_t at = name.find('@'); at != std::string::npos) {
      account = name.substr(at + 1);
      name.resize(at);
    }
    return {Type::kUser, "arn:aws:iam::" + account + ":user/division/" + name, account};
  }
  if (s.starts_with("session/")) {
    return {Type::kAssumedRole,
            std::string("arn:aws:sts::") + kAccount + ":assumed-role/" + after("session/"),
            kAccount};
  }
  if (s.starts_with("service/")) return {Type::kService, after("service/"), ""};
  if (s.starts_with("web/")) return {Type::kWebIdentity, after("web/"), ""};
  ADD_FAILURE() << "bad principal notation " << s;
  return {};
}

// A table policy: a list of statements (a 2012-10-17 document) or a whole document.
std::string PolicyText(const base::Json& j) {
  if (j.is_array()) return base::Json{{"Version", "2012-10-17"}, {"Statement", j}}.dump();
  return j.dump();
}

struct Case {
  std::string name;
  std::vector<std::string> identity;
  std::optional<std::string> resource_policy;
  std::optional<std::string> session_policy;
  Request request;
  Result expected = Result::kNotApplicable;
  std::string sid;  // the deciding statement's Sid; empty for implicit decisions
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }

std::vector<Case> Cases() {
  std::vector<Case> cases;
  for (const base::Json& j : base::ParseJson(kEvaluatorTestCases)) {
    Case c;
    c.name = j.at("name").get<std::string>();
    for (const base::Json& p : j.value("identity", base::Json::array())) {
      c.identity.push_back(PolicyText(p));
    }
    if (j.contains("resource_policy")) c.resource_policy = PolicyText(j["resource_policy"]);
    if (j.contains("session_policy")) c.session_policy = PolicyText(j["session_policy"]);
    const base::Json& r = j.at("request");
    c.request.action = r.at("action").get<std::string>();
    c.request.resource = r.at("resource").get<std::string>();
    c.request.principal = ParsePrincipal(r.at("principal").get<std::string>());
    base::Json context = r.value("context", base::Json::object());
    for (const auto& [key, values] : context.items()) {
      c.request.context.Set(key, values.get<std::vector<std::string>>());
    }
    std::string expect = j.at("expect").get<std::string>();
    c.expected = expect == "Allow"  ? Result::kAllow
                 : expect == "Deny" ? Result::kDeny
                                    : Result::kNotApplicable;
    c.sid = j.value("sid", "");
    cases.push_back(std::move(c));
  }
  return cases;
}

class AuthorizeTable : public testing::TestWithParam<Case> {};

TEST_P(AuthorizeTable, Decides) {
  const Case& c = GetParam();
  std::vector<Policy> identity;
  for (const std::string& text : c.identity) {
    identity.push_back(Policy::Parse(text, PolicyKind::kIdentity));
  }
  std::vector<const Policy*> pointers;
  for (const Policy& p : identity) pointers.push_back(&p);
  std::optional<Policy> resource;
  if (c.resource_policy) resource = Policy::Parse(*c.resource_policy, PolicyKind::kResource);
  std::optional<Policy> session;
  if (c.session_policy) session = Policy::Parse(*c.session_policy, PolicyKind::kSession);

  Decision d = Authorize(pointers, resource ? &*resource : nullptr, c.request,
                         session ? &*session : nullptr);
  EXPECT_EQ(static_cast<int>(d.result), static_cast<int>(c.expected)) << d.Describe();
  EXPECT_EQ(d.sid(), c.sid) << d.Describe();
  EXPECT_EQ(d.allowed(), c.expected == Result::kAllow);
}

INSTANTIATE_TEST_SUITE_P(Cases, AuthorizeTable, testing::ValuesIn(Cases()),
                         [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(AuthorizeTable, CoversBothOutcomesAmplyAndNamesAreUnique) {
  std::vector<Case> cases = Cases();
  EXPECT_GE(cases.size(), 40u);
  int allow = 0, deny = 0, implicit = 0;
  for (const Case& c : cases) {
    (c.expected == Result::kAllow ? allow : c.expected == Result::kDeny ? deny : implicit)++;
  }
  EXPECT_GE(allow, 20);
  EXPECT_GE(deny, 10);
  EXPECT_GE(implicit, 20);
}

Request Req(std::string action, std::string resource, const std::string& principal = "user/alice") {
  Request r;
  r.action = std::move(action);
  r.resource = std::move(resource);
  r.principal = ParsePrincipal(principal);
  return r;
}

Policy Statements(const std::string& statements) {
  return Policy::Parse(R"({"Version":"2012-10-17","Statement":[)" + statements + "]}");
}

TEST(EvaluatePolicy, ReportsPerPolicyResultAndStatement) {
  Policy p = Statements(R"({"Sid":"Read","Effect":"Allow","Action":"s3:Get*","Resource":"*"},
      {"Effect":"Deny","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/secret/*"})");
  Decision allow =
      EvaluatePolicy(p, Req("s3:GetObject", "arn:aws:s3:::reports/a"), PolicyKind::kIdentity);
  EXPECT_EQ(allow.result, Result::kAllow);
  EXPECT_EQ(allow.policy, &p);
  EXPECT_EQ(allow.statement, 0u);
  EXPECT_EQ(allow.Describe(), "allowed by an identity-based policy (statement Read)");

  Decision deny = EvaluatePolicy(p, Req("s3:GetObject", "arn:aws:s3:::reports/secret/k"),
                                 PolicyKind::kIdentity);
  EXPECT_EQ(deny.result, Result::kDeny);
  EXPECT_EQ(deny.statement, 1u);
  EXPECT_EQ(deny.sid(), "");
  EXPECT_EQ(deny.Describe(), "explicit deny in an identity-based policy (statement #2)");

  Decision none =
      EvaluatePolicy(p, Req("s3:PutObject", "arn:aws:s3:::reports/a"), PolicyKind::kIdentity);
  EXPECT_EQ(none.result, Result::kNotApplicable);
  EXPECT_EQ(none.policy, nullptr);
  EXPECT_EQ(none.Describe(), "no identity-based policy allows the action");
}

TEST(EvaluatePolicy, ResourceKindNeedsAMatchingPrincipalButIdentityKindIgnoresIt) {
  Policy p = Statements(
      R"({"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/bob"},
          "Action":"s3:*","Resource":"*"})");
  Request alice = Req("s3:GetObject", "arn:aws:s3:::b/k", "user/alice");
  Decision none = EvaluatePolicy(p, alice, PolicyKind::kResource);
  EXPECT_EQ(none.result, Result::kNotApplicable);
  EXPECT_EQ(none.Describe(), "no resource-based policy allows the action");
  EXPECT_EQ(
      EvaluatePolicy(p, Req("s3:GetObject", "arn:aws:s3:::b/k", "user/bob"), PolicyKind::kResource)
          .result,
      Result::kAllow);
  EXPECT_EQ(EvaluatePolicy(p, alice, PolicyKind::kIdentity).result, Result::kAllow);
}

TEST(EvaluatePolicy, AccountPrincipalStatementAppliesOnItsOwn) {
  // The statement applies (a trust policy naming the account "allows"); only Authorize
  // decides that such a grant needs the identity-based policies too.
  Policy trust = Statements(
      R"({"Sid":"Trust","Effect":"Allow","Principal":{"AWS":"111122223333"},
          "Action":"sts:AssumeRole"})");
  Request r = Req("sts:AssumeRole", "arn:aws:iam::111122223333:role/analyst", "user/alice");
  EXPECT_TRUE(EvaluatePolicy(trust, r, PolicyKind::kResource).allowed());
  EXPECT_FALSE(Authorize({}, &trust, r).allowed());
}

TEST(Authorize, DenyNamesTheResourcePolicy) {
  Policy bucket = Statements(
      R"({"Sid":"Lock","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"})");
  Decision d = Authorize({}, &bucket, Req("s3:GetObject", "arn:aws:s3:::b/k"));
  EXPECT_TRUE(d.explicit_deny());
  EXPECT_EQ(d.kind, PolicyKind::kResource);
  EXPECT_EQ(d.policy, &bucket);
  EXPECT_EQ(d.Describe(), "explicit deny in a resource-based policy (statement Lock)");
}

TEST(Authorize, RootIsAllowedWithoutAStatement) {
  Decision d = Authorize({}, nullptr, Req("iam:CreateUser", "*", "root"));
  EXPECT_TRUE(d.allowed());
  EXPECT_EQ(d.policy, nullptr);
  EXPECT_EQ(d.Describe(), "the account root user is allowed every action");
}

TEST(Authorize, ConcurrentEvaluationOfSharedPolicies) {
  Policy p = Statements(
      R"({"Sid":"Home","Effect":"Allow","Action":"s3:*",
          "Resource":"arn:aws:s3:::b/${aws:username}/*",
          "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},
                       "StringLike":{"s3:prefix":"${aws:username}/*"}}})");
  const Policy* policies[] = {&p};
  std::vector<std::thread> threads;
  std::vector<int> allowed(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string user = "u" + std::to_string(t);
      for (int i = 0; i < 2000; ++i) {
        // Even iterations ask for the thread's own home, odd ones for a neighbour's.
        std::string owner = i % 2 == 0 ? user : "u" + std::to_string((t + 1) % 4);
        Request r = Req("s3:GetObject", "arn:aws:s3:::b/" + owner + "/k", "user/" + user);
        r.context.Set("aws:username", {user});
        r.context.Set("aws:SourceIp", {"10.1.2.3"});
        r.context.Set("s3:prefix", {user + "/x"});
        if (Authorize(policies, nullptr, r).allowed()) ++allowed[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int n : allowed) EXPECT_EQ(n, 1000);
}

}  // namespace
}  // namespace auth
