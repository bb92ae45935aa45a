#include "platform/aws/sigv4/request_signature.h"

#include <gtest/gtest.h>

#include "platform/aws/sigv4/auth_error.h"

namespace aws::sigv4 {
namespace {

constexpr char kAuthorization[] =
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
    "SignedHeaders=content-type;host;x-amz-date, "
    "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

http::Request HeaderRequest(std::string authorization) {
  http::Request request;
  request.method = "GET";
  request.path = "/";
  request.headers.Add("Host", "iam.amazonaws.com");
  request.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  request.headers.Add("X-Amz-Date", "20150830T123600Z");
  request.headers.Add("Authorization", std::move(authorization));
  return request;
}

http::Request QueryRequest(std::string query) {
  http::Request request;
  request.method = "GET";
  request.path = "/bucket/key";
  request.query = std::move(query);
  request.headers.Add("Host", "s3.amazonaws.com");
  return request;
}

constexpr char kPresignedQuery[] =
    "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-west-2%2Fs3"
    "%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
    "&X-Amz-Security-Token=tok%2Ben&X-Amz-Signature=abc123";

// Runs Extract and returns the AuthError it throws.
AuthError ExtractError(const http::Request& request) {
  try {
    RequestSignature::Extract(request);
  } catch (const AuthError& e) {
    return e;
  }
  ADD_FAILURE() << "Extract did not throw";
  return AuthError(AuthFailure::kSignatureDoesNotMatch, "none");
}

TEST(RequestSignature, AnonymousRequestHasNone) {
  http::Request request = QueryRequest("list-type=2&prefix=a");
  EXPECT_FALSE(RequestSignature::Extract(request).has_value());
}

TEST(RequestSignature, ParsesTheAuthorizationHeader) {
  http::Request request = HeaderRequest(kAuthorization);
  request.headers.Add("X-Amz-Security-Token", "session-token");
  auto sig = RequestSignature::Extract(request);
  ASSERT_TRUE(sig.has_value());
  EXPECT_FALSE(sig->presigned);
  EXPECT_EQ(sig->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(sig->date, "20150830");
  EXPECT_EQ(sig->region, "us-east-1");
  EXPECT_EQ(sig->service, "iam");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"content-type", "host", "x-amz-date"}));
  EXPECT_EQ(sig->signature, "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(sig->amz_date, "20150830T123600Z");
  EXPECT_EQ(sig->request_time, *base::ParseAmzDate("20150830T123600Z"));
  EXPECT_FALSE(sig->expires.has_value());
  EXPECT_EQ(sig->session_token, "session-token");
  EXPECT_EQ(sig->Scope(), "20150830/us-east-1/iam/aws4_request");
}

TEST(RequestSignature, AcceptsComponentsWithoutSpacesAndInAnyOrder) {
  auto sig = RequestSignature::Extract(
      HeaderRequest("AWS4-HMAC-SHA256 Signature=ff,SignedHeaders=host;x-amz-date,"
                    "Credential=AKID/20150830/eu-west-1/s3/aws4_request"));
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->signature, "ff");
  EXPECT_EQ(sig->region, "eu-west-1");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
}

TEST(RequestSignature, UsesTheDateHeaderWhenThereIsNoXAmzDate) {
  http::Request request = HeaderRequest(
      "AWS4-HMAC-SHA256 Credential=AKID/20240309/us-east-1/iam/aws4_request, "
      "SignedHeaders=date;host, Signature=00");
  request.headers.Remove("X-Amz-Date");
  request.headers.Add("Date", "Sat, 09 Mar 2024 14:05:07 GMT");
  auto sig = RequestSignature::Extract(request);
  ASSERT_TRUE(sig.has_value());
  EXPECT_EQ(sig->amz_date, "20240309T140507Z");
  // botocore writes the zone as "-0000".
  request.headers.Set("Date", "Sat, 09 Mar 2024 14:05:07 -0000");
  EXPECT_EQ(RequestSignature::Extract(request)->amz_date, "20240309T140507Z");
}

TEST(RequestSignature, ListsEveryMissingComponentLikeAws) {
  AuthError e = ExtractError(HeaderRequest("AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date"));
  EXPECT_EQ(e.kind(), AuthFailure::kIncompleteSignature);
  EXPECT_STREQ(e.what(),
               "Authorization header requires 'Credential' parameter. Authorization header "
               "requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
               "SignedHeaders=host;x-amz-date");

  http::Request no_date = HeaderRequest("AWS4-HMAC-SHA256");
  no_date.headers.Remove("X-Amz-Date");
  e = ExtractError(no_date);
  EXPECT_EQ(e.kind(), AuthFailure::kIncompleteSignature);
  EXPECT_STREQ(e.what(),
               "Authorization header requires 'Credential' parameter. Authorization header "
               "requires 'Signature' parameter. Authorization header requires 'SignedHeaders' "
               "parameter. Authorization header requires existence of either a 'X-Amz-Date' or "
               "a 'Date' header. Authorization=AWS4-HMAC-SHA256");
}

TEST(RequestSignature, MissingDateAloneHasItsOwnKind) {
  http::Request request = HeaderRequest(kAuthorization);
  request.headers.Remove("X-Amz-Date");
  AuthError e = ExtractError(request);
  EXPECT_EQ(e.kind(), AuthFailure::kMissingDate);
  EXPECT_NE(std::string(e.what()).find("requires existence of either a 'X-Amz-Date' or a 'Date'"),
            std::string::npos);
}

TEST(RequestSignature, RejectsMalformedComponents) {
  struct Case {
    std::string header;
    AuthFailure kind;
    std::string message_part;
  };
  const Case cases[] = {
      {"", AuthFailure::kIncompleteSignature, "empty"},
      {"AWS4-HMAC-SHA256 Credential", AuthFailure::kIncompleteSignature,
       "'Credential' not a valid key=value pair (missing equal-sign)"},
      {std::string(kAuthorization) + ", Foo=bar", AuthFailure::kIncompleteSignature,
       "Unknown parameter 'Foo'"},
      {std::string(kAuthorization) + ", Signature=00", AuthFailure::kIncompleteSignature,
       "more than one 'Signature'"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam, SignedHeaders=host;x-amz-date, "
       "Signature=00",
       AuthFailure::kMalformedCredential, "the Credential is mal-formed"},
      {"AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/iam/aws4_request, "
       "SignedHeaders=host;x-amz-date, Signature=00",
       AuthFailure::kMalformedCredential, "incorrect date format"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws5_request, "
       "SignedHeaders=host;x-amz-date, Signature=00",
       AuthFailure::kMalformedCredential, "incorrect terminal \"aws5_request\""},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150831/us-east-1/iam/aws4_request, "
       "SignedHeaders=host;x-amz-date, Signature=00",
       AuthFailure::kMalformedCredential, "Date is not the same as X-Amz-Date"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, "
       "SignedHeaders=host;;x-amz-date, Signature=00",
       AuthFailure::kIncompleteSignature, "malformed 'SignedHeaders'"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, "
       "SignedHeaders=x-amz-date, Signature=00",
       AuthFailure::kIncompleteSignature, "'Host' or ':authority' must be a 'SignedHeader'"},
      {"AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, "
       "SignedHeaders=host, Signature=00",
       AuthFailure::kIncompleteSignature, "'X-Amz-Date' must be a 'SignedHeader'"},
  };
  for (const Case& c : cases) {
    AuthError e = ExtractError(HeaderRequest(c.header));
    EXPECT_EQ(e.kind(), c.kind) << c.header;
    EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos)
        << c.header << " -> " << e.what();
    EXPECT_FALSE(e.details().presigned);
  }
}

TEST(RequestSignature, RejectsAnUnparseableDate) {
  http::Request request = HeaderRequest(kAuthorization);
  request.headers.Set("X-Amz-Date", "2015-08-30T12:36:00Z");
  AuthError e = ExtractError(request);
  EXPECT_EQ(e.kind(), AuthFailure::kInvalidDate);
  EXPECT_EQ(e.details().access_key_id, "AKIDEXAMPLE");
}

TEST(RequestSignature, RejectsDatesBeyondTheClocksRange) {
  // Years past 2262 do not fit the clock's nanosecond ticks; they are refused, not overflowed.
  http::Request amz = HeaderRequest(kAuthorization);
  amz.headers.Set("X-Amz-Date", "99991231T235959Z");
  EXPECT_EQ(ExtractError(amz).kind(), AuthFailure::kInvalidDate);
  http::Request http_date = HeaderRequest(
      "AWS4-HMAC-SHA256 Credential=AKID/99991231/us-east-1/iam/aws4_request, "
      "SignedHeaders=date;host, Signature=00");
  http_date.headers.Remove("X-Amz-Date");
  http_date.headers.Add("Date", "Fri, 31 Dec 9999 23:59:59 GMT");
  EXPECT_EQ(ExtractError(http_date).kind(), AuthFailure::kInvalidDate);
  http_date.headers.Set("Date", "Fri, 31 Dec 1969 23:59:59 GMT");
  EXPECT_EQ(ExtractError(http_date).kind(), AuthFailure::kInvalidDate);
  EXPECT_EQ(ExtractError(QueryRequest("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F"
                                      "30000101%2Fr%2Fs3%2Faws4_request&X-Amz-Date="
                                      "30000101T000000Z&X-Amz-Expires=1&X-Amz-SignedHeaders=host"
                                      "&X-Amz-Signature=00"))
                .kind(),
            AuthFailure::kInvalidDate);
}

TEST(RequestSignature, RejectsOtherAlgorithms) {
  for (const char* header : {
           "AWS4-ECDSA-P256-SHA256 Credential=AKID/20150830/iam/aws4_request, "
           "SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045",
           "AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg=",
           "Bearer eyJhbGciOi",
           "AWS4-HMAC-SHA512 Credential=AKID/20150830/us-east-1/iam/aws4_request",
       }) {
    AuthError e = ExtractError(HeaderRequest(header));
    EXPECT_EQ(e.kind(), AuthFailure::kUnsupportedAlgorithm) << header;
  }
  AuthError v4a = ExtractError(HeaderRequest("AWS4-ECDSA-P256-SHA256 Credential=x"));
  EXPECT_NE(std::string(v4a.what()).find("Signature Version 4A"), std::string::npos);
  AuthError v2 = ExtractError(HeaderRequest("AWS AKIDEXAMPLE:frJIUN8DYpKDtOLCwo//yllqDzg="));
  EXPECT_NE(std::string(v2.what()).find("Signature Version 2"), std::string::npos);
  AuthError v2_query =
      ExtractError(QueryRequest("AWSAccessKeyId=AKID&Expires=1141889120&Signature=vjbyPxybd%2FO3"));
  EXPECT_EQ(v2_query.kind(), AuthFailure::kUnsupportedAlgorithm);
}

TEST(RequestSignature, EchoesAtMostABoundedPartOfTheHeader) {
  AuthError e = ExtractError(HeaderRequest("AWS4-HMAC-SHA256 " + std::string(100000, 'x')));
  EXPECT_LT(std::string(e.what()).size(), 1000u);
}

TEST(RequestSignature, ParsesThePresignedForm) {
  auto sig = RequestSignature::Extract(QueryRequest(kPresignedQuery));
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(sig->presigned);
  EXPECT_EQ(sig->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(sig->region, "us-west-2");
  EXPECT_EQ(sig->service, "s3");
  EXPECT_EQ(sig->signed_headers, (std::vector<std::string>{"host"}));
  EXPECT_EQ(sig->signature, "abc123");
  EXPECT_EQ(sig->amz_date, "20150830T123600Z");
  ASSERT_TRUE(sig->expires.has_value());
  EXPECT_EQ(sig->expires->count(), 3600);
  EXPECT_EQ(sig->session_token, "tok+en");
}

TEST(RequestSignature, PresignedParameterErrors) {
  auto with = [](std::string_view name, std::string_view value) {
    std::string query = kPresignedQuery;
    size_t start = query.find(std::string(name) + "=");
    size_t end = query.find('&', start);
    query.replace(start, end - start, std::string(name) + "=" + std::string(value));
    return QueryRequest(query);
  };
  auto without = [](std::string_view name) {
    std::string query = kPresignedQuery;
    size_t start = query.find(std::string(name) + "=");
    size_t end = query.find('&', start);
    query.erase(start, end - start + 1);
    return QueryRequest(query);
  };
  struct Case {
    http::Request request;
    AuthFailure kind;
    std::string message_part;
  };
  const Case cases[] = {
      {without("X-Amz-Expires"), AuthFailure::kIncompleteSignature,
       "requires the X-Amz-Algorithm, X-Amz-Credential"},
      {without("X-Amz-Date"), AuthFailure::kIncompleteSignature, "X-Amz-Date"},
      {with("X-Amz-Signature", ""), AuthFailure::kIncompleteSignature, "X-Amz-Signature"},
      {with("X-Amz-Algorithm", "AWS4-HMAC-SHA512"), AuthFailure::kUnsupportedAlgorithm,
       "only supports \"AWS4-HMAC-SHA256\""},
      {with("X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256"), AuthFailure::kUnsupportedAlgorithm,
       "Signature Version 4A"},
      {with("X-Amz-Expires", "604801"), AuthFailure::kInvalidExpires,
       "X-Amz-Expires must be less than a week (in seconds) that is 604800"},
      {with("X-Amz-Expires", "99999999999999999999999"), AuthFailure::kInvalidExpires,
       "less than a week"},
      {with("X-Amz-Expires", "-1"), AuthFailure::kInvalidExpires, "must be non-negative"},
      {with("X-Amz-Expires", "1h"), AuthFailure::kInvalidExpires, "should be a number"},
      {with("X-Amz-Date", "20150830"), AuthFailure::kInvalidDate, "ISO8601 Long Format"},
      {with("X-Amz-Date", "20150831T000000Z"), AuthFailure::kMalformedCredential,
       "Date is not the same as X-Amz-Date"},
      {with("X-Amz-Credential", "AKID%2F20150830%2Fus-west-2%2Fs3"),
       AuthFailure::kMalformedCredential,
       "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed"},
      {with("X-Amz-SignedHeaders", "x-amz-date"), AuthFailure::kIncompleteSignature,
       "'Host' must be a 'SignedHeader'"},
      {QueryRequest(std::string(kPresignedQuery) + "&X-Amz-Date=20150830T123600Z"),
       AuthFailure::kIncompleteSignature, "must not appear more than once"},
  };
  for (const Case& c : cases) {
    AuthError e = ExtractError(c.request);
    EXPECT_EQ(e.kind(), c.kind) << c.request.query;
    EXPECT_NE(std::string(e.what()).find(c.message_part), std::string::npos)
        << c.request.query << " -> " << e.what();
    EXPECT_TRUE(e.details().presigned);
  }
  // The largest validity allowed is accepted, leading zeros or not.
  EXPECT_EQ(RequestSignature::Extract(with("X-Amz-Expires", "604800"))->expires->count(), 604800);
  EXPECT_EQ(RequestSignature::Extract(with("X-Amz-Expires", "000000000060"))->expires->count(), 60);
}

TEST(RequestSignature, RejectsTwoMechanismsOrTwoHeaders) {
  http::Request both = QueryRequest(kPresignedQuery);
  both.headers.Add("Authorization", kAuthorization);
  EXPECT_EQ(ExtractError(both).kind(), AuthFailure::kConflictingAuth);

  http::Request twice = HeaderRequest(kAuthorization);
  twice.headers.Add("Authorization", kAuthorization);
  EXPECT_EQ(ExtractError(twice).kind(), AuthFailure::kIncompleteSignature);
}

}  // namespace
}  // namespace aws::sigv4
