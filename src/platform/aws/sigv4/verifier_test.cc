#include "platform/aws/sigv4/verifier.h"

#include <gtest/gtest.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/payload_error.h"
#include "platform/aws/sigv4/sigv4_test_util.h"

// testdata/botocore_vectors.txt and js_sdk_vectors.txt, linked in by the build.
extern const std::string_view kBotocoreVectors;
extern const std::string_view kJsSdkVectors;

namespace aws::sigv4 {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

const std::map<std::string, std::string> kSecrets = {
    {"AKIAUNISTUDIOTEST01", "uS3cr3t/Key+With/Slashes0123456789abcdEF"},
    {"ASIAUNISTUDIOTEST02", "tmpSecret/9876543210zyxwvuTSRQ"},
};
const base::TimePoint kSignedAt = *base::ParseAmzDate("20240309T140507Z");

testing::TextRequest Vector(std::string_view name) {
  for (testing::TextRequest& c : testing::ParseTextRequests(kBotocoreVectors)) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no vector " << name;
  return {};
}

// Extracts, resolves the payload (hashing the body when needed) and verifies.
VerifiedRequest VerifyVector(Verifier& verifier, const http::Request& request,
                             const std::string& body, base::TimePoint now) {
  auto sig = RequestSignature::Extract(request);
  if (!sig) throw std::runtime_error("no signature");
  PayloadHash payload = PayloadHash::Resolve(request, *sig);
  if (payload.needs_body()) payload.SetBody(body);
  return verifier.Verify(request, *sig, kSecrets.at(sig->access_key_id), payload, now);
}

AuthError VerifyError(Verifier& verifier, const http::Request& request, const std::string& body,
                      base::TimePoint now) {
  try {
    VerifyVector(verifier, request, body, now);
  } catch (const AuthError& e) {
    return e;
  }
  ADD_FAILURE() << "verification did not fail";
  return AuthError(AuthFailure::kIncompleteSignature, "none");
}

// Verifies every request of a vector file, and reads each signed body through its decorator.
void ExpectAllVerify(std::string_view vectors, size_t count) {
  std::vector<testing::TextRequest> cases = testing::ParseTextRequests(vectors);
  ASSERT_EQ(cases.size(), count);
  Verifier verifier;
  for (testing::TextRequest& c : cases) {
    SCOPED_TRACE(c.name);
    VerifiedRequest verified = VerifyVector(verifier, c.request, c.body, kSignedAt);
    EXPECT_TRUE(kSecrets.contains(verified.access_key_id));
    if (verified.payload.mode == PayloadMode::kStreamingUnsignedTrailer) continue;
    testing::StringBodyReader raw(c.body);
    std::unique_ptr<http::BodyReader> body = verified.WrapBody(&raw, c.request.headers);
    EXPECT_EQ(body != nullptr, verified.payload.mode == PayloadMode::kSha256);
    EXPECT_EQ(testing::ReadAllWith(body ? *body : raw, 5), c.body);
  }
}

// Changing any signed part of any request (path, query, a signed header, the body) breaks it.
void ExpectChangesRejected(std::string_view vectors) {
  Verifier verifier;
  for (testing::TextRequest& c : testing::ParseTextRequests(vectors)) {
    SCOPED_TRACE(c.name);
    http::Request path = c.request;
    path.path += "x";
    EXPECT_EQ(VerifyError(verifier, path, c.body, kSignedAt).kind(),
              AuthFailure::kSignatureDoesNotMatch);

    http::Request query = c.request;
    query.query += query.query.empty() ? "extra=1" : "&extra=1";
    EXPECT_EQ(VerifyError(verifier, query, c.body, kSignedAt).kind(),
              AuthFailure::kSignatureDoesNotMatch);

    http::Request host = c.request;
    host.headers.Set("Host", "evil.example.com");
    EXPECT_EQ(VerifyError(verifier, host, c.body, kSignedAt).kind(),
              AuthFailure::kSignatureDoesNotMatch);

    auto sig = RequestSignature::Extract(c.request);
    if (PayloadHash::Resolve(c.request, *sig).mode == PayloadMode::kWholeBody) {
      EXPECT_EQ(VerifyError(verifier, c.request, c.body + " ", kSignedAt).kind(),
                AuthFailure::kSignatureDoesNotMatch);
    }
  }
}

TEST(VerifierBotocore, AcceptsEveryRequestAndItsBody) { ExpectAllVerify(kBotocoreVectors, 17); }
TEST(VerifierBotocore, AnyChangeToASignedPartIsRejected) {
  ExpectChangesRejected(kBotocoreVectors);
}
TEST(VerifierJsSdk, AcceptsEveryRequestAndItsBody) { ExpectAllVerify(kJsSdkVectors, 6); }
TEST(VerifierJsSdk, AnyChangeToASignedPartIsRejected) { ExpectChangesRejected(kJsSdkVectors); }

TEST(VerifierBotocore, ReportsThePayloadModeAndSessionToken) {
  Verifier verifier;
  auto mode_of = [&](std::string_view name) {
    testing::TextRequest c = Vector(name);
    return VerifyVector(verifier, c.request, c.body, kSignedAt).payload.mode;
  };
  EXPECT_EQ(mode_of("s3-put-object-unsigned-trailer"), PayloadMode::kStreamingUnsignedTrailer);
  EXPECT_EQ(mode_of("s3-put-signed-payload"), PayloadMode::kSha256);
  EXPECT_EQ(mode_of("s3-list-unsigned-payload"), PayloadMode::kUnsigned);
  EXPECT_EQ(mode_of("s3-presigned-get-object"), PayloadMode::kUnsigned);
  EXPECT_EQ(mode_of("iam-list-users"), PayloadMode::kWholeBody);
  EXPECT_EQ(mode_of("sts-presigned"), PayloadMode::kWholeBody);

  testing::TextRequest glue = Vector("glue-get-databases-session-token");
  EXPECT_EQ(VerifyVector(verifier, glue.request, glue.body, kSignedAt).session_token,
            "IQoJb3JpZ2luX2VjEXAMPLE/token+abc==");
  testing::TextRequest presigned = Vector("s3-presigned-put-session-token");
  EXPECT_EQ(VerifyVector(verifier, presigned.request, presigned.body, kSignedAt).session_token,
            "FwoGZXIvYXdzEBYaDK+token/with=chars");
}

TEST(Verifier, MismatchCarriesTheCanonicalRequestAndStringToSign) {
  testing::TextRequest c = Vector("s3-list-objects-v2");
  auto sig = RequestSignature::Extract(c.request);
  PayloadHash payload = PayloadHash::Resolve(c.request, *sig);
  Verifier verifier;
  try {
    verifier.Verify(c.request, *sig, "not-the-secret", payload, kSignedAt);
    FAIL() << "a wrong secret verified";
  } catch (const AuthError& e) {
    EXPECT_EQ(e.kind(), AuthFailure::kSignatureDoesNotMatch);
    EXPECT_STREQ(e.what(),
                 "The request signature we calculated does not match the signature you provided. "
                 "Check your key and signing method.");
    const std::string canonical =
        "GET\n/my-bucket\n"
        "delimiter=%2F&encoding-type=url&list-type=2&max-keys=50&prefix=logs%2F2024%2003%2F\n"
        "host:localhost:8750\n"
        "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
        "x-amz-date:20240309T140507Z\n\n"
        "host;x-amz-content-sha256;x-amz-date\n"
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    EXPECT_EQ(e.details().canonical_request, canonical);
    EXPECT_EQ(e.details().string_to_sign,
              "AWS4-HMAC-SHA256\n20240309T140507Z\n20240309/us-east-1/s3/aws4_request\n" +
                  HashPayload(canonical));
    EXPECT_EQ(e.details().signature_provided, sig->signature);
    EXPECT_EQ(e.details().access_key_id, "AKIAUNISTUDIOTEST01");
  }
}

TEST(Verifier, HeaderFormAllowsFifteenMinutesOfSkew) {
  testing::TextRequest c = Vector("glue-json");
  Verifier verifier;
  for (minutes offset : {minutes(-15), minutes(0), minutes(15)}) {
    EXPECT_NO_THROW(VerifyVector(verifier, c.request, c.body, kSignedAt + offset));
  }
  for (seconds offset : {-minutes(15) - seconds(1), minutes(15) + seconds(1), seconds(-36000)}) {
    AuthError e = VerifyError(verifier, c.request, c.body, kSignedAt + offset);
    EXPECT_EQ(e.kind(), AuthFailure::kRequestTimeTooSkewed);
    EXPECT_EQ(e.details().request_date, "20240309T140507Z");
    EXPECT_EQ(e.details().request_time, kSignedAt);
    EXPECT_EQ(e.details().server_time, kSignedAt + offset);
    EXPECT_EQ(e.details().max_skew, seconds(900));
  }
  Verifier strict(Verifier::Options{.max_skew = seconds(60)});
  EXPECT_EQ(VerifyError(strict, c.request, c.body, kSignedAt + seconds(61)).kind(),
            AuthFailure::kRequestTimeTooSkewed);
}

TEST(Verifier, PresignedUrlsExpire) {
  testing::TextRequest c = Vector("s3-presigned-get-object");  // X-Amz-Expires=600
  Verifier verifier;
  EXPECT_NO_THROW(VerifyVector(verifier, c.request, c.body, kSignedAt + seconds(600)));
  // A presigned URL is not subject to the skew rule while it is valid.
  testing::TextRequest week = Vector("s3-presigned-put-session-token");  // 604800 s
  EXPECT_NO_THROW(VerifyVector(verifier, week.request, week.body, kSignedAt + seconds(604800)));

  AuthError expired = VerifyError(verifier, c.request, c.body, kSignedAt + seconds(601));
  EXPECT_EQ(expired.kind(), AuthFailure::kExpired);
  EXPECT_STREQ(expired.what(), "Request has expired.");
  EXPECT_EQ(expired.details().expires_at, kSignedAt + seconds(600));
  EXPECT_TRUE(expired.details().presigned);

  EXPECT_NO_THROW(VerifyVector(verifier, c.request, c.body, kSignedAt - minutes(15)));
  AuthError early = VerifyError(verifier, c.request, c.body, kSignedAt - minutes(15) - seconds(1));
  EXPECT_EQ(early.kind(), AuthFailure::kNotYetValid);
}

TEST(Verifier, S3RequiresEveryAmzHeaderToBeSigned) {
  testing::TextRequest c = Vector("s3-presigned-get-object");
  c.request.headers.Add("x-amz-acl", "public-read");
  c.request.headers.Add("X-Amz-Meta-Color", "red");
  c.request.headers.Add("x-amz-acl", "private");
  Verifier verifier;
  AuthError e = VerifyError(verifier, c.request, c.body, kSignedAt);
  EXPECT_EQ(e.kind(), AuthFailure::kHeadersNotSigned);
  EXPECT_EQ(e.details().headers_not_signed, "x-amz-acl, x-amz-meta-color");

  // Other services sign what they list; an extra unsigned header changes nothing.
  testing::TextRequest glue = Vector("glue-json");
  glue.request.headers.Add("x-amz-user-agent", "aws-sdk-js/3");
  EXPECT_NO_THROW(VerifyVector(verifier, glue.request, glue.body, kSignedAt));
}

TEST(Verifier, KeysAreDerivedOncePerScope) {
  Verifier verifier;
  testing::TextRequest s3 = Vector("s3-get-object-special-key");
  for (int i = 0; i < 50; ++i) VerifyVector(verifier, s3.request, s3.body, kSignedAt);
  EXPECT_EQ(verifier.key_cache().derivations(), 1u);
  testing::TextRequest datazone = Vector("datazone-get-project");  // us-west-2/datazone
  for (int i = 0; i < 50; ++i) VerifyVector(verifier, datazone.request, datazone.body, kSignedAt);
  EXPECT_EQ(verifier.key_cache().derivations(), 2u);
}

TEST(Verifier, SignedBodyIsCheckedWhenRead) {
  testing::TextRequest c = Vector("s3-put-signed-payload");
  Verifier verifier;
  VerifiedRequest verified = VerifyVector(verifier, c.request, c.body, kSignedAt);
  testing::StringBodyReader tampered("hello world?");
  std::unique_ptr<http::BodyReader> body = verified.WrapBody(&tampered, c.request.headers);
  ASSERT_NE(body, nullptr);
  try {
    testing::ReadAllWith(*body, 4);
    FAIL() << "a body that does not match x-amz-content-sha256 was accepted";
  } catch (const PayloadError& e) {
    EXPECT_EQ(e.reason(), PayloadError::Reason::kContentSha256Mismatch);
    EXPECT_EQ(e.expected(), "a948904f2f0f479b8f8197694b30184b0d2ed1c1cd2a1ec0fb85d299a192a447");
    EXPECT_EQ(e.actual(), HashPayload("hello world?"));
  }
}

TEST(Verifier, RefusesAPayloadThatWasNotHashed) {
  testing::TextRequest c = Vector("iam-list-users");
  auto sig = RequestSignature::Extract(c.request);
  PayloadHash payload = PayloadHash::Resolve(c.request, *sig);
  ASSERT_TRUE(payload.needs_body());
  Verifier verifier;
  EXPECT_THROW(verifier.Verify(c.request, *sig, "x", payload, kSignedAt), std::invalid_argument);
}

// Verification of a typical signed request costs a few microseconds once the key is cached
// (about 3.5 us of CPU in an optimized build). The time is the thread's CPU time, so that other
// load on the machine does not count; the bounds leave room for slower machines and for debug
// and sanitizer builds. The measured figure is printed.
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIGV4_TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(SIGV4_TEST_UNDER_ASAN)
constexpr double kMaxVerifyMicros = 2000;
#elif defined(NDEBUG)
constexpr double kMaxVerifyMicros = 25;
#else
constexpr double kMaxVerifyMicros = 300;
#endif

TEST(Verifier, VerificationIsFast) {
  testing::TextRequest c = Vector("s3-get-object-special-key");
  Verifier verifier;
  auto sig = RequestSignature::Extract(c.request);
  PayloadHash payload = PayloadHash::Resolve(c.request, *sig);
  const std::string& secret = kSecrets.at(sig->access_key_id);
  auto cpu_now = [] {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  };
  constexpr int kRounds = 20000;
  auto start = cpu_now();
  for (int i = 0; i < kRounds; ++i) {
    auto extracted = RequestSignature::Extract(c.request);
    verifier.Verify(c.request, *extracted, secret, payload, kSignedAt);
  }
  double micros = std::chrono::duration<double, std::micro>(cpu_now() - start).count() / kRounds;
  std::printf("extract + verify: %.2f us of CPU per request\n", micros);
  EXPECT_LT(micros, kMaxVerifyMicros);
  EXPECT_EQ(verifier.key_cache().derivations(), 1u);
}

}  // namespace
}  // namespace aws::sigv4
