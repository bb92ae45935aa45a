// A small streaming XML writer for response bodies: elements, attributes and escaped text,
// appended to a string. Attributes must be added right after Open(), before any content.
// Characters XML 1.0 cannot carry (control characters other than tab, LF, CR) are written as
// numeric character references, as S3 does. Not thread-safe; one writer per document.
#pragma once

#include <string>
#include <string_view>

namespace aws::protocol::detail {

class XmlWriter {
 public:
  // Writes `<?xml version="1.0" encoding="UTF-8"?>` and a newline.
  void Declaration();
  void Open(std::string_view name);
  void Attribute(std::string_view name, std::string_view value);
  void Text(std::string_view text);
  void Close(std::string_view name);
  // <name>text</name>
  void Element(std::string_view name, std::string_view text);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void FinishStartTag();
  void Escaped(std::string_view text);

  std::string out_;
  bool start_tag_open_ = false;
};

}  // namespace aws::protocol::detail
