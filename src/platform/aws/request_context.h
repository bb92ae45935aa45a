// Everything a service handler knows about the request it is serving: who is calling, in
// which region and account, the raw HTTP request and response (for streaming handlers), and
// the request body already unwrapped from any aws-chunked framing and verified against its
// signature or hash. One per request; used on the handler's thread only.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "base/time.h"
#include "platform/aws/principal.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace aws {

class RequestContext {
 public:
  RequestContext(http::Request& request, http::ResponseWriter& response)
      : request_(request), response_(response) {}

  http::Request& http_request() { return request_; }
  const http::Request& http_request() const { return request_; }
  http::ResponseWriter& response() { return response_; }

  // The entity body: de-chunked (aws-chunked) and verified (chunk signatures, payload hash)
  // as it is read. Throws http::BodyError or aws::ApiError on a verification failure.
  http::BodyReader& body() { return body_ ? *body_ : *request_.body; }
  void set_body(http::BodyReader* body) { body_ = body; }
  // Trailing headers of an aws-chunked body (x-amz-checksum-*), available after the body has
  // been read to its end.
  std::optional<std::string> trailer(std::string_view name) const;
  void set_trailers(const std::map<std::string, std::string>* trailers) { trailers_ = trailers; }

  // Decoded query parameters, in request order.
  const std::vector<std::pair<std::string, std::string>>& query() const { return query_; }
  std::optional<std::string> query_param(std::string_view name) const;
  void set_query(std::vector<std::pair<std::string, std::string>> q) { query_ = std::move(q); }

  const std::string& request_id() const { return request_id_; }
  const std::string& region() const { return region_; }
  const std::string& account_id() const { return account_id_; }
  const Principal& principal() const { return principal_; }
  const std::string& operation() const { return operation_; }
  base::TimePoint received_at() const { return received_at_; }

  // For streaming handlers: encodes `output`'s header and status members with the operation's
  // protocol, sets them on the response (`status`, when non-zero, overrides the operation's
  // success status; S3 answers 206 for a range) and sends the head. The handler then writes
  // the body with response().Write and ends it with response().End.
  void BeginStreamingOutput(const base::Json& output, std::optional<uint64_t> content_length,
                            int status = 0);
  using OutputEncoder = std::function<void(const base::Json& output, int status,
                                           http::ResponseWriter& response)>;
  void set_output_encoder(OutputEncoder encoder) { output_encoder_ = std::move(encoder); }

  // arn:aws:<service>:<region>:<account>:<resource>. Global services pass an empty region.
  std::string Arn(std::string_view service, std::string_view resource,
                  bool regional = true) const;

  void set_request_id(std::string id) { request_id_ = std::move(id); }
  void set_region(std::string region) { region_ = std::move(region); }
  void set_account_id(std::string id) { account_id_ = std::move(id); }
  void set_principal(Principal p) { principal_ = std::move(p); }
  void set_operation(std::string op) { operation_ = std::move(op); }
  void set_received_at(base::TimePoint t) { received_at_ = t; }

 private:
  http::Request& request_;
  http::ResponseWriter& response_;
  http::BodyReader* body_ = nullptr;
  const std::map<std::string, std::string>* trailers_ = nullptr;
  std::vector<std::pair<std::string, std::string>> query_;
  std::string request_id_;
  std::string region_;
  std::string account_id_;
  Principal principal_;
  std::string operation_;
  base::TimePoint received_at_{};
  OutputEncoder output_encoder_;
};

}  // namespace aws
