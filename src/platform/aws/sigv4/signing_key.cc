#include "platform/aws/sigv4/signing_key.h"

#include <openssl/evp.h>

#include "base/crypto.h"
#include "base/error.h"

namespace aws::sigv4 {
namespace {

constexpr size_t kBlockSize = 64;  // SHA-256's block, HMAC's pad length

struct CtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using CtxPtr = std::unique_ptr<EVP_MD_CTX, CtxFree>;

CtxPtr NewCtx() {
  CtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx) throw base::Error("digest allocation failed");
  return ctx;
}

// A SHA-256 state that has absorbed the 64-byte block `key XOR pad`.
CtxPtr AbsorbPad(std::string_view key, unsigned char pad) {
  unsigned char block[kBlockSize];
  for (size_t i = 0; i < kBlockSize; ++i) {
    block[i] = static_cast<unsigned char>((i < key.size() ? key[i] : 0) ^ pad);
  }
  CtxPtr ctx = NewCtx();
  if (EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), block, kBlockSize) != 1) {
    throw base::Error("digest initialisation failed");
  }
  return ctx;
}

// Finishes a copy of `state` over `data` into `out` (32 bytes).
void FinishCopy(const EVP_MD_CTX* state, const unsigned char* data, size_t size,
                unsigned char* out) {
  // One scratch context per thread, reused: allocation is a large part of a short digest.
  thread_local CtxPtr scratch = NewCtx();
  unsigned int len = 0;
  if (EVP_MD_CTX_copy_ex(scratch.get(), state) != 1 ||
      EVP_DigestUpdate(scratch.get(), data, size) != 1 ||
      EVP_DigestFinal_ex(scratch.get(), out, &len) != 1) {
    throw base::Error("digest computation failed");
  }
}

}  // namespace

struct SigningKey::Pads {
  CtxPtr inner;
  CtxPtr outer;
};

std::string DeriveSigningKey(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service) {
  std::string k_secret = "AWS4";
  k_secret += secret;
  std::string k_date = base::HmacSha256(k_secret, date);
  std::string k_region = base::HmacSha256(k_date, region);
  std::string k_service = base::HmacSha256(k_region, service);
  return base::HmacSha256(k_service, "aws4_request");
}

std::string SignatureHex(std::string_view signing_key, std::string_view string_to_sign) {
  return base::HexEncode(base::HmacSha256(signing_key, string_to_sign));
}

SigningKey::SigningKey(std::string raw_key) : raw_(std::move(raw_key)) {
  // Keys longer than a block would first be hashed; a derived key is 32 bytes.
  if (raw_.size() > kBlockSize) throw base::Error("a signing key is 32 bytes");
  pads_ = std::make_unique<Pads>(Pads{AbsorbPad(raw_, 0x36), AbsorbPad(raw_, 0x5c)});
}

SigningKey::~SigningKey() = default;

std::string SigningKey::SignHex(std::string_view string_to_sign) const {
  unsigned char inner[32];
  unsigned char mac[32];
  FinishCopy(pads_->inner.get(), reinterpret_cast<const unsigned char*>(string_to_sign.data()),
             string_to_sign.size(), inner);
  FinishCopy(pads_->outer.get(), inner, sizeof inner, mac);
  return base::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

}  // namespace aws::sigv4
