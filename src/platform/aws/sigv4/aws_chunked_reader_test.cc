#include "platform/aws/sigv4/aws_chunked_reader.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "base/crypto.h"
#include "base/strings.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/payload_error.h"
#include "platform/aws/sigv4/signing_key.h"
#include "platform/aws/sigv4/sigv4_test_util.h"
#include "platform/aws/sigv4/verifier.h"

// testdata/botocore_vectors.txt, linked in by the build.
extern const std::string_view kBotocoreVectors;

namespace aws::sigv4 {
namespace {

using Reason = PayloadError::Reason;
using Variant = AwsChunkedReader::Variant;

// The S3 documentation's streaming example ("Signature Calculations for the Authorization
// Header: Transferring Payload in Multiple Chunks"): 66560 bytes of 'a' in a 64 KiB chunk, a
// 1 KiB chunk and the final empty chunk, with the published seed and chunk signatures.
constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kDocSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kDocChunk1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kDocChunk2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kDocFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
// The aws-crt-swift signer test extends the example with the trailers first:1st, second:2nd,
// third:3rd after the final chunk, signed with this signature.
constexpr char kDocTrailer[] = "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c";
const base::TimePoint kDocTime = *base::ParseAmzDate("20130524T000000Z");

http::Request DocRequest() {
  http::Request request;
  request.method = "PUT";
  request.path = "/examplebucket/chunkObject.txt";
  request.headers.Add("Host", "s3.amazonaws.com");
  request.headers.Add("x-amz-date", "20130524T000000Z");
  request.headers.Add("x-amz-storage-class", "REDUCED_REDUNDANCY");
  request.headers.Add(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
      "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
      "x-amz-decoded-content-length;x-amz-storage-class,Signature=" +
          std::string(kDocSeed));
  request.headers.Add("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  request.headers.Add("Content-Encoding", "aws-chunked");
  request.headers.Add("x-amz-decoded-content-length", "66560");
  request.headers.Add("Content-Length", "66824");
  return request;
}

std::string SignedChunk(std::string_view data, std::string_view signature) {
  std::string out;
  char size[32];
  std::snprintf(size, sizeof size, "%zx", data.size());
  out += size;
  out += ";chunk-signature=";
  out += signature;
  out += "\r\n";
  out += data;
  out += "\r\n";
  return out;
}

std::string DocBody() {
  return SignedChunk(std::string(65536, 'a'), kDocChunk1) +
         SignedChunk(std::string(1024, 'a'), kDocChunk2) + SignedChunk("", kDocFinal);
}

ChunkSignatureChain DocChain() {
  return ChunkSignatureChain(DeriveSigningKey(kDocSecret, "20130524", "us-east-1", "s3"),
                             "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", kDocSeed);
}

AwsChunkedReader::Options DocOptions(Variant variant = Variant::kSigned) {
  AwsChunkedReader::Options options;
  options.variant = variant;
  options.chain = DocChain();
  options.decoded_length = 66560;
  return options;
}

// Reads until the reader throws; returns the error and how many bytes came out before it.
struct Failure {
  std::optional<PayloadError> error;
  std::string delivered;
};
Failure ReadUntilError(http::BodyReader& reader, size_t buf_size = 4096) {
  Failure failure;
  std::string buf(buf_size, '\0');
  try {
    while (size_t n = reader.Read(buf.data(), buf.size())) failure.delivered.append(buf.data(), n);
  } catch (const PayloadError& e) {
    failure.error = e;
  }
  return failure;
}

TEST(AwsChunkedReader, DecodesTheS3DocumentationExample) {
  http::Request request = DocRequest();
  ASSERT_EQ(DocBody().size(), 66824u);  // the example's Content-Length
  auto sig = RequestSignature::Extract(request);
  PayloadHash payload = PayloadHash::Resolve(request, *sig);
  EXPECT_EQ(payload.mode, PayloadMode::kStreamingSigned);
  Verifier verifier;
  VerifiedRequest verified = verifier.Verify(request, *sig, kDocSecret, payload, kDocTime);
  for (size_t max_read : {size_t{1}, size_t{13}, size_t{1} << 20}) {
    for (size_t buf_size : {size_t{1}, size_t{7}, size_t{4096}, size_t{70000}}) {
      if (max_read == 1 && buf_size < 4096) continue;  // slow, and covered by the others
      SCOPED_TRACE(std::to_string(max_read) + "/" + std::to_string(buf_size));
      testing::StringBodyReader raw(DocBody(), max_read);
      std::unique_ptr<http::BodyReader> body = verified.WrapBody(&raw, request.headers);
      ASSERT_NE(body, nullptr);
      EXPECT_EQ(body->ContentLength(), 66560u);
      EXPECT_EQ(testing::ReadAllWith(*body, buf_size), std::string(66560, 'a'));
      EXPECT_TRUE(static_cast<AwsChunkedReader&>(*body).trailers().empty());
      char c;
      EXPECT_EQ(body->Read(&c, 1), 0u);  // stays at the end
    }
  }
}

TEST(AwsChunkedReader, ChainReproducesThePublishedSignatures) {
  ChunkSignatureChain chain = DocChain();
  EXPECT_EQ(chain.NextChunk(base::HexEncode(base::Sha256(std::string(65536, 'a')))), kDocChunk1);
  EXPECT_EQ(chain.NextChunk(base::HexEncode(base::Sha256(std::string(1024, 'a')))), kDocChunk2);
  EXPECT_EQ(chain.NextChunk(kEmptySha256), kDocFinal);
  std::string trailers = ChunkSignatureChain::CanonicalTrailers(
      {{"third", "3rd"}, {"first", "1st"}, {"second", "2nd"}});
  EXPECT_EQ(trailers, "first:1st\nsecond:2nd\nthird:3rd\n");
  EXPECT_EQ(chain.Trailer(trailers), kDocTrailer);
  EXPECT_EQ(chain.previous_signature(), kDocTrailer);
}

TEST(AwsChunkedReader, VerifiesTheSignedTrailer) {
  auto body = [](std::string_view trailer_lines) {
    return SignedChunk(std::string(65536, 'a'), kDocChunk1) +
           SignedChunk(std::string(1024, 'a'), kDocChunk2) + "0;chunk-signature=" + kDocFinal +
           "\r\n" + std::string(trailer_lines) + "\r\n";
  };
  auto options = [] {
    AwsChunkedReader::Options o = DocOptions(Variant::kSignedTrailer);
    o.declared_trailers = {"first", "second", "third"};
    return o;
  };
  const std::string signature_line = std::string("x-amz-trailer-signature:") + kDocTrailer + "\r\n";

  testing::StringBodyReader raw(
      body("first:1st\r\nSecond: 2nd \r\nthird:3rd\r\n" + signature_line));
  AwsChunkedReader reader(&raw, options());
  EXPECT_EQ(testing::ReadAllWith(reader, 10000), std::string(66560, 'a'));
  EXPECT_EQ(reader.trailers(), (std::map<std::string, std::string>{
                                   {"first", "1st"}, {"second", "2nd"}, {"third", "3rd"}}));

  struct Case {
    std::string trailer_lines;
    Reason reason;
  };
  const Case cases[] = {
      {"first:1st\r\nsecond:2nd\r\nthird:3rd!\r\n" + signature_line,
       Reason::kTrailerSignatureMismatch},
      {"first:1st\r\nsecond:2nd\r\nthird:3rd\r\n", Reason::kTrailerSignatureMismatch},
      {"first:1st\r\nsecond:2nd\r\n" + signature_line, Reason::kMalformedTrailer},
      {"first:1st\r\nsecond:2nd\r\nthird:3rd\r\nfourth:4th\r\n" + signature_line,
       Reason::kMalformedTrailer},
      {"first:1st\r\nfirst:1st\r\nsecond:2nd\r\nthird:3rd\r\n" + signature_line,
       Reason::kMalformedTrailer},
      {"first 1st\r\n" + signature_line, Reason::kMalformedTrailer},
      {"first:1st\r\nsecond:2nd\r\nthird:3rd\r\n" + signature_line + signature_line,
       Reason::kMalformedTrailer},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.trailer_lines);
    testing::StringBodyReader bad_raw(body(c.trailer_lines));
    AwsChunkedReader bad(&bad_raw, options());
    Failure failure = ReadUntilError(bad);
    ASSERT_TRUE(failure.error.has_value());
    EXPECT_EQ(failure.error->reason(), c.reason);
    // All data chunks verified; only the end of the body is refused.
    EXPECT_EQ(failure.delivered.size(), 66560u);
  }
}

TEST(AwsChunkedReader, TamperedChunkFailsAtThatChunkBeforeAnyOfItIsDelivered) {
  std::string body = DocBody();
  size_t second_chunk_data = body.find("0055627c");
  ASSERT_NE(second_chunk_data, std::string::npos);
  body[second_chunk_data + 64 + 2 + 10] = 'b';  // byte 10 of the 1 KiB chunk
  testing::StringBodyReader raw(body);
  AwsChunkedReader reader(&raw, DocOptions());
  Failure failure = ReadUntilError(reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);
  EXPECT_NE(std::string(failure.error->what()).find("chunk 1"), std::string::npos);
  EXPECT_EQ(failure.delivered, std::string(65536, 'a'));  // the first chunk, none of the second
  // The reader stays failed.
  char c;
  EXPECT_THROW(reader.Read(&c, 1), PayloadError);

  std::string first = DocBody();
  first[first.find("\r\n") + 2 + 100] = 'b';
  testing::StringBodyReader first_raw(first);
  AwsChunkedReader first_reader(&first_raw, DocOptions());
  failure = ReadUntilError(first_reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);
  EXPECT_TRUE(failure.delivered.empty());
}

TEST(AwsChunkedReader, ChunksCannotBeDroppedOrReordered) {
  // Without the 1 KiB chunk the final chunk's signature no longer chains.
  std::string dropped =
      SignedChunk(std::string(65536, 'a'), kDocChunk1) + SignedChunk("", kDocFinal);
  testing::StringBodyReader raw(dropped);
  AwsChunkedReader::Options options = DocOptions();
  options.decoded_length.reset();
  AwsChunkedReader reader(&raw, std::move(options));
  Failure failure = ReadUntilError(reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);

  std::string swapped = SignedChunk(std::string(1024, 'a'), kDocChunk2) +
                        SignedChunk(std::string(65536, 'a'), kDocChunk1) +
                        SignedChunk("", kDocFinal);
  testing::StringBodyReader swapped_raw(swapped);
  AwsChunkedReader swapped_reader(&swapped_raw, DocOptions());
  failure = ReadUntilError(swapped_reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);
  EXPECT_TRUE(failure.delivered.empty());
}

TEST(AwsChunkedReader, TamperedFinalChunkSignatureWithholdsTheEnd) {
  std::string body = DocBody();
  body[body.rfind("chunk-signature=") + 16] = '0';
  testing::StringBodyReader raw(body);
  AwsChunkedReader reader(&raw, DocOptions());
  Failure failure = ReadUntilError(reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);
  EXPECT_EQ(failure.delivered.size(), 66560u);
}

TEST(AwsChunkedReader, ChecksTheDecodedLength) {
  AwsChunkedReader::Options longer = DocOptions();
  longer.decoded_length = 66561;
  testing::StringBodyReader raw(DocBody());
  AwsChunkedReader reader(&raw, std::move(longer));
  Failure failure = ReadUntilError(reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kDecodedLengthMismatch);
  EXPECT_EQ(failure.error->expected(), "66561");
  EXPECT_EQ(failure.error->actual(), "66560");

  // More data than declared is refused before it is delivered.
  AwsChunkedReader::Options shorter = DocOptions();
  shorter.decoded_length = 66000;
  testing::StringBodyReader short_raw(DocBody());
  AwsChunkedReader short_reader(&short_raw, std::move(shorter));
  failure = ReadUntilError(short_reader);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kDecodedLengthMismatch);
  EXPECT_EQ(failure.delivered.size(), 65536u);
}

TEST(AwsChunkedReader, RejectsBrokenFraming) {
  const std::string chunk1 = SignedChunk(std::string(65536, 'a'), kDocChunk1);
  const std::string rest =
      SignedChunk(std::string(1024, 'a'), kDocChunk2) + SignedChunk("", kDocFinal);
  struct Case {
    std::string name;
    std::string body;
    Reason reason;
  };
  std::string no_crlf = chunk1;
  no_crlf.replace(no_crlf.size() - 2, 2, "xx");
  const Case cases[] = {
      {"bad size", "1zzzz;chunk-signature=" + std::string(kDocChunk1) + "\r\n",
       Reason::kMalformedChunk},
      {"empty size", ";chunk-signature=" + std::string(kDocChunk1) + "\r\n",
       Reason::kMalformedChunk},
      {"huge size", "11111111111111111;chunk-signature=" + std::string(kDocChunk1) + "\r\n",
       Reason::kMalformedChunk},
      {"no signature", "10000\r\n" + std::string(65536, 'a') + "\r\n", Reason::kMalformedChunk},
      {"short signature", "10000;chunk-signature=abc\r\n", Reason::kMalformedChunk},
      {"upper-case signature",
       "10000;chunk-signature=" + base::ToUpper(kDocChunk1) + "\r\n" + std::string(65536, 'a'),
       Reason::kMalformedChunk},
      {"other extension", "10000;chunk-sig=" + std::string(kDocChunk1) + "\r\n",
       Reason::kMalformedChunk},
      {"data not followed by CRLF", no_crlf + rest, Reason::kMalformedChunk},
      {"endless header line", std::string(10000, '1'), Reason::kMalformedChunk},
      {"bare LF",
       "10000;chunk-signature=" + std::string(kDocChunk1) + "\n" + std::string(65536, 'a') +
           "\r\n" + rest,
       Reason::kMalformedChunk},
      {"ends inside a chunk", chunk1.substr(0, 1000), Reason::kIncompleteBody},
      {"ends inside a header", chunk1 + "400;chunk-sig", Reason::kIncompleteBody},
      {"ends after a chunk", chunk1, Reason::kIncompleteBody},
      {"empty body", "", Reason::kIncompleteBody},
      {"data after the end", chunk1 + rest + "extra", Reason::kMalformedChunk},
      {"trailer in the plain signed mode",
       chunk1 + rest.substr(0, rest.size() - 2) + "x-amz-checksum-crc32:AAAAAA==\r\n\r\n",
       Reason::kMalformedTrailer},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    testing::StringBodyReader raw(c.body, 777);
    AwsChunkedReader::Options options = DocOptions();
    options.decoded_length.reset();
    AwsChunkedReader reader(&raw, std::move(options));
    Failure failure = ReadUntilError(reader);
    ASSERT_TRUE(failure.error.has_value());
    EXPECT_EQ(failure.error->reason(), c.reason) << failure.error->what();
  }
}

TEST(AwsChunkedReader, AcceptsABodyThatEndsInsteadOfItsLastEmptyLine) {
  std::string body = DocBody();
  body.resize(body.size() - 2);
  testing::StringBodyReader raw(body);
  AwsChunkedReader reader(&raw, DocOptions());
  EXPECT_EQ(testing::ReadAllWith(reader, 8192).size(), 66560u);
}

// A chunk larger than the hold limit streams through with bounded memory; its last part is
// held back until its signature is checked.
TEST(AwsChunkedReader, LargeChunksStreamWithBoundedMemory) {
  constexpr size_t kHold = AwsChunkedReader::kMaxHeldChunkBytes;
  std::string data(3 * kHold + 12345, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 1000);
  ChunkSignatureChain signer = DocChain();
  std::string body = SignedChunk(data, signer.NextChunk(base::HexEncode(base::Sha256(data))));
  body += SignedChunk("", signer.NextChunk(kEmptySha256));

  testing::StringBodyReader raw(body);
  AwsChunkedReader::Options options = DocOptions();
  options.decoded_length = data.size();
  AwsChunkedReader reader(&raw, std::move(options));
  std::string out;
  std::string buf(100000, '\0');
  size_t max_ahead = 0;
  while (size_t n = reader.Read(buf.data(), buf.size())) {
    out.append(buf.data(), n);
    max_ahead = std::max(max_ahead, raw.position() - out.size());
  }
  EXPECT_EQ(out, data);
  // What was read from the raw body but not yet delivered stays within the hold plus one read.
  EXPECT_LE(max_ahead, kHold + AwsChunkedReader::kBufferSize);

  std::string tampered = body;
  tampered[body.find("\r\n") + 2 + data.size() - 1] ^= 1;  // the chunk's last byte
  testing::StringBodyReader tampered_raw(tampered);
  AwsChunkedReader::Options tampered_options = DocOptions();
  tampered_options.decoded_length.reset();
  AwsChunkedReader tampered_reader(&tampered_raw, std::move(tampered_options));
  Failure failure = ReadUntilError(tampered_reader, 100000);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kChunkSignatureMismatch);
  EXPECT_LT(failure.delivered.size(), data.size());
  EXPECT_GE(failure.delivered.size(), data.size() - kHold);
}

TEST(AwsChunkedReader, DecodesBotocoresUnsignedTrailerUpload) {
  // The PUT that boto3's put_object(..., ChecksumAlgorithm='CRC32') sends, verified end to end.
  testing::TextRequest put;
  for (testing::TextRequest& c : testing::ParseTextRequests(kBotocoreVectors)) {
    if (c.name == "s3-put-object-unsigned-trailer") put = c;
  }
  const std::string object =
      "Hello, aws-chunked world!Hello, aws-chunked world!Hello, aws-chunked world!";
  const std::string wire = "4b\r\n" + object + "\r\n0\r\nx-amz-checksum-crc32:aA45NQ==\r\n\r\n";
  auto sig = RequestSignature::Extract(put.request);
  ASSERT_TRUE(sig.has_value());
  PayloadHash payload = PayloadHash::Resolve(put.request, *sig);
  Verifier verifier;
  VerifiedRequest verified =
      verifier.Verify(put.request, *sig, "uS3cr3t/Key+With/Slashes0123456789abcdEF", payload,
                      *base::ParseAmzDate("20240309T140507Z"));
  testing::StringBodyReader raw(wire, 5);
  std::unique_ptr<http::BodyReader> body = verified.WrapBody(&raw, put.request.headers);
  ASSERT_NE(body, nullptr);
  EXPECT_EQ(testing::ReadAllWith(*body, 3), object);
  const auto& trailers = static_cast<AwsChunkedReader&>(*body).trailers();
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers.at("x-amz-checksum-crc32"),
            base::Base64Encode(base::BigEndianBytes(base::Crc32(object))));

  // botocore's AwsChunkedWrapper with 32-byte chunks: several unsigned chunks, then the trailer.
  AwsChunkedReader::Options options;
  options.variant = Variant::kUnsignedTrailer;
  options.decoded_length = object.size();
  options.declared_trailers = {"x-amz-checksum-crc32"};
  testing::StringBodyReader chunked_raw(
      "20\r\nHello, aws-chunked world!Hello, \r\n20\r\naws-chunked world!Hello, aws-chu\r\n"
      "b\r\nnked world!\r\n0\r\nx-amz-checksum-crc32:aA45NQ==\r\n\r\n");
  AwsChunkedReader chunked(&chunked_raw, options);
  EXPECT_EQ(testing::ReadAllWith(chunked, 1), object);
  EXPECT_EQ(chunked.trailers().at("x-amz-checksum-crc32"), "aA45NQ==");

  // The unsigned framing has no signatures and no trailer signature.
  testing::StringBodyReader signed_raw(SignedChunk("abc", kDocChunk1) + "0\r\n\r\n");
  options.decoded_length = 3;
  AwsChunkedReader signed_framing(&signed_raw, options);
  Failure failure = ReadUntilError(signed_framing);
  ASSERT_TRUE(failure.error.has_value());
  EXPECT_EQ(failure.error->reason(), Reason::kMalformedChunk);
}

TEST(AwsChunkedReader, WrapBodyRejectsAMalformedDecodedLength) {
  http::Request request = DocRequest();
  auto sig = RequestSignature::Extract(request);
  Verifier verifier;
  VerifiedRequest verified =
      verifier.Verify(request, *sig, kDocSecret, PayloadHash::Resolve(request, *sig), kDocTime);
  http::Headers headers = request.headers;
  headers.Set("x-amz-decoded-content-length", "12a");
  testing::StringBodyReader raw(DocBody());
  try {
    verified.WrapBody(&raw, headers);
    FAIL() << "accepted a malformed x-amz-decoded-content-length";
  } catch (const PayloadError& e) {
    EXPECT_EQ(e.reason(), Reason::kInvalidDecodedLength);
  }
}

TEST(AwsChunkedReader, SignedVariantsNeedAChain) {
  testing::StringBodyReader raw("");
  AwsChunkedReader::Options options;
  options.variant = Variant::kSigned;
  EXPECT_THROW(AwsChunkedReader(&raw, options), std::invalid_argument);
}

TEST(AwsChunkedReader, ZeroLengthReadsConsumeNothing) {
  testing::StringBodyReader raw(DocBody());
  AwsChunkedReader reader(&raw, DocOptions());
  char c;
  EXPECT_EQ(reader.Read(&c, 0), 0u);
  EXPECT_EQ(raw.position(), 0u);
  EXPECT_EQ(testing::ReadAllWith(reader, 4096).size(), 66560u);
}

}  // namespace
}  // namespace aws::sigv4
