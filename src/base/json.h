// JSON for the whole project: nlohmann::json under a short name. Parsing helpers turn
// malformed input into base::ParseError instead of nlohmann's exception types.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace base {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

// Parses `text`; throws base::ParseError (with nlohmann's byte position) when it is not JSON.
Json ParseJson(std::string_view text);

}  // namespace base
