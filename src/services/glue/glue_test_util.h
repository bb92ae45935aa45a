// Test support for the Glue and Athena tests: a fixture owning a temporary data directory
// with a metadata store, an object store with one bucket, the file system over it and the
// Data Catalog, plus helpers that put and read objects. Used by one test thread.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "engines/storage/object_store.h"
#include "platform/meta/store.h"
#include "services/glue/catalog.h"
#include "services/glue/object_store_file_system.h"

namespace glue::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("glue_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    meta_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    objects_ = std::make_unique<storage::ObjectStore>(dir_, *meta_);
    objects_->CreateBucket("data", "us-east-1", "owner");
    fs_ = std::make_shared<ObjectStoreFileSystem>(*objects_, "owner");
    catalog_ = std::make_unique<Catalog>(*meta_, "123456789012");
  }
  void TearDown() override {
    catalog_.reset();
    fs_.reset();
    objects_.reset();
    meta_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Put(const std::string& key, std::string body, const std::string& bucket = "data") {
    storage::StringSource source(std::move(body));
    storage::PutOptions options;
    options.owner = "owner";
    objects_->PutObject(bucket, key, source, options);
  }
  std::string Get(const std::string& key, const std::string& bucket = "data") {
    storage::ObjectReader reader = objects_->GetObject(bucket, key);
    auto source = reader.Open();
    return storage::ReadAll(*source);
  }

  std::filesystem::path dir_;
  std::unique_ptr<meta::Store> meta_;
  std::unique_ptr<storage::ObjectStore> objects_;
  std::shared_ptr<ObjectStoreFileSystem> fs_;
  std::unique_ptr<Catalog> catalog_;
};

}  // namespace glue::testing
