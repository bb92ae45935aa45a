// A test tool for the botocore cross-check (botocore_crosscheck.py): reads one JSON command
// per line on stdin, runs the codecs and answers one JSON line on stdout.
//
//   {"cmd":"decode","service":"iam","method":"POST","path":"/","query":[["k","v"]],
//    "headers":[["Content-Type","..."]],"body_b64":"..."}
//     -> {"operation":"CreateUser","input":{...}}  or  {"error":{"status":400,"code":..}}
//   {"cmd":"encode","service":"s3","operation":"ListBuckets","output":{...}}
//   {"cmd":"error","service":"s3","status":404,"code":"NoSuchKey","message":"..",
//    "fields":[["Key","k"]]}
//     -> {"status":200,"headers":[["Content-Type",".."]],"body_b64":"..."}
#include <iostream>
#include <string>

#include "base/crypto.h"
#include "base/json.h"
#include "platform/aws/protocol/codec.h"

namespace {

using aws::protocol::DecodeInput;
using aws::protocol::EncodeError;
using aws::protocol::EncodeOutput;
using aws::protocol::OperationModel;
using aws::protocol::ResolveOperation;
using aws::protocol::RouteMatch;
using aws::protocol::ServiceModel;
using aws::protocol::WireRequest;
using aws::protocol::WireResponse;
using base::Json;

Json Response(const WireResponse& r) {
  Json headers = Json::array();
  for (const auto& [name, value] : r.headers.entries()) headers.push_back({name, value});
  return {{"status", r.status}, {"headers", headers}, {"body_b64", base::Base64Encode(r.body)}};
}

Json Run(const Json& cmd) {
  const ServiceModel* model = ServiceModel::Find(cmd.at("service").get<std::string>());
  if (model == nullptr) return {{"fatal", "unknown service"}};
  const std::string& what = cmd.at("cmd").get_ref<const std::string&>();
  if (what == "decode") {
    WireRequest request;
    request.method = cmd.at("method").get<std::string>();
    request.path = cmd.at("path").get<std::string>();
    for (const Json& pair : cmd.at("query")) request.query.emplace_back(pair[0], pair[1]);
    for (const Json& pair : cmd.at("headers")) request.headers.Add(pair[0], pair[1]);
    request.body = base::Base64Decode(cmd.at("body_b64").get<std::string>()).value_or("");
    try {
      RouteMatch route = ResolveOperation(*model, request);
      Json input = DecodeInput(*model, *route.operation, request, &route);
      return {{"operation", route.operation->name()}, {"input", input}};
    } catch (const aws::ApiError& e) {
      return {
          {"error", {{"status", e.http_status()}, {"code", e.code()}, {"message", e.message()}}}};
    }
  }
  if (what == "encode") {
    const OperationModel* op = model->FindOperation(cmd.at("operation").get<std::string>());
    if (op == nullptr) return {{"fatal", "unknown operation"}};
    return Response(EncodeOutput(*model, *op, cmd.at("output"), "REQUEST-ID"));
  }
  if (what == "error") {
    aws::ApiError error(cmd.at("status").get<int>(), cmd.at("code").get<std::string>(),
                        cmd.at("message").get<std::string>());
    for (const Json& pair : cmd.value("fields", Json::array())) error.With(pair[0], pair[1]);
    return Response(EncodeError(*model, error, "REQUEST-ID"));
  }
  return {{"fatal", "unknown command"}};
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    Json answer;
    try {
      answer = Run(Json::parse(line));
    } catch (const Json::exception& e) {
      answer = {{"fatal", e.what()}};
    }
    std::cout << answer.dump(-1, ' ', false, Json::error_handler_t::replace) << std::endl;
  }
  return 0;
}
