#include "platform/aws/protocol/service_model.h"

#include <gtest/gtest.h>
#include <re2/re2.h>

#include <thread>

#include "base/error.h"

namespace aws::protocol {
namespace {

// Operation counts, signing names and endpoint prefixes as botocore 1.43.11 reports them.
struct Expected {
  const char* service;
  size_t operations;
  const char* signing_name;
  const char* endpoint_prefix;
  Protocol protocol;
};

TEST(ServiceModel, EveryEmbeddedModelLoads) {
  const Expected kExpected[] = {
      {"s3", 111, "s3", "s3", Protocol::kRestXml},
      {"iam", 176, "iam", "iam", Protocol::kQuery},
      {"sts", 11, "sts", "sts", Protocol::kQuery},
      {"sagemaker", 396, "sagemaker", "api.sagemaker", Protocol::kJson},
      {"sagemaker-runtime", 3, "sagemaker", "runtime.sagemaker", Protocol::kRestJson},
      {"glue", 265, "glue", "glue", Protocol::kJson},
      {"athena", 70, "athena", "athena", Protocol::kJson},
      {"identitystore", 19, "identitystore", "identitystore", Protocol::kJson},
      {"logs", 113, "logs", "logs", Protocol::kJson},
      {"datazone", 188, "datazone", "datazone", Protocol::kRestJson},
      {"bedrock", 106, "bedrock", "bedrock", Protocol::kRestJson},
      {"bedrock-runtime", 10, "bedrock", "bedrock-runtime", Protocol::kRestJson},
      {"bedrock-agent", 72, "bedrock", "bedrock-agent", Protocol::kRestJson},
      {"bedrock-agent-runtime", 31, "bedrock", "bedrock-agent-runtime", Protocol::kRestJson},
      {"sso-admin", 79, "sso", "sso", Protocol::kJson},
  };
  EXPECT_EQ(ServiceModel::Names().size(), std::size(kExpected));
  for (const Expected& e : kExpected) {
    const ServiceModel* model = ServiceModel::Find(e.service);
    ASSERT_NE(model, nullptr) << e.service;
    EXPECT_EQ(model->name(), e.service);
    EXPECT_EQ(model->operations().size(), e.operations) << e.service;
    EXPECT_EQ(model->signing_name(), e.signing_name) << e.service;
    EXPECT_EQ(model->endpoint_prefix(), e.endpoint_prefix) << e.service;
    EXPECT_EQ(model->protocol(), e.protocol) << e.service;
    bool rest = e.protocol == Protocol::kRestJson || e.protocol == Protocol::kRestXml;
    EXPECT_EQ(model->routes() != nullptr, rest) << e.service;
  }
  EXPECT_EQ(ServiceModel::Find("ec2"), nullptr);
  EXPECT_EQ(ServiceModel::Find(""), nullptr);
}

TEST(ServiceModel, Metadata) {
  const ServiceModel& sm = *ServiceModel::Find("sagemaker");
  EXPECT_EQ(sm.protocol_name(), "json");
  EXPECT_EQ(sm.json_version(), "1.1");
  EXPECT_EQ(sm.target_prefix(), "SageMaker");
  EXPECT_EQ(sm.api_version(), "2017-07-24");
  EXPECT_EQ(sm.service_id(), "SageMaker");
  const ServiceModel& iam = *ServiceModel::Find("iam");
  EXPECT_EQ(iam.xml_namespace(), "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_EQ(iam.api_version(), "2010-05-08");
  EXPECT_EQ(ServiceModel::Find("logs")->target_prefix(), "Logs_20140328");
  EXPECT_EQ(ServiceModel::Find("sso-admin")->target_prefix(), "SWBExternalService");
  EXPECT_EQ(ServiceModel::Find("s3")->xml_namespace(), "http://s3.amazonaws.com/doc/2006-03-01/");
}

TEST(ServiceModel, FindReturnsOneInstanceAcrossThreads) {
  std::vector<const ServiceModel*> seen(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&seen, i] { seen[i] = ServiceModel::Find("athena"); });
  }
  for (auto& t : threads) t.join();
  for (const ServiceModel* m : seen) EXPECT_EQ(m, seen[0]);
  EXPECT_NE(seen[0], nullptr);
}

TEST(ServiceModel, Operations) {
  const ServiceModel& iam = *ServiceModel::Find("iam");
  const OperationModel* op = iam.FindOperation("CreateUser");
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->name(), "CreateUser");
  EXPECT_EQ(op->http_method(), "POST");
  EXPECT_EQ(op->request_uri(), "/");
  EXPECT_EQ(op->input_shape_name(), "CreateUserRequest");
  EXPECT_EQ(op->output_shape_name(), "CreateUserResponse");
  EXPECT_EQ(op->output()->result_wrapper, "CreateUserResult");
  EXPECT_GE(op->errors().size(), 4u);
  EXPECT_EQ(iam.FindOperation("createuser"), nullptr);
  EXPECT_EQ(iam.FindOperation(""), nullptr);
  // Operations iterate in name order.
  const auto& ops = iam.operations();
  for (size_t i = 1; i < ops.size(); ++i) EXPECT_LT(ops[i - 1]->name(), ops[i]->name());
  EXPECT_EQ(iam.FindOperation("DeleteUser")->output(), nullptr);
}

TEST(ServiceModel, StreamingAndResponseCodes) {
  const ServiceModel& s3 = *ServiceModel::Find("s3");
  EXPECT_TRUE(s3.FindOperation("PutObject")->input_streaming());
  EXPECT_TRUE(s3.FindOperation("UploadPart")->input_streaming());
  EXPECT_FALSE(s3.FindOperation("PutObject")->output_streaming());
  EXPECT_TRUE(s3.FindOperation("GetObject")->output_streaming());
  EXPECT_FALSE(s3.FindOperation("GetObject")->output_event_stream());
  EXPECT_FALSE(s3.FindOperation("PutBucketPolicy")->input_streaming());
  EXPECT_TRUE(s3.FindOperation("SelectObjectContent")->output_event_stream());
  EXPECT_EQ(s3.FindOperation("DeleteObject")->response_code(), 204);
  EXPECT_EQ(s3.FindOperation("GetObject")->response_code(), 200);
  EXPECT_EQ(s3.FindOperation("GetObject")->request_uri(), "/{Bucket}/{Key+}");
  EXPECT_TRUE(s3.FindOperation("GetBucketLifecycle")->deprecated());
  const ServiceModel& rt = *ServiceModel::Find("sagemaker-runtime");
  EXPECT_FALSE(rt.FindOperation("InvokeEndpoint")->input_streaming());
  EXPECT_TRUE(rt.FindOperation("InvokeEndpointWithResponseStream")->output_event_stream());
}

TEST(ServiceModel, ShapesAndMemberTraits) {
  const ServiceModel& s3 = *ServiceModel::Find("s3");
  const Shape* input = s3.FindShape("PutObjectRequest");
  ASSERT_NE(input, nullptr);
  EXPECT_EQ(input->type(), ShapeType::kStructure);
  // Members keep model order.
  EXPECT_EQ(input->members()[0].name, "ACL");
  ASSERT_NE(input->payload(), nullptr);
  EXPECT_EQ(input->payload()->name, "Body");
  EXPECT_TRUE(input->payload()->streaming);
  const Member* bucket = input->FindMember("Bucket");
  ASSERT_NE(bucket, nullptr);
  EXPECT_TRUE(bucket->required);
  EXPECT_EQ(bucket->location, Location::kUri);
  EXPECT_EQ(bucket->location_name, "Bucket");
  const Member* metadata = input->FindMember("Metadata");
  EXPECT_EQ(metadata->location, Location::kHeaders);
  EXPECT_EQ(metadata->location_name, "x-amz-meta-");
  EXPECT_EQ(metadata->shape->type(), ShapeType::kMap);
  const Member* expires = input->FindMember("Expires");
  EXPECT_EQ(expires->shape->type(), ShapeType::kTimestamp);  // the SDK extras merge
  EXPECT_EQ(input->FindMember("Nope"), nullptr);

  const Shape* contents = s3.FindShape("ListObjectsV2Output");
  EXPECT_TRUE(contents->FindMember("Contents")->flattened);
  const Shape* grantee = s3.FindShape("Grantee");
  EXPECT_EQ(grantee->FindMember("Type")->location_name, "xsi:type");
  EXPECT_TRUE(grantee->FindMember("Type")->xml_attribute);
  const Shape* tagging = s3.FindShape("PutBucketTaggingRequest");
  EXPECT_EQ(tagging->payload()->xml_namespace_uri, "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_EQ(tagging->payload()->location_name, "Tagging");
  EXPECT_EQ(s3.FindShape("InventoryEncryption")->FindMember("SSES3")->location_name, "SSE-S3");
  const Shape* tag_set = s3.FindShape("TagSet");
  EXPECT_EQ(tag_set->type(), ShapeType::kList);
  EXPECT_EQ(tag_set->element().location_name, "Tag");
}

TEST(ServiceModel, ConstraintsAndErrors) {
  const ServiceModel& iam = *ServiceModel::Find("iam");
  const Shape* name = iam.FindShape("userNameType");
  ASSERT_NE(name, nullptr);
  EXPECT_EQ(name->min(), 1.0);
  EXPECT_EQ(name->max(), 64.0);
  EXPECT_EQ(name->pattern(), "[\\w+=,.@-]+");
  ASSERT_NE(name->CompiledPattern(), nullptr);
  EXPECT_TRUE(RE2::FullMatch("alice@example.com", *name->CompiledPattern()));
  EXPECT_FALSE(RE2::FullMatch("bad name", *name->CompiledPattern()));
  // Java \uXXXX escapes are translated for RE2.
  const Shape* path = iam.FindShape("pathType");
  ASSERT_NE(path->CompiledPattern(), nullptr);
  EXPECT_TRUE(RE2::FullMatch("/a/b/", *path->CompiledPattern()));
  EXPECT_FALSE(RE2::FullMatch("a/b/", *path->CompiledPattern()));
  const Shape* error = iam.FindError("NoSuchEntity");
  ASSERT_NE(error, nullptr);
  EXPECT_TRUE(error->is_exception());
  EXPECT_EQ(error->name(), "NoSuchEntityException");
  EXPECT_EQ(error->error().http_status, 404);
  EXPECT_TRUE(error->error().sender_fault);
  EXPECT_EQ(iam.FindError("NoSuchEntityException"), nullptr);
  const Shape* glue_error = ServiceModel::Find("glue")->FindError("EntityNotFoundException");
  ASSERT_NE(glue_error, nullptr);
  EXPECT_NE(glue_error->FindMember("Message"), nullptr);
  const Shape* sort = ServiceModel::Find("sagemaker")->FindShape("SortOrder");
  EXPECT_EQ(sort->enum_values(), (std::vector<std::string>{"Ascending", "Descending"}));
}

TEST(ServiceModel, LookAroundPatternsAreSkipped) {
  // Look-around is beyond RE2: such patterns are not enforced.
  const ServiceModel& sm = *ServiceModel::Find("sagemaker");
  const Shape* arn = sm.FindShape("ArnOrName");
  ASSERT_NE(arn, nullptr);
  ASSERT_NE(arn->pattern().find("(?<!-)"), std::string::npos);
  EXPECT_EQ(arn->CompiledPattern(), nullptr);
}

TEST(ServiceModel, ParseRejectsBrokenDocuments) {
  EXPECT_THROW(ServiceModel::Parse("x", "not json"), base::ParseError);
  EXPECT_THROW(ServiceModel::Parse("x", "[]"), base::ParseError);
  EXPECT_THROW(ServiceModel::Parse("x", R"({"metadata":{"protocol":"ec2"},"shapes":{},
      "operations":{}})"),
               base::ParseError);
  EXPECT_THROW(ServiceModel::Parse("x", R"({"metadata":{"protocol":"json"},"shapes":{
      "A":{"type":"structure","members":{"b":{"shape":"Missing"}}}},"operations":{}})"),
               base::ParseError);
  EXPECT_THROW(ServiceModel::Parse("x", R"({"metadata":{"protocol":"json"},"shapes":{
      "A":{"type":"quantum"}},"operations":{}})"),
               base::ParseError);
  auto ok = ServiceModel::Parse("x", R"({"metadata":{"protocol":"json","targetPrefix":"X"},
      "shapes":{"A":{"type":"structure","members":{}}},
      "operations":{"Op":{"name":"Op","http":{"method":"POST","requestUri":"/"},
                         "input":{"shape":"A"}}}})");
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->json_version(), "1.0");
  EXPECT_EQ(ok->FindOperation("Op")->input()->shape, ok->FindShape("A"));
}

}  // namespace
}  // namespace aws::protocol
