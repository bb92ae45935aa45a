// Fuzzes the aws-chunked decoder in all three variants: any body must decode or throw a
// PayloadError, never crash, and never yield more bytes than it holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "platform/aws/sigv4/aws_chunked_reader.h"
#include "platform/aws/sigv4/payload_error.h"
#include "platform/aws/sigv4/signing_key.h"
#include "platform/aws/sigv4/sigv4_test_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  using aws::sigv4::AwsChunkedReader;
  AwsChunkedReader::Options options;
  options.variant = static_cast<AwsChunkedReader::Variant>(data[0] % 3);
  if (options.variant != AwsChunkedReader::Variant::kUnsignedTrailer) {
    options.chain.emplace(aws::sigv4::DeriveSigningKey("secret", "20130524", "us-east-1", "s3"),
                          "20130524T000000Z", "20130524/us-east-1/s3/aws4_request",
                          std::string(64, '0'));
  }
  if (data[1] & 1) options.decoded_length = data[1] >> 1;
  if (data[1] & 2) options.declared_trailers = {"x-amz-checksum-crc32"};
  std::string body(reinterpret_cast<const char*>(data + 2), size - 2);
  aws::sigv4::testing::StringBodyReader raw(body, 1 + data[0] / 3);
  AwsChunkedReader reader(&raw, std::move(options));
  size_t decoded = 0;
  try {
    char buf[97];
    while (size_t n = reader.Read(buf, sizeof buf)) decoded += n;
  } catch (const aws::sigv4::PayloadError&) {
  }
  if (decoded > body.size()) std::abort();
  return 0;
}
