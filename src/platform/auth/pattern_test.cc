#include "platform/auth/pattern.h"

#include <gtest/gtest.h>

#include "base/strings.h"
#include "platform/auth/policy.h"

namespace auth::internal {
namespace {

constexpr Pattern::Syntax kGlob{.wildcards = true, .variables = true};
constexpr Pattern::Syntax kExact{.wildcards = false, .variables = true};

bool Glob(std::string_view pattern, std::string_view subject, bool ignore_case = false) {
  ContextKeys none;
  return Pattern::Compile(pattern, kGlob).Match(subject, none, ignore_case) == MatchResult::kMatch;
}

TEST(Pattern, GlobWildcards) {
  EXPECT_TRUE(Glob("*", ""));
  EXPECT_TRUE(Glob("*", "anything:at/all"));
  EXPECT_TRUE(Glob("a*b*c", "abc"));
  EXPECT_TRUE(Glob("a*b*c", "aXXbYYbZZc"));
  EXPECT_FALSE(Glob("a*b*c", "aXXbYYbZZ"));
  EXPECT_TRUE(Glob("a?c", "abc"));
  EXPECT_FALSE(Glob("a?c", "ac"));
  EXPECT_FALSE(Glob("a?c", "abbc"));
  EXPECT_TRUE(Glob("**?", "x"));
  EXPECT_FALSE(Glob("**?", ""));
  EXPECT_TRUE(Glob("*ab", "aab"));  // the star must give back characters
  EXPECT_FALSE(Glob("abc", "ab"));
  EXPECT_FALSE(Glob("ab", "abc"));
  EXPECT_TRUE(Glob("", ""));
  EXPECT_FALSE(Glob("", "a"));
}

TEST(Pattern, CaseFolding) {
  EXPECT_FALSE(Glob("S3:Get*", "s3:getobject"));
  EXPECT_TRUE(Glob("S3:Get*", "s3:getobject", true));
  ContextKeys none;
  EXPECT_EQ(Pattern::Compile("Private", kExact).Match("pRIVATE", none, true), MatchResult::kMatch);
  EXPECT_EQ(Pattern::Compile("Private", kExact).Match("pRIVATE", none), MatchResult::kNoMatch);
}

TEST(Pattern, ExactSyntaxTreatsWildcardsLiterally) {
  ContextKeys none;
  Pattern p = Pattern::Compile("a*?", kExact);
  EXPECT_EQ(p.Match("a*?", none), MatchResult::kMatch);
  EXPECT_EQ(p.Match("abc", none), MatchResult::kNoMatch);
}

TEST(Pattern, VariablesResolveFromContext) {
  ContextKeys keys;
  keys.Set("aws:username", {"alice"});
  keys.Set("aws:TagKeys", {"a", "b"});
  Pattern p = Pattern::Compile("home/${AWS:UserName}/*", kGlob);
  EXPECT_EQ(p.Match("home/alice/x", keys), MatchResult::kMatch);
  EXPECT_EQ(p.Match("home/bob/x", keys), MatchResult::kNoMatch);
  EXPECT_EQ(Pattern::Compile("${aws:userid}", kGlob).Match("x", keys), MatchResult::kUnresolved);
  EXPECT_EQ(Pattern::Compile("${aws:TagKeys}", kGlob).Match("a", keys), MatchResult::kUnresolved);
  EXPECT_EQ(Pattern::Compile("${ aws:userid , 'it''s' }", kGlob).Match("it's", keys),
            MatchResult::kMatch);
  EXPECT_EQ(Pattern::Compile("${aws:username, 'x'}", kGlob).Match("alice", keys),
            MatchResult::kMatch);
  // A resolved value is literal text even when it holds wildcard characters.
  keys.Set("aws:username", {"a*"});
  EXPECT_EQ(p.Match("home/a*/x", keys), MatchResult::kMatch);
  EXPECT_EQ(p.Match("home/abc/x", keys), MatchResult::kNoMatch);
}

TEST(Pattern, EscapesAndDisabledVariables) {
  ContextKeys none;
  EXPECT_EQ(Pattern::Compile("${*}${?}${$}", kGlob).Match("*?$", none), MatchResult::kMatch);
  EXPECT_EQ(Pattern::Compile("${*}", kGlob).Match("x", none), MatchResult::kNoMatch);
  EXPECT_EQ(Pattern::Compile("cost $5", kGlob).Match("cost $5", none), MatchResult::kMatch);
  Pattern literal = Pattern::Compile("${aws:username}", {.wildcards = true, .variables = false});
  EXPECT_EQ(literal.Match("${aws:username}", none), MatchResult::kMatch);
}

TEST(Pattern, MalformedVariablesAreRejected) {
  for (const char* bad : {"${", "${}", "x${aws:username", "${a b}", "${a, x}", "${a, 'x'",
                          "${a, 'x' y}", "${*, 'x'}", "${a${b}}"}) {
    EXPECT_THROW(Pattern::Compile(bad, kGlob), PolicyError) << bad;
  }
}

TEST(Pattern, ArnMatchingIsPerComponent) {
  ContextKeys keys;
  keys.Set("aws:PrincipalAccount", {"111122223333"});
  auto arn = [&](std::string_view pattern, std::string_view subject) {
    return Pattern::Compile(pattern, kGlob).MatchArn(subject, keys);
  };
  EXPECT_EQ(arn("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c"), MatchResult::kMatch);
  EXPECT_EQ(arn("arn:aws:iam::*:role/*", "arn:aws:iam::111122223333:role/x"), MatchResult::kMatch);
  EXPECT_EQ(arn("arn:aws:iam::*:role/*", "arn:aws:iam::1:2:role/x"), MatchResult::kNoMatch);
  EXPECT_EQ(arn("arn:aws:iam::${aws:PrincipalAccount}:role/r", "arn:aws:iam::111122223333:role/r"),
            MatchResult::kMatch);
  EXPECT_EQ(arn("arn:aws:iam::${aws:userid}:role/r", "arn:aws:iam::111122223333:role/r"),
            MatchResult::kUnresolved);
  EXPECT_EQ(arn("*", "arn:aws:iam::111122223333:role/r"), MatchResult::kNoMatch);
  EXPECT_EQ(arn("arn:aws:iam::111122223333:role/r", "not-an-arn"), MatchResult::kNoMatch);
  // A variable may supply several components at once.
  keys.Set("aws:SourceArn", {"arn:aws:sns:us-east-1:111122223333:topic"});
  EXPECT_EQ(arn("${aws:SourceArn}", "arn:aws:sns:us-east-1:111122223333:topic"),
            MatchResult::kMatch);
}

TEST(ContextKeys, LookupIgnoresCase) {
  ContextKeys keys;
  keys.Set("aws:SourceIp", {"10.0.0.1"});
  keys.Add("AWS:TagKeys", "a");
  keys.Add("aws:tagkeys", "b");
  ASSERT_NE(keys.Find("AWS:SOURCEIP"), nullptr);
  EXPECT_EQ(*keys.Find("aws:sourceip"), std::vector<std::string>{"10.0.0.1"});
  EXPECT_EQ(*keys.Find("aws:TagKeys"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(keys.size(), 2u);
  keys.Erase("Aws:SourceIP");
  EXPECT_EQ(keys.Find("aws:SourceIp"), nullptr);
  // Keys longer than Find's stack buffer take the slow path with the same result.
  std::string tag = "aws:RequestTag/" + std::string(200, 'X');
  keys.Set(tag, {"v"});
  ASSERT_NE(keys.Find(base::ToLower(tag)), nullptr);
  EXPECT_EQ(keys.Find(base::ToLower(tag))->front(), "v");
  EXPECT_EQ(keys.Find(tag + "Y"), nullptr);
}

}  // namespace
}  // namespace auth::internal
