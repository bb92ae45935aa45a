// Test support for the storage engine's tests: a fixture owning a temporary data directory
// with a metadata store and an ObjectStore, deterministic byte generators, and helpers that
// put and read whole objects. Used by one test thread (the store itself is shared freely).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "base/crypto.h"
#include "engines/storage/object_store.h"
#include "engines/storage/storage_error.h"

namespace storage::testing {

namespace fs = std::filesystem;

// `size` pseudo-random bytes from `seed` (xorshift), produced in whatever chunks are asked.
class PatternSource : public ByteSource {
 public:
  PatternSource(uint64_t seed, uint64_t size) : state_(seed * 2654435761u + 1), left_(size) {}
  size_t Read(char* buf, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>(n, left_));
    for (size_t i = 0; i < n; ++i) {
      state_ ^= state_ << 13;
      state_ ^= state_ >> 7;
      state_ ^= state_ << 17;
      buf[i] = static_cast<char>(state_ >> 24);
    }
    left_ -= n;
    return n;
  }

 private:
  uint64_t state_;
  uint64_t left_;
};

inline std::string Pattern(uint64_t seed, uint64_t size) {
  PatternSource s(seed, size);
  return ReadAll(s);
}

inline std::string HexMd5(std::string_view data) { return base::HexEncode(base::Md5(data)); }

// The StorageError code `fn` throws (a test failure if it throws none).
inline ErrorCode CodeOf(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const StorageError& e) {
    return e.code();
  }
  ADD_FAILURE() << "expected a StorageError";
  return ErrorCode::kInternalError;
}

// A new, empty directory for the running test, named after `prefix`, the process and the test.
inline fs::path FreshTestDir(const std::string& prefix) {
  fs::path dir = fs::temp_directory_path() /
                 (prefix + "_" + std::to_string(::getpid()) + "_" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir("storage_test");
    Open();
  }
  void TearDown() override {
    Close();
    fs::remove_all(dir_);
  }
  void Open() {
    meta_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    store_ = std::make_unique<ObjectStore>(dir_, *meta_);
  }
  void Close() {
    store_.reset();
    meta_.reset();
  }
  void Reopen() {
    Close();
    Open();
  }

  ObjectInfo Put(std::string_view bucket, std::string_view key, std::string data,
                 const PutOptions& options = {}) {
    StringSource source(std::move(data));
    return store_->PutObject(bucket, key, source, options);
  }
  std::string Get(std::string_view bucket, std::string_view key,
                  const std::optional<std::string>& version = std::nullopt) {
    ObjectReader r = store_->GetObject(bucket, key, version);
    return ReadAll(*r.Open());
  }
  // Number of blob files on disk (packs and whole bodies).
  size_t BlobFileCount() { return store_->CheckIntegrity().blob_files; }

  fs::path dir_;
  std::unique_ptr<meta::Store> meta_;
  std::unique_ptr<ObjectStore> store_;
};

}  // namespace storage::testing
