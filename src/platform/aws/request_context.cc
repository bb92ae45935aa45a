#include "platform/aws/request_context.h"

#include "base/error.h"
#include "base/strings.h"

namespace aws {

std::optional<std::string> RequestContext::trailer(std::string_view name) const {
  if (trailers_ == nullptr) return std::nullopt;
  for (const auto& [k, v] : *trailers_) {
    if (base::EqualsIgnoreCase(k, name)) return v;
  }
  return std::nullopt;
}

std::optional<std::string> RequestContext::query_param(std::string_view name) const {
  for (const auto& [k, v] : query_) {
    if (k == name) return v;
  }
  return std::nullopt;
}

void RequestContext::BeginStreamingOutput(const base::Json& output,
                                          std::optional<uint64_t> content_length, int status) {
  output_encoder_(output, status, response_);
  response_.Begin(content_length);
}

void RequestContext::Authorize(const std::string& action, const std::string& resource,
                               const base::Json& input, const KeysFn& keys) const {
  if (!authorizer_) throw base::Error("no authorizer is set for " + action);
  authorizer_(*this, action, resource, input, keys);
}

std::string RequestContext::Arn(std::string_view service, std::string_view resource,
                                bool regional) const {
  std::string arn = "arn:aws:";
  arn += service;
  arn += ':';
  if (regional) arn += region_;
  arn += ':';
  arn += account_id_;
  arn += ':';
  arn += resource;
  return arn;
}

}  // namespace aws
