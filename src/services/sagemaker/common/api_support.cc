#include "services/sagemaker/common/api_support.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"

namespace sagemaker {

using base::Json;

aws::ApiError ValidationError(const std::string& message) {
  return aws::ApiError(400, "ValidationException", message);
}

aws::ApiError ResourceNotFound(const std::string& message) {
  return aws::ApiError(400, "ResourceNotFound", message);
}

aws::ApiError ResourceInUse(const std::string& message) {
  return aws::ApiError(400, "ResourceInUse", message);
}

aws::ApiError ConflictError(const std::string& message) {
  return aws::ApiError(400, "ConflictException", message);
}

std::string Str(const Json& in, std::string_view member, std::string fallback) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::move(fallback);
}

std::optional<int64_t> OptInt(const Json& in, std::string_view member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

bool Bool(const Json& in, std::string_view member, bool fallback) {
  auto it = in.find(member);
  return it != in.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

const Json& Obj(const Json& in, std::string_view member) {
  static const Json kEmpty = Json::object();
  auto it = in.find(member);
  return it != in.end() && it->is_object() ? *it : kEmpty;
}

const Json& Arr(const Json& in, std::string_view member) {
  static const Json kEmpty = Json::array();
  auto it = in.find(member);
  return it != in.end() && it->is_array() ? *it : kEmpty;
}

int64_t NowMs() { return base::ToUnixMillis(base::Now()); }

double EpochSeconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

std::optional<int64_t> TimestampMs(const Json& in, std::string_view member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_number()) return std::nullopt;
  return static_cast<int64_t>(std::llround(it->get<double>() * 1000.0));
}

Page ReadPage(const Json& in, size_t default_limit) {
  Page page;
  page.limit = default_limit;
  if (auto max = OptInt(in, "MaxResults"); max && *max > 0) page.limit = static_cast<size_t>(*max);
  std::string token = Str(in, "NextToken");
  if (token.empty()) return page;
  auto decoded = base::Base64Decode(token);
  const std::string_view kPrefix = "offset:";
  if (!decoded || !decoded->starts_with(kPrefix)) throw ValidationError("Invalid NextToken.");
  std::string_view digits = std::string_view(*decoded).substr(kPrefix.size());
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), page.offset);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty())
    throw ValidationError("Invalid NextToken.");
  return page;
}

void WritePage(const Page& page, std::vector<Json> items, const char* member, Json& out) {
  out[member] = Json::array();
  size_t end = std::min(items.size(), page.offset + page.limit);
  for (size_t i = std::min(page.offset, items.size()); i < end; ++i)
    out[member].push_back(std::move(items[i]));
  if (end < items.size()) out["NextToken"] = base::Base64Encode("offset:" + std::to_string(end));
}

std::string S3Location::Uri() const { return "s3://" + bucket + "/" + key; }

std::optional<S3Location> ParseS3Uri(std::string_view uri) {
  constexpr std::string_view kScheme = "s3://";
  if (!uri.starts_with(kScheme)) return std::nullopt;
  std::string_view rest = uri.substr(kScheme.size());
  size_t slash = rest.find('/');
  S3Location loc;
  loc.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) loc.key = std::string(rest.substr(slash + 1));
  if (loc.bucket.empty()) return std::nullopt;
  return loc;
}

std::string JoinKey(std::string_view prefix, std::string_view suffix) {
  while (!suffix.empty() && suffix.front() == '/') suffix.remove_prefix(1);
  if (prefix.empty()) return std::string(suffix);
  std::string out(prefix);
  if (out.back() != '/') out += '/';
  return out + std::string(suffix);
}

std::string SageMakerArn(std::string_view region, std::string_view account, std::string_view type,
                         std::string_view name) {
  return "arn:aws:sagemaker:" + std::string(region) + ":" + std::string(account) + ":" +
         std::string(type) + "/" + base::ToLower(name);
}

std::string NameKey(std::string_view name) { return base::ToLower(name); }

std::string ValidUtf8(std::string_view text) {
  if (base::IsValidUtf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  size_t i = 0;
  while (i < text.size()) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len > 0 && i + len <= text.size() && base::IsValidUtf8(text.substr(i, len))) {
      out.append(text.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

std::string TruncateUtf8(std::string_view text, size_t max_bytes) {
  std::string valid = ValidUtf8(text);
  if (valid.size() <= max_bytes) return valid;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(valid[cut]) & 0xC0) == 0x80) --cut;
  return valid.substr(0, cut);
}

std::string CanonicalUserId(std::string_view account_id) {
  return base::HexEncode(base::Sha256("unistudio-canonical-user:" + std::string(account_id)));
}

}  // namespace sagemaker
