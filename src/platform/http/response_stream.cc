#include "platform/http/response_stream.h"

#include <cstdio>
#include <utility>

#include "base/error.h"
#include "base/strings.h"
#include "platform/http/response_head.h"

namespace http {
namespace {

// True when a Connection field's comma-separated options include "close".
bool HasCloseOption(std::optional<std::string_view> value) {
  if (!value) return false;
  for (const std::string& option : base::Split(*value, ',')) {
    if (base::EqualsIgnoreCase(base::Trim(option), "close")) return true;
  }
  return false;
}

}  // namespace

ResponseStream::ResponseStream(Transport& transport, BodyStream& body, bool head_request,
                               bool http10, bool client_keep_alive)
    : transport_(transport),
      body_(body),
      head_request_(head_request),
      http10_(http10),
      client_keep_alive_(client_keep_alive) {}

void ResponseStream::SetStatus(int status) {
  RequireNotStarted("SetStatus");
  status_ = status;
}

void ResponseStream::Send(std::string_view body) {
  RequireNotStarted("Send");
  bool body_allowed = !head_request_ && StatusAllowsBody(status_);
  // A HEAD (or 304) answer without a body may carry the length the handler set itself.
  std::optional<uint64_t> length;
  if (body_allowed || !body.empty() || !headers_.Has("Content-Length")) length = body.size();
  std::string head = MakeHead(body_allowed ? Framing::kLength : Framing::kNone, length);
  body_.DeclineContinue();
  ended_ = true;
  if (!body_allowed || body.empty()) return transport_.WriteLast(std::move(head));
  if (body.size() <= kCopyLimit) {
    head.append(body);
    return transport_.WriteLast(std::move(head));
  }
  const std::string_view parts[] = {head, body};
  try {
    transport_.Write(parts);
  } catch (...) {
    broken_ = true;
    throw;
  }
}

void ResponseStream::Begin(std::optional<uint64_t> content_length) {
  RequireNotStarted("Begin");
  Framing framing = Framing::kChunked;
  if (head_request_ || !StatusAllowsBody(status_)) {
    framing = Framing::kNone;
  } else if (content_length) {
    framing = Framing::kLength;
  } else if (http10_) {
    framing = Framing::kUntilClose;
  }
  pending_head_ = MakeHead(framing, content_length);
  framing_ = framing;
  declared_length_ = content_length;
}

void ResponseStream::Write(std::string_view data) {
  if (!started_ || ended_) throw base::Error("response Write outside Begin and End");
  if (declared_length_ && data.size() > *declared_length_ - written_) {
    broken_ = true;
    throw base::Error("response body longer than its Content-Length");
  }
  written_ += data.size();
  if (framing_ == Framing::kNone || data.empty()) return;
  std::string_view parts[4];
  size_t n = 0;
  if (!pending_head_.empty()) {
    parts[n++] = pending_head_;
    body_.DeclineContinue();
  }
  char chunk_size[20];
  if (framing_ == Framing::kChunked) {
    int len = std::snprintf(chunk_size, sizeof chunk_size, "%zx\r\n", data.size());
    parts[n++] = std::string_view(chunk_size, static_cast<size_t>(len));
  }
  parts[n++] = data;
  if (framing_ == Framing::kChunked) parts[n++] = "\r\n";
  try {
    transport_.Write(std::span<const std::string_view>(parts, n));
  } catch (...) {
    broken_ = true;
    throw;
  }
  pending_head_.clear();
}

void ResponseStream::End() {
  if (!started_) throw base::Error("response End before Begin");
  if (ended_) return;
  ended_ = true;
  if (framing_ == Framing::kLength && written_ != *declared_length_) {
    broken_ = true;
    throw base::Error("response body shorter than its Content-Length");
  }
  if (!pending_head_.empty()) body_.DeclineContinue();
  std::string last = std::move(pending_head_);
  if (framing_ == Framing::kChunked) last.append("0\r\n\r\n");
  if (!last.empty()) transport_.WriteLast(std::move(last));
}

void ResponseStream::Finish(int failure_status) {
  if (started_ && !ended_ && failure_status != 0 && !pending_head_.empty()) {
    // Begin() ran but nothing reached the wire: the failure can still be answered.
    started_ = false;
    pending_head_.clear();
  }
  if (!started_) {
    if (failure_status == 0) {
      try {
        return Send({});
      } catch (const base::Error&) {
        failure_status = 500;  // the handler left an invalid status or header
      }
    }
    headers_ = Headers();
    status_ = failure_status;
    Send({});
    return;
  }
  if (ended_) return;
  if (failure_status != 0 || (framing_ == Framing::kLength && written_ != *declared_length_)) {
    broken_ = true;
    return;
  }
  End();
}

bool ResponseStream::keep_alive() const {
  return keep_alive_ && !broken_ && body_.CanKeepConnection();
}

std::string ResponseStream::MakeHead(Framing framing, std::optional<uint64_t> length) {
  bool keep_alive = client_keep_alive_ && !transport_.stopping() && body_.CanKeepConnection() &&
                    framing != Framing::kUntilClose && !HasCloseOption(headers_.Get("Connection"));
  headers_.Remove("Connection");
  headers_.Remove("Transfer-Encoding");
  if (framing == Framing::kChunked) {
    headers_.Remove("Content-Length");
    headers_.Add("Transfer-Encoding", "chunked");
  } else if (framing == Framing::kUntilClose || status_ == 204) {
    headers_.Remove("Content-Length");
  } else if (length) {
    headers_.Set("Content-Length", std::to_string(*length));
  }
  if (!keep_alive) {
    headers_.Add("Connection", "close");
  } else if (http10_) {
    headers_.Add("Connection", "keep-alive");
  }
  if (!headers_.Has("Date")) headers_.Add("Date", HttpDateNow());
  std::string head = SerializeResponseHead(status_, headers_);
  if (body_.owes_continue()) head.insert(0, kContinueResponse);
  started_ = true;
  keep_alive_ = keep_alive;
  return head;
}

void ResponseStream::RequireNotStarted(const char* what) const {
  if (started_) throw base::Error(std::string("response ") + what + " after the head was sent");
}

}  // namespace http
