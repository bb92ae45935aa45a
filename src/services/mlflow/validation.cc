#include "services/mlflow/validation.h"

#include <vector>

#include "base/strings.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

// Python's \w with re.UNICODE: ASCII letters, digits and '_', and (approximated) every
// non-ASCII character.
bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c >= 0x80;
}

// posixpath.normpath.
std::string NormPath(std::string_view path) {
  if (path.empty()) return ".";
  bool absolute = path.front() == '/';
  std::vector<std::string> out;
  for (const std::string& part : base::Split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == ".." && !out.empty() && out.back() != "..") {
      out.pop_back();
    } else if (part != ".." || !absolute) {
      out.push_back(part);
    }
  }
  std::string joined = base::Join(out, "/");
  if (absolute) joined = "/" + joined;
  return joined.empty() ? "." : joined;
}

}  // namespace

void ValidateKeyName(std::string_view kind, std::string_view key) {
  if (key.empty()) throw MissingParameter("key");
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (!IsWordByte(c) && c != '/' && c != '.' && c != '-' && c != ' ' && c != ':') {
      throw InvalidParameter("Invalid " + std::string(kind) + " name: '" + std::string(key) +
                             "'. Names may only contain alphanumerics, underscores (_), dashes "
                             "(-), periods (.), spaces ( ), colon(:) and slashes (/).");
    }
  }
  std::string norm = NormPath(key);
  if (norm != key || norm == "." || norm.starts_with("..") || norm.starts_with("/")) {
    throw InvalidParameter("Invalid " + std::string(kind) + " name: '" + std::string(key) +
                           "'. Names may be treated as files in certain cases, and must not "
                           "resolve to other names when treated as such. This name would "
                           "resolve to '" +
                           norm + "'");
  }
  if (key.size() > kMaxEntityKeyLength) {
    throw InvalidParameter("'key' exceeds the maximum length of " +
                           std::to_string(kMaxEntityKeyLength) + " characters");
  }
}

void ValidateParamValue(std::string_view key, std::string_view value) {
  if (value.size() > kMaxParamValueLength) {
    throw InvalidParameter(
        "Param value '" + std::string(value.substr(0, 100)) + "...' had length " +
        std::to_string(value.size()) + ", which exceeded length limit of " +
        std::to_string(kMaxParamValueLength) + " for param '" + std::string(key) + "'");
  }
}

void ValidateTagValue(std::string_view key, std::string_view value) {
  if (value.size() > kMaxTagValueLength) {
    throw InvalidParameter("Tag value '" + std::string(value.substr(0, 100)) + "...' had length " +
                           std::to_string(value.size()) + ", which exceeded length limit of " +
                           std::to_string(kMaxTagValueLength) + " for tag '" + std::string(key) +
                           "'");
  }
}

void ValidateRunId(std::string_view run_id) {
  bool ok = !run_id.empty() && run_id.size() <= 256 &&
            IsWordByte(static_cast<unsigned char>(run_id[0])) && run_id[0] != '_';
  for (char ch : run_id) {
    unsigned char c = static_cast<unsigned char>(ch);
    ok = ok && c < 0x80 && (IsWordByte(c) || c == '-');
  }
  if (!ok) throw InvalidParameter("Invalid run ID: '" + std::string(run_id) + "'");
}

std::string SafeArtifactPath(std::string_view raw) {
  std::string path(raw);
  for (int i = 0; i < 8; ++i) {
    std::optional<std::string> decoded = base::UriDecode(path);
    if (!decoded || *decoded == path) break;
    path = std::move(*decoded);
  }
  auto invalid = [] { return InvalidParameter("Invalid path"); };
  if (!base::IsValidUtf8(path) || path.find('#') != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos) {
    throw invalid();
  }
  if (path.starts_with("/") || (path.size() >= 2 && path[1] == ':')) throw invalid();
  for (const std::string& part : base::Split(path, '/')) {
    if (part == "..") throw invalid();
  }
  return path;
}

}  // namespace mlflow
