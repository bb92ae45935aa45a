// SigV4 signing keys. The key of a scope is
//   HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")
// and a signature is the hex HMAC-SHA256 of a string to sign under it. SigningKey is a derived
// key made ready for repeated use: it keeps HMAC's inner and outer SHA-256 states with the key
// pads already absorbed, so each signature costs two short SHA-256 finishes rather than a full
// HMAC setup (the verifier computes one per request). A SigningKey is immutable after
// construction and its methods are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace aws::sigv4 {

// The raw 32-byte signing key of a scope.
std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

// The lower-case hex HMAC-SHA256 of `string_to_sign` under the raw `signing_key`.
std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign);

class SigningKey {
 public:
  // `raw_key` as DeriveSigningKey returns it.
  explicit SigningKey(std::string raw_key);
  ~SigningKey();
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;

  const std::string& raw() const { return raw_; }
  // Equal to SignatureHex(raw(), string_to_sign).
  std::string SignHex(std::string_view string_to_sign) const;

 private:
  struct Pads;
  std::string raw_;
  std::unique_ptr<Pads> pads_;
};

}  // namespace aws::sigv4
