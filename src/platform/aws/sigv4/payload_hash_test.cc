#include "platform/aws/sigv4/payload_hash.h"

#include <gtest/gtest.h>

#include "base/strings.h"
#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/canonical_request.h"

namespace aws::sigv4 {
namespace {

RequestSignature SignatureFor(std::string service, bool presigned) {
  RequestSignature sig;
  sig.service = std::move(service);
  sig.presigned = presigned;
  sig.access_key_id = "AKID";
  return sig;
}

http::Request WithContentSha256(std::optional<std::string> value) {
  http::Request request;
  request.method = "PUT";
  request.path = "/b/k";
  if (value) request.headers.Add("X-Amz-Content-Sha256", *value);
  return request;
}

AuthFailure ResolveFailure(const http::Request& request, const RequestSignature& sig) {
  try {
    PayloadHash::Resolve(request, sig);
  } catch (const AuthError& e) {
    EXPECT_EQ(e.details().presigned, sig.presigned);
    EXPECT_EQ(e.details().access_key_id, "AKID");
    return e.kind();
  }
  ADD_FAILURE() << "Resolve did not throw";
  return AuthFailure::kSignatureDoesNotMatch;
}

TEST(PayloadHash, ReadsTheModeFromTheHeader) {
  const std::string hex = HashPayload("body");
  const std::string upper = base::ToUpper(hex);
  struct Case {
    std::string header;
    PayloadMode mode;
  };
  const Case cases[] = {
      {hex, PayloadMode::kSha256},
      {upper, PayloadMode::kSha256},
      {"UNSIGNED-PAYLOAD", PayloadMode::kUnsigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD", PayloadMode::kStreamingSigned},
      {"STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", PayloadMode::kStreamingSignedTrailer},
      {"STREAMING-UNSIGNED-PAYLOAD-TRAILER", PayloadMode::kStreamingUnsignedTrailer},
  };
  for (const Case& c : cases) {
    for (const char* service : {"s3", "glue"}) {
      PayloadHash payload =
          PayloadHash::Resolve(WithContentSha256(c.header), SignatureFor(service, false));
      EXPECT_EQ(payload.mode, c.mode) << c.header;
      EXPECT_EQ(payload.value, c.header);  // the canonical request uses the value as sent
      EXPECT_FALSE(payload.needs_body());
    }
  }
}

TEST(PayloadHash, WithoutTheHeader) {
  // Other services sign the hash of the whole body, which the caller supplies.
  PayloadHash whole =
      PayloadHash::Resolve(WithContentSha256(std::nullopt), SignatureFor("iam", false));
  EXPECT_EQ(whole.mode, PayloadMode::kWholeBody);
  EXPECT_TRUE(whole.needs_body());
  whole.SetBody("Action=ListUsers&Version=2010-05-08");
  EXPECT_FALSE(whole.needs_body());
  EXPECT_EQ(whole.value, "b6359072c78d70ebee1e81adcbab4f01bf2c23245fa365ef83fe8f1f955085e2");
  PayloadHash empty =
      PayloadHash::Resolve(WithContentSha256(std::nullopt), SignatureFor("sts", true));
  empty.SetBody("");
  EXPECT_EQ(empty.value, kEmptySha256);

  // An S3 presigned URL signs UNSIGNED-PAYLOAD; the S3 header form must send the header.
  PayloadHash presigned =
      PayloadHash::Resolve(WithContentSha256(std::nullopt), SignatureFor("s3", true));
  EXPECT_EQ(presigned.mode, PayloadMode::kUnsigned);
  EXPECT_EQ(presigned.value, "UNSIGNED-PAYLOAD");
  EXPECT_EQ(ResolveFailure(WithContentSha256(std::nullopt), SignatureFor("s3", false)),
            AuthFailure::kMissingContentSha256);
}

TEST(PayloadHash, RejectsWhatItDoesNotImplementOrUnderstand) {
  EXPECT_EQ(ResolveFailure(WithContentSha256("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"),
                           SignatureFor("s3", false)),
            AuthFailure::kUnsupportedPayloadSigning);
  EXPECT_EQ(ResolveFailure(WithContentSha256("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"),
                           SignatureFor("s3", false)),
            AuthFailure::kUnsupportedPayloadSigning);
  for (const char* bad : {"", "unsigned-payload", "abc", "STREAMING-PAYLOAD",
                          "zz3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}) {
    EXPECT_EQ(ResolveFailure(WithContentSha256(bad), SignatureFor("s3", false)),
              AuthFailure::kInvalidContentSha256)
        << bad;
  }
  // A presigned URL has no seed signature for a signed chunk chain.
  EXPECT_EQ(ResolveFailure(WithContentSha256("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
                           SignatureFor("s3", true)),
            AuthFailure::kInvalidContentSha256);
}

}  // namespace
}  // namespace aws::sigv4
