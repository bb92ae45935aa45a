#include "engines/storage/staged_body.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "base/crypto.h"
#include "engines/storage/storage_error.h"
#include "engines/storage/storage_test_util.h"

namespace storage {
namespace {

namespace fs = std::filesystem;

class StagedBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir("staged_body_test");
    files_ = std::make_unique<BlobFiles>(dir_);
  }
  void TearDown() override {
    files_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<BlobFiles> files_;
};

// Hands out its bytes a little at a time, like a socket.
class TrickleSource : public ByteSource {
 public:
  explicit TrickleSource(const std::string& data) : data_(data) {}
  size_t Read(char* buf, size_t n) override {
    n = std::min({n, data_.size() - pos_, size_t{300} << 10});
    std::copy_n(data_.data() + pos_, n, buf);
    pos_ += n;
    return n;
  }

 private:
  const std::string& data_;
  size_t pos_ = 0;
};

std::string Body(size_t size) {
  std::string s(size, '\0');
  uint64_t x = 88172645463325252ull;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return s;
}

// A large body is made durable in steps while it streams in (the final sync only covers what
// came after the last step, possibly nothing), and the published blob holds exactly the body.
TEST_F(StagedBodyTest, LargeBodiesSyncInStepsWhileStreaming) {
  const std::string data = Body((size_t{26} << 20) + 777);
  TrickleSource source(data);
  StagedBody body(source, BodyExpectations{data.size(), data.size(), std::nullopt, {}, {}},
                  *files_);
  EXPECT_EQ(body.size(), data.size());
  EXPECT_EQ(body.md5(), base::Md5(data));
  // At least one 2 MiB step was taken while the body streamed in.
  EXPECT_GE(body.synced_early(), uint64_t{2} << 20);
  EXPECT_LE(body.synced_early(), data.size());
  EXPECT_TRUE(body.Payloads().empty());
  int found = 0;
  files_->ForEachBlob([&](int64_t id) {
    ++found;
    std::ifstream in(files_->PathOf(id), std::ios::binary);
    EXPECT_TRUE(std::string(std::istreambuf_iterator<char>(in), {}) == data);
  });
  EXPECT_EQ(found, 1);
  EXPECT_EQ(files_->CountTempFiles(), 0u);
}

// Small bodies stay in memory and sync nothing early.
TEST_F(StagedBodyTest, SmallBodiesStayInMemory) {
  const std::string data = Body(5000);
  TrickleSource source(data);
  StagedBody body(source, BodyExpectations{data.size(), data.size(), std::nullopt, {}, {}},
                  *files_);
  ASSERT_EQ(body.Payloads().size(), 1u);
  EXPECT_EQ(body.Payloads()[0], data);
  EXPECT_EQ(body.synced_early(), 0u);
  EXPECT_EQ(files_->CountTempFiles(), 0u);
}

}  // namespace
}  // namespace storage
