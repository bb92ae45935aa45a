// The rest-json protocol against the real SageMaker Runtime, Bedrock and DataZone models.
// Requests are the method, path, query, headers and body botocore produces.
#include <gtest/gtest.h>

#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using base::Json;
using testing::DecodeError;
using testing::MakeRequest;

struct Decoded {
  std::string operation;
  Json input;
};

Decoded Decode(const ServiceModel& model, const WireRequest& request) {
  RouteMatch route = ResolveOperation(model, request);
  return {route.operation->name(), DecodeInput(model, *route.operation, request, &route)};
}

const ServiceModel& Runtime() { return *ServiceModel::Find("sagemaker-runtime"); }
const ServiceModel& BedrockRuntime() { return *ServiceModel::Find("bedrock-runtime"); }

TEST(RestJsonProtocol, InvokeEndpointRoutesAndDecodesHeadersAndBlobPayload) {
  WireRequest r = MakeRequest("POST", "/endpoints/my-ep/invocations",
                              {{"Content-Type", "application/json"},
                               {"Accept", "application/json"},
                               {"X-Amzn-SageMaker-Custom-Attributes", "c=1"},
                               {"x-amzn-sagemaker-target-variant", "v1"},
                               {"X-Amzn-SageMaker-Inference-Id", "i-1"}},
                              R"({"inputs":[1,2]})");
  Decoded d = Decode(Runtime(), r);
  EXPECT_EQ(d.operation, "InvokeEndpoint");
  EXPECT_EQ(d.input, Json::parse(R"({"EndpointName":"my-ep","Body":"{\"inputs\":[1,2]}",
      "ContentType":"application/json","Accept":"application/json","CustomAttributes":"c=1",
      "TargetVariant":"v1","InferenceId":"i-1"})"));
}

TEST(RestJsonProtocol, InvokeEndpointOutputIsTheRawBodyWithHeaders) {
  const OperationModel& op = *Runtime().FindOperation("InvokeEndpoint");
  Json output = {{"Body", std::string("\x01\x02{\"y\":3}", 9)},
                 {"ContentType", "application/json"},
                 {"InvokedProductionVariant", "v1"}};
  WireResponse r = EncodeOutput(Runtime(), op, output, "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string("\x01\x02{\"y\":3}", 9));
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.Get("x-Amzn-Invoked-Production-Variant"), "v1");
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "rid");
}

TEST(RestJsonProtocol, InvokeModel) {
  WireRequest r = MakeRequest("POST", "/model/anthropic.claude-v2/invoke",
                              {{"Content-Type", "application/json"},
                               {"Accept", "application/json"},
                               {"X-Amzn-Bedrock-Trace", "ENABLED"}},
                              R"({"prompt":"hi"})");
  Decoded d = Decode(BedrockRuntime(), r);
  EXPECT_EQ(d.operation, "InvokeModel");
  EXPECT_EQ(d.input, Json::parse(R"({"modelId":"anthropic.claude-v2","body":"{\"prompt\":\"hi\"}",
      "contentType":"application/json","accept":"application/json","trace":"ENABLED"})"));

  WireResponse out = EncodeOutput(
      BedrockRuntime(), *BedrockRuntime().FindOperation("InvokeModel"),
      {{"body", R"({"completion":"hello"})"}, {"contentType", "application/json"}}, "rid");
  EXPECT_EQ(out.body, R"({"completion":"hello"})");
  EXPECT_EQ(out.headers.Get("Content-Type"), "application/json");
}

TEST(RestJsonProtocol, InvokeModelEnumHeaderIsValidated) {
  ApiError e = DecodeError(BedrockRuntime(), MakeRequest("POST", "/model/m/invoke",
                                                         {{"X-Amzn-Bedrock-Trace", "LOUD"}}, "{}"));
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.code(), "ValidationException");
  EXPECT_NE(e.message().find("Value 'LOUD' at 'trace' failed to satisfy constraint: Member "
                             "must satisfy enum value set: ["),
            std::string::npos);
}

TEST(RestJsonProtocol, ConverseJsonBodyWithUnionsAndLabel) {
  WireRequest r = MakeRequest(
      "POST", "/model/m/converse", {{"Content-Type", "application/json"}},
      R"({"messages": [{"role": "user", "content": [{"text": "hi"}]}], "inferenceConfig": {"maxTokens": 10, "temperature": 0.5}})");
  Decoded d = Decode(BedrockRuntime(), r);
  EXPECT_EQ(d.operation, "Converse");
  EXPECT_EQ(d.input, Json::parse(R"({"modelId":"m","messages":[{"role":"user",
      "content":[{"text":"hi"}]}],"inferenceConfig":{"maxTokens":10,"temperature":0.5}})"));
}

TEST(RestJsonProtocol, ConverseOutputWithDocumentsAndNumbers) {
  const OperationModel& op = *BedrockRuntime().FindOperation("Converse");
  Json output = Json::parse(R"({"output":{"message":{"role":"assistant","content":[
      {"text":"hello"},{"toolUse":{"toolUseId":"t1","name":"f","input":{"a":[1,{"b":null}]}}}]}},
      "stopReason":"end_turn","usage":{"inputTokens":3,"outputTokens":5,"totalTokens":8},
      "metrics":{"latencyMs":42}})");
  WireResponse r = EncodeOutput(BedrockRuntime(), op, output, "rid");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(Json::parse(r.body), output);
}

TEST(RestJsonProtocol, StreamingOutputHasHeadersOnly) {
  const OperationModel& op = *BedrockRuntime().FindOperation("InvokeModelWithResponseStream");
  EXPECT_TRUE(op.output_streaming());
  EXPECT_TRUE(op.output_event_stream());
  WireResponse r = EncodeOutput(BedrockRuntime(), op, {{"contentType", "application/json"}}, "x");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/vnd.amazon.eventstream");
  EXPECT_EQ(r.headers.Get("X-Amzn-Bedrock-Content-Type"), "application/json");
}

TEST(RestJsonProtocol, BedrockAgentCreateAgentUsesResponseCode) {
  const ServiceModel& agent = *ServiceModel::Find("bedrock-agent");
  Decoded d = Decode(
      agent,
      MakeRequest(
          "PUT", "/agents/", {{"Content-Type", "application/json"}},
          R"({"agentName": "a", "foundationModel": "m", "clientToken": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})"));
  EXPECT_EQ(d.operation, "CreateAgent");
  EXPECT_EQ(d.input["agentName"], "a");
  Json output = Json::parse(R"({"agent":{"agentId":"A1B2C3D4E5","agentName":"a",
      "agentArn":"arn:aws:bedrock:us-east-1:1:agent/A1B2C3D4E5","agentVersion":"DRAFT",
      "agentStatus":"CREATING","idleSessionTTLInSeconds":600,
      "agentResourceRoleArn":"arn:aws:iam::1:role/r","createdAt":"2024-01-02T03:04:05Z",
      "updatedAt":1704164645.5}})");
  WireResponse r = EncodeOutput(agent, *agent.FindOperation("CreateAgent"), output, "x");
  EXPECT_EQ(r.status, 202);
  Json body = Json::parse(r.body);
  // bedrock-agent's DateTimestamp carries timestampFormat iso8601.
  EXPECT_EQ(body["agent"]["createdAt"], "2024-01-02T03:04:05.000Z");
  EXPECT_EQ(body["agent"]["updatedAt"], "2024-01-02T03:04:05.500Z");
  EXPECT_EQ(body["agent"]["idleSessionTTLInSeconds"], 600);
}

TEST(RestJsonProtocol, DataZoneQueryStringMembers) {
  const ServiceModel& dz = *ServiceModel::Find("datazone");
  Decoded d =
      Decode(dz, MakeRequest("GET", "/v2/domains/dzd_abc/projects?maxResults=5&userIdentifier=u"));
  EXPECT_EQ(d.operation, "ListProjects");
  EXPECT_EQ(d.input, Json::parse(R"({"domainIdentifier":"dzd_abc","maxResults":5,
      "userIdentifier":"u"})"));
  ApiError bad = DecodeError(dz, MakeRequest("GET", "/v2/domains/dzd_abc/projects?maxResults=x"));
  EXPECT_EQ(bad.code(), "SerializationException");
  ApiError range =
      DecodeError(dz, MakeRequest("GET", "/v2/domains/dzd_abc/projects?maxResults=500"));
  EXPECT_EQ(range.code(), "ValidationException");
  EXPECT_EQ(range.message(),
            "1 validation error detected: Value '500' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 50");
}

TEST(RestJsonProtocol, MalformedBodyAndUnknownRoute) {
  EXPECT_EQ(DecodeError(BedrockRuntime(),
                        MakeRequest("POST", "/model/m/converse", {}, R"({"messages": [)"))
                .code(),
            "SerializationException");
  try {
    ResolveOperation(BedrockRuntime(), MakeRequest("GET", "/nowhere"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 404);
    EXPECT_EQ(e.code(), "UnknownOperationException");
  }
  try {
    ResolveOperation(BedrockRuntime(), MakeRequest("POST", "/model/%G0/invoke"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 400);
  }
}

TEST(RestJsonProtocol, ErrorEncoding) {
  WireResponse r = EncodeError(
      BedrockRuntime(),
      ApiError(404, "ResourceNotFoundException", "no such model").With("resourceName", "m"), "e1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("x-amzn-ErrorType"), "ResourceNotFoundException");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "e1");
  EXPECT_EQ(r.body, R"({"message":"no such model","resourceName":"m"})");
  // SageMaker Runtime models its errors with "Message".
  WireResponse rt = EncodeError(Runtime(), ApiError(400, "ValidationError", "bad"), "e2");
  EXPECT_EQ(rt.body, R"({"Message":"bad"})");
}

}  // namespace
}  // namespace aws::protocol
