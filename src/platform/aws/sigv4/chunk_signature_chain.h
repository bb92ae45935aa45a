// The chain of signatures that ties every chunk of an aws-chunked body to its request. The first
// chunk's string to sign holds the request's own (seed) signature, every later one the previous
// chunk's, so chunks can be neither altered, dropped nor reordered:
//   AWS4-HMAC-SHA256-PAYLOAD\n<amz-date>\n<scope>\n<previous>\n<sha256("")>\n<sha256(chunk)>
// The trailing headers of the signed-trailer mode are signed last, chained to the final (empty)
// chunk: AWS4-HMAC-SHA256-TRAILER\n<amz-date>\n<scope>\n<previous>\n<sha256(trailers)>.
// The decoder verifies with it and a client signs with it. Not thread-safe: one chain per body.
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace aws::sigv4 {

class ChunkSignatureChain {
 public:
  // `signing_key` is the raw derived key of the request's scope; `amz_date` and `scope` are the
  // request's ("20130524T000000Z", "20130524/us-east-1/s3/aws4_request").
  ChunkSignatureChain(std::string signing_key, std::string amz_date, std::string scope,
                      std::string seed_signature);

  // The signature of the next chunk, given the lower-case hex SHA-256 of its data. It becomes
  // the previous signature of the chain.
  std::string NextChunk(std::string_view chunk_sha256_hex);
  // The signature of the trailing headers, given CanonicalTrailers() of them.
  std::string Trailer(std::string_view canonical_trailers);

  // "name:value\n" for each trailer, in name order: the text the trailer signature covers.
  static std::string CanonicalTrailers(const std::map<std::string, std::string>& trailers);

  const std::string& previous_signature() const { return previous_; }

 private:
  std::string Advance(std::string_view algorithm, std::string_view tail);

  std::string signing_key_;
  std::string amz_date_;
  std::string scope_;
  std::string previous_;
};

}  // namespace aws::sigv4
