// Routing of REST requests (rest-json, rest-xml) to operations by their requestUri templates:
// "/{Bucket}/{Key+}?uploads", "/model/{modelId}/invoke". A template matches when the method is
// the operation's, every literal path segment is equal, every label takes one non-empty
// segment (a greedy `+` label takes the non-empty rest of the path, '/' included), and every
// literal query key of the template is present (with the given value, if the template has
// one: "?list-type=2").
//
// When several operations match, the most specific wins: more literal path segments, then
// fewer greedy labels, then more literal query keys, then fewer required query/header members
// of the input missing from the request, then more of them present, then not deprecated
// (GetBucketLifecycleConfiguration over GetBucketLifecycle). So S3's ListObjectsV2
// (`?list-type=2`) beats ListObjects, CreateMultipartUpload (`?uploads`) beats PutObject, and
// UploadPart (required `partNumber` and `uploadId`) beats PutObject on the same template.
//
// RestRouteTable is built once per ServiceModel and immutable; matching is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/aws/protocol/service_model.h"
#include "platform/aws/protocol/wire_message.h"

namespace aws::protocol {

struct RouteMatch {
  const OperationModel* operation = nullptr;
  // URI label values by label name (as in the template, without '+'), percent-decoded.
  std::vector<std::pair<std::string, std::string>> labels;

  const std::string* Label(std::string_view name) const;
};

class RestRouteTable {
 public:
  explicit RestRouteTable(const ServiceModel& model);
  ~RestRouteTable();
  RestRouteTable(const RestRouteTable&) = delete;
  RestRouteTable& operator=(const RestRouteTable&) = delete;

  std::optional<RouteMatch> Match(const WireRequest& request) const;

 private:
  struct Route;
  std::vector<Route> routes_;
};

// Routes `request` with the model's table; nullopt when no operation matches (or the model is
// not a REST model).
std::optional<RouteMatch> MatchRestOperation(const ServiceModel& model, const WireRequest& request);

}  // namespace aws::protocol
