// The query protocol against the real IAM and STS models. Request bodies are botocore's own
// encodings (botocore.serialize.QuerySerializer), pasted verbatim.
#include <gtest/gtest.h>

#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using base::Json;
using testing::Decode;
using testing::DecodeError;
using testing::MakeRequest;
using testing::ParseXml;

const ServiceModel& Iam() { return *ServiceModel::Find("iam"); }
const ServiceModel& Sts() { return *ServiceModel::Find("sts"); }

WireRequest Form(std::string body) {
  return MakeRequest("POST", "/",
                     {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                     std::move(body));
}

TEST(QueryProtocol, CreateUserDecodesStructuresAndLists) {
  WireRequest r = Form(
      "Action=CreateUser&Version=2010-05-08&UserName=alice&Path=%2Feng%2F&Tags.member.1.Key=team"
      "&Tags.member.1.Value=ml&Tags.member.2.Key=env&Tags.member.2.Value=dev");
  EXPECT_EQ(ResolveOperation(Iam(), r).operation->name(), "CreateUser");
  Json input = Decode(Iam(), r);
  EXPECT_EQ(input, Json::parse(R"({"UserName":"alice","Path":"/eng/","Tags":[
      {"Key":"team","Value":"ml"},{"Key":"env","Value":"dev"}]})"));
}

TEST(QueryProtocol, ListIndicesAreNumericNotLexical) {
  std::string body = "Action=CreateUser&Version=2010-05-08&UserName=a";
  for (int i = 10; i >= 1; --i) {
    body += "&Tags.member." + std::to_string(i) + ".Key=k" + std::to_string(i) + "&Tags.member." +
            std::to_string(i) + ".Value=v";
  }
  Json input = Decode(Iam(), Form(body));
  ASSERT_EQ(input["Tags"].size(), 10u);
  EXPECT_EQ(input["Tags"][0]["Key"], "k1");
  EXPECT_EQ(input["Tags"][1]["Key"], "k2");
  EXPECT_EQ(input["Tags"][9]["Key"], "k10");
}

TEST(QueryProtocol, ListUsersParsesIntegersFromQueryString) {
  WireRequest r =
      MakeRequest("GET", "/?Action=ListUsers&Version=2010-05-08&PathPrefix=%2Feng%2F&MaxItems=50");
  Json input = Decode(Iam(), r);
  EXPECT_EQ(input, Json::parse(R"({"PathPrefix":"/eng/","MaxItems":50})"));
  EXPECT_TRUE(input["MaxItems"].is_number_integer());
}

TEST(QueryProtocol, PutUserPolicyKeepsTheDocumentText) {
  Json input = Decode(Iam(), Form("Action=PutUserPolicy&Version=2010-05-08&UserName=alice&"
                                  "PolicyName=p1&PolicyDocument=%7B%22Version%22%3A%222012-10-17%"
                                  "22%2C%22Statement%22%3A%5B%5D%7D"));
  EXPECT_EQ(input["PolicyDocument"], R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(input["PolicyName"], "p1");
}

TEST(QueryProtocol, FormPlusIsSpace) {
  Json input = Decode(Iam(), Form("Action=PutUserPolicy&UserName=u&PolicyName=p&"
                                  "PolicyDocument=a+b%2Bc"));
  EXPECT_EQ(input["PolicyDocument"], "a b+c");
}

TEST(QueryProtocol, AssumeRoleLowerCaseMembersAndEmptyList) {
  Json input = Decode(Sts(), Form("Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%"
                                  "3A123456789012%3Arole%2Fdemo&RoleSessionName=s1&DurationSecond"
                                  "s=900&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolic"
                                  "y%2FReadOnlyAccess&TransitiveTagKeys="));
  EXPECT_EQ(input["DurationSeconds"], 900);
  EXPECT_EQ(input["PolicyArns"],
            Json::parse(R"([{"arn":"arn:aws:iam::aws:policy/ReadOnlyAccess"}])"));
  EXPECT_EQ(input["TransitiveTagKeys"], Json::array());
}

TEST(QueryProtocol, UnknownParametersAreIgnored) {
  Json input = Decode(Iam(), Form("Action=GetUser&Version=2010-05-08&UserName=bob&Bogus.1.x=y"));
  EXPECT_EQ(input, Json::parse(R"({"UserName":"bob"})"));
}

TEST(QueryProtocol, MissingRequiredMemberIsAValidationError) {
  ApiError e = DecodeError(Iam(), Form("Action=CreateUser&Version=2010-05-08"));
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.code(), "ValidationError");
  EXPECT_EQ(e.message(),
            "1 validation error detected: Value null at 'userName' failed to satisfy "
            "constraint: Member must not be null");
}

TEST(QueryProtocol, PatternAndLengthViolationsAreListed) {
  ApiError e = DecodeError(Iam(), Form("Action=CreateUser&Version=2010-05-08&UserName=bad%20name!&"
                                       "Path=nopath"));
  EXPECT_EQ(e.code(), "ValidationError");
  EXPECT_EQ(e.message(),
            "2 validation errors detected: Value 'nopath' at 'path' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "(\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F); Value 'bad name!' at 'userName' "
            "failed to satisfy constraint: Member must satisfy regular expression pattern: "
            "[\\w+=,.@-]+");
}

TEST(QueryProtocol, BadNumbersAreRejected) {
  ApiError e = DecodeError(Iam(), Form("Action=ListUsers&Version=2010-05-08&MaxItems=ten"));
  EXPECT_EQ(e.http_status(), 400);
  EXPECT_EQ(e.code(), "ValidationError");
  EXPECT_NE(e.message().find("'ten'"), std::string::npos);
  EXPECT_EQ(DecodeError(Iam(), Form("Action=ListUsers&MaxItems=99999999999999999999")).code(),
            "ValidationError");
  EXPECT_EQ(DecodeError(Iam(), Form("Action=ListUsers&MaxItems=0")).message(),
            "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1");
}

TEST(QueryProtocol, StringsMustBeUtf8) {
  ApiError e = DecodeError(Iam(), Form("Action=GetUser&UserName=a%FFb"));
  EXPECT_EQ(e.code(), "ValidationError");
  EXPECT_NE(e.message().find("UTF-8"), std::string::npos);
}

TEST(QueryProtocol, MalformedFormBody) {
  ApiError e = DecodeError(Iam(), Form("Action=GetUser&UserName=%zz"));
  EXPECT_EQ(e.code(), "MalformedQueryString");
  EXPECT_EQ(e.http_status(), 400);
}

TEST(QueryProtocol, UnknownAndMissingAction) {
  try {
    ResolveOperation(Iam(), Form("Action=FlyAway&Version=2010-05-08"));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.http_status(), 400);
    EXPECT_EQ(e.code(), "InvalidAction");
    EXPECT_EQ(e.message(), "Could not find operation FlyAway for version 2010-05-08");
  }
  EXPECT_EQ(DecodeError(Iam(), Form("Version=2010-05-08")).code(), "MissingAction");
}

TEST(QueryProtocol, CreateUserOutputXml) {
  const OperationModel& op = *Iam().FindOperation("CreateUser");
  Json output = Json::parse(R"({"User":{"Path":"/eng/","UserName":"alice","UserId":"AIDA1",
      "Arn":"arn:aws:iam::123456789012:user/eng/alice","CreateDate":1440938160,
      "Tags":[{"Key":"team","Value":"ml"}]}})");
  WireResponse r = EncodeOutput(Iam(), op, output, "req-1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.Get("Content-Type"), "text/xml");
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "req-1");
  EXPECT_EQ(r.body,
            "<CreateUserResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<CreateUserResult><User><Path>/eng/</Path><UserName>alice</UserName>"
            "<UserId>AIDA1</UserId><Arn>arn:aws:iam::123456789012:user/eng/alice</Arn>"
            "<CreateDate>2015-08-30T12:36:00.000Z</CreateDate>"
            "<Tags><member><Key>team</Key><Value>ml</Value></member></Tags></User>"
            "</CreateUserResult><ResponseMetadata><RequestId>req-1</RequestId>"
            "</ResponseMetadata></CreateUserResponse>");
}

TEST(QueryProtocol, ListUsersOutputXmlWithBooleansAndIsoTimestamps) {
  const OperationModel& op = *Iam().FindOperation("ListUsers");
  Json output = Json::parse(R"({"Users":[
      {"Path":"/","UserName":"a","UserId":"1","Arn":"arn:a","CreateDate":"2020-01-02T03:04:05Z"},
      {"Path":"/","UserName":"b<&>","UserId":"2","Arn":"arn:b","CreateDate":1.5}],
      "IsTruncated":true,"Marker":"m2"})");
  WireResponse r = EncodeOutput(Iam(), op, output, "rid");
  pugi::xml_document doc = ParseXml(r.body);
  pugi::xml_node result = doc.child("ListUsersResponse").child("ListUsersResult");
  ASSERT_TRUE(result);
  EXPECT_STREQ(doc.child("ListUsersResponse").attribute("xmlns").value(),
               "https://iam.amazonaws.com/doc/2010-05-08/");
  EXPECT_STREQ(result.child_value("IsTruncated"), "true");
  EXPECT_STREQ(result.child_value("Marker"), "m2");
  std::vector<std::string> names, dates;
  for (pugi::xml_node m : result.child("Users").children("member")) {
    names.push_back(m.child_value("UserName"));
    dates.push_back(m.child_value("CreateDate"));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b<&>"}));
  EXPECT_EQ(dates,
            (std::vector<std::string>{"2020-01-02T03:04:05.000Z", "1970-01-01T00:00:01.500Z"}));
  EXPECT_STREQ(doc.child("ListUsersResponse").child("ResponseMetadata").child_value("RequestId"),
               "rid");
}

TEST(QueryProtocol, OperationWithoutOutputHasOnlyMetadata) {
  WireResponse r = EncodeOutput(Iam(), *Iam().FindOperation("PutUserPolicy"), Json(), "r9");
  EXPECT_EQ(r.body,
            "<PutUserPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
            "<ResponseMetadata><RequestId>r9</RequestId></ResponseMetadata>"
            "</PutUserPolicyResponse>");
}

TEST(QueryProtocol, GetUserOutputOmitsAbsentMembers) {
  Json output = Json::parse(R"({"User":{"Path":"/","UserName":"alice","UserId":"AIDA",
      "Arn":"arn:aws:iam::1:user/alice","CreateDate":0,"PasswordLastUsed":null}})");
  WireResponse r = EncodeOutput(Iam(), *Iam().FindOperation("GetUser"), output, "x");
  pugi::xml_document doc = ParseXml(r.body);
  pugi::xml_node user = doc.child("GetUserResponse").child("GetUserResult").child("User");
  EXPECT_STREQ(user.child_value("CreateDate"), "1970-01-01T00:00:00.000Z");
  EXPECT_FALSE(user.child("PasswordLastUsed"));
  EXPECT_FALSE(user.child("Tags"));
}

TEST(QueryProtocol, StsAssumeRoleOutput) {
  const OperationModel& op = *Sts().FindOperation("AssumeRole");
  Json output = Json::parse(R"({
      "Credentials":{"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"secret",
                     "SessionToken":"token","Expiration":1700000000},
      "AssumedRoleUser":{"AssumedRoleId":"AROA:s1","Arn":"arn:aws:sts::1:assumed-role/demo/s1"},
      "PackedPolicySize":6})");
  WireResponse r = EncodeOutput(Sts(), op, output, "sts-1");
  EXPECT_EQ(r.body,
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
            "<AssumeRoleResult><Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
            "<SecretAccessKey>secret</SecretAccessKey><SessionToken>token</SessionToken>"
            "<Expiration>2023-11-14T22:13:20.000Z</Expiration></Credentials>"
            "<AssumedRoleUser><AssumedRoleId>AROA:s1</AssumedRoleId>"
            "<Arn>arn:aws:sts::1:assumed-role/demo/s1</Arn></AssumedRoleUser>"
            "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult>"
            "<ResponseMetadata><RequestId>sts-1</RequestId></ResponseMetadata>"
            "</AssumeRoleResponse>");
}

TEST(QueryProtocol, ErrorResponse) {
  ApiError error(404, "NoSuchEntity", "The user with name bob cannot be found.");
  WireResponse r = EncodeError(Iam(), error, "e-1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.headers.Get("x-amzn-RequestId"), "e-1");
  EXPECT_EQ(r.body,
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error>"
            "<Type>Sender</Type><Code>NoSuchEntity</Code>"
            "<Message>The user with name bob cannot be found.</Message></Error>"
            "<RequestId>e-1</RequestId></ErrorResponse>");
  WireResponse server = EncodeError(Sts(), ApiError(503, "ServiceUnavailable", "busy"), "e-2");
  EXPECT_NE(server.body.find("<Type>Receiver</Type>"), std::string::npos);
  EXPECT_NE(server.body.find("xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\""),
            std::string::npos);
}

TEST(QueryProtocol, OutputThatDoesNotFitBecomesInternalFailure) {
  Json output = Json::parse(R"({"User":{"UserName":["not","a","string"]}})");
  WireResponse r = EncodeOutput(Iam(), *Iam().FindOperation("GetUser"), output, "x");
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("<Code>InternalFailure</Code>"), std::string::npos);
  EXPECT_NE(r.body.find("<Type>Receiver</Type>"), std::string::npos);
}

}  // namespace
}  // namespace aws::protocol
