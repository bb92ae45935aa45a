#include "platform/auth/policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "base/json.h"

namespace auth {
namespace {

TEST(Policy, ParsesElementsInEveryAllowedShape) {
  Policy p = Policy::Parse(R"({
    "Version": "2012-10-17",
    "Id": "doc-1",
    "Statement": {
      "Sid": "One",
      "Effect": "Allow",
      "Principal": {"AWS": ["111122223333", "arn:aws:iam::111122223333:role/x"],
                    "Service": "sagemaker.amazonaws.com"},
      "Action": "s3:GetObject",
      "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
      "Condition": {"StringEquals": {"s3:prefix": ["a", 1, true]}}
    }
  })");
  EXPECT_EQ(p.version(), "2012-10-17");
  EXPECT_EQ(p.id(), "doc-1");
  ASSERT_EQ(p.statement_count(), 1u);
  EXPECT_EQ(p.sid(0), "One");
}

TEST(Policy, VersionDefaultsTo2008) {
  Policy p = Policy::Parse(R"({"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"},
                                             {"Effect":"Allow","Action":"s3:*","Resource":"*"}]})");
  EXPECT_EQ(p.version(), "2008-10-17");
  EXPECT_EQ(p.statement_count(), 2u);
  EXPECT_EQ(p.sid(1), "");
}

TEST(Policy, CopiesShareTheParsedDocument) {
  Policy a = Policy::Parse(R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})");
  Policy b = a;
  EXPECT_EQ(&a.document(), &b.document());
}

// policy_test_cases.json, linked into the test binary.
}  // namespace
}  // namespace auth
extern const std::string_view kPolicyTestCases;
namespace auth {
namespace {

struct BadCase {
  std::string name;
  std::string text;
  std::optional<PolicyKind> kind;
  std::string message;  // the expected what(), exactly
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

// A table entry gives the document as "text" (verbatim) or as "policy" (a document object, or
// a list of statements of a 2012-10-17 document).
std::vector<BadCase> BadCases() {
  std::vector<BadCase> cases;
  for (const base::Json& j : base::ParseJson(kPolicyTestCases)) {
    BadCase c;
    c.name = j.at("name").get<std::string>();
    if (j.contains("text")) {
      c.text = j["text"].get<std::string>();
    } else if (j.at("policy").is_array()) {
      c.text = base::Json{{"Version", "2012-10-17"}, {"Statement", j["policy"]}}.dump();
    } else {
      c.text = j["policy"].dump();
    }
    std::string kind = j.value("kind", "");
    if (kind == "identity") c.kind = PolicyKind::kIdentity;
    if (kind == "session") c.kind = PolicyKind::kSession;
    if (kind == "resource") c.kind = PolicyKind::kResource;
    c.message = j.at("message").get<std::string>();
    cases.push_back(std::move(c));
  }
  return cases;
}

class ParseErrors : public testing::TestWithParam<BadCase> {};

TEST_P(ParseErrors, NameTheProblem) {
  const BadCase& c = GetParam();
  try {
    Policy::Parse(c.text, c.kind);
    FAIL() << "parsed: " << c.text;
  } catch (const PolicyError& e) {
    EXPECT_EQ(std::string(e.what()), c.message);
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, ParseErrors, testing::ValuesIn(BadCases()),
                         [](const testing::TestParamInfo<BadCase>& info) {
                           return info.param.name;
                         });

TEST(Policy, PolicyErrorIsABaseError) { EXPECT_THROW(Policy::Parse("nope"), base::Error); }

}  // namespace
}  // namespace auth
