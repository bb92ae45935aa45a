#include "platform/aws/sigv4/content_sha256_reader.h"

#include <gtest/gtest.h>

#include "base/strings.h"
#include "platform/aws/sigv4/payload_error.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/sigv4_test_util.h"

namespace aws::sigv4 {
namespace {

TEST(ContentSha256Reader, PassesAMatchingBodyThrough) {
  std::string body(100000, 'q');
  testing::StringBodyReader raw(body, 3000);
  ContentSha256Reader reader(&raw, base::ToUpper(HashPayload(body)));  // case does not matter
  EXPECT_EQ(reader.ContentLength(), 100000u);
  char c;
  EXPECT_EQ(reader.Read(&c, 0), 0u);
  EXPECT_EQ(raw.position(), 0u);
  EXPECT_EQ(testing::ReadAllWith(reader, 777), body);
  EXPECT_EQ(reader.Read(&c, 1), 0u);
}

TEST(ContentSha256Reader, RefusesTheEndOfAMismatchingBody) {
  testing::StringBodyReader raw("tampered");
  ContentSha256Reader reader(&raw, HashPayload("original"));
  std::string delivered;
  char buf[3];
  try {
    while (size_t n = reader.Read(buf, sizeof buf)) delivered.append(buf, n);
    FAIL() << "the end of a mismatching body was reported";
  } catch (const PayloadError& e) {
    EXPECT_EQ(e.reason(), PayloadError::Reason::kContentSha256Mismatch);
    EXPECT_EQ(e.kind(), http::BodyError::Kind::kMalformed);
    EXPECT_EQ(e.expected(), HashPayload("original"));
    EXPECT_EQ(e.actual(), HashPayload("tampered"));
  }
  EXPECT_EQ(delivered, "tampered");
  // The failure is final.
  EXPECT_THROW(reader.Read(buf, sizeof buf), PayloadError);
}

}  // namespace
}  // namespace aws::sigv4
