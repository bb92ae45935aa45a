#include "base/files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

namespace base {

TEST(Files, ResolveUnderRejectsEscapes) {
  fs::path root = "/data/root";
  EXPECT_EQ(*ResolveUnder(root, "a/b"), fs::path("/data/root/a/b"));
  EXPECT_EQ(*ResolveUnder(root, "a/../b"), fs::path("/data/root/b"));
  EXPECT_FALSE(ResolveUnder(root, "../x"));
  EXPECT_FALSE(ResolveUnder(root, "a/../../x"));
  EXPECT_FALSE(ResolveUnder(root, "/etc/passwd"));
  EXPECT_FALSE(ResolveUnder(root, std::string("a\0b", 3)));
  EXPECT_FALSE(ResolveUnder("/data/root/", "../root2/x"));
}

TEST(Files, AtomicWriteAndRead) {
  fs::path dir = fs::temp_directory_path() / ("files_test_" + std::to_string(::getpid()));
  MakeDirs(dir);
  WriteFileAtomic(dir / "f", "first", 0600);
  WriteFileAtomic(dir / "f", "second", 0600);
  EXPECT_EQ(*ReadFile(dir / "f"), "second");
  struct stat st {};
  ASSERT_EQ(::stat((dir / "f").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_FALSE(ReadFile(dir / "missing"));
  // No temporary siblings remain.
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(dir)) ++entries;
  EXPECT_EQ(entries, 1);
  fs::remove_all(dir);
}

}  // namespace base
