// Signs requests with SigV4, using the same canonicalization as the verifier: the header form
// (X-Amz-Date, Authorization...) and presigned URLs. UniStudio's own clients use it (presigned
// download links, internal calls), and tests use it to produce requests real SDKs would send.
// It signs every header the request carries except hop-by-hop ones, User-Agent and
// X-Amzn-Trace-Id, as botocore does; the request must carry a Host header. A Signer is
// immutable after construction and thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/time.h"
#include "platform/aws/sigv4/chunk_signature_chain.h"
#include "platform/http/request.h"

namespace aws::sigv4 {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
};

class Signer {
 public:
  Signer(Credentials credentials, std::string region, std::string service);

  // Signs `request` in place at time `now`: replaces X-Amz-Date and Authorization, sets
  // X-Amz-Security-Token when the credentials have a session token and, for S3,
  // x-amz-content-sha256. `payload_hash` is the body's hex SHA-256 (HashPayload) or a mode
  // literal (UNSIGNED-PAYLOAD, STREAMING-...). Returns the signature, the seed of an aws-chunked
  // body's chain. Throws base::Error if the request has no Host header.
  std::string Sign(http::Request* request, std::string_view payload_hash,
                   base::TimePoint now) const;

  // A presigned request target: `request`'s path and query followed by X-Amz-Algorithm,
  // X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Security-Token
  // (with a session token) and X-Amz-Signature. Prefix it with scheme and host to get the URL.
  // S3 signs UNSIGNED-PAYLOAD, other services the hash of an empty body. Throws base::Error if
  // the request has no Host header or `expires` is not within 0..604800 seconds.
  std::string Presign(const http::Request& request, base::TimePoint now,
                      std::chrono::seconds expires) const;

  // The chain that signs the chunks of an aws-chunked body whose request Sign signed at `now`
  // and answered `seed_signature`.
  ChunkSignatureChain ChunkChain(std::string seed_signature, base::TimePoint now) const;

 private:
  Credentials credentials_;
  std::string region_;
  std::string service_;
};

}  // namespace aws::sigv4
