// Test support for the MLflow module's unit tests: a fixture owning a temporary metadata
// store with the module's tables and one or two tracking servers, and a helper that returns
// the MlflowError code a call throws. Used by one test thread.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "platform/meta/store.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/tracking_servers.h"

namespace mlflow::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mlflow_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    meta_ = meta::OpenSqliteStore((dir_ / "meta.db").string());
    servers_ = std::make_unique<TrackingServers>(*meta_);
    server_ = NewServer("one");
    other_server_ = NewServer("two");
  }
  void TearDown() override {
    servers_.reset();
    meta_.reset();
    std::filesystem::remove_all(dir_);
  }

  int64_t NewServer(const std::string& name) {
    TrackingServerRecord r;
    r.name = name;
    r.arn = "arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/" + name;
    r.artifact_store_uri = "s3://bucket/prefix";
    r.status = "Created";
    return servers_->Create(r).id;
  }

  std::filesystem::path dir_;
  std::unique_ptr<meta::Store> meta_;
  std::unique_ptr<TrackingServers> servers_;
  int64_t server_ = 0;
  int64_t other_server_ = 0;
};

// The code of the MlflowError `fn` throws ("" and a test failure when it throws none).
inline std::string CodeOf(const std::function<void()>& fn, std::string* message = nullptr) {
  try {
    fn();
  } catch (const MlflowError& e) {
    if (message) *message = e.what();
    return e.code();
  }
  ADD_FAILURE() << "expected an MlflowError";
  return "";
}

}  // namespace mlflow::testing
