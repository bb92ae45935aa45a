// A streaming reader of a multipart/form-data body (RFC 7578), as browsers send S3 POST
// uploads: parts one after another, each with its headers (name, filename, Content-Type) and
// its bytes, read without buffering a part whole, so the file part may be any size. Memory
// stays bounded (one 64 KiB buffer; header lines of at most 8 KiB). Malformed framing throws
// aws::ApiError MalformedPOSTRequest. Not thread-safe: the handler's thread only.
#pragma once

#include <cstddef>
#include <string>

#include "platform/http/request.h"

namespace s3 {

class FormDataReader {
 public:
  struct Part {
    std::string name;
    std::string filename;
    std::string content_type;
  };

  FormDataReader(http::BodyReader& body, std::string boundary);

  // Skips the rest of the current part and moves to the next; false after the last part.
  bool NextPart(Part* part);
  // Reads the current part's bytes; returns 0 at the part's end.
  size_t Read(char* buf, size_t n);
  // The rest of the current part as a string (a field's value); MalformedPOSTRequest beyond
  // `limit` bytes.
  std::string ReadAll(size_t limit);

  // The boundary parameter of a multipart/form-data Content-Type, or empty if it is not one.
  static std::string BoundaryOf(std::string_view content_type);

 private:
  bool Fill();
  std::string ReadLine();

  http::BodyReader& body_;
  std::string delimiter_;  // "\r\n--" + boundary
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool part_done_ = false;
  bool finished_ = false;
};

}  // namespace s3
