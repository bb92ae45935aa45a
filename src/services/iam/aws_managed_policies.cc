#include "services/iam/aws_managed_policies.h"

namespace iam {

const std::vector<AwsManagedPolicy>& AwsManagedPolicies() {
  static const std::vector<AwsManagedPolicy> kPolicies = {
      {"AdministratorAccess", "/", "Provides full access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})"},
      {"PowerUserAccess", "/",
       "Provides full access to AWS services and resources, but does not allow management of "
       "Users and groups.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"},{"Effect":"Allow","Action":["iam:CreateServiceLinkedRole","iam:DeleteServiceLinkedRole","iam:ListRoles","organizations:DescribeOrganization","account:ListRegions"],"Resource":"*"}]})"},
      {"ReadOnlyAccess", "/", "Provides read-only access to AWS services and resources.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["*:Describe*","*:Get*","*:List*","*:BatchGet*","*:Search*","s3:HeadBucket","athena:BatchGet*","sts:GetCallerIdentity"],"Resource":"*"}]})"},
      {"IAMFullAccess", "/", "Provides full access to IAM via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]})"},
      {"IAMReadOnlyAccess", "/", "Provides read only access to IAM via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]})"},
      {"AmazonS3FullAccess", "/", "Provides full access to all buckets via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","s3-object-lambda:*"],"Resource":"*"}]})"},
      {"AmazonS3ReadOnlyAccess", "/", "Provides read only access to all buckets via the AWS Management Console.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3:Describe*","s3-object-lambda:Get*","s3-object-lambda:List*"],"Resource":"*"}]})"},
      {"AmazonSageMakerFullAccess", "/", "Provides full access to Amazon SageMaker via the AWS Management Console and SDK.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:*","sagemaker-mlflow:*","s3:*","logs:*","iam:GetRole","iam:PassRole","athena:*","glue:*"],"Resource":"*"}]})"},
      {"AmazonAthenaFullAccess", "/", "Provide full access to Amazon Athena and scoped access to the dependencies needed to enable querying, writing results, and data management.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["athena:*","glue:*","s3:GetBucketLocation","s3:GetObject","s3:ListBucket","s3:ListBucketMultipartUploads","s3:ListMultipartUploadParts","s3:AbortMultipartUpload","s3:CreateBucket","s3:PutObject","s3:ListAllMyBuckets"],"Resource":"*"}]})"},
      {"AWSGlueConsoleFullAccess", "/", "Provides full access to AWS Glue via the AWS Management Console",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["glue:*","s3:GetBucketLocation","s3:ListBucket","s3:ListAllMyBuckets","s3:GetBucketAcl","iam:ListRoles","iam:GetRole","iam:PassRole","athena:*","logs:GetLogEvents"],"Resource":"*"}]})"},
      {"AmazonDataZoneFullAccess", "/", "Provides full access to Amazon DataZone.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["datazone:*","glue:Get*","iam:GetRole","iam:PassRole","sso:DescribeRegisteredRegions"],"Resource":"*"}]})"},
      {"AmazonBedrockFullAccess", "/", "Provides full access to Amazon Bedrock.",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["bedrock:*"],"Resource":"*"}]})"},
      {"CloudWatchLogsFullAccess", "/", "Provides full access to CloudWatch Logs",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:*"],"Resource":"*"}]})"},
      {"CloudWatchLogsReadOnlyAccess", "/", "Provides read only access to CloudWatch Logs",
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:Describe*","logs:Get*","logs:List*","logs:StartQuery","logs:StopQuery","logs:TestMetricFilter","logs:FilterLogEvents"],"Resource":"*"}]})"},
  };
  return kPolicies;
}

std::string AwsManagedPolicyArn(const AwsManagedPolicy& policy) {
  return "arn:aws:iam::aws:policy" + std::string(policy.path) + std::string(policy.name);
}

const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn) {
  for (const auto& p : AwsManagedPolicies()) {
    if (AwsManagedPolicyArn(p) == arn) return &p;
  }
  return nullptr;
}

}  // namespace iam
