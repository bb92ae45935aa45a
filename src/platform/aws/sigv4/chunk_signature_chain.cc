#include "platform/aws/sigv4/chunk_signature_chain.h"

#include <utility>

#include "base/crypto.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/signing_key.h"

namespace aws::sigv4 {

ChunkSignatureChain::ChunkSignatureChain(std::string signing_key, std::string amz_date,
                                         std::string scope, std::string seed_signature)
    : signing_key_(std::move(signing_key)),
      amz_date_(std::move(amz_date)),
      scope_(std::move(scope)),
      previous_(std::move(seed_signature)) {}

std::string ChunkSignatureChain::Advance(std::string_view algorithm, std::string_view tail) {
  std::string string_to_sign;
  string_to_sign.reserve(algorithm.size() + amz_date_.size() + scope_.size() + 200);
  string_to_sign += algorithm;
  string_to_sign += '\n';
  string_to_sign += amz_date_;
  string_to_sign += '\n';
  string_to_sign += scope_;
  string_to_sign += '\n';
  string_to_sign += previous_;
  string_to_sign += '\n';
  string_to_sign += tail;
  previous_ = SignatureHex(signing_key_, string_to_sign);
  return previous_;
}

std::string ChunkSignatureChain::NextChunk(std::string_view chunk_sha256_hex) {
  std::string tail(kEmptySha256);
  tail += '\n';
  tail += chunk_sha256_hex;
  return Advance("AWS4-HMAC-SHA256-PAYLOAD", tail);
}

std::string ChunkSignatureChain::Trailer(std::string_view canonical_trailers) {
  return Advance("AWS4-HMAC-SHA256-TRAILER", base::HexEncode(base::Sha256(canonical_trailers)));
}

std::string ChunkSignatureChain::CanonicalTrailers(
    const std::map<std::string, std::string>& trailers) {
  std::string out;
  for (const auto& [name, value] : trailers) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  return out;
}

}  // namespace aws::sigv4
