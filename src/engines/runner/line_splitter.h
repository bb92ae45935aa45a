// Cuts a byte stream (a process's stdout or stderr) into lines. A line ends at "\n", "\r\n" or
// a lone "\r" (progress bars redraw with it); the terminator is not part of the line. A line
// longer than the bound is emitted in pieces of at most that many bytes, cut before a UTF-8
// sequence rather than inside it, so memory stays bounded whatever the process writes.
// Not thread-safe; one instance per stream.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace runner {

class LineSplitter {
 public:
  using Emit = std::function<void(std::string_view line)>;

  explicit LineSplitter(size_t max_line_bytes);

  // Consumes `data`, calling `emit` for every line it completes.
  void Feed(std::string_view data, const Emit& emit);
  // Emits the unterminated rest, if any (at end of stream).
  void Flush(const Emit& emit);

 private:
  void EmitBounded(const Emit& emit);

  size_t max_line_bytes_;
  std::string partial_;
  bool after_cr_ = false;  // the previous byte was a '\r' (a following '\n' belongs to it)
};

}  // namespace runner
