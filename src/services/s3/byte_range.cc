#include "services/s3/byte_range.h"

#include <charconv>

#include "base/strings.h"
#include "platform/aws/api_error.h"

namespace s3 {
namespace {

std::optional<uint64_t> ParseNumber(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

struct RawRange {
  std::optional<uint64_t> first;
  std::optional<uint64_t> last;
};

std::optional<RawRange> ParseSpec(std::string_view header) {
  header = base::Trim(header);
  if (header.substr(0, 6) != "bytes=") return std::nullopt;
  std::string_view spec = base::Trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos) return std::nullopt;
  size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  RawRange r;
  std::string_view a = base::Trim(spec.substr(0, dash));
  std::string_view b = base::Trim(spec.substr(dash + 1));
  if (!a.empty()) {
    r.first = ParseNumber(a);
    if (!r.first) return std::nullopt;
  }
  if (!b.empty()) {
    r.last = ParseNumber(b);
    if (!r.last) return std::nullopt;
  }
  if (!r.first && !r.last) return std::nullopt;
  if (r.first && r.last && *r.last < *r.first) return std::nullopt;
  return r;
}

aws::ApiError InvalidRange(std::string_view header, uint64_t size) {
  aws::ApiError e(416, "InvalidRange", "The requested range is not satisfiable");
  e.With("RangeRequested", std::string(header));
  e.With("ActualObjectSize", std::to_string(size));
  return e;
}

}  // namespace

std::optional<storage::ByteRange> ParseRange(std::string_view header, uint64_t size) {
  std::optional<RawRange> r = ParseSpec(header);
  if (!r) return std::nullopt;
  if (!r->first) {  // suffix: the last N bytes
    if (*r->last == 0 || size == 0) throw InvalidRange(header, size);
    uint64_t n = std::min(*r->last, size);
    return storage::ByteRange{size - n, size - 1};
  }
  if (*r->first >= size) throw InvalidRange(header, size);
  uint64_t last = r->last ? std::min(*r->last, size - 1) : size - 1;
  return storage::ByteRange{*r->first, last};
}

std::string ContentRange(const storage::ByteRange& range, uint64_t size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
         std::to_string(size);
}

storage::ByteRange ParseCopySourceRange(std::string_view header, uint64_t size) {
  std::optional<RawRange> r = ParseSpec(header);
  if (!r || !r->first || !r->last) {
    throw aws::ApiError(400, "InvalidArgument",
                        "The x-amz-copy-source-range value must be of the form bytes=first-last "
                        "where first and last are the zero-based offsets of the first and last "
                        "bytes to copy");
  }
  if (*r->last >= size) {
    // What S3 answers (not InvalidRange, as GetObject does).
    throw aws::ApiError(400, "InvalidArgument",
                        "Range specified is not valid for source object of size: " +
                            std::to_string(size))
        .With("ArgumentName", "x-amz-copy-source-range")
        .With("ArgumentValue", std::string(header));
  }
  return storage::ByteRange{*r->first, *r->last};
}

}  // namespace s3
