// Fuzzes the multipart/form-data reader of browser POST uploads: the first byte picks how many
// bytes each underlying read returns and how much each part read asks for; the rest is a
// Content-Type line and the body. Any input must parse or throw MalformedPOSTRequest (an
// aws::ApiError), never crash, and never yield more part bytes than the body holds.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "platform/aws/api_error.h"
#include "services/s3/form_data_reader.h"

namespace {

class StepReader : public http::BodyReader {
 public:
  StepReader(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  size_t Read(char* buf, size_t n) override {
    size_t k = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  std::optional<uint64_t> ContentLength() const override { return data_.size(); }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

}  // namespace

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
  StepReader raw(body, step);
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
