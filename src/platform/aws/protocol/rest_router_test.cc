// REST routing against the real S3, SageMaker Runtime and Bedrock models. The S3 requests are
// the method, path and query botocore produces for each operation.
#include "platform/aws/protocol/rest_router.h"

#include <gtest/gtest.h>

#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using testing::MakeRequest;

struct Case {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string operation;
  std::vector<std::pair<std::string, std::string>> labels;
};

class S3Routing : public ::testing::TestWithParam<Case> {};

TEST_P(S3Routing, Routes) {
  const Case& c = GetParam();
  const ServiceModel& s3 = *ServiceModel::Find("s3");
  auto match = MatchRestOperation(s3, MakeRequest(c.method, c.target, c.headers));
  ASSERT_TRUE(match.has_value()) << c.method << " " << c.target;
  EXPECT_EQ(match->operation->name(), c.operation) << c.method << " " << c.target;
  EXPECT_EQ(match->labels, c.labels);
}

using L = std::vector<std::pair<std::string, std::string>>;
const L kB = {{"Bucket", "b"}};
const L kBK = {{"Bucket", "b"}, {"Key", "k"}};

INSTANTIATE_TEST_SUITE_P(
    Operations, S3Routing,
    ::testing::Values(
        Case{"GET", "/", {}, "ListBuckets", {}},
        Case{"GET",
             "/b/dir/a%20b.txt",
             {{"Range", "bytes=0-9"}},
             "GetObject",
             {{"Bucket", "b"}, {"Key", "dir/a b.txt"}}},
        Case{"PUT", "/b/k", {{"x-amz-meta-color", "red"}}, "PutObject", kBK},
        Case{"PUT", "/b/k?partNumber=2&uploadId=u1", {}, "UploadPart", kBK},
        Case{"PUT", "/b/k", {{"x-amz-copy-source", "src/x"}}, "CopyObject", kBK},
        Case{"PUT",
             "/b/k?partNumber=1&uploadId=u",
             {{"x-amz-copy-source", "src/x"}},
             "UploadPartCopy",
             kBK},
        Case{"GET", "/b?list-type=2&prefix=p%2F&max-keys=10", {}, "ListObjectsV2", kB},
        Case{"GET", "/b", {}, "ListObjects", kB}, Case{"GET", "/b/", {}, "ListObjects", kB},
        Case{"GET", "/b?list-type=1", {}, "ListObjects", kB},
        Case{"GET", "/b?versions", {}, "ListObjectVersions", kB},
        Case{"POST", "/b/k?uploads", {}, "CreateMultipartUpload", kBK},
        Case{"POST", "/b/k?uploadId=u", {}, "CompleteMultipartUpload", kBK},
        Case{"DELETE", "/b/k?uploadId=u", {}, "AbortMultipartUpload", kBK},
        Case{"DELETE", "/b/k", {}, "DeleteObject", kBK},
        Case{"GET", "/b/k?uploadId=u", {}, "ListParts", kBK},
        Case{"GET", "/b?uploads", {}, "ListMultipartUploads", kB},
        Case{"POST", "/b?delete", {}, "DeleteObjects", kB},
        Case{"HEAD", "/b/k", {}, "HeadObject", kBK}, Case{"HEAD", "/b", {}, "HeadBucket", kB},
        Case{"PUT", "/b", {}, "CreateBucket", kB}, Case{"DELETE", "/b", {}, "DeleteBucket", kB},
        Case{"GET", "/b?versioning", {}, "GetBucketVersioning", kB},
        Case{"PUT", "/b?versioning", {}, "PutBucketVersioning", kB},
        Case{"PUT", "/b?tagging", {}, "PutBucketTagging", kB},
        Case{"GET", "/b?tagging", {}, "GetBucketTagging", kB},
        Case{"DELETE", "/b?tagging", {}, "DeleteBucketTagging", kB},
        Case{"GET", "/b/k?tagging", {}, "GetObjectTagging", kBK},
        Case{"PUT", "/b/k?tagging", {}, "PutObjectTagging", kBK},
        Case{"GET", "/b?location", {}, "GetBucketLocation", kB},
        Case{"GET", "/b?policy", {}, "GetBucketPolicy", kB},
        Case{"PUT", "/b?policy", {}, "PutBucketPolicy", kB},
        Case{"GET", "/b/k?acl", {}, "GetObjectAcl", kBK},
        Case{"GET", "/b?acl", {}, "GetBucketAcl", kB},
        Case{"GET",
             "/b/k?attributes",
             {{"x-amz-object-attributes", "ETag"}},
             "GetObjectAttributes",
             kBK},
        Case{"POST", "/b/k?restore", {}, "RestoreObject", kBK},
        Case{"POST", "/b/k?select&select-type=2", {}, "SelectObjectContent", kBK},
        Case{"GET", "/b?lifecycle", {}, "GetBucketLifecycleConfiguration", kB},
        Case{"PUT", "/b?lifecycle", {}, "PutBucketLifecycleConfiguration", kB},
        Case{"GET", "/b?notification", {}, "GetBucketNotificationConfiguration", kB},
        Case{"PUT", "/b?cors", {}, "PutBucketCors", kB},
        Case{"GET", "/b?encryption", {}, "GetBucketEncryption", kB},
        Case{"GET", "/b?analytics&id=a1", {}, "GetBucketAnalyticsConfiguration", kB},
        Case{"GET", "/b?analytics", {}, "ListBucketAnalyticsConfigurations", kB},
        // Greedy keys keep '/', empty segments and a trailing slash; escapes are decoded.
        Case{"GET", "/b/a/b/c/", {}, "GetObject", {{"Bucket", "b"}, {"Key", "a/b/c/"}}},
        Case{"GET", "/b//lead", {}, "GetObject", {{"Bucket", "b"}, {"Key", "/lead"}}},
        Case{"GET", "/b/a%2Fb%3Fc+d", {}, "GetObject", {{"Bucket", "b"}, {"Key", "a/b?c+d"}}},
        Case{"GET", "/b/k%3Ftagging", {}, "GetObject", {{"Bucket", "b"}, {"Key", "k?tagging"}}}));

TEST(RestRouting, NoMatch) {
  const ServiceModel& s3 = *ServiceModel::Find("s3");
  EXPECT_FALSE(MatchRestOperation(s3, MakeRequest("PATCH", "/b/k")));
  EXPECT_FALSE(MatchRestOperation(s3, MakeRequest("POST", "/b")));
  EXPECT_FALSE(MatchRestOperation(s3, MakeRequest("GET", "//")));
  EXPECT_FALSE(MatchRestOperation(s3, MakeRequest("GET", "/b/%zz")));
  EXPECT_FALSE(MatchRestOperation(*ServiceModel::Find("iam"), MakeRequest("GET", "/")));
}

// A required query member is a preference, not a condition: the only POST template without
// literals still takes the request, and DecodeInput reports the missing member.
TEST(RestRouting, MissingRequiredQueryMemberStillRoutes) {
  const ServiceModel& s3 = *ServiceModel::Find("s3");
  auto m = MatchRestOperation(s3, MakeRequest("POST", "/b/k"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->operation->name(), "CompleteMultipartUpload");
}

TEST(RestRouting, SageMakerRuntimeInvokeEndpoint) {
  const ServiceModel& rt = *ServiceModel::Find("sagemaker-runtime");
  auto m = MatchRestOperation(rt, MakeRequest("POST", "/endpoints/my-endpoint/invocations"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->operation->name(), "InvokeEndpoint");
  ASSERT_NE(m->Label("EndpointName"), nullptr);
  EXPECT_EQ(*m->Label("EndpointName"), "my-endpoint");
  EXPECT_EQ(m->Label("Nope"), nullptr);
  auto stream =
      MatchRestOperation(rt, MakeRequest("POST", "/endpoints/e/invocations-response-stream"));
  ASSERT_TRUE(stream);
  EXPECT_EQ(stream->operation->name(), "InvokeEndpointWithResponseStream");
  auto async = MatchRestOperation(rt, MakeRequest("POST", "/endpoints/e/async-invocations"));
  ASSERT_TRUE(async);
  EXPECT_EQ(async->operation->name(), "InvokeEndpointAsync");
}

TEST(RestRouting, BedrockRuntimeModelIdsWithColonsAndSlashes) {
  const ServiceModel& br = *ServiceModel::Find("bedrock-runtime");
  // botocore percent-encodes the ARN's '/' and ':' in the label.
  auto m = MatchRestOperation(
      br, MakeRequest("POST",
                      "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Acustom-model%2Fm%2Fx/invoke"));
  ASSERT_TRUE(m);
  EXPECT_EQ(m->operation->name(), "InvokeModel");
  EXPECT_EQ(*m->Label("modelId"), "arn:aws:bedrock:us-east-1:1:custom-model/m/x");
  auto converse =
      MatchRestOperation(br, MakeRequest("POST", "/model/anthropic.claude-v2/converse"));
  ASSERT_TRUE(converse);
  EXPECT_EQ(converse->operation->name(), "Converse");
}

TEST(RestRouting, BedrockAgentTrailingSlashTemplates) {
  const ServiceModel& agent = *ServiceModel::Find("bedrock-agent");
  auto list = MatchRestOperation(agent, MakeRequest("POST", "/agents/"));
  ASSERT_TRUE(list);
  EXPECT_EQ(list->operation->name(), "ListAgents");
  auto create = MatchRestOperation(agent, MakeRequest("PUT", "/agents/"));
  ASSERT_TRUE(create);
  EXPECT_EQ(create->operation->name(), "CreateAgent");
  auto get = MatchRestOperation(agent, MakeRequest("GET", "/agents/A1B2C3D4E5/"));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->operation->name(), "GetAgent");
  EXPECT_EQ(*get->Label("agentId"), "A1B2C3D4E5");
}

}  // namespace
}  // namespace aws::protocol
