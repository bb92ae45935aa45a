#include "services/s3/form_data_reader.h"

#include <algorithm>
#include <cstring>

#include "base/strings.h"
#include "platform/aws/api_error.h"

namespace s3 {
namespace {

constexpr size_t kFillBytes = 64 * 1024;
constexpr size_t kMaxLine = 8 * 1024;

aws::ApiError Malformed(const std::string& why) {
  return aws::ApiError(
      400, "MalformedPOSTRequest",
      "The body of your POST request is not well-formed multipart/form-data: " + why);
}

std::string Unquote(std::string_view v) {
  v = base::Trim(v);
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return std::string(v);
}

}  // namespace

FormDataReader::FormDataReader(http::BodyReader& body, std::string boundary)
    : body_(body), delimiter_("\r\n--" + boundary), buf_("\r\n") {}

std::string FormDataReader::BoundaryOf(std::string_view content_type) {
  std::vector<std::string> parts = base::Split(content_type, ';');
  if (parts.empty() || base::ToLower(base::Trim(parts[0])) != "multipart/form-data") return "";
  for (size_t i = 1; i < parts.size(); ++i) {
    std::string_view p = base::Trim(parts[i]);
    size_t eq = p.find('=');
    if (eq != std::string_view::npos && base::ToLower(base::Trim(p.substr(0, eq))) == "boundary") {
      std::string b = Unquote(p.substr(eq + 1));
      if (!b.empty() && b.size() <= 70) return b;
    }
  }
  return "";
}

bool FormDataReader::Fill() {
  if (eof_) return false;
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kFillBytes);
  size_t n = body_.Read(buf_.data() + old, kFillBytes);
  buf_.resize(old + n);
  if (n == 0) eof_ = true;
  return n > 0;
}

size_t FormDataReader::Read(char* out, size_t n) {
  if (part_done_ || finished_ || n == 0) return 0;
  while (true) {
    std::string_view avail(buf_.data() + pos_, buf_.size() - pos_);
    size_t at = avail.find(delimiter_);
    size_t deliverable;
    if (at != std::string_view::npos) {
      if (at == 0) {
        part_done_ = true;
        return 0;
      }
      deliverable = at;
    } else {
      deliverable = avail.size() >= delimiter_.size() ? avail.size() - delimiter_.size() + 1 : 0;
    }
    if (deliverable > 0) {
      size_t k = std::min(n, deliverable);
      std::memcpy(out, avail.data(), k);
      pos_ += k;
      return k;
    }
    if (!Fill()) throw Malformed("the body ends before its closing boundary");
  }
}

std::string FormDataReader::ReadLine() {
  while (true) {
    std::string_view avail(buf_.data() + pos_, buf_.size() - pos_);
    size_t at = avail.find("\r\n");
    if (at != std::string_view::npos) {
      std::string line(avail.substr(0, at));
      pos_ += at + 2;
      return line;
    }
    if (avail.size() > kMaxLine) throw Malformed("a part header line is too long");
    if (!Fill()) throw Malformed("the body ends inside a part's headers");
  }
}

bool FormDataReader::NextPart(Part* part) {
  if (finished_) return false;
  char skip[4096];
  while (Read(skip, sizeof(skip)) > 0) {
  }
  pos_ += delimiter_.size();
  while (buf_.size() - pos_ < 2) {
    if (!Fill()) throw Malformed("the body ends after a boundary");
  }
  if (buf_.compare(pos_, 2, "--") == 0) {
    finished_ = true;
    return false;
  }
  if (!base::Trim(ReadLine()).empty()) throw Malformed("a boundary line has trailing text");
  *part = Part{};
  size_t header_bytes = 0;
  while (true) {
    std::string line = ReadLine();
    if (line.empty()) break;
    header_bytes += line.size();
    if (header_bytes > kMaxLine) throw Malformed("a part's headers are too long");
    size_t colon = line.find(':');
    if (colon == std::string::npos) throw Malformed("a part header has no colon");
    std::string name = base::ToLower(base::Trim(std::string_view(line).substr(0, colon)));
    std::string_view value = base::Trim(std::string_view(line).substr(colon + 1));
    if (name == "content-type") {
      part->content_type = std::string(value);
    } else if (name == "content-disposition") {
      for (const std::string& item : base::Split(value, ';')) {
        std::string_view p = base::Trim(item);
        size_t eq = p.find('=');
        if (eq == std::string_view::npos) continue;
        std::string key = base::ToLower(base::Trim(p.substr(0, eq)));
        if (key == "name") part->name = Unquote(p.substr(eq + 1));
        if (key == "filename") part->filename = Unquote(p.substr(eq + 1));
      }
    }
  }
  part_done_ = false;
  return true;
}

std::string FormDataReader::ReadAll(size_t limit) {
  std::string out;
  char chunk[4096];
  while (size_t n = Read(chunk, sizeof(chunk))) {
    if (out.size() + n > limit) throw Malformed("a form field is too large");
    out.append(chunk, n);
  }
  return out;
}

}  // namespace s3
