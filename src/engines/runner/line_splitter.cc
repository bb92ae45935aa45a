#include "engines/runner/line_splitter.h"

#include <algorithm>

namespace runner {
namespace {

bool IsUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Where to cut `text` so that the first piece has at most `limit` bytes and does not end in
// the middle of a UTF-8 sequence (unless the sequence is invalid and spans the whole piece).
size_t CutPoint(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text.size();
  size_t cut = limit;
  size_t back = 0;
  while (cut > 0 && back < 4 && IsUtf8Continuation(text[cut])) {
    --cut;
    ++back;
  }
  return cut == 0 ? limit : cut;
}

}  // namespace

LineSplitter::LineSplitter(size_t max_line_bytes)
    : max_line_bytes_(std::max<size_t>(1, max_line_bytes)) {}

void LineSplitter::EmitBounded(const Emit& emit) {
  while (partial_.size() > max_line_bytes_) {
    size_t cut = CutPoint(partial_, max_line_bytes_);
    emit(std::string_view(partial_).substr(0, cut));
    partial_.erase(0, cut);
  }
}

void LineSplitter::Feed(std::string_view data, const Emit& emit) {
  size_t i = 0;
  while (i < data.size()) {
    if (after_cr_ && data[i] == '\n') {
      after_cr_ = false;
      ++i;
      continue;
    }
    after_cr_ = false;
    size_t room = max_line_bytes_ - std::min(max_line_bytes_, partial_.size());
    size_t end = data.find_first_of("\r\n", i);
    size_t stop = end == std::string_view::npos ? data.size() : end;
    if (stop - i > room) {
      // Fill past the bound and let EmitBounded cut a piece off.
      size_t take = std::max<size_t>(room, 1);
      partial_.append(data.substr(i, take));
      i += take;
      EmitBounded(emit);
      continue;
    }
    partial_.append(data.substr(i, stop - i));
    i = stop;
    if (end == std::string_view::npos) break;
    bool is_cr = data[end] == '\r';
    ++i;
    // A lone "\r" that ends nothing (the start of a redraw) is not an empty line.
    if (!is_cr || !partial_.empty()) emit(partial_);
    partial_.clear();
    after_cr_ = is_cr;
  }
  EmitBounded(emit);
}

void LineSplitter::Flush(const Emit& emit) {
  if (!partial_.empty()) emit(partial_);
  partial_.clear();
  after_cr_ = false;
}

}  // namespace runner
