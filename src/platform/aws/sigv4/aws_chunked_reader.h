// A BodyReader decorator that decodes an `aws-chunked` body (S3 streaming uploads) into the
// object bytes. It reads the raw body, strips the framing
//   signed:   <hex-size>;chunk-signature=<sig>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n
//   unsigned: <hex-size>\r\n<data>\r\n ... 0\r\n
// then the trailers (`x-amz-checksum-crc32:...\r\n`, plus `x-amz-trailer-signature:...\r\n` in
// the signed-trailer mode) and the final empty line. In the signed modes it verifies EVERY chunk
// signature along the chain that starts at the request's seed signature, and the trailer
// signature; it checks the decoded total against x-amz-decoded-content-length and the trailers
// against the names x-amz-trailer declared. Any violation throws a PayloadError.
//
// Memory stays bounded whatever the chunk sizes. A signed chunk of up to kMaxHeldChunkBytes is
// verified before any of its bytes are delivered; a larger one is hashed while it streams, and
// its last kMaxHeldChunkBytes are held back until the signature checks, so the caller never
// receives the whole of a chunk whose signature fails, and never an end of body after one. Once
// Read has thrown, every later Read throws the same error. Not thread-safe: the handler's
// thread only.
#pragma once

#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/crypto.h"
#include "platform/aws/sigv4/chunk_signature_chain.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

class AwsChunkedReader : public http::BodyReader {
 public:
  enum class Variant {
    kSigned,          // STREAMING-AWS4-HMAC-SHA256-PAYLOAD: signed chunks, no trailers
    kSignedTrailer,   // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and trailers
    kUnsignedTrailer  // STREAMING-UNSIGNED-PAYLOAD-TRAILER: plain chunks, unsigned trailers
  };

  struct Options {
    Variant variant = Variant::kUnsignedTrailer;
    // Required for the signed variants: the chain seeded with the request's signature.
    std::optional<ChunkSignatureChain> chain;
    // x-amz-decoded-content-length, when the request sent it.
    std::optional<uint64_t> decoded_length;
    // The lower-case trailer names x-amz-trailer declared; the trailers must be exactly these.
    std::vector<std::string> declared_trailers;
  };

  static constexpr size_t kMaxHeldChunkBytes = 1 << 20;
  // The read-ahead buffer of raw bytes.
  static constexpr size_t kBufferSize = 64 * 1024;

  // `raw` is not owned and must outlive this reader. Throws std::invalid_argument if a signed
  // variant comes without a chain.
  AwsChunkedReader(http::BodyReader* raw, Options options);

  size_t Read(char* buf, size_t n) override;
  // The decoded length (x-amz-decoded-content-length), when known.
  std::optional<uint64_t> ContentLength() const override { return options_.decoded_length; }

  // The trailers, lower-case name → value, without x-amz-trailer-signature. Complete once Read
  // has returned 0.
  const std::map<std::string, std::string>& trailers() const { return trailers_; }

 private:
  enum class State { kChunkHeader, kChunkData, kTrailers, kDone };

  bool is_signed() const { return options_.variant != Variant::kUnsignedTrailer; }
  void Step();
  void ReadChunkHeader();
  void ReadChunkData();
  void ReadTrailers();
  void VerifySignature(const std::string& expected, const std::string& provided);
  bool Fill();
  std::optional<std::string> ReadLine();
  void ExpectCrlf();

  http::BodyReader* raw_;
  Options options_;
  State state_ = State::kChunkHeader;
  std::unique_ptr<char[]> in_;  // raw bytes read ahead; in_[in_begin_, in_end_) not consumed
  size_t in_begin_ = 0;
  size_t in_end_ = 0;
  bool raw_eof_ = false;
  std::string out_;  // decoded bytes ready for the caller; out_[out_pos_..] not delivered yet
  size_t out_pos_ = 0;
  uint64_t chunk_remaining_ = 0;  // bytes of the current chunk still in the raw body
  uint64_t decoded_ = 0;
  std::optional<base::Digest> chunk_digest_;
  std::string chunk_signature_;
  size_t chunk_index_ = 0;
  std::map<std::string, std::string> trailers_;
  std::exception_ptr error_;
};

}  // namespace aws::sigv4
