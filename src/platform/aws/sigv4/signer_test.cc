#include "platform/aws/sigv4/signer.h"

#include <gtest/gtest.h>

#include "base/crypto.h"
#include "base/error.h"
#include "platform/aws/sigv4/aws_chunked_reader.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/sigv4_test_util.h"
#include "platform/aws/sigv4/verifier.h"

// testdata/botocore_vectors.txt, linked in by the build.
extern const std::string_view kBotocoreVectors;

namespace aws::sigv4 {
namespace {

const Credentials kCredentials{"AKIAUNISTUDIOTEST01", "uS3cr3t/Key+With/Slashes0123456789abcdEF",
                               ""};
const Credentials kTemporary{"ASIAUNISTUDIOTEST02", "tmpSecret/9876543210zyxwvuTSRQ",
                             "FwoGZXIvYXdzEBYaDK+token/with=chars"};
const base::TimePoint kSignedAt = *base::ParseAmzDate("20240309T140507Z");

testing::TextRequest Vector(std::string_view name) {
  for (testing::TextRequest& c : testing::ParseTextRequests(kBotocoreVectors)) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no vector " << name;
  return {};
}

http::Request NewRequest(std::string method, std::string path, std::string query = "") {
  http::Request request;
  request.method = std::move(method);
  request.path = std::move(path);
  request.query = std::move(query);
  return request;
}

std::string AuthorizationOf(const http::Request& request) {
  return std::string(request.headers.Get("Authorization").value_or(""));
}

TEST(Signer, SignsLikeBotocore) {
  http::Request glue = NewRequest("POST", "/");
  glue.headers.Add("Host", "glue.eu-central-1.amazonaws.com");
  glue.headers.Add("Content-Type", "application/x-amz-json-1.1");
  glue.headers.Add("X-Amz-Target", "AWSGlue.GetDatabases");
  glue.headers.Add("User-Agent", "unistudio");
  Signer(kCredentials, "eu-central-1", "glue")
      .Sign(&glue, HashPayload("{\"MaxResults\": 10}"), kSignedAt);
  EXPECT_EQ(AuthorizationOf(glue), AuthorizationOf(Vector("glue-json").request));
  EXPECT_EQ(glue.headers.Get("X-Amz-Date"), "20240309T140507Z");
  EXPECT_FALSE(glue.headers.Has("x-amz-content-sha256"));

  http::Request s3 = NewRequest("PUT", "/my-bucket/dir/my%20file%2B%C3%BC~%21.txt");
  s3.headers.Add("Host", "s3.amazonaws.com");
  s3.headers.Add("Content-Type", "text/plain");
  s3.headers.Add("x-amz-meta-Owner", "  Jane   Doe ");
  Signer(kCredentials, "us-east-1", "s3").Sign(&s3, HashPayload("hello world\n"), kSignedAt);
  EXPECT_EQ(AuthorizationOf(s3), AuthorizationOf(Vector("s3-put-signed-payload").request));
  EXPECT_EQ(s3.headers.Get("x-amz-content-sha256"), HashPayload("hello world\n"));

  http::Request sts = NewRequest("POST", "/");
  sts.headers.Add("Host", "sts.amazonaws.com");
  sts.headers.Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  Signer(kTemporary, "us-east-1", "sts")
      .Sign(&sts, HashPayload("Action=GetCallerIdentity&Version=2011-06-15"), kSignedAt);
  EXPECT_EQ(AuthorizationOf(sts), AuthorizationOf(Vector("sts-session-token").request));
  EXPECT_EQ(sts.headers.Get("X-Amz-Security-Token"), kTemporary.session_token);
}

TEST(Signer, SignsTheS3StreamingExample) {
  http::Request request = NewRequest("PUT", "/examplebucket/chunkObject.txt");
  request.headers.Add("Host", "s3.amazonaws.com");
  request.headers.Add("x-amz-storage-class", "REDUCED_REDUNDANCY");
  request.headers.Add("Content-Encoding", "aws-chunked");
  request.headers.Add("x-amz-decoded-content-length", "66560");
  request.headers.Add("Content-Length", "66824");
  base::TimePoint at = *base::ParseAmzDate("20130524T000000Z");
  Signer signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
                "us-east-1", "s3");
  std::string seed = signer.Sign(&request, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", at);
  EXPECT_EQ(seed, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  EXPECT_EQ(AuthorizationOf(request),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-decoded-content-length;x-amz-storage-class, Signature=" +
                seed);
  ChunkSignatureChain chain = signer.ChunkChain(seed, at);
  EXPECT_EQ(chain.NextChunk(base::HexEncode(base::Sha256(std::string(65536, 'a')))),
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648");
}

TEST(Signer, PresignsLikeBotocore) {
  http::Request get = NewRequest("GET", "/photos/2024/cat%20pic.jpg", "versionId=3%2Fxyz");
  get.headers.Add("Host", "my-bucket.s3.us-west-2.amazonaws.com");
  EXPECT_EQ(Signer(kCredentials, "us-west-2", "s3").Presign(get, kSignedAt, std::chrono::hours(1)),
            Vector("s3-presigned-virtual-host").request.target);

  http::Request put = NewRequest("PUT", "/my-bucket/upload.bin");
  put.headers.Add("Host", "s3.amazonaws.com");
  put.headers.Add("Content-Type", "application/octet-stream");
  EXPECT_EQ(Signer(kTemporary, "us-east-1", "s3").Presign(put, kSignedAt, kMaxPresignedExpiry),
            Vector("s3-presigned-put-session-token").request.target);

  http::Request sts = NewRequest("GET", "/", "Action=GetCallerIdentity&Version=2011-06-15");
  sts.headers.Add("Host", "sts.amazonaws.com");
  EXPECT_EQ(
      Signer(kCredentials, "us-east-1", "sts").Presign(sts, kSignedAt, std::chrono::seconds(900)),
      Vector("sts-presigned").request.target);
}

TEST(Signer, WhatItSignsVerifies) {
  Verifier verifier;
  for (const char* service : {"s3", "datazone"}) {
    SCOPED_TRACE(service);
    Signer signer(kTemporary, "eu-west-3", service);
    http::Request request = NewRequest("GET", "/v2/a%20b/./c/../d//e", "z=1&a=%2F&m");
    request.headers.Add("Host", "localhost:8750");
    request.headers.Add("X-Amz-Meta-Tag", " spaced   value ");
    signer.Sign(&request, kEmptySha256, kSignedAt);
    auto sig = RequestSignature::Extract(request);
    ASSERT_TRUE(sig.has_value());
    EXPECT_EQ(sig->service, service);
    PayloadHash payload = PayloadHash::Resolve(request, *sig);
    if (payload.needs_body()) payload.SetBody("");
    EXPECT_EQ(verifier.Verify(request, *sig, kTemporary.secret_access_key, payload, kSignedAt)
                  .session_token,
              kTemporary.session_token);

    http::Request presigned = NewRequest("GET", "/v2/a%20b/./c/../d//e", "z=1&a=%2F&m");
    presigned.headers.Add("Host", "localhost:8750");
    std::string target = signer.Presign(presigned, kSignedAt, std::chrono::minutes(5));
    presigned.query = target.substr(target.find('?') + 1);
    auto presigned_sig = RequestSignature::Extract(presigned);
    ASSERT_TRUE(presigned_sig.has_value());
    EXPECT_TRUE(presigned_sig->presigned);
    PayloadHash presigned_payload = PayloadHash::Resolve(presigned, *presigned_sig);
    if (presigned_payload.needs_body()) presigned_payload.SetBody("");
    EXPECT_NO_THROW(verifier.Verify(presigned, *presigned_sig, kTemporary.secret_access_key,
                                    presigned_payload, kSignedAt + std::chrono::minutes(5)));
  }
}

TEST(Signer, SignedTrailerUploadRoundTrips) {
  Signer signer(kCredentials, "us-east-1", "s3");
  http::Request request = NewRequest("PUT", "/my-bucket/big.bin");
  request.headers.Add("Host", "localhost:8750");
  request.headers.Add("Content-Encoding", "aws-chunked");
  request.headers.Add("x-amz-decoded-content-length", "200000");
  request.headers.Add("x-amz-trailer", "x-amz-checksum-crc32c");
  std::string seed = signer.Sign(&request, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", kSignedAt);

  std::string object(200000, '\0');
  for (size_t i = 0; i < object.size(); ++i) object[i] = static_cast<char>(i % 251);
  ChunkSignatureChain chain = signer.ChunkChain(seed, kSignedAt);
  std::string body;
  for (size_t at = 0; at < object.size(); at += 65536) {
    std::string chunk = object.substr(at, 65536);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", chunk.size());
    body += std::string(size) +
            ";chunk-signature=" + chain.NextChunk(base::HexEncode(base::Sha256(chunk))) + "\r\n" +
            chunk + "\r\n";
  }
  body += "0;chunk-signature=" + chain.NextChunk(kEmptySha256) + "\r\n";
  std::string checksum = base::Base64Encode(base::BigEndianBytes(base::Crc32c(object)));
  body += "x-amz-checksum-crc32c:" + checksum + "\r\n";
  body +=
      "x-amz-trailer-signature:" +
      chain.Trailer(ChunkSignatureChain::CanonicalTrailers({{"x-amz-checksum-crc32c", checksum}})) +
      "\r\n\r\n";

  auto sig = RequestSignature::Extract(request);
  PayloadHash payload = PayloadHash::Resolve(request, *sig);
  EXPECT_EQ(payload.mode, PayloadMode::kStreamingSignedTrailer);
  Verifier verifier;
  VerifiedRequest verified =
      verifier.Verify(request, *sig, kCredentials.secret_access_key, payload, kSignedAt);
  testing::StringBodyReader raw(body, 1000);
  std::unique_ptr<http::BodyReader> decoded = verified.WrapBody(&raw, request.headers);
  EXPECT_EQ(testing::ReadAllWith(*decoded, 30000), object);
  EXPECT_EQ(static_cast<AwsChunkedReader&>(*decoded).trailers().at("x-amz-checksum-crc32c"),
            checksum);
}

TEST(Signer, RefusesWhatItCannotSign) {
  http::Request no_host = NewRequest("GET", "/");
  Signer signer(kCredentials, "us-east-1", "s3");
  EXPECT_THROW(signer.Sign(&no_host, kEmptySha256, kSignedAt), base::Error);
  http::Request request = NewRequest("GET", "/");
  request.headers.Add("Host", "localhost");
  EXPECT_THROW(signer.Presign(request, kSignedAt, kMaxPresignedExpiry + std::chrono::seconds(1)),
               base::Error);
  EXPECT_THROW(signer.Presign(request, kSignedAt, std::chrono::seconds(-1)), base::Error);
}

}  // namespace
}  // namespace aws::sigv4
