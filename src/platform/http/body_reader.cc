#include "platform/http/request.h"

namespace http {

std::string BodyReader::ReadAll(size_t limit) {
  std::string out;
  if (auto len = ContentLength()) {
    if (*len > limit) throw BodyError(BodyError::Kind::kTooLarge, "request body too large");
    out.reserve(static_cast<size_t>(*len));
  }
  char buf[65536];
  while (size_t n = Read(buf, sizeof buf)) {
    if (out.size() + n > limit)
      throw BodyError(BodyError::Kind::kTooLarge, "request body too large");
    out.append(buf, n);
  }
  return out;
}

}  // namespace http
