#include "engines/storage/byte_source.h"

#include <algorithm>
#include <cstring>

namespace storage {

size_t StringSource::Read(char* buf, size_t n) {
  size_t take = std::min(n, data_.size() - pos_);
  std::memcpy(buf, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

std::string ReadAll(ByteSource& source) {
  std::string out;
  char buf[65536];
  while (size_t n = source.Read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

}  // namespace storage
