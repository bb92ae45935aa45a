#include "platform/aws/protocol/xml_writer.h"

#include <cstdio>

#include "base/strings.h"

namespace aws::protocol::detail {

void XmlWriter::Declaration() { out_ += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }

void XmlWriter::Open(std::string_view name) {
  FinishStartTag();
  out_ += '<';
  out_ += name;
  start_tag_open_ = true;
}

void XmlWriter::Attribute(std::string_view name, std::string_view value) {
  out_ += ' ';
  out_ += name;
  out_ += "=\"";
  Escaped(value);
  out_ += '"';
}

void XmlWriter::Text(std::string_view text) {
  FinishStartTag();
  Escaped(text);
}

void XmlWriter::Close(std::string_view name) {
  if (start_tag_open_) {
    out_ += "/>";
    start_tag_open_ = false;
    return;
  }
  out_ += "</";
  out_ += name;
  out_ += '>';
}

void XmlWriter::Element(std::string_view name, std::string_view text) {
  Open(name);
  Text(text);
  Close(name);
}

void XmlWriter::FinishStartTag() {
  if (start_tag_open_) {
    out_ += '>';
    start_tag_open_ = false;
  }
}

void XmlWriter::Escaped(std::string_view text) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') continue;
    out_ += base::XmlEscape(text.substr(run, i - run));
    char ref[16];
    std::snprintf(ref, sizeof ref, "&#x%X;", c);
    out_ += ref;
    run = i + 1;
  }
  out_ += base::XmlEscape(text.substr(run));
}

}  // namespace aws::protocol::detail
