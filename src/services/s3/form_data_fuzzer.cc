// Fuzzes the multipart/form-data reader of browser POST uploads: the first byte picks how many
// bytes each underlying read returns and how much each part read asks for; the rest is a
// Content-Type line and the body. Any input must parse or throw MalformedPOSTRequest (an
// aws::ApiError), never crash, and never yield more part bytes than the body holds.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "platform/aws/api_error.h"
#include "platform/aws/sigv4/sigv4_test_util.h"
#include "services/s3/form_data_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t step = 1 + (data[0] & 0x0f) * 997;
  size_t chunk = 1 + (data[0] >> 4) * 4099;
  std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t newline = rest.find('\n');
  std::string content_type = newline == std::string::npos ? "" : rest.substr(0, newline);
  std::string body = newline == std::string::npos ? rest : rest.substr(newline + 1);
  std::string boundary = s3::FormDataReader::BoundaryOf(content_type);
  if (boundary.empty()) boundary = "XyZ";
  aws::sigv4::testing::StringBodyReader raw(body, step);
  size_t yielded = 0;
  try {
    s3::FormDataReader reader(raw, boundary);
    s3::FormDataReader::Part part;
    std::string buf(chunk, '\0');
    for (int i = 0; reader.NextPart(&part); ++i) {
      if (i % 2 == 0) {
        yielded += reader.ReadAll(1 << 20).size();
      } else {
        while (size_t n = reader.Read(buf.data(), buf.size())) yielded += n;
      }
    }
  } catch (const aws::ApiError&) {
  }
  if (yielded > body.size()) std::abort();
  return 0;
}
