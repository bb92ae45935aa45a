// Test helpers: WireRequests from a raw request target, decoding them with a service model, and
// a parsed view of XML responses. For tests only.
#pragma once

#include <gtest/gtest.h>

#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_message.h"

namespace aws::protocol::testing {

// A request for "METHOD /raw/path?query" with the given headers and body.
inline WireRequest MakeRequest(std::string method, std::string_view target,
                               std::vector<std::pair<std::string, std::string>> headers = {},
                               std::string body = "") {
  WireRequest r;
  r.method = std::move(method);
  size_t q = target.find('?');
  r.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) r.query = *base::ParseQueryString(target.substr(q + 1));
  for (auto& [name, value] : headers) r.headers.Add(std::move(name), std::move(value));
  r.body = std::move(body);
  return r;
}

// The input `request` decodes to, after routing it with `model`.
inline base::Json Decode(const ServiceModel& model, const WireRequest& request) {
  RouteMatch route = ResolveOperation(model, request);
  return DecodeInput(model, *route.operation, request, &route);
}

// The error routing or decoding `request` raises; the test fails when there is none.
inline ApiError DecodeError(const ServiceModel& model, const WireRequest& request) {
  try {
    Decode(model, request);
  } catch (const ApiError& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return ApiError(0, "", "");
}

// Parses `xml`; the test fails (empty document) when it is not well-formed.
inline pugi::xml_document ParseXml(const std::string& xml) {
  pugi::xml_document doc;
  doc.load_buffer(xml.data(), xml.size());
  return doc;
}

}  // namespace aws::protocol::testing
