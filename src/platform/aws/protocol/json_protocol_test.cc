// The json protocol (1.1) against the real Glue, Athena and SageMaker models. Request bodies
// are botocore's own encodings (botocore.serialize.JSONSerializer), pasted verbatim.
#include <gtest/gtest.h>

#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using base::Json;
using testing::Decode;
using testing::DecodeError;
using testing::MakeRequest;

const ServiceModel& Glue() { return *ServiceModel::Find("glue"); }
const ServiceModel& Athena() { return *ServiceModel::Find("athena"); }
const ServiceModel& SageMaker() { return *ServiceModel::Find("sagemaker"); }

WireRequest Call(const ServiceModel& model, std::string_view operation, std::string body) {
  return MakeRequest("POST", "/",
                     {{"X-Amz-Target", model.target_prefix() + "." + std::string(operation)},
                      {"Content-Type", "application/x-amz-json-1.1"}},
                     std::move(body));
}

TEST(JsonProtocol, GlueCreateTableDecodesNestedShapesAndTimestamps) {
  WireRequest r = Call(
      Glue(), "CreateTable",
      R"({"DatabaseName": "db", "TableInput": {"Name": "t", "LastAccessTime": 1440938160, "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}], "Location": "s3://b/t/"}, "Parameters": {"classification": "parquet"}, "PartitionKeys": [{"Name": "dt", "Type": "string"}]}})");
  EXPECT_EQ(ResolveOperation(Glue(), r).operation->name(), "CreateTable");
  Json input = Decode(Glue(), r);
  EXPECT_EQ(input["DatabaseName"], "db");
  EXPECT_EQ(input["TableInput"]["LastAccessTime"], 1440938160);
  EXPECT_EQ(input["TableInput"]["StorageDescriptor"]["Columns"][0]["Type"], "int");
  EXPECT_EQ(input["TableInput"]["Parameters"], Json::parse(R"({"classification":"parquet"})"));
  EXPECT_EQ(input["TableInput"]["PartitionKeys"][0]["Name"], "dt");
}

TEST(JsonProtocol, FractionalAndIsoTimestampsBecomeEpochSeconds) {
  Json fractional = Decode(
      SageMaker(), Call(SageMaker(), "ListTrainingJobs", R"({"CreationTimeAfter": 1577836800.5})"));
  EXPECT_DOUBLE_EQ(fractional["CreationTimeAfter"].get<double>(), 1577836800.5);
  Json iso = Decode(SageMaker(), Call(SageMaker(), "ListTrainingJobs",
                                      R"({"CreationTimeAfter": "2020-01-01T00:00:00Z"})"));
  EXPECT_EQ(iso["CreationTimeAfter"], 1577836800);
}

TEST(JsonProtocol, AthenaStartQueryExecution) {
  Json input = Decode(
      Athena(),
      Call(
          Athena(), "StartQueryExecution",
          R"({"QueryString": "SELECT 1", "QueryExecutionContext": {"Database": "db"}, "ResultConfiguration": {"OutputLocation": "s3://b/r/"}, "WorkGroup": "primary", "ClientRequestToken": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})"));
  EXPECT_EQ(input, Json::parse(R"({"QueryString":"SELECT 1",
      "QueryExecutionContext":{"Database":"db"},
      "ResultConfiguration":{"OutputLocation":"s3://b/r/"},"WorkGroup":"primary",
      "ClientRequestToken":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})"));
}

TEST(JsonProtocol, EmptyBodyIsAnEmptyObjectAndNullsAreAbsent) {
  Json input = Decode(Athena(), Call(Athena(), "ListWorkGroups", ""));
  EXPECT_EQ(input, Json::object());
  input = Decode(Athena(), Call(Athena(), "ListWorkGroups", R"({"NextToken": null})"));
  EXPECT_EQ(input, Json::object());
}

TEST(JsonProtocol, BlobsAreBase64DecodedAndEncoded) {
  Json input = Decode(
      Glue(),
      Call(
          Glue(), "UpdateColumnStatisticsForTable",
          R"js({"DatabaseName": "d", "TableName": "t", "ColumnStatisticsList": [{"ColumnName": "c", "ColumnType": "decimal(10,2)", "AnalyzedTime": 1440938160, "StatisticsData": {"Type": "DECIMAL", "DecimalColumnStatisticsData": {"MinimumValue": {"UnscaledValue": "AP8Q", "Scale": 2}, "NumberOfNulls": 0, "NumberOfDistinctValues": 3}}}]})js"));
  const Json& min = input["ColumnStatisticsList"][0]["StatisticsData"]
                         ["DecimalColumnStatisticsData"]["MinimumValue"];
  EXPECT_EQ(min["UnscaledValue"], std::string("\x00\xff\x10", 3));
  EXPECT_EQ(input["ColumnStatisticsList"][0]["AnalyzedTime"], 1440938160);

  Json bad = Json::parse(R"({"DatabaseName":"d","TableName":"t","ColumnStatisticsList":[
      {"ColumnName":"c","ColumnType":"x","AnalyzedTime":1,"StatisticsData":{"Type":"DECIMAL",
       "DecimalColumnStatisticsData":{"MinimumValue":{"UnscaledValue":"not base64!","Scale":2},
       "NumberOfNulls":0,"NumberOfDistinctValues":3}}}]})");
  EXPECT_EQ(DecodeError(Glue(), Call(Glue(), "UpdateColumnStatisticsForTable", bad.dump())).code(),
            "SerializationException");

  const OperationModel& op = *Glue().FindOperation("GetColumnStatisticsForTable");
  Json output = {{"ColumnStatisticsList", Json::array({input["ColumnStatisticsList"][0]})}};
  WireResponse r = EncodeOutput(Glue(), op, output, "r");
  Json body = Json::parse(r.body);
  EXPECT_EQ(body["ColumnStatisticsList"][0]["StatisticsData"]["DecimalColumnStatisticsData"]
                ["MinimumValue"]["UnscaledValue"],
            "AP8Q");
}

TEST(JsonProtocol, MalformedJsonIsSerializationException) {
  ApiError e = DecodeError(Glue(), Call(Glue(), "GetTable", R"({"DatabaseName": "db",)"));
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.code(), "SerializationException");
  EXPECT_EQ(DecodeError(Glue(), Call(Glue(), "GetTable", "[1,2]")).code(),
            "SerializationException");
}

TEST(JsonProtocol, TypeMismatchesAreSerializationExceptions) {
  ApiError wrong_scalar =
      DecodeError(Athena(), Call(Athena(), "ListWorkGroups", R"({"MaxResults": "10"})"));
  EXPECT_EQ(wrong_scalar.code(), "SerializationException");
  EXPECT_EQ(wrong_scalar.message(), "Expected an integer at 'MaxResults' but found a string");
  ApiError object_for_list = DecodeError(
      Glue(), Call(Glue(), "BatchGetPartition",
                   R"({"DatabaseName":"d","TableName":"t","PartitionsToGet":{"Values":[]}})"));
  EXPECT_EQ(object_for_list.code(), "SerializationException");
  EXPECT_EQ(object_for_list.message(), "Expected a list at 'PartitionsToGet' but found an object");
  EXPECT_EQ(
      DecodeError(Athena(), Call(Athena(), "ListWorkGroups", R"({"MaxResults": 1.5})")).code(),
      "SerializationException");
}

TEST(JsonProtocol, HugeNumbersAreRejectedCleanly) {
  for (const char* body : {R"({"MaxResults": 99999999999999999999999})", R"({"MaxResults": 1e400})",
                           R"({"MaxResults": 2147483648})", R"({"MaxResults": -1e300})"}) {
    EXPECT_EQ(DecodeError(Athena(), Call(Athena(), "ListWorkGroups", body)).code(),
              "SerializationException")
        << body;
  }
}

TEST(JsonProtocol, DeepNestingIsRejected) {
  std::string deep(100000, '[');
  EXPECT_EQ(DecodeError(Glue(), Call(Glue(), "GetTable", deep)).code(), "SerializationException");
  std::string nested = R"({"DatabaseName":"d","Name":"t","X":)" + std::string(150, '{') +
                       std::string(150, '}') + "}";
  EXPECT_EQ(DecodeError(Glue(), Call(Glue(), "GetTable", nested)).code(), "SerializationException");
}

TEST(JsonProtocol, ValidationExceptionMessages) {
  ApiError e = DecodeError(Glue(), Call(Glue(), "GetTable", R"({"Name": ""})"));
  EXPECT_EQ(e.code(), "ValidationException");
  EXPECT_EQ(e.message(),
            "2 validation errors detected: Value null at 'databaseName' failed to satisfy "
            "constraint: Member must not be null; Value '' at 'name' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1");
  ApiError enum_error = DecodeError(
      SageMaker(), Call(SageMaker(), "ListTrainingJobs", R"({"SortOrder": "Sideways"})"));
  EXPECT_EQ(enum_error.message(),
            "1 validation error detected: Value 'Sideways' at 'sortOrder' failed to satisfy "
            "constraint: Member must satisfy enum value set: [Ascending, Descending]");
}

TEST(JsonProtocol, UnknownTargets) {
  for (const char* target : {"SageMaker.FlyAway", "Other.CreateEndpoint", "CreateEndpoint", ""}) {
    WireRequest r = MakeRequest("POST", "/", {{"X-Amz-Target", target}}, "{}");
    try {
      ResolveOperation(SageMaker(), r);
      ADD_FAILURE() << target;
    } catch (const ApiError& e) {
      EXPECT_EQ(e.http_status(), 400);
      EXPECT_EQ(e.code(), "UnknownOperationException");
    }
  }
  WireResponse r = UnknownOperation(SageMaker(), "FlyAway", "rid");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.headers.Get("x-amzn-ErrorType"), "UnknownOperationException");
  EXPECT_EQ(Json::parse(r.body)["__type"], "UnknownOperationException");
}

TEST(JsonProtocol, AthenaGetQueryExecutionOutputTimestamps) {
  const OperationModel& op = *Athena().FindOperation("GetQueryExecution");
  Json output = Json::parse(R"({"QueryExecution":{"QueryExecutionId":"q1","Query":"SELECT 1",
      "Status":{"State":"SUCCEEDED","SubmissionDateTime":"2015-08-30T12:36:00.250Z",
                "CompletionDateTime":1440938161},
      "Statistics":{"EngineExecutionTimeInMillis":12,"DataScannedInBytes":0}}})");
  WireResponse r = EncodeOutput(Athena(), op, output, "req");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "req");
  Json body = Json::parse(r.body);
  EXPECT_DOUBLE_EQ(body["QueryExecution"]["Status"]["SubmissionDateTime"].get<double>(),
                   1440938160.25);
  EXPECT_EQ(body["QueryExecution"]["Status"]["CompletionDateTime"], 1440938161);
  EXPECT_EQ(body["QueryExecution"]["Statistics"]["EngineExecutionTimeInMillis"], 12);
  EXPECT_EQ(body["QueryExecution"]["Status"]["State"], "SUCCEEDED");
}

TEST(JsonProtocol, SageMakerDescribeEndpointOutput) {
  const OperationModel& op = *SageMaker().FindOperation("DescribeEndpoint");
  Json output = Json::parse(R"({"EndpointName":"ep","EndpointArn":"arn:ep",
      "EndpointConfigName":"cfg","EndpointStatus":"InService","CreationTime":1700000000,
      "LastModifiedTime":1700000000.123,"Unknown":"dropped","FailureReason":null})");
  WireResponse r = EncodeOutput(SageMaker(), op, output, "r");
  Json body = Json::parse(r.body);
  EXPECT_EQ(body, Json::parse(R"({"EndpointName":"ep","EndpointArn":"arn:ep",
      "EndpointConfigName":"cfg","EndpointStatus":"InService","CreationTime":1700000000,
      "LastModifiedTime":1700000000.123})"));
}

TEST(JsonProtocol, OperationWithoutOutputAnswersEmptyObject) {
  const OperationModel& op = *SageMaker().FindOperation("DeleteEndpoint");
  ASSERT_EQ(op.output(), nullptr);
  WireResponse r = EncodeOutput(SageMaker(), op, Json(), "r");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
}

TEST(JsonProtocol, ErrorsCarryTypeHeaderAndModeledMessageKey) {
  WireResponse glue = EncodeError(Glue(),
                                  ApiError(400, "EntityNotFoundException", "Table t not found")
                                      .With("FromFederationSource", "false"),
                                  "g1");
  EXPECT_EQ(glue.status, 400);
  EXPECT_EQ(glue.headers.Get("x-amzn-ErrorType"), "EntityNotFoundException");
  EXPECT_EQ(glue.headers.Get("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(glue.headers.Get("x-amzn-RequestId"), "g1");
  // Glue models its exceptions with a "Message" member.
  EXPECT_EQ(
      glue.body,
      R"({"__type":"EntityNotFoundException","Message":"Table t not found","FromFederationSource":"false"})");
  WireResponse generic = EncodeError(Glue(), ApiError(400, "SerializationException", "bad"), "g2");
  EXPECT_EQ(generic.body, R"({"__type":"SerializationException","message":"bad"})");
  ApiError with_header(429, "ThrottlingException", "slow down");
  with_header.headers().emplace_back("Retry-After", "1");
  WireResponse throttled = EncodeError(Athena(), with_header, "a1");
  EXPECT_EQ(throttled.status, 429);
  EXPECT_EQ(throttled.headers.Get("Retry-After"), "1");
}

TEST(JsonProtocol, InvalidUtf8InOutputIsReplacedNotThrown) {
  const OperationModel& op = *SageMaker().FindOperation("DescribeEndpoint");
  Json output = {{"EndpointName", std::string("a\xff"
                                              "b")}};
  WireResponse r = EncodeOutput(SageMaker(), op, output, "r");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Json::parse(r.body)["EndpointName"],
            "a\xEF\xBF\xBD"
            "b");
}

}  // namespace
}  // namespace aws::protocol
