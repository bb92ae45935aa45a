// libFuzzer target: Policy::Parse must turn any input into a Policy or a PolicyError, and a
// parsed Policy must evaluate without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/auth/evaluator.h"
#include "platform/auth/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    auth::Policy policy = auth::Policy::Parse(text);
    auth::Request request;
    request.action = "s3:GetObject";
    request.resource = "arn:aws:s3:::bucket/home/alice/file.txt";
    request.principal = {auth::Principal::Type::kUser, "arn:aws:iam::111122223333:user/alice",
                         "111122223333"};
    request.context.Set("aws:username", {"alice"});
    request.context.Set("aws:SourceIp", {"203.0.113.7"});
    request.context.Set("aws:CurrentTime", {"2024-05-01T12:00:00Z"});
    request.context.Set("aws:TagKeys", {"a", "b"});
    for (auth::PolicyKind kind : {auth::PolicyKind::kIdentity, auth::PolicyKind::kResource}) {
      auth::EvaluatePolicy(policy, request, kind);
    }
  } catch (const auth::PolicyError&) {
  }
  return 0;
}
