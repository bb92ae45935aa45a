// The rest-xml protocol against the real S3 model. Request bodies and headers are botocore's
// own encodings (botocore.serialize.RestXMLSerializer); response bodies are compared element
// by element with the documents S3 returns.
#include <gtest/gtest.h>

#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using base::Json;
using testing::MakeRequest;
using testing::ParseXml;

const ServiceModel& S3() { return *ServiceModel::Find("s3"); }

struct Decoded {
  std::string operation;
  Json input;
};

Decoded Decode(const WireRequest& request) {
  RouteMatch route = ResolveOperation(S3(), request);
  return {route.operation->name(), DecodeInput(S3(), *route.operation, request, &route)};
}

ApiError DecodeError(const WireRequest& request) { return testing::DecodeError(S3(), request); }

WireResponse Encode(std::string_view operation, const Json& output) {
  return EncodeOutput(S3(), *S3().FindOperation(operation), output, "REQ1");
}

std::vector<std::string> ChildNames(const pugi::xml_node& node) {
  std::vector<std::string> names;
  for (pugi::xml_node c : node.children()) names.emplace_back(c.name());
  return names;
}

TEST(RestXmlProtocol, MetadataNamespaceDerivedFromPayloads) {
  EXPECT_EQ(S3().xml_namespace(), "http://s3.amazonaws.com/doc/2006-03-01/");
}

TEST(RestXmlProtocol, PutObjectHeaderBindings) {
  WireRequest r = MakeRequest("PUT", "/b/k",
                              {{"x-amz-meta-Color", "red"},
                               {"X-Amz-Meta-Shape", "round"},
                               {"Content-Type", "text/plain"},
                               {"Content-Length", "5"},
                               {"Expires", "Wed, 02 Jan 2030 03:04:05 GMT"},
                               {"x-amz-storage-class", "STANDARD_IA"},
                               {"x-amz-tagging", "a=b"}},
                              "hello");
  Decoded d = Decode(r);
  EXPECT_EQ(d.operation, "PutObject");
  // The streaming body is not read: the member stays out.
  EXPECT_EQ(d.input, Json::parse(R"({"Bucket":"b","Key":"k",
      "Metadata":{"color":"red","shape":"round"},"ContentType":"text/plain","ContentLength":5,
      "Expires":1893553445,"StorageClass":"STANDARD_IA","Tagging":"a=b"})"));
}

TEST(RestXmlProtocol, GetObjectRangeConditionsAndQueryMembers) {
  WireRequest r = MakeRequest("GET", "/b/dir/k%20x?partNumber=3&response-content-type=text%2Fcsv",
                              {{"Range", "bytes=0-9"},
                               {"If-Match", "\"etag\""},
                               {"If-Modified-Since", "Sun, 30 Aug 2015 12:36:00 GMT"}});
  Decoded d = Decode(r);
  EXPECT_EQ(d.operation, "GetObject");
  EXPECT_EQ(d.input, Json::parse(R"({"Bucket":"b","Key":"dir/k x","Range":"bytes=0-9",
      "IfMatch":"\"etag\"","IfModifiedSince":1440938160,"PartNumber":3,
      "ResponseContentType":"text/csv"})"));
}

TEST(RestXmlProtocol, CopyObjectSourceHeaders) {
  Decoded d = Decode(MakeRequest("PUT", "/b/k",
                                 {{"x-amz-copy-source", "src/key?versionId=v1"},
                                  {"x-amz-metadata-directive", "REPLACE"},
                                  {"x-amz-copy-source-if-match", "\"x\""}}));
  EXPECT_EQ(d.operation, "CopyObject");
  EXPECT_EQ(d.input["CopySource"], "src/key?versionId=v1");
  EXPECT_EQ(d.input["MetadataDirective"], "REPLACE");
  EXPECT_EQ(d.input["CopySourceIfMatch"], "\"x\"");
}

TEST(RestXmlProtocol, HeaderListsSplitOnCommas) {
  Decoded d = Decode(
      MakeRequest("GET", "/b/k?attributes", {{"x-amz-object-attributes", "ETag, ObjectSize"}}));
  EXPECT_EQ(d.operation, "GetObjectAttributes");
  EXPECT_EQ(d.input["ObjectAttributes"], Json::parse(R"(["ETag","ObjectSize"])"));
}

TEST(RestXmlProtocol, DeleteObjectsFlattenedListPayload) {
  Decoded d = Decode(MakeRequest(
      "POST", "/b?delete", {},
      R"(<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key>a.txt</Key></Object><Object><Key>b/c.txt</Key><VersionId>v2</VersionId></Object><Quiet>true</Quiet></Delete>)"));
  EXPECT_EQ(d.operation, "DeleteObjects");
  EXPECT_EQ(d.input, Json::parse(R"({"Bucket":"b","Delete":{"Objects":[{"Key":"a.txt"},
      {"Key":"b/c.txt","VersionId":"v2"}],"Quiet":true}})"));
}

TEST(RestXmlProtocol, WhitespaceKeysSurvive) {
  Decoded d = Decode(MakeRequest("POST", "/b?delete", {},
                                 "<Delete><Object><Key> </Key></Object>"
                                 "<Object><Key><![CDATA[a&b]]></Key></Object></Delete>"));
  EXPECT_EQ(d.input["Delete"]["Objects"][0]["Key"], " ");
  EXPECT_EQ(d.input["Delete"]["Objects"][1]["Key"], "a&b");
}

TEST(RestXmlProtocol, PutBucketTaggingWrappedList) {
  Decoded d = Decode(MakeRequest(
      "PUT", "/b?tagging", {},
      R"(<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet><Tag><Key>env</Key><Value>dev</Value></Tag><Tag><Key>team</Key><Value>ml</Value></Tag></TagSet></Tagging>)"));
  EXPECT_EQ(d.operation, "PutBucketTagging");
  EXPECT_EQ(d.input["Tagging"], Json::parse(R"({"TagSet":[{"Key":"env","Value":"dev"},
      {"Key":"team","Value":"ml"}]})"));
}

TEST(RestXmlProtocol, CompleteMultipartUploadPayload) {
  Decoded d = Decode(MakeRequest(
      "POST", "/b/big.bin?uploadId=u1", {},
      R"(<CompleteMultipartUpload xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Part><ETag>"e1"</ETag><PartNumber>1</PartNumber></Part><Part><ETag>"e2"</ETag><PartNumber>2</PartNumber></Part></CompleteMultipartUpload>)"));
  EXPECT_EQ(d.operation, "CompleteMultipartUpload");
  EXPECT_EQ(d.input, Json::parse(R"({"Bucket":"b","Key":"big.bin","UploadId":"u1",
      "MultipartUpload":{"Parts":[{"ETag":"\"e1\"","PartNumber":1},
                                  {"ETag":"\"e2\"","PartNumber":2}]}})"));
}

TEST(RestXmlProtocol, PutBucketAclAttributesWithNamespacePrefix) {
  Decoded d = Decode(MakeRequest(
      "PUT", "/b?acl", {},
      R"(<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><AccessControlList><Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee><Permission>READ</Permission></Grant></AccessControlList><Owner><ID>abc</ID></Owner></AccessControlPolicy>)"));
  EXPECT_EQ(d.operation, "PutBucketAcl");
  EXPECT_EQ(d.input["AccessControlPolicy"], Json::parse(R"({"Grants":[{"Grantee":{
      "Type":"CanonicalUser","ID":"abc"},"Permission":"READ"}],"Owner":{"ID":"abc"}})"));
}

TEST(RestXmlProtocol, SelectObjectContentNonPayloadBody) {
  Decoded d = Decode(MakeRequest(
      "POST", "/b/k?select&select-type=2", {},
      R"(<SelectObjectContentRequest xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Expression>select * from s3object</Expression><ExpressionType>SQL</ExpressionType><InputSerialization><CSV /></InputSerialization><OutputSerialization><JSON /></OutputSerialization></SelectObjectContentRequest>)"));
  EXPECT_EQ(d.operation, "SelectObjectContent");
  EXPECT_EQ(d.input, Json::parse(R"({"Bucket":"b","Key":"k","Expression":"select * from s3object",
      "ExpressionType":"SQL","InputSerialization":{"CSV":{}},"OutputSerialization":{"JSON":{}}})"));
}

TEST(RestXmlProtocol, MalformedXml) {
  for (const char* body : {"<Delete><Object>", "not xml", "<Delete><Quiet>maybe</Quiet></Delete>",
                           "<?xml version=\"1.0\"?>"}) {
    ApiError e = DecodeError(MakeRequest("POST", "/b?delete", {}, body));
    EXPECT_EQ(e.http_status(), 400) << body;
    EXPECT_EQ(e.code(), "MalformedXML") << body;
    EXPECT_EQ(e.message(),
              "The XML you provided was not well-formed or did not validate against our "
              "published schema");
  }
}

TEST(RestXmlProtocol, MissingBodyAndBadArguments) {
  ApiError missing = DecodeError(MakeRequest("PUT", "/b?tagging"));
  EXPECT_EQ(missing.code(), "MissingRequestBodyError");
  EXPECT_EQ(missing.http_status(), 400);
  ApiError bad_int = DecodeError(MakeRequest("GET", "/b?list-type=2&max-keys=lots"));
  EXPECT_EQ(bad_int.code(), "InvalidArgument");
  ApiError bad_enum = DecodeError(MakeRequest("PUT", "/b/k", {{"x-amz-storage-class", "COLD"}}));
  EXPECT_EQ(bad_enum.code(), "InvalidArgument");
  EXPECT_NE(bad_enum.message().find("Value 'COLD' at 'storageClass'"), std::string::npos);
  ApiError no_upload = DecodeError(MakeRequest("POST", "/b/k"));
  EXPECT_EQ(no_upload.code(), "InvalidArgument");
  EXPECT_NE(no_upload.message().find("Value null at 'uploadId'"), std::string::npos);
}

TEST(RestXmlProtocol, StringsMustBeUtf8) {
  EXPECT_EQ(DecodeError(MakeRequest("GET", "/b/a%FF")).code(), "InvalidArgument");
  EXPECT_EQ(DecodeError(MakeRequest("PUT", "/b?policy", {}, "{\"\xff\"}")).code(),
            "InvalidArgument");
  Decoded policy = Decode(MakeRequest("PUT", "/b?policy", {}, R"({"Version":"2012-10-17"})"));
  EXPECT_EQ(policy.input["Policy"], R"({"Version":"2012-10-17"})");
}

TEST(RestXmlProtocol, UnknownRouteIsMethodNotAllowed) {
  try {
    ResolveOperation(S3(), MakeRequest("PATCH", "/b/k"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 405);
    EXPECT_EQ(e.code(), "MethodNotAllowed");
  }
  try {
    ResolveOperation(S3(), MakeRequest("GET", "/b/%zz"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "InvalidURI");
  }
}

TEST(RestXmlProtocol, ListObjectsV2Output) {
  Json output = Json::parse(R"({"IsTruncated":false,"Name":"b","Prefix":"p/","MaxKeys":1000,
      "KeyCount":2,"Delimiter":"/","EncodingType":"url",
      "Contents":[{"Key":"p/a.txt","LastModified":1440938160,"ETag":"\"e1\"","Size":5,
                   "StorageClass":"STANDARD","ChecksumAlgorithm":["CRC32"]},
                  {"Key":"p/b&c.txt","LastModified":"2015-08-30T12:36:01.5Z","ETag":"\"e2\"",
                   "Size":0,"StorageClass":"STANDARD","Owner":{"ID":"o1","DisplayName":"me"}}],
      "CommonPrefixes":[{"Prefix":"p/d/"}],"RequestCharged":"requester"})");
  WireResponse r = Encode("ListObjectsV2", output);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/xml");
  EXPECT_EQ(r.headers.Get("x-amz-request-id"), "REQ1");
  EXPECT_EQ(r.headers.Get("x-amz-request-charged"), "requester");
  ASSERT_EQ(r.body.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", 0), 0u);
  pugi::xml_document doc = ParseXml(r.body);
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "ListBucketResult");
  EXPECT_STREQ(root.attribute("xmlns").value(), "http://s3.amazonaws.com/doc/2006-03-01/");
  EXPECT_EQ(ChildNames(root),
            (std::vector<std::string>{"IsTruncated", "Contents", "Contents", "Name", "Prefix",
                                      "Delimiter", "MaxKeys", "CommonPrefixes", "EncodingType",
                                      "KeyCount"}));
  EXPECT_STREQ(root.child_value("IsTruncated"), "false");
  EXPECT_STREQ(root.child_value("MaxKeys"), "1000");
  pugi::xml_node first = root.child("Contents");
  EXPECT_EQ(ChildNames(first),
            (std::vector<std::string>{"Key", "LastModified", "ETag", "ChecksumAlgorithm", "Size",
                                      "StorageClass"}));
  EXPECT_STREQ(first.child_value("LastModified"), "2015-08-30T12:36:00.000Z");
  EXPECT_STREQ(first.child_value("ETag"), "\"e1\"");
  EXPECT_STREQ(first.child_value("ChecksumAlgorithm"), "CRC32");
  pugi::xml_node second = first.next_sibling("Contents");
  EXPECT_STREQ(second.child_value("Key"), "p/b&c.txt");
  EXPECT_STREQ(second.child_value("LastModified"), "2015-08-30T12:36:01.500Z");
  EXPECT_STREQ(second.child("Owner").child_value("DisplayName"), "me");
  EXPECT_STREQ(root.child("CommonPrefixes").child_value("Prefix"), "p/d/");
  EXPECT_NE(r.body.find("<Key>p/b&amp;c.txt</Key>"), std::string::npos);
}

TEST(RestXmlProtocol, ListBucketsOutput) {
  Json output = Json::parse(R"({"Buckets":[{"Name":"a","CreationDate":0,"BucketRegion":"us-east-1"},
      {"Name":"b","CreationDate":1440938160}],"Owner":{"ID":"o","DisplayName":"me"}})");
  WireResponse r = Encode("ListBuckets", output);
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<Buckets><Bucket><Name>a</Name><CreationDate>1970-01-01T00:00:00.000Z</CreationDate>"
            "<BucketRegion>us-east-1</BucketRegion></Bucket>"
            "<Bucket><Name>b</Name><CreationDate>2015-08-30T12:36:00.000Z</CreationDate></Bucket>"
            "</Buckets><Owner><DisplayName>me</DisplayName><ID>o</ID></Owner>"
            "</ListAllMyBucketsResult>");
}

TEST(RestXmlProtocol, CompleteMultipartUploadOutput) {
  Json output = Json::parse(R"({"Location":"http://localhost/b/big.bin","Bucket":"b",
      "Key":"big.bin","ETag":"\"abc-2\"","VersionId":"v1","ServerSideEncryption":"AES256"})");
  WireResponse r = Encode("CompleteMultipartUpload", output);
  EXPECT_EQ(r.headers.Get("x-amz-version-id"), "v1");
  EXPECT_EQ(r.headers.Get("x-amz-server-side-encryption"), "AES256");
  pugi::xml_document doc = ParseXml(r.body);
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "CompleteMultipartUploadResult");
  EXPECT_EQ(ChildNames(root), (std::vector<std::string>{"Location", "Bucket", "Key", "ETag"}));
  EXPECT_STREQ(root.child_value("Location"), "http://localhost/b/big.bin");
  EXPECT_STREQ(root.child_value("ETag"), "\"abc-2\"");
}

TEST(RestXmlProtocol, CreateMultipartUploadAndDeleteObjectsOutputs) {
  WireResponse create =
      Encode("CreateMultipartUpload", {{"Bucket", "b"}, {"Key", "k"}, {"UploadId", "u1"}});
  EXPECT_EQ(ParseXml(create.body).document_element().name(),
            std::string("InitiateMultipartUploadResult"));
  WireResponse del = Encode("DeleteObjects", Json::parse(R"({"Deleted":[{"Key":"a"}],
      "Errors":[{"Key":"b","Code":"AccessDenied","Message":"no"}]})"));
  pugi::xml_document doc = ParseXml(del.body);
  pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "DeleteResult");
  EXPECT_EQ(ChildNames(root), (std::vector<std::string>{"Deleted", "Error"}));
  EXPECT_STREQ(root.child("Error").child_value("Code"), "AccessDenied");
}

TEST(RestXmlProtocol, HeadersOnlyOutputs) {
  WireResponse put = Encode("PutObject", Json::parse(R"({"ETag":"\"e\"","VersionId":"v"})"));
  EXPECT_EQ(put.status, 200);
  EXPECT_TRUE(put.body.empty());
  EXPECT_EQ(put.headers.Get("ETag"), "\"e\"");
  WireResponse del = Encode("DeleteObject", {{"DeleteMarker", true}});
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(del.headers.Get("x-amz-delete-marker"), "true");
  WireResponse bucket = Encode("DeleteBucket", Json());
  EXPECT_EQ(bucket.status, 204);
  EXPECT_TRUE(bucket.body.empty());
}

TEST(RestXmlProtocol, GetObjectStreamingOutputHeaders) {
  Json output = Json::parse(R"({"ContentLength":10,"ContentType":"text/plain","ETag":"\"e\"",
      "LastModified":1440938160,"Metadata":{"color":"red"},"AcceptRanges":"bytes",
      "ContentRange":"bytes 0-9/100","Expires":"2030-01-02T03:04:05Z","TagCount":2,
      "Body":"never encoded"})");
  WireResponse r = Encode("GetObject", output);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(r.headers.Get("Content-Length"), "10");
  EXPECT_EQ(r.headers.Get("Last-Modified"), "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(r.headers.Get("x-amz-meta-color"), "red");
  EXPECT_EQ(r.headers.Get("Content-Range"), "bytes 0-9/100");
  EXPECT_EQ(r.headers.Get("Expires"), "Wed, 02 Jan 2030 03:04:05 GMT");
  EXPECT_EQ(r.headers.Get("x-amz-tagging-count"), "2");
}

TEST(RestXmlProtocol, StringPayloadAndStructurePayload) {
  WireResponse policy = Encode("GetBucketPolicy", {{"Policy", R"({"Version":"2012-10-17"})"}});
  EXPECT_EQ(policy.body, R"({"Version":"2012-10-17"})");
  WireResponse copy = Encode("CopyObject", Json::parse(R"({"CopyObjectResult":{"ETag":"\"e\"",
      "LastModified":1440938160},"VersionId":"v"})"));
  EXPECT_EQ(copy.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<ETag>&quot;e&quot;</ETag><LastModified>2015-08-30T12:36:00.000Z</LastModified>"
            "</CopyObjectResult>");
  EXPECT_EQ(copy.headers.Get("x-amz-version-id"), "v");
}

TEST(RestXmlProtocol, GetBucketLocationIsATextRoot) {
  EXPECT_EQ(Encode("GetBucketLocation", {{"LocationConstraint", "eu-west-1"}}).body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">eu-west-1"
            "</LocationConstraint>");
  EXPECT_EQ(Encode("GetBucketLocation", Json::object()).body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>");
}

TEST(RestXmlProtocol, GetBucketAclOutputWithXsiType) {
  WireResponse r = Encode("GetBucketAcl", Json::parse(R"({"Owner":{"ID":"o"},"Grants":[
      {"Grantee":{"Type":"CanonicalUser","ID":"o"},"Permission":"FULL_CONTROL"}]})"));
  EXPECT_NE(r.body.find("<AccessControlPolicy xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"),
            std::string::npos);
  EXPECT_NE(r.body.find("<AccessControlList><Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/"
                        "XMLSchema-instance\" xsi:type=\"CanonicalUser\"><ID>o</ID></Grantee>"
                        "<Permission>FULL_CONTROL</Permission></Grant></AccessControlList>"),
            std::string::npos)
      << r.body;
}

TEST(RestXmlProtocol, ControlCharactersBecomeCharacterReferences) {
  WireResponse r =
      Encode("ListObjectsV2", Json::parse(R"({"Name":"b","Contents":[{"Key":"a\u0001b"}]})"));
  EXPECT_NE(r.body.find("<Key>a&#x1;b</Key>"), std::string::npos);
}

TEST(RestXmlProtocol, S3ErrorDocument) {
  ApiError error(404, "NoSuchKey", "The specified key does not exist.");
  error.With("Key", "a<b").With("BucketName", "b");
  error.headers().emplace_back("x-amz-delete-marker", "true");
  WireResponse r = EncodeError(S3(), error, "R1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/xml");
  EXPECT_EQ(r.headers.Get("x-amz-request-id"), "R1");
  EXPECT_EQ(r.headers.Get("x-amz-id-2"), "UjE=");
  EXPECT_EQ(r.headers.Get("x-amz-delete-marker"), "true");
  EXPECT_EQ(r.body,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message>"
            "<Key>a&lt;b</Key><BucketName>b</BucketName><RequestId>R1</RequestId>"
            "<HostId>UjE=</HostId></Error>");
  WireResponse method = UnknownOperation(S3(), "PATCH /b", "R2");
  EXPECT_EQ(method.status, 405);
  EXPECT_NE(method.body.find("<Code>MethodNotAllowed</Code>"), std::string::npos);
}

}  // namespace
}  // namespace aws::protocol
