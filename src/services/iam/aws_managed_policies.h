// The AWS managed policies UniStudio knows (arn:aws:iam::aws:policy/...), with documents that
// grant what their AWS namesakes grant for the services UniStudio implements. Immutable.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace iam {

struct AwsManagedPolicy {
  std::string_view name;
  std::string_view path;
  std::string_view description;
  std::string_view document;
};

const std::vector<AwsManagedPolicy>& AwsManagedPolicies();
// The policy whose ARN is `arn`, if it is an AWS managed policy UniStudio knows.
const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn);
std::string AwsManagedPolicyArn(const AwsManagedPolicy& policy);

}  // namespace iam
