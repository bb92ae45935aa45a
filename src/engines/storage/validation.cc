#include "engines/storage/validation.h"

#include "base/strings.h"
#include "engines/storage/storage_error.h"

namespace storage {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool LooksLikeIpAddress(std::string_view name) {
  auto parts = base::Split(name, '.');
  if (parts.size() != 4) return false;
  for (const auto& p : parts) {
    if (p.empty() || p.size() > 3) return false;
    for (char c : p) {
      if (c < '0' || c > '9') return false;
    }
  }
  return true;
}

// Counts code points; the text must already be valid UTF-8.
size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// Letters and digits of any script (every non-ASCII code point is let through: S3 accepts
// letters of all languages), spaces, and + - = . _ : / @.
bool IsTagText(std::string_view s) {
  if (!base::IsValidUtf8(s)) return false;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) continue;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '+' || c == '-' || c == '=' || c == '.' || c == '_' || c == ':' ||
              c == '/' || c == '@';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool IsValidBucketName(std::string_view name) {
  if (name.size() < 3 || name.size() > 63) return false;
  for (char c : name) {
    if (!IsLowerAlnum(c) && c != '.' && c != '-') return false;
  }
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  if (name.find("..") != std::string_view::npos) return false;
  if (LooksLikeIpAddress(name)) return false;
  for (std::string_view prefix : {"xn--", "sthree-", "amzn-s3-demo-"}) {
    if (name.starts_with(prefix)) return false;
  }
  for (std::string_view suffix : {"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"}) {
    if (name.ends_with(suffix)) return false;
  }
  return true;
}

void ValidateBucketName(std::string_view name) {
  if (!IsValidBucketName(name)) {
    throw StorageError(ErrorCode::kInvalidBucketName, "The specified bucket is not valid.");
  }
}

void ValidateKey(std::string_view key) {
  if (key.size() > kMaxKeyBytes) {
    throw StorageError(ErrorCode::kKeyTooLong, "Your key is too long");
  }
  if (key.empty() || !base::IsValidUtf8(key)) {
    throw StorageError(ErrorCode::kInvalidArgument, "Object keys must be non-empty UTF-8.");
  }
}

void ValidateTags(const TagSet& tags) {
  if (tags.size() > kMaxTags) {
    throw StorageError(ErrorCode::kInvalidTag, "Object tags cannot be greater than 10");
  }
  for (size_t i = 0; i < tags.size(); ++i) {
    const Tag& t = tags[i];
    if (!IsTagText(t.key) || t.key.empty() || CodePoints(t.key) > 128) {
      throw StorageError(ErrorCode::kInvalidTag, "The TagKey you have provided is invalid");
    }
    if (!IsTagText(t.value) || CodePoints(t.value) > 256) {
      throw StorageError(ErrorCode::kInvalidTag, "The TagValue you have provided is invalid");
    }
    if (base::ToLower(t.key.substr(0, 4)) == "aws:") {
      throw StorageError(ErrorCode::kInvalidTag, "Your TagKey cannot be prefixed with aws:");
    }
    for (size_t j = 0; j < i; ++j) {
      if (tags[j].key == t.key) {
        throw StorageError(ErrorCode::kInvalidTag,
                           "Cannot provide multiple Tags with the same key");
      }
    }
  }
}

void ValidateAttributes(const ObjectAttributes& attributes) {
  auto utf8 = [](const std::optional<std::string>& v) { return !v || base::IsValidUtf8(*v); };
  bool ok = utf8(attributes.content_type) && utf8(attributes.content_encoding) &&
            utf8(attributes.content_disposition) && utf8(attributes.content_language) &&
            utf8(attributes.cache_control) && utf8(attributes.expires) &&
            base::IsValidUtf8(attributes.storage_class);
  for (const auto* map : {&attributes.metadata, &attributes.system}) {
    for (const auto& [name, value] : *map) {
      ok = ok && base::IsValidUtf8(name) && base::IsValidUtf8(value);
    }
  }
  if (!ok) {
    throw StorageError(ErrorCode::kInvalidArgument, "Object headers must be valid UTF-8.");
  }
  size_t bytes = 0;
  for (const auto& [name, value] : attributes.metadata) bytes += name.size() + value.size();
  if (bytes > kMaxUserMetadataBytes) {
    throw StorageError(ErrorCode::kMetadataTooLarge,
                       "Your metadata headers exceed the maximum allowed metadata size.");
  }
}

}  // namespace storage
