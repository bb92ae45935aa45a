#include "services/sagemaker/training/tar_archive.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/error.h"
#include "base/files.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class TarArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("tar-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& p, const std::string& content) {
    fs::create_directories(p.parent_path());
    base::WriteFileAtomic(p, content);
  }
  int Run(const std::string& command) { return std::system(command.c_str()); }

  fs::path dir_;
};

TEST_F(TarArchiveTest, RoundTripKeepsContentsModesLinksAndLongNames) {
  fs::path src = dir_ / "src";
  Write(src / "model.joblib", std::string(300000, 'm'));
  Write(src / "sub" / "weights.bin", "\x01\x02\x03");
  std::string long_name(150, 'n');
  Write(src / "deep" / long_name / "file.txt", "long path");
  fs::create_directories(src / "empty");
  fs::permissions(src / "sub" / "weights.bin", fs::perms(0755));
  fs::create_symlink("model.joblib", src / "alias");
  ArchiveStats written = WriteTarGz(dir_ / "a.tar.gz", {src});
  EXPECT_EQ(written.files, 3u);
  EXPECT_EQ(written.links, 1u);
  EXPECT_EQ(written.bytes, 300000u + 3 + 9);

  fs::path out = dir_ / "out";
  ArchiveStats read = ExtractTarGz(dir_ / "a.tar.gz", out);
  EXPECT_EQ(read.files, 3u);
  EXPECT_EQ(read.skipped, 0u);
  EXPECT_EQ(Slurp(out / "model.joblib"), std::string(300000, 'm'));
  EXPECT_EQ(Slurp(out / "deep" / long_name / "file.txt"), "long path");
  EXPECT_TRUE(fs::is_directory(out / "empty"));
  EXPECT_TRUE(fs::is_symlink(out / "alias"));
  EXPECT_EQ(fs::read_symlink(out / "alias"), "model.joblib");
  EXPECT_EQ(fs::status(out / "sub" / "weights.bin").permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);

  // GNU tar reads what we write, long names included.
  ASSERT_EQ(Run("tar -tzf " + (dir_ / "a.tar.gz").string() + " > " + (dir_ / "list").string()),
            0);
  std::string listing = Slurp(dir_ / "list");
  EXPECT_NE(listing.find("deep/" + long_name + "/file.txt"), std::string::npos);
  EXPECT_NE(listing.find("sub/weights.bin"), std::string::npos);
}

TEST_F(TarArchiveTest, FirstRootWinsAndLinksAreNotFollowed) {
  Write(dir_ / "a" / "x.txt", "from a");
  Write(dir_ / "b" / "x.txt", "from b");
  Write(dir_ / "b" / "y.txt", "only b");
  Write(dir_ / "secret", "outside");
  fs::create_symlink(dir_ / "secret", dir_ / "a" / "leak");
  WriteTarGz(dir_ / "m.tar.gz", {dir_ / "a", dir_ / "missing", dir_ / "b"});
  fs::path out = dir_ / "out";
  ExtractTarGz(dir_ / "m.tar.gz", out);
  EXPECT_EQ(Slurp(out / "x.txt"), "from a");
  EXPECT_EQ(Slurp(out / "y.txt"), "only b");
  // The absolute link is stored as a link and refused on extraction: no bytes of the file.
  EXPECT_FALSE(fs::exists(fs::symlink_status(out / "leak")));
}

TEST_F(TarArchiveTest, ExtractionNeverLeavesTheDestination) {
  // Python's tarfile writes names GNU tar would refuse; we build such an archive with it.
  fs::path script = dir_ / "make.py";
  Write(script,
        "import io, tarfile, sys\n"
        "t = tarfile.open(sys.argv[1], 'w:gz', format=tarfile.PAX_FORMAT)\n"
        "def add(name, data=b'x', kind=tarfile.REGTYPE, link=''):\n"
        "    i = tarfile.TarInfo(name); i.type = kind; i.linkname = link; i.size = len(data)\n"
        "    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)\n"
        "add('../escape.txt')\n"
        "add('/abs.txt')\n"
        "add('ok/inside.txt', b'fine')\n"
        "add('ok/up', kind=tarfile.SYMTYPE, link='../../outside')\n"
        "add('ok/etc', kind=tarfile.SYMTYPE, link='/etc')\n"
        "add('ok/etc/passwd', b'owned')\n"
        "add('ok/sib', kind=tarfile.SYMTYPE, link='inside.txt')\n"
        "add('ok/hard', kind=tarfile.LNKTYPE, link='ok/inside.txt')\n"
        "add('p/' + 'q' * 120 + '.py', b'long')\n"
        "t.close()\n");
  ASSERT_EQ(Run("python3 " + script.string() + " " + (dir_ / "evil.tar.gz").string()), 0);
  fs::path out = dir_ / "dest" / "code";
  ArchiveStats stats = ExtractTarGz(dir_ / "evil.tar.gz", out);
  EXPECT_EQ(Slurp(out / "ok" / "inside.txt"), "fine");
  EXPECT_EQ(Slurp(out / "ok" / "hard"), "fine");
  EXPECT_EQ(fs::read_symlink(out / "ok" / "sib"), "inside.txt");
  EXPECT_EQ(Slurp(out / "p" / (std::string(120, 'q') + ".py")), "long");
  EXPECT_FALSE(fs::exists(dir_ / "dest" / "escape.txt"));
  EXPECT_FALSE(fs::exists(fs::symlink_status(out / "ok" / "up")));
  // With the link to /etc refused, "ok/etc/passwd" lands in a real directory inside.
  EXPECT_FALSE(fs::is_symlink(out / "ok" / "etc"));
  EXPECT_EQ(Slurp(out / "ok" / "etc" / "passwd"), "owned");
  EXPECT_EQ(stats.skipped, 4u);
}

TEST_F(TarArchiveTest, CorruptArchivesAreParseErrors) {
  Write(dir_ / "src" / "f", std::string(5000, 'z'));
  WriteTarGz(dir_ / "ok.tar.gz", {dir_ / "src"});
  std::string bytes = Slurp(dir_ / "ok.tar.gz");
  Write(dir_ / "cut.tar.gz", bytes.substr(0, bytes.size() / 2));
  EXPECT_THROW(ExtractTarGz(dir_ / "cut.tar.gz", dir_ / "o1"), base::Error);
  // A plain (uncompressed) file with a broken header.
  Write(dir_ / "junk.tar.gz", std::string(1024, 'j'));
  EXPECT_THROW(ExtractTarGz(dir_ / "junk.tar.gz", dir_ / "o2"), base::ParseError);
}

}  // namespace
}  // namespace sagemaker
