#include "engines/runner/line_splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace runner {
namespace {

class LineSplitterTest : public ::testing::Test {
 protected:
  std::vector<std::string> lines;
  LineSplitter::Emit emit = [this](std::string_view line) { lines.emplace_back(line); };
};

TEST_F(LineSplitterTest, SplitsOnNewlinesAcrossChunks) {
  LineSplitter s(100);
  s.Feed("alpha\nbe", emit);
  EXPECT_EQ(lines, std::vector<std::string>({"alpha"}));
  s.Feed("ta\n\ngamma", emit);
  EXPECT_EQ(lines, std::vector<std::string>({"alpha", "beta", ""}));
  s.Flush(emit);
  EXPECT_EQ(lines, std::vector<std::string>({"alpha", "beta", "", "gamma"}));
  s.Flush(emit);
  EXPECT_EQ(lines.size(), 4u);
}

TEST_F(LineSplitterTest, CrLfIsOneTerminatorEvenAcrossChunks) {
  LineSplitter s(100);
  s.Feed("one\r", emit);
  s.Feed("\ntwo\r\nthree\n", emit);
  EXPECT_EQ(lines, std::vector<std::string>({"one", "two", "three"}));
}

TEST_F(LineSplitterTest, LoneCarriageReturnEndsAProgressLine) {
  LineSplitter s(100);
  s.Feed("\r 10%\r 50%\r100%\ndone\n", emit);
  EXPECT_EQ(lines, std::vector<std::string>({" 10%", " 50%", "100%", "done"}));
}

TEST_F(LineSplitterTest, LongLinesAreCutAtTheBound) {
  LineSplitter s(4);
  s.Feed("abcdefghij\nxy", emit);
  EXPECT_EQ(lines, std::vector<std::string>({"abcd", "efgh", "ij"}));
  s.Feed(std::string(9, 'z'), emit);
  EXPECT_EQ(lines, std::vector<std::string>({"abcd", "efgh", "ij", "xyzz", "zzzz"}));
  s.Flush(emit);
  EXPECT_EQ(lines.back(), "zzz");
}

TEST_F(LineSplitterTest, ALineOfExactlyTheBoundIsOneLine) {
  LineSplitter s(4);
  s.Feed("abcd\nefgh", emit);
  s.Feed("\n", emit);
  EXPECT_EQ(lines, std::vector<std::string>({"abcd", "efgh"}));
}

TEST_F(LineSplitterTest, CutsBeforeAUtf8SequenceNotInsideIt) {
  LineSplitter s(5);
  // "abcd" then U+00E9 (2 bytes) then "fg": the 5-byte bound falls inside the sequence.
  s.Feed(
      "abcd\xC3\xA9"
      "fg\n",
      emit);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "abcd");
  EXPECT_EQ(lines[1],
            "\xC3\xA9"
            "fg");
}

TEST_F(LineSplitterTest, MemoryStaysBoundedWithoutNewlines) {
  LineSplitter s(1024);
  std::string chunk(4096, 'x');
  for (int i = 0; i < 100; ++i) s.Feed(chunk, emit);
  // The last full piece may still be the start of a longer line.
  EXPECT_EQ(lines.size(), 399u);
  s.Flush(emit);
  EXPECT_EQ(lines.size(), 400u);
  for (const std::string& l : lines) EXPECT_EQ(l.size(), 1024u);
}

}  // namespace
}  // namespace runner
