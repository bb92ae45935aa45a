#include "engines/runner/job_log.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/crypto.h"
#include "base/files.h"

namespace runner {
namespace {

namespace fs = std::filesystem;

TEST(JobLogTest, AppendsAndReadsBackLines) {
  fs::path dir = fs::temp_directory_path() / ("joblog-" + base::RandomHex(8));
  fs::create_directories(dir);
  fs::path file = dir / "algo-1.log";
  {
    JobLog log(file);
    log.Add({"algo-1", OutputStream::kStdout, 1700000000123, "hello world"});
    log.Add({"algo-1", OutputStream::kStderr, 1700000000124, "  warn: x y "});
    log.Flush();
    log.Add({"algo-1", OutputStream::kStdout, 1700000000125, ""});
  }
  {
    JobLog again(file);  // a restarted server appends
    again.Add({"algo-1", OutputStream::kStdout, 1700000000200, "after restart"});
    again.Sync();
  }
  EXPECT_EQ(*base::ReadFile(file),
            "1700000000123 stdout hello world\n1700000000124 stderr   warn: x y \n"
            "1700000000125 stdout \n1700000000200 stdout after restart\n");
  auto lines = JobLog::Read(file, "algo-1");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[1].stream, OutputStream::kStderr);
  EXPECT_EQ(lines[1].time_ms, 1700000000124);
  EXPECT_EQ(lines[1].text, "  warn: x y ");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].host, "algo-1");
  fs::remove_all(dir);
}

TEST(JobLogTest, ReadSkipsMalformedAndTornLines) {
  fs::path dir = fs::temp_directory_path() / ("joblog-" + base::RandomHex(8));
  fs::create_directories(dir);
  fs::path file = dir / "h.log";
  base::WriteFileAtomic(file, "garbage\n12 stdin x\nabc stdout y\n5 stdout ok\n6 stdout torn");
  auto lines = JobLog::Read(file, "h");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].time_ms, 5);
  EXPECT_EQ(lines[0].text, "ok");
  EXPECT_TRUE(JobLog::Read(dir / "missing.log", "h").empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace runner
