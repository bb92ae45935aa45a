#include "platform/aws/sigv4/aws_chunked_reader.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "base/strings.h"
#include "platform/aws/sigv4/canonical_request.h"
#include "platform/aws/sigv4/payload_error.h"

namespace aws::sigv4 {
namespace {

// A chunk header is "<16 hex digits at most>;chunk-signature=<64 hex>"; trailers are short.
constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxTrailerBytes = 16 * 1024;
constexpr std::string_view kSignatureExtension = "chunk-signature=";

using Reason = PayloadError::Reason;

[[noreturn]] void Malformed(const std::string& message) {
  throw PayloadError(Reason::kMalformedChunk, "Invalid aws-chunked body: " + message);
}

[[noreturn]] void MalformedTrailer(const std::string& message) {
  throw PayloadError(Reason::kMalformedTrailer,
                     "The request contained trailing data that was not well-formed: " + message);
}

[[noreturn]] void Incomplete() {
  throw PayloadError(Reason::kIncompleteBody,
                     "The request body ended before the aws-chunked encoding was complete.");
}

std::optional<uint64_t> ParseHexSize(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    int digit = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<uint64_t>(digit);
  }
  return value;
}

bool IsLowerHexSignature(std::string_view s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f;
  });
}

}  // namespace

AwsChunkedReader::AwsChunkedReader(http::BodyReader* raw, Options options)
    : raw_(raw), options_(std::move(options)), in_(std::make_unique<char[]>(kBufferSize)) {
  if (is_signed() && !options_.chain) {
    throw std::invalid_argument("a signed aws-chunked body needs a signature chain");
  }
}

size_t AwsChunkedReader::Read(char* buf, size_t n) {
  if (error_) std::rethrow_exception(error_);
  if (n == 0) return 0;
  try {
    while (out_pos_ == out_.size()) {
      if (state_ == State::kDone) return 0;
      Step();
    }
    size_t k = std::min(n, out_.size() - out_pos_);
    std::memcpy(buf, out_.data() + out_pos_, k);
    out_pos_ += k;
    return k;
  } catch (...) {
    error_ = std::current_exception();
    throw;
  }
}

void AwsChunkedReader::Step() {
  switch (state_) {
    case State::kChunkHeader:
      ReadChunkHeader();
      return;
    case State::kChunkData:
      ReadChunkData();
      return;
    case State::kTrailers:
      ReadTrailers();
      return;
    case State::kDone:
      return;
  }
}

bool AwsChunkedReader::Fill() {
  if (raw_eof_) return false;
  // Callers fill only when less than a line is pending, so compacting always leaves room.
  if (in_begin_ > 0) {
    std::memmove(in_.get(), in_.get() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  size_t got = raw_->Read(in_.get() + in_end_, kBufferSize - in_end_);
  in_end_ += got;
  if (got == 0) raw_eof_ = true;
  return got > 0;
}

std::optional<std::string> AwsChunkedReader::ReadLine() {
  while (true) {
    std::string_view pending(in_.get() + in_begin_, in_end_ - in_begin_);
    size_t crlf = pending.find("\r\n");
    if (crlf != std::string_view::npos) {
      if (crlf > kMaxLine) {
        Malformed("a line is longer than " + std::to_string(kMaxLine) + " bytes");
      }
      std::string line(pending.substr(0, crlf));
      in_begin_ += crlf + 2;
      return line;
    }
    if (pending.size() > kMaxLine) {
      Malformed("a line is longer than " + std::to_string(kMaxLine) + " bytes");
    }
    if (!Fill()) {
      if (in_begin_ == in_end_) return std::nullopt;
      Incomplete();
    }
  }
}

void AwsChunkedReader::ExpectCrlf() {
  while (in_end_ - in_begin_ < 2) {
    if (!Fill()) Incomplete();
  }
  if (in_[in_begin_] != '\r' || in_[in_begin_ + 1] != '\n') {
    Malformed("chunk " + std::to_string(chunk_index_) + " is not followed by CRLF");
  }
  in_begin_ += 2;
}

void AwsChunkedReader::VerifySignature(const std::string& expected, const std::string& provided) {
  if (!base::ConstantTimeEqual(expected, provided)) {
    throw PayloadError(Reason::kChunkSignatureMismatch,
                       "The signature of chunk " + std::to_string(chunk_index_) +
                           " does not match: the request signature we calculated does not match "
                           "the signature you provided.");
  }
}

void AwsChunkedReader::ReadChunkHeader() {
  std::optional<std::string> line = ReadLine();
  if (!line) Incomplete();
  std::string_view header(*line);
  std::string_view size_text = header;
  if (is_signed()) {
    size_t semicolon = header.find(';');
    if (semicolon == std::string_view::npos) {
      Malformed("chunk " + std::to_string(chunk_index_) + " has no chunk-signature");
    }
    size_text = header.substr(0, semicolon);
    std::string_view extension = header.substr(semicolon + 1);
    if (!extension.starts_with(kSignatureExtension) ||
        !IsLowerHexSignature(extension.substr(kSignatureExtension.size()))) {
      Malformed("chunk " + std::to_string(chunk_index_) + " has a malformed chunk-signature");
    }
    chunk_signature_ = std::string(extension.substr(kSignatureExtension.size()));
  }
  std::optional<uint64_t> size = ParseHexSize(size_text);
  if (!size) Malformed("chunk " + std::to_string(chunk_index_) + " has a malformed size");
  if (options_.decoded_length && *size > *options_.decoded_length - decoded_) {
    throw PayloadError(Reason::kDecodedLengthMismatch,
                       "The aws-chunked body holds more bytes than x-amz-decoded-content-length.",
                       std::to_string(*options_.decoded_length),
                       "more than " + std::to_string(*options_.decoded_length));
  }
  if (*size == 0) {
    if (is_signed()) {
      VerifySignature(options_.chain->NextChunk(kEmptySha256), chunk_signature_);
    }
    state_ = State::kTrailers;
    return;
  }
  chunk_remaining_ = *size;
  if (is_signed()) chunk_digest_.emplace(base::DigestAlgorithm::kSha256);
  state_ = State::kChunkData;
}

void AwsChunkedReader::ReadChunkData() {
  out_.clear();
  out_pos_ = 0;
  // Unsigned data goes out as it arrives; signed data is held until verified or until the hold
  // is full (and then more of the chunk, with its signature, is still to come).
  while (chunk_remaining_ > 0 && (is_signed() ? out_.size() < kMaxHeldChunkBytes : out_.empty())) {
    if (in_begin_ == in_end_ && !Fill()) Incomplete();
    size_t take = std::min<uint64_t>(chunk_remaining_, in_end_ - in_begin_);
    if (is_signed()) take = std::min(take, kMaxHeldChunkBytes - out_.size());
    std::string_view data(in_.get() + in_begin_, take);
    out_.append(data);
    if (is_signed()) chunk_digest_->Update(data);
    in_begin_ += take;
    chunk_remaining_ -= take;
    decoded_ += take;
  }
  if (chunk_remaining_ > 0) return;
  ExpectCrlf();
  if (is_signed()) {
    std::string expected = options_.chain->NextChunk(base::HexEncode(chunk_digest_->Final()));
    chunk_digest_.reset();
    try {
      VerifySignature(expected, chunk_signature_);
    } catch (...) {
      out_.clear();
      throw;
    }
  }
  ++chunk_index_;
  state_ = State::kChunkHeader;
}

void AwsChunkedReader::ReadTrailers() {
  std::optional<std::string> trailer_signature;
  size_t trailer_bytes = 0;
  while (true) {
    // The end of the body in place of the final empty line is accepted.
    std::optional<std::string> line = ReadLine();
    if (!line || line->empty()) break;
    trailer_bytes += line->size();
    if (trailer_bytes > kMaxTrailerBytes) MalformedTrailer("the trailers are too large");
    if (options_.variant == Variant::kSigned) {
      MalformedTrailer("STREAMING-AWS4-HMAC-SHA256-PAYLOAD bodies carry no trailers");
    }
    size_t colon = line->find(':');
    if (colon == std::string::npos) MalformedTrailer("a trailer line has no ':'");
    std::string name = base::ToLower(base::Trim(std::string_view(*line).substr(0, colon)));
    std::string value(base::Trim(std::string_view(*line).substr(colon + 1)));
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar) || HasControl(value)) {
      MalformedTrailer("a trailer line is malformed");
    }
    if (name == "x-amz-trailer-signature") {
      if (options_.variant != Variant::kSignedTrailer || trailer_signature) {
        MalformedTrailer("unexpected x-amz-trailer-signature");
      }
      trailer_signature = std::move(value);
      continue;
    }
    if (!trailers_.emplace(name, std::move(value)).second) {
      MalformedTrailer("the trailer " + name + " appears more than once");
    }
  }
  for (const std::string& declared : options_.declared_trailers) {
    if (!trailers_.contains(declared)) {
      MalformedTrailer("the trailer " + declared + " declared in x-amz-trailer is missing");
    }
  }
  for (const auto& [name, value] : trailers_) {
    const auto& declared = options_.declared_trailers;
    if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
      MalformedTrailer("the trailer " + name + " was not declared in x-amz-trailer");
    }
  }
  if (options_.variant == Variant::kSignedTrailer) {
    std::string expected =
        options_.chain->Trailer(ChunkSignatureChain::CanonicalTrailers(trailers_));
    if (!trailer_signature || !base::ConstantTimeEqual(expected, *trailer_signature)) {
      throw PayloadError(Reason::kTrailerSignatureMismatch,
                         trailer_signature ? "The x-amz-trailer-signature does not match."
                                           : "The x-amz-trailer-signature is missing.");
    }
  }
  if (in_begin_ != in_end_ || Fill()) Malformed("data follows the end of the aws-chunked body");
  if (options_.decoded_length && decoded_ != *options_.decoded_length) {
    throw PayloadError(Reason::kDecodedLengthMismatch,
                       "You did not provide the number of bytes specified by "
                       "x-amz-decoded-content-length.",
                       std::to_string(*options_.decoded_length), std::to_string(decoded_));
  }
  state_ = State::kDone;
}

}  // namespace aws::sigv4
