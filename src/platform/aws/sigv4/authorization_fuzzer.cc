// Fuzzes signature extraction and verification: arbitrary Authorization headers, presigned
// query strings, date headers and paths must yield a signature or an AuthError, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "platform/aws/sigv4/auth_error.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/payload_hash.h"
#include "platform/aws/sigv4/request_signature.h"
#include "platform/aws/sigv4/verifier.h"

namespace {

// Splits the input at '\n' into the parts of a request.
std::string_view NextPart(std::string_view* rest) {
  size_t newline = rest->find('\n');
  std::string_view part = rest->substr(0, newline);
  rest->remove_prefix(newline == std::string_view::npos ? rest->size() : newline + 1);
  return part;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  http::Request request;
  request.method = "GET";
  request.path = std::string(NextPart(&rest));
  request.query = std::string(NextPart(&rest));
  std::string_view authorization = NextPart(&rest);
  if (!authorization.empty()) request.headers.Add("Authorization", std::string(authorization));
  request.headers.Add("Host", "localhost");
  std::string_view date = NextPart(&rest);
  if (!date.empty())
    request.headers.Add(date.size() == 16 ? "X-Amz-Date" : "Date", std::string(date));
  std::string_view content_sha = NextPart(&rest);
  if (!content_sha.empty()) request.headers.Add("x-amz-content-sha256", std::string(content_sha));

  (void)aws::sigv4::CanonicalUri(request.path, aws::sigv4::PathStyle::kNormalized);
  (void)aws::sigv4::CanonicalQueryString(request.query, true);
  try {
    auto signature = aws::sigv4::RequestSignature::Extract(request);
    if (!signature) return 0;
    auto payload = aws::sigv4::PayloadHash::Resolve(request, *signature);
    if (payload.needs_body()) payload.SetBody(rest);
    static aws::sigv4::Verifier verifier;
    verifier.Verify(request, *signature, "secret", payload, signature->request_time);
  } catch (const aws::sigv4::AuthError&) {
  }
  return 0;
}
