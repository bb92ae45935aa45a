#include "platform/aws/sigv4/signing_key.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "base/crypto.h"
#include "platform/aws/sigv4/signing_key_cache.h"

namespace aws::sigv4 {
namespace {

TEST(SigningKey, MatchesTheDocumentedDerivation) {
  // The AWS General Reference example of deriving a signing key.
  EXPECT_EQ(base::HexEncode(DeriveSigningKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215",
                                             "us-east-1", "iam")),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigningKey, PrecomputedPadsGiveTheSameHmac) {
  SigningKey key(DeriveSigningKey("secret", "20240309", "us-east-1", "s3"));
  for (const std::string& text :
       {std::string(), std::string("AWS4-HMAC-SHA256\n20240309T140507Z"), std::string(55, 'x'),
        std::string(64, 'y'), std::string(1000, 'z')}) {
    EXPECT_EQ(key.SignHex(text), SignatureHex(key.raw(), text)) << text.size();
  }
  // RFC 4231 test case 2 (a 4-byte key).
  EXPECT_EQ(SigningKey("Jefe").SignHex("what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SigningKeyCache, DerivesEachScopeOnce) {
  SigningKeyCache cache;
  auto a = cache.Get("secret", "20240309", "us-east-1", "s3");
  EXPECT_EQ(a->raw(), DeriveSigningKey("secret", "20240309", "us-east-1", "s3"));
  EXPECT_EQ(cache.Get("secret", "20240309", "us-east-1", "s3"), a);
  EXPECT_EQ(cache.derivations(), 1u);
  // Every part of the scope matters, and parts cannot run into each other.
  EXPECT_NE(cache.Get("secret", "20240310", "us-east-1", "s3"), a);
  EXPECT_NE(cache.Get("secret", "20240309", "us-east-2", "s3"), a);
  EXPECT_NE(cache.Get("secret", "20240309", "us-east-1", "iam"), a);
  EXPECT_NE(cache.Get("other", "20240309", "us-east-1", "s3"), a);
  EXPECT_NE(cache.Get("secret2", "0240309", "us-east-1", "s3")->raw(),
            cache.Get("secret", "20240309", "us-east-1", "s3")->raw());
  EXPECT_EQ(cache.derivations(), 6u);
}

TEST(SigningKeyCache, StaysBounded) {
  SigningKeyCache cache(4);
  for (int i = 0; i < 10; ++i) cache.Get(std::to_string(i) + "s", "20240309", "r", "s3");
  EXPECT_EQ(cache.derivations(), 10u);
  // The most recent key survived the last reset; an old one had to be derived again.
  cache.Get("9s", "20240309", "r", "s3");
  EXPECT_EQ(cache.derivations(), 10u);
  cache.Get("0s", "20240309", "r", "s3");
  EXPECT_EQ(cache.derivations(), 11u);
}

TEST(SigningKeyCache, IsSafeAcrossThreads) {
  SigningKeyCache cache(8);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, &mismatches, t] {
      for (int i = 0; i < 200; ++i) {
        std::string secret = std::to_string(i % 12) + "s";
        auto key = cache.Get(secret, "20240309", "us-east-1", "s3");
        if (key->SignHex("text") !=
            SignatureHex(DeriveSigningKey(secret, "20240309", "us-east-1", "s3"), "text")) {
          ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace aws::sigv4
