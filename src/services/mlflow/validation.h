// MLflow's input rules, with its messages: metric, param and tag names (alphanumerics, _ - . :
// space and /, at most 250 characters, and never a path that resolves to another name), value
// length limits, run ids, and the artifact paths the artifact proxy accepts (no `..`, no
// absolute paths, no backslashes or `#`, after percent-decoding until stable). Violations
// throw MlflowError INVALID_PARAMETER_VALUE. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace mlflow {

inline constexpr size_t kMaxEntityKeyLength = 250;
inline constexpr size_t kMaxParamValueLength = 6000;
inline constexpr size_t kMaxTagValueLength = 8000;

// `kind` is "metric", "param" or "tag".
void ValidateKeyName(std::string_view kind, std::string_view key);
void ValidateParamValue(std::string_view key, std::string_view value);
void ValidateTagValue(std::string_view key, std::string_view value);
void ValidateRunId(std::string_view run_id);

// The decoded, checked relative path; throws "Invalid path".
std::string SafeArtifactPath(std::string_view path);

}  // namespace mlflow
