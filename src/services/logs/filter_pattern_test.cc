#include "services/logs/filter_pattern.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace logs {
namespace {

TEST(FilterPatternTest, EmptyMatchesEverything) {
  FilterPattern p("  ");
  EXPECT_TRUE(p.Matches(""));
  EXPECT_TRUE(p.Matches("anything at all"));
}

TEST(FilterPatternTest, TermsMustAllAppearCaseSensitively) {
  FilterPattern p("ERROR disk");
  EXPECT_TRUE(p.Matches("[ERROR] the disk is full"));
  EXPECT_FALSE(p.Matches("[ERROR] the network is down"));
  EXPECT_FALSE(p.Matches("[error] the disk is full"));
}

TEST(FilterPatternTest, QuotedPhraseIsOneTerm) {
  FilterPattern p("\"disk is full\"");
  EXPECT_TRUE(p.Matches("warning: disk is full now"));
  EXPECT_FALSE(p.Matches("full is disk"));
}

TEST(FilterPatternTest, AlternativesAndExclusions) {
  FilterPattern p("?ERROR ?WARN -heartbeat");
  EXPECT_TRUE(p.Matches("WARN slow step"));
  EXPECT_TRUE(p.Matches("ERROR crash"));
  EXPECT_FALSE(p.Matches("INFO all good"));
  EXPECT_FALSE(p.Matches("WARN heartbeat late"));
}

TEST(FilterPatternTest, RegularExpression) {
  FilterPattern p("%loss=[0-9]+\\.[0-9]+%");
  EXPECT_TRUE(p.Matches("epoch 3 loss=0.125 acc=0.9"));
  EXPECT_FALSE(p.Matches("epoch 3 loss=nan"));
}

TEST(FilterPatternTest, RefusesUnsupportedAndMalformedPatterns) {
  EXPECT_THROW(FilterPattern("{ $.level = \"ERROR\" }"), base::ParseError);
  EXPECT_THROW(FilterPattern("[ip, user, status]"), base::ParseError);
  EXPECT_THROW(FilterPattern("\"unterminated"), base::ParseError);
  EXPECT_THROW(FilterPattern("%([%"), base::ParseError);
}

}  // namespace
}  // namespace logs
