// Helpers for this folder's tests: an in-memory BodyReader that can hand out its bytes in small
// pieces, and a reader of the text form the test vectors are kept in (an "=== name tags" line,
// the request line, "Name:value" header lines, a blank line, the body). Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "platform/http/request.h"

namespace aws::sigv4::testing {

class StringBodyReader : public http::BodyReader {
 public:
  explicit StringBodyReader(std::string data, size_t max_read = std::numeric_limits<size_t>::max())
      : data_(std::move(data)), max_read_(max_read) {}

  size_t Read(char* buf, size_t n) override {
    size_t k = std::min({n, max_read_, data_.size() - pos_});
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  std::optional<uint64_t> ContentLength() const override { return data_.size(); }
  // How many bytes have been read so far.
  size_t position() const { return pos_; }

 private:
  std::string data_;
  size_t max_read_;
  size_t pos_ = 0;
};

// Reads `reader` to its end with reads of `buf_size` bytes.
inline std::string ReadAllWith(http::BodyReader& reader, size_t buf_size) {
  std::string out;
  std::string buf(buf_size, '\0');
  while (size_t n = reader.Read(buf.data(), buf.size())) out.append(buf.data(), n);
  return out;
}

struct TextRequest {
  std::string name;
  std::vector<std::string> tags;  // the words after the name on the "===" line
  http::Request request;
  std::string body;
};

// Parses the "===" blocks of `text`; lines before the first block are comments.
inline std::vector<TextRequest> ParseTextRequests(std::string_view text) {
  std::vector<TextRequest> out;
  std::vector<std::string> lines = base::Split(text, '\n');
  size_t i = 0;
  while (i < lines.size() && !lines[i].starts_with("=== ")) ++i;
  while (i < lines.size()) {
    TextRequest item;
    std::vector<std::string> words = base::Split(lines[i].substr(4), ' ');
    item.name = words[0];
    item.tags.assign(words.begin() + 1, words.end());
    ++i;
    std::vector<std::string> request_line = base::Split(lines[i++], ' ');
    item.request.method = request_line[0];
    item.request.target = request_line[1];
    size_t question = item.request.target.find('?');
    item.request.path = item.request.target.substr(0, question);
    if (question != std::string::npos)
      item.request.query = item.request.target.substr(question + 1);
    for (; i < lines.size() && !lines[i].empty(); ++i) {
      size_t colon = lines[i].find(':');
      item.request.headers.Add(lines[i].substr(0, colon), lines[i].substr(colon + 1));
    }
    ++i;  // the blank line
    std::vector<std::string> body;
    for (; i < lines.size() && !lines[i].starts_with("=== "); ++i) body.push_back(lines[i]);
    // The newline before "===" ends the body's last line in the file; it is not part of it.
    item.body = base::Join(body, "\n");
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace aws::sigv4::testing
