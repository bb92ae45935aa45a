#include "platform/http/body_stream.h"

#include <algorithm>
#include <cstring>

namespace http {

BodyStream::BodyStream(Transport& transport, std::optional<uint64_t> content_length,
                       bool expect_continue, std::string prefetched, bool complete)
    : transport_(transport),
      content_length_(content_length),
      continue_pending_(expect_continue && !complete),
      continue_owed_(expect_continue && complete),
      prefetched_(std::move(prefetched)),
      complete_(complete),
      received_(prefetched_.size()) {}

size_t BodyStream::Read(char* buf, size_t n) {
  if (failure_) throw *failure_;
  if (n == 0) return 0;
  if (prefetched_pos_ < prefetched_.size()) {
    size_t k = std::min(n, prefetched_.size() - prefetched_pos_);
    std::memcpy(buf, prefetched_.data() + prefetched_pos_, k);
    prefetched_pos_ += k;
    return k;
  }
  if (complete_) return 0;
  if (continue_declined_) {
    throw BodyError(BodyError::Kind::kClientGone, "request body declined by the response");
  }
  bool send_continue = continue_pending_;
  continue_pending_ = false;
  try {
    Transport::ReadResult r = transport_.ReadBody(buf, n, send_continue);
    received_ += r.bytes;
    complete_ = r.complete;
    return r.bytes;
  } catch (const BodyError& e) {
    failure_ = e;
    throw;
  }
}

bool BodyStream::CanKeepConnection() const {
  if (complete_) return true;
  if (failure_ || continue_pending_ || !content_length_) return false;
  return *content_length_ - received_ <= kDrainLimit;
}

}  // namespace http
