#include "services/s3/copy_source_header.h"

#include "base/strings.h"
#include "platform/aws/api_error.h"
#include "services/s3/s3_common.h"

namespace s3 {

storage::CopySource ParseCopySource(const base::Json& in) {
  std::string header = InputString(in, "CopySource");
  auto invalid = [&] {
    return InvalidArgument("Invalid copy source object key", "x-amz-copy-source", header);
  };
  std::string_view text = header;
  std::optional<std::string> version_id;
  if (size_t q = text.find('?'); q != std::string_view::npos) {
    auto params = base::ParseQueryString(text.substr(q + 1), false);
    if (!params) throw invalid();
    for (const auto& [k, v] : *params) {
      if (k == "versionId") version_id = v;
    }
    text = text.substr(0, q);
  }
  std::optional<std::string> path = base::UriDecode(text);
  if (!path) throw invalid();
  std::string_view p = *path;
  if (!p.empty() && p.front() == '/') p.remove_prefix(1);
  size_t slash = p.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == p.size()) throw invalid();
  storage::CopySource source;
  source.bucket = std::string(p.substr(0, slash));
  source.key = std::string(p.substr(slash + 1));
  source.version_id = version_id;
  if (auto v = OptionalString(in, "CopySourceIfMatch"))
    source.conditions.if_match = UnquoteEtag(*v);
  if (auto v = OptionalString(in, "CopySourceIfNoneMatch")) {
    source.conditions.if_none_match = UnquoteEtag(*v);
  }
  source.conditions.if_modified_since = OptionalTime(in, "CopySourceIfModifiedSince");
  source.conditions.if_unmodified_since = OptionalTime(in, "CopySourceIfUnmodifiedSince");
  return source;
}

void AuthorizeCopySource(const aws::RequestContext& ctx, const storage::CopySource& source) {
  ctx.Authorize(source.version_id ? "s3:GetObjectVersion" : "s3:GetObject",
                ObjectArn(source.bucket, source.key), base::Json{{"Bucket", source.bucket}});
}

}  // namespace s3
