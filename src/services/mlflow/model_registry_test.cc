#include "services/mlflow/model_registry.h"

#include <gtest/gtest.h>

#include "services/mlflow/mlflow_test_util.h"
#include "services/mlflow/tracking_store.h"

namespace mlflow {
namespace {

using testing::CodeOf;

class ModelRegistryTest : public testing::StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    registry_ = std::make_unique<ModelRegistry>(*meta_);
    tracking_ = std::make_unique<TrackingStore>(*meta_);
  }
  void TearDown() override {
    registry_.reset();
    tracking_.reset();
    StoreFixture::TearDown();
  }

  ModelVersion NewVersion(const std::string& name, const std::string& source = "s3://b/m") {
    NewModelVersion v;
    v.name = name;
    v.source = source;
    return registry_->CreateModelVersion(server_, v);
  }

  std::unique_ptr<ModelRegistry> registry_;
  std::unique_ptr<TrackingStore> tracking_;
};

TEST_F(ModelRegistryTest, ModelsAreUniquePerServer) {
  RegisteredModel m = registry_->CreateRegisteredModel(server_, "churn", {{"team", "ml"}}, "desc");
  EXPECT_EQ(m.name, "churn");
  EXPECT_EQ(m.description, "desc");
  EXPECT_EQ(m.tags.at(0).value, "ml");
  EXPECT_EQ(CodeOf([&] { registry_->CreateRegisteredModel(server_, "churn", {}, {}); }),
            "RESOURCE_ALREADY_EXISTS");
  registry_->CreateRegisteredModel(other_server_, "churn", {}, {});
  EXPECT_EQ(CodeOf([&] { registry_->GetRegisteredModel(server_, "nope"); }),
            "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CodeOf([&] { registry_->CreateRegisteredModel(server_, "", {}, {}); }),
            "INVALID_PARAMETER_VALUE");
  registry_->CreateRegisteredModel(server_, "other", {}, {});
  EXPECT_EQ(CodeOf([&] { registry_->RenameRegisteredModel(server_, "churn", "other"); }),
            "RESOURCE_ALREADY_EXISTS");
  NewVersion("churn");
  RegisteredModel renamed = registry_->RenameRegisteredModel(server_, "churn", "churn2");
  EXPECT_EQ(renamed.latest_versions.at(0).name, "churn2");
  EXPECT_EQ(registry_->UpdateRegisteredModel(server_, "churn2", "new").description, "new");
  registry_->DeleteRegisteredModel(server_, "churn2");
  EXPECT_EQ(CodeOf([&] { registry_->GetModelVersion(server_, "churn2", "1"); }),
            "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ModelRegistryTest, VersionsStagesAndArchiving) {
  registry_->CreateRegisteredModel(server_, "m", {}, {});
  EXPECT_EQ(NewVersion("m").version, "1");
  EXPECT_EQ(NewVersion("m").version, "2");
  EXPECT_EQ(NewVersion("m").version, "3");
  registry_->DeleteModelVersion(server_, "m", "3");
  EXPECT_EQ(NewVersion("m").version, "4");
  registry_->TransitionStage(server_, "m", "1", "production", false);
  registry_->TransitionStage(server_, "m", "2", "Staging", false);
  ModelVersion v = registry_->TransitionStage(server_, "m", "4", "Production", true);
  EXPECT_EQ(v.current_stage, "Production");
  EXPECT_EQ(registry_->GetModelVersion(server_, "m", "1").current_stage, "Archived");
  EXPECT_EQ(registry_->GetModelVersion(server_, "m", "2").current_stage, "Staging");
  std::vector<ModelVersion> latest = registry_->GetLatestVersions(server_, "m", {});
  ASSERT_EQ(latest.size(), 3u);
  EXPECT_EQ(latest[0].current_stage, "Staging");
  EXPECT_EQ(latest[1].version, "4");
  EXPECT_EQ(latest[2].current_stage, "Archived");
  latest = registry_->GetLatestVersions(server_, "m", {"production"});
  ASSERT_EQ(latest.size(), 1u);
  EXPECT_EQ(latest[0].version, "4");
  EXPECT_EQ(CodeOf([&] { registry_->TransitionStage(server_, "m", "2", "Prod", false); }),
            "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] { registry_->TransitionStage(server_, "m", "2", "Archived", true); }),
            "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] { registry_->GetModelVersion(server_, "m", "x"); }),
            "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] { registry_->GetModelVersion(server_, "m", "9"); }),
            "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ModelRegistryTest, AliasesAndTags) {
  registry_->CreateRegisteredModel(server_, "m", {}, {});
  NewVersion("m");
  NewVersion("m");
  registry_->SetAlias(server_, "m", "champion", "1");
  registry_->SetAlias(server_, "m", "champion", "2");
  EXPECT_EQ(registry_->GetVersionByAlias(server_, "m", "champion").version, "2");
  EXPECT_EQ(registry_->GetModelVersion(server_, "m", "2").aliases,
            std::vector<std::string>{"champion"});
  EXPECT_EQ(registry_->GetRegisteredModel(server_, "m").aliases.at(0).version, "2");
  for (std::string bad : {"latest", "v3", "a b", ""}) {
    EXPECT_EQ(CodeOf([&] { registry_->SetAlias(server_, "m", bad, "1"); }),
              "INVALID_PARAMETER_VALUE")
        << bad;
  }
  EXPECT_EQ(CodeOf([&] { registry_->SetAlias(server_, "m", "x", "7"); }),
            "RESOURCE_DOES_NOT_EXIST");
  registry_->DeleteAlias(server_, "m", "champion");
  EXPECT_EQ(CodeOf([&] { registry_->GetVersionByAlias(server_, "m", "champion"); }),
            "RESOURCE_DOES_NOT_EXIST");
  registry_->SetModelVersionTag(server_, "m", "1", {"k", "v"});
  registry_->SetRegisteredModelTag(server_, "m", {"k", "v"});
  EXPECT_EQ(registry_->GetModelVersion(server_, "m", "1").tags.at(0).value, "v");
  registry_->DeleteModelVersionTag(server_, "m", "1", "k");
  registry_->DeleteRegisteredModelTag(server_, "m", "k");
  EXPECT_TRUE(registry_->GetModelVersion(server_, "m", "1").tags.empty());
  EXPECT_TRUE(registry_->GetRegisteredModel(server_, "m").tags.empty());
}

TEST_F(ModelRegistryTest, SourcesResolveForDownload) {
  NewRun r;
  r.experiment_id = "0";
  std::string run = tracking_->CreateRun(server_, r).info.run_id;
  registry_->CreateRegisteredModel(server_, "m", {}, {});
  ModelVersion v1 = NewVersion("m", "runs:/" + run + "/model");
  EXPECT_EQ(registry_->GetDownloadUri(server_, "m", "1"),
            "mlflow-artifacts:/0/" + run + "/artifacts/model");
  registry_->SetAlias(server_, "m", "best", "1");
  registry_->TransitionStage(server_, "m", "1", "Production", false);
  registry_->CreateRegisteredModel(server_, "copy", {}, {});
  NewVersion("copy", "models:/m/1");
  NewVersion("copy", "models:/m@best");
  NewVersion("copy", "models:/m/Production");
  for (std::string v : {"1", "2", "3"}) {
    EXPECT_EQ(registry_->GetDownloadUri(server_, "copy", v), v1.storage_location) << v;
  }
  EXPECT_EQ(CodeOf([&] { NewVersion("m", "runs:/0123456789abcdef0123456789abcdef/model"); }),
            "RESOURCE_DOES_NOT_EXIST");
  EXPECT_EQ(CodeOf([&] { NewVersion("m", "s3://b/../../etc"); }), "INVALID_PARAMETER_VALUE");
  EXPECT_EQ(CodeOf([&] { NewVersion("nope"); }), "RESOURCE_DOES_NOT_EXIST");
}

TEST_F(ModelRegistryTest, Searches) {
  for (std::string name : {"alpha", "beta", "Alphabet"}) {
    registry_->CreateRegisteredModel(server_, name, {{"kind", name.substr(0, 1)}}, {});
    NewVersion(name);
  }
  NewVersion("alpha", "s3://b/alpha2");
  RegistrySearch s;
  s.filter = "name LIKE 'alpha%'";
  ASSERT_EQ(registry_->SearchRegisteredModels(server_, s).models.size(), 1u);
  s.filter = "name ILIKE 'alpha%'";
  RegisteredModelPage p = registry_->SearchRegisteredModels(server_, s);
  ASSERT_EQ(p.models.size(), 2u);
  EXPECT_EQ(p.models[0].name, "Alphabet");
  s.filter = "tags.kind = 'b'";
  EXPECT_EQ(registry_->SearchRegisteredModels(server_, s).models.at(0).name, "beta");
  s.filter = "";
  s.max_results = 2;
  p = registry_->SearchRegisteredModels(server_, s);
  EXPECT_EQ(p.models.size(), 2u);
  EXPECT_FALSE(p.next_page_token.empty());

  RegistrySearch vs;
  vs.filter = "name = 'alpha'";
  vs.order_by = {"version_number DESC"};
  ModelVersionPage versions = registry_->SearchModelVersions(server_, vs);
  ASSERT_EQ(versions.versions.size(), 2u);
  EXPECT_EQ(versions.versions[0].version, "2");
  EXPECT_EQ(versions.versions[0].source, "s3://b/alpha2");
  vs.filter = "source_path = 's3://b/alpha2' and version_number >= 2";
  EXPECT_EQ(registry_->SearchModelVersions(server_, vs).versions.size(), 1u);
  vs.filter = "metrics.x > 1";
  EXPECT_EQ(CodeOf([&] { registry_->SearchModelVersions(server_, vs); }),
            "INVALID_PARAMETER_VALUE");
}

}  // namespace
}  // namespace mlflow
