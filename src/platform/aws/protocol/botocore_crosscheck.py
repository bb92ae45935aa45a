#!/usr/bin/env python3
"""Wire compatibility of the protocol codecs, judged by botocore itself.

Requests are built by botocore's serializers and HTTP request preparation, exactly as boto3
sends them, and decoded by the codecs (through aws_protocol_wire_tool); the decoded input must
equal the parameters. Responses are encoded by the codecs and parsed by botocore's response
parsers; the parsed result must equal the handler output. Errors must parse to the same code,
message and request id.

    botocore_crosscheck.py --tool build/.../aws_protocol_wire_tool

Exits 77 (ctest SKIP_RETURN_CODE) when botocore is not importable, 1 on any mismatch.
"""

import argparse
import base64
import datetime
import json
import subprocess
import sys
import urllib.parse

try:
    import botocore.awsrequest
    import botocore.model
    import botocore.parsers
    import botocore.serialize
    import botocore.session
except ImportError:
    print("botocore not importable; skipping")
    sys.exit(77)

UTC = datetime.timezone.utc
T0 = datetime.datetime(2015, 8, 30, 12, 36, tzinfo=UTC)
T1 = datetime.datetime(2024, 1, 2, 3, 4, 5, 250000, tzinfo=UTC)

# (service, operation, params): what a boto3 user passes.
DECODE_CASES = [
    ("iam", "CreateUser", {"UserName": "alice", "Path": "/eng/",
                           "Tags": [{"Key": "team", "Value": "ml"}, {"Key": "env", "Value": ""}]}),
    ("iam", "ListUsers", {"PathPrefix": "/eng/", "MaxItems": 50, "Marker": "m+1 &x"}),
    ("iam", "PutUserPolicy", {"UserName": "alice", "PolicyName": "p1",
                              "PolicyDocument": '{"Version":"2012-10-17","Statement":[]}'}),
    ("iam", "GetUser", {"UserName": "alice"}),
    ("iam", "CreateAccessKey", {}),
    ("iam", "AttachRolePolicy", {"RoleName": "r", "PolicyArn": "arn:aws:iam::aws:policy/P"}),
    ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::123456789012:role/demo",
                           "RoleSessionName": "s1", "DurationSeconds": 900,
                           "PolicyArns": [{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}],
                           "Tags": [{"Key": "k", "Value": "v"}], "TransitiveTagKeys": []}),
    ("glue", "CreateTable", {"DatabaseName": "db", "TableInput": {
        "Name": "t", "LastAccessTime": T0, "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}],
                              "Location": "s3://b/t/", "Compressed": False,
                              "NumberOfBuckets": -1},
        "PartitionKeys": [{"Name": "dt", "Type": "string"}]}}),
    ("glue", "UpdateColumnStatisticsForTable", {
        "DatabaseName": "d", "TableName": "t", "ColumnStatisticsList": [{
            "ColumnName": "c", "ColumnType": "decimal(10,2)", "AnalyzedTime": T0,
            "StatisticsData": {"Type": "DOUBLE", "DoubleColumnStatisticsData": {
                "MinimumValue": -1.5, "MaximumValue": 1e300, "NumberOfNulls": 0,
                "NumberOfDistinctValues": 3}}}]}),
    ("athena", "StartQueryExecution", {"QueryString": "SELECT 'ü' AS x",
                                       "QueryExecutionContext": {"Database": "db"},
                                       "ResultConfiguration": {"OutputLocation": "s3://b/r/"},
                                       "WorkGroup": "primary",
                                       "ClientRequestToken": "x" * 32}),
    ("sagemaker", "CreateTrainingJob", {
        "TrainingJobName": "job-1",
        "AlgorithmSpecification": {"TrainingImage": "img", "TrainingInputMode": "File"},
        "RoleArn": "arn:aws:iam::123456789012:role/sm",
        "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {
            "S3DataType": "S3Prefix", "S3Uri": "s3://b/train/"}}}],
        "OutputDataConfig": {"S3OutputPath": "s3://b/out/"},
        "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1,
                           "VolumeSizeInGB": 10},
        "StoppingCondition": {"MaxRuntimeInSeconds": 3600},
        "HyperParameters": {"epochs": "3"}, "EnableManagedSpotTraining": True}),
    ("sagemaker", "ListTrainingJobs", {"CreationTimeAfter": T0, "MaxResults": 10,
                                       "SortOrder": "Descending"}),
    ("logs", "PutLogEvents", {"logGroupName": "g", "logStreamName": "s",
                              "logEvents": [{"timestamp": 1440938160000, "message": "hi"}]}),
    ("identitystore", "CreateUser", {"IdentityStoreId": "d-1234567890", "UserName": "u",
                                     "DisplayName": "U", "Name": {"GivenName": "G"}}),
    ("sso-admin", "CreatePermissionSet", {"InstanceArn": "arn:aws:sso:::instance/ssoins-1234567890123456",
                                          "Name": "ps", "SessionDuration": "PT1H"}),
    ("s3", "PutObject", {"Bucket": "b", "Key": "dir/a b+c.txt", "Body": b"hello",
                         "Metadata": {"color": "red"}, "ContentType": "text/plain",
                         "ContentLength": 5, "Expires": T0, "StorageClass": "STANDARD_IA"}),
    ("s3", "GetObject", {"Bucket": "b", "Key": "k~!*'()", "Range": "bytes=0-9",
                         "IfMatch": '"etag"', "IfModifiedSince": T0, "PartNumber": 3,
                         "ResponseContentType": "text/csv"}),
    ("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "p/ q", "MaxKeys": 10,
                             "Delimiter": "/", "StartAfter": "a"}),
    ("s3", "ListObjects", {"Bucket": "b", "Marker": "m"}),
    ("s3", "DeleteObjects", {"Bucket": "b", "Delete": {"Objects": [
        {"Key": "a.txt"}, {"Key": "b/c <&>.txt", "VersionId": "v2"}], "Quiet": True}}),
    ("s3", "PutBucketTagging", {"Bucket": "b", "Tagging": {"TagSet": [
        {"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "ml"}]}}),
    ("s3", "CompleteMultipartUpload", {"Bucket": "b", "Key": "big.bin", "UploadId": "u1",
                                       "MultipartUpload": {"Parts": [
                                           {"ETag": '"e1"', "PartNumber": 1},
                                           {"ETag": '"e2"', "PartNumber": 2}]}}),
    ("s3", "CreateMultipartUpload", {"Bucket": "b", "Key": "big.bin",
                                     "ContentType": "application/octet-stream"}),
    ("s3", "UploadPart", {"Bucket": "b", "Key": "k", "PartNumber": 2, "UploadId": "u1",
                          "Body": b"x", "ContentLength": 1}),
    ("s3", "CopyObject", {"Bucket": "b", "Key": "k", "CopySource": "src/key",
                          "MetadataDirective": "REPLACE", "CopySourceIfMatch": '"x"'}),
    ("s3", "UploadPartCopy", {"Bucket": "b", "Key": "k", "CopySource": "src/key",
                              "PartNumber": 1, "UploadId": "u"}),
    ("s3", "PutBucketAcl", {"Bucket": "b", "AccessControlPolicy": {
        "Grants": [{"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "READ"}],
        "Owner": {"ID": "abc"}}}),
    ("s3", "PutBucketVersioning", {"Bucket": "b",
                                   "VersioningConfiguration": {"Status": "Enabled"}}),
    ("s3", "GetObjectAttributes", {"Bucket": "b", "Key": "k",
                                   "ObjectAttributes": ["ETag", "ObjectSize"]}),
    ("s3", "HeadBucket", {"Bucket": "b"}),
    ("s3", "ListBuckets", {}),
    ("s3", "PutBucketPolicy", {"Bucket": "b", "Policy": '{"Version":"2012-10-17"}'}),
    ("sagemaker-runtime", "InvokeEndpoint", {"EndpointName": "my-ep",
                                             "Body": b'{"inputs":[1,2]}',
                                             "ContentType": "application/json",
                                             "CustomAttributes": "c=1"}),
    ("bedrock-runtime", "InvokeModel", {"modelId": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2:1",
                                        "body": b'{"prompt":"hi"}',
                                        "contentType": "application/json"}),
    ("bedrock-runtime", "Converse", {"modelId": "m", "messages": [
        {"role": "user", "content": [{"text": "hi"}]}],
        "inferenceConfig": {"maxTokens": 10, "temperature": 0.5},
        "additionalModelRequestFields": {"top_k": 5, "nested": {"a": [1, None]}}}),
    ("bedrock-agent", "CreateAgent", {"agentName": "a", "foundationModel": "m",
                                      "clientToken": "x" * 33,
                                      "idleSessionTTLInSeconds": 600}),
    ("datazone", "ListProjects", {"domainIdentifier": "dzd_abc", "maxResults": 5,
                                  "userIdentifier": "u"}),
    ("datazone", "CreateProject", {"domainIdentifier": "dzd_abc", "name": "p",
                                   "description": "d"}),
]

# (service, operation, handler output) for the response side.
ENCODE_CASES = [
    ("iam", "CreateUser", {"User": {"Path": "/", "UserName": "alice", "UserId": "AIDA1",
                                    "Arn": "arn:aws:iam::1:user/alice", "CreateDate": T0,
                                    "Tags": [{"Key": "k", "Value": "v"}]}}),
    ("iam", "ListUsers", {"Users": [{"Path": "/", "UserName": "a", "UserId": "1",
                                     "Arn": "arn:a", "CreateDate": T1}],
                          "IsTruncated": True, "Marker": "m2"}),
    ("iam", "GetAccountAuthorizationDetails", {"Policies": [{"PolicyName": "p",
        "PolicyVersionList": [{"Document": "{}", "VersionId": "v1", "IsDefaultVersion": True,
                               "CreateDate": T0}]}], "IsTruncated": False}),
    ("sts", "AssumeRole", {"Credentials": {"AccessKeyId": "ASIA", "SecretAccessKey": "s",
                                           "SessionToken": "t", "Expiration": T1},
                           "AssumedRoleUser": {"AssumedRoleId": "AROA:s", "Arn": "arn:x"},
                           "PackedPolicySize": 6}),
    ("sts", "GetCallerIdentity", {"UserId": "AIDA", "Account": "123456789012",
                                  "Arn": "arn:aws:iam::123456789012:user/u"}),
    ("glue", "GetTable", {"Table": {"Name": "t", "DatabaseName": "db", "CreateTime": T1,
                                    "Parameters": {"k": "v"}, "IsRegisteredWithLakeFormation": False,
                                    "StorageDescriptor": {"Columns": [{"Name": "id", "Type": "int"}],
                                                          "NumberOfBuckets": 0}}}),
    ("athena", "GetQueryExecution", {"QueryExecution": {
        "QueryExecutionId": "q1", "Query": "SELECT 1",
        "Status": {"State": "SUCCEEDED", "SubmissionDateTime": T1, "CompletionDateTime": T0},
        "Statistics": {"EngineExecutionTimeInMillis": 12, "DataScannedInBytes": 0}}}),
    ("sagemaker", "DescribeEndpoint", {"EndpointName": "ep", "EndpointArn": "arn:ep",
                                       "EndpointConfigName": "cfg", "EndpointStatus": "InService",
                                       "CreationTime": T0, "LastModifiedTime": T1}),
    ("logs", "GetLogEvents", {"events": [{"timestamp": 1440938160000, "message": "m",
                                          "ingestionTime": 1440938160001}],
                              "nextForwardToken": "f"}),
    ("s3", "ListObjectsV2", {"IsTruncated": False, "Name": "b", "Prefix": "p/", "MaxKeys": 1000,
                             "KeyCount": 2, "Delimiter": "/",
                             "Contents": [{"Key": "p/a.txt", "LastModified": T0, "ETag": '"e1"',
                                           "Size": 5, "StorageClass": "STANDARD",
                                           "ChecksumAlgorithm": ["CRC32"]},
                                          {"Key": "p/b & c.txt", "LastModified": T1,
                                           "ETag": '"e2"', "Size": 0,
                                           "Owner": {"ID": "o", "DisplayName": "me"}}],
                             "CommonPrefixes": [{"Prefix": "p/d/"}]}),
    ("s3", "ListObjectsV2", {"IsTruncated": False, "Name": "b", "KeyCount": 1,
                             "Contents": [{"Key": "only.txt", "Size": 1}]}),
    ("s3", "ListBuckets", {"Buckets": [{"Name": "a", "CreationDate": T0},
                                       {"Name": "b", "CreationDate": T1}],
                           "Owner": {"ID": "o", "DisplayName": "me"}}),
    ("s3", "CompleteMultipartUpload", {"Location": "http://localhost/b/k", "Bucket": "b",
                                       "Key": "k", "ETag": '"abc-2"', "VersionId": "v1"}),
    ("s3", "CreateMultipartUpload", {"Bucket": "b", "Key": "k", "UploadId": "u1"}),
    ("s3", "ListParts", {"Bucket": "b", "Key": "k", "UploadId": "u", "IsTruncated": False,
                         "Parts": [{"PartNumber": 1, "ETag": '"e"', "Size": 5,
                                    "LastModified": T0}]}),
    ("s3", "DeleteObjects", {"Deleted": [{"Key": "a", "DeleteMarker": True}],
                             "Errors": [{"Key": "b", "Code": "AccessDenied", "Message": "no"}]}),
    ("s3", "GetBucketTagging", {"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]}),
    ("s3", "GetBucketVersioning", {"Status": "Enabled"}),
    ("s3", "GetBucketAcl", {"Owner": {"ID": "o"}, "Grants": [
        {"Grantee": {"Type": "CanonicalUser", "ID": "o"}, "Permission": "FULL_CONTROL"}]}),
    ("s3", "HeadObject", {"ContentLength": 10, "ContentType": "text/plain", "ETag": '"e"',
                          "LastModified": T0, "Metadata": {"color": "red"},
                          "AcceptRanges": "bytes", "TagCount": 2}),
    ("s3", "PutObject", {"ETag": '"e"', "VersionId": "v"}),
    ("s3", "CopyObject", {"CopyObjectResult": {"ETag": '"e"', "LastModified": T0},
                          "VersionId": "v"}),
    ("s3", "GetBucketPolicy", {"Policy": '{"Version":"2012-10-17"}'}),
    ("sagemaker-runtime", "InvokeEndpoint", {"Body": b'{"y":3}', "ContentType": "application/json",
                                             "InvokedProductionVariant": "v1"}),
    ("bedrock-runtime", "InvokeModel", {"body": b'{"completion":"hello"}',
                                        "contentType": "application/json"}),
    ("bedrock-runtime", "Converse", {"output": {"message": {"role": "assistant", "content": [
        {"text": "hello"}, {"toolUse": {"toolUseId": "t", "name": "f",
                                        "input": {"a": [1, {"b": None}]}}}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 5, "totalTokens": 8},
        "metrics": {"latencyMs": 42}}),
    ("bedrock-agent", "CreateAgent", {"agent": {"agentId": "A1B2C3D4E5", "agentName": "a",
                                                "agentArn": "arn:a", "agentVersion": "DRAFT",
                                                "agentStatus": "CREATING",
                                                "idleSessionTTLInSeconds": 600,
                                                "agentResourceRoleArn": "arn:r",
                                                "createdAt": T0, "updatedAt": T1}}),
    ("datazone", "GetProject", {"id": "p1", "domainId": "dzd_abc", "name": "p",
                                "createdBy": "u", "createdAt": T1, "lastUpdatedAt": T0}),
]

# (service, status, code, message, fields)
ERROR_CASES = [
    ("iam", 404, "NoSuchEntity", "The user with name bob cannot be found.", []),
    ("sts", 400, "ExpiredToken", "The security token included in the request is expired", []),
    ("s3", 404, "NoSuchKey", "The specified key does not exist.", [("Key", "a<b")]),
    ("s3", 403, "AccessDenied", "Access Denied", []),
    ("glue", 400, "EntityNotFoundException", "Table t not found", []),
    ("sagemaker", 400, "ValidationException", "1 validation error detected", []),
    ("athena", 400, "InvalidRequestException", "bad query", [("AthenaErrorCode", "x")]),
    ("bedrock-runtime", 404, "ResourceNotFoundException", "no such model", []),
    ("datazone", 409, "ConflictException", "exists", []),
    ("sagemaker-runtime", 424, "ModelError", "model failed", [("OriginalStatusCode", "500")]),
]


class Tool:
    def __init__(self, path):
        self.proc = subprocess.Popen([path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def call(self, command):
        self.proc.stdin.write(json.dumps(command) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "fatal" in answer:
            raise RuntimeError(f"tool: {answer['fatal']} for {command}")
        return answer

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait()


def normalize(value):
    """A comparable form: datetimes as epoch seconds, bytes as text, dict keys sorted."""
    if isinstance(value, datetime.datetime):
        return round(value.timestamp(), 6)
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8")
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in sorted(value.items()) if v is not None}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


def build_request(model, operation, params):
    """The HTTP request botocore sends for `params` (path-style, as with a custom endpoint)."""
    op_model = model.operation_model(operation)
    serializer = botocore.serialize.create_serializer(model.metadata["protocol"])
    request_dict = serializer.serialize_to_request(params, op_model)
    botocore.awsrequest.prepare_request_dict(request_dict, endpoint_url="http://localhost:8750")
    request = botocore.awsrequest.create_request_object(request_dict).prepare()
    url = urllib.parse.urlsplit(request.url)
    query = urllib.parse.parse_qsl(url.query, keep_blank_values=True)
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    return {"method": request.method, "path": url.path, "query": query,
            "headers": [[k, v if isinstance(v, str) else v.decode()] for k, v in
                        request.headers.items()],
            "body_b64": base64.b64encode(body).decode()}


def expected_input(model, operation, params):
    """What the handler should see: streaming payloads are not decoded; header maps are
    lower-cased."""
    shape = model.operation_model(operation).input_shape
    out = dict(params)
    payload = shape.serialization.get("payload") if shape else None
    if payload and shape.members[payload].serialization.get("streaming"):
        out.pop(payload, None)
    for name, member in (shape.members.items() if shape else []):
        if member.serialization.get("location") == "headers" and name in out:
            out[name] = {k.lower(): v for k, v in out[name].items()}
    return normalize(out)


def parse_response(model, operation, response):
    op_model = model.operation_model(operation)
    parser = botocore.parsers.create_parser(model.metadata["protocol"])
    headers = botocore.awsrequest.HeadersDict()
    for name, value in response["headers"]:
        headers[name] = value
    http = {"status_code": response["status"], "headers": headers,
            "body": base64.b64decode(response["body_b64"]), "context": {}}
    return parser.parse(http, op_model.output_shape)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", required=True)
    args = parser.parse_args()
    session = botocore.session.get_session()
    tool = Tool(args.tool)
    failures = []
    checks = 0

    for service, operation, params in DECODE_CASES:
        model = session.get_service_model(service)
        answer = tool.call({"cmd": "decode", "service": service,
                            **build_request(model, operation, params)})
        checks += 1
        if "error" in answer:
            failures.append(f"decode {service}.{operation}: {answer['error']}")
            continue
        got = normalize(answer["input"])
        want = expected_input(model, operation, params)
        if answer["operation"] != operation or got != want:
            failures.append(f"decode {service}.{operation}: routed to {answer['operation']}\n"
                            f"  got  {json.dumps(got, sort_keys=True)}\n"
                            f"  want {json.dumps(want, sort_keys=True)}")

    for service, operation, output in ENCODE_CASES:
        model = session.get_service_model(service)
        wire_output = json.loads(json.dumps(
            output, default=lambda v: v.isoformat() if isinstance(v, datetime.datetime)
            else v.decode()))
        response = tool.call({"cmd": "encode", "service": service, "operation": operation,
                              "output": wire_output})
        checks += 1
        parsed = parse_response(model, operation, response)
        metadata = parsed.pop("ResponseMetadata", {})
        got = normalize(parsed)
        want = normalize(output)
        if response["status"] >= 300 or got != want or metadata.get("RequestId") != "REQUEST-ID":
            failures.append(f"encode {service}.{operation}: status {response['status']}, "
                            f"request id {metadata.get('RequestId')}\n"
                            f"  got  {json.dumps(got, sort_keys=True)}\n"
                            f"  want {json.dumps(want, sort_keys=True)}")

    for service, status, code, message, fields in ERROR_CASES:
        model = session.get_service_model(service)
        response = tool.call({"cmd": "error", "service": service, "status": status,
                              "code": code, "message": message,
                              "fields": [list(f) for f in fields]})
        checks += 1
        any_op = model.operation_names[0]
        parsed = parse_response(model, any_op, response)
        error = parsed.get("Error", {})
        request_id = parsed.get("ResponseMetadata", {}).get("RequestId")
        if (response["status"] != status or error.get("Code") != code or
                error.get("Message") != message or request_id != "REQUEST-ID"):
            failures.append(f"error {service} {code}: status {response['status']}, parsed "
                            f"{parsed.get('Error')}, request id {request_id}")

    tool.close()
    for failure in failures:
        print("FAIL", failure)
    print(f"{checks - len(failures)}/{checks} botocore cross-checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
