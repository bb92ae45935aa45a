// JSON documents from and to the wire, hardened for untrusted input: parsing refuses nesting
// deeper than kMaxDepth (before building anything, so no recursion depth depends on the
// input) and numbers beyond double range; dumping never throws on bytes that are not UTF-8.
// Internal to the protocol library; stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/json.h"

namespace aws::protocol::detail {

// Throws InputError(kMalformed).
base::Json ParseJsonDocument(std::string_view text);

// Compact JSON; invalid UTF-8 in strings becomes U+FFFD.
std::string DumpJson(const base::Json& value);

}  // namespace aws::protocol::detail
