// Helpers shared by the Glue API operation files: registering an operation whose domain errors
// (GlueError) become Glue's error answers, reading input members, NextToken paging, and the
// ARNs Glue resources are authorized by.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/json.h"
#include "platform/aws/api_error.h"
#include "platform/aws/service.h"

namespace glue {

// Registers `name`; GlueError and sql::Error thrown by `handler` are answered as Glue's
// exceptions (400 with the error's code; engine errors as InvalidInputException).
aws::Operation& Register(aws::Service& svc, const std::string& name, aws::JsonHandler handler);

aws::ApiError InvalidInput(const std::string& message);
aws::ApiError EntityNotFound(const std::string& message);

// The input member `name` as a string; InvalidInputException when absent or empty.
std::string Required(const base::Json& in, const char* name);
std::string Optional(const base::Json& in, const char* name, std::string fallback = "");
std::optional<int64_t> OptionalInt(const base::Json& in, const char* name);
bool OptionalBool(const base::Json& in, const char* name, bool fallback = false);
// A list of strings member (absent: empty).
std::vector<std::string> StringList(const base::Json& in, const char* name);

// MaxResults bounded to [1, limit], `fallback` when absent.
size_t MaxResults(const base::Json& in, size_t fallback, size_t limit);
// Offset paging over an already ordered list: the page starting at NextToken (an opaque
// offset) with at most `max_results` items; sets NextToken in `out` when more remain.
std::vector<base::Json> PageOf(const std::vector<base::Json>& items, const base::Json& in,
                               size_t max_results, base::Json& out);

// arn:aws:glue:<region>:<account>:<kind>/<name>
std::string GlueArn(const aws::RequestContext& ctx, const std::string& kind,
                    const std::string& name);
std::string DatabaseArn(const aws::RequestContext& ctx, const base::Json& in,
                        const char* member = "DatabaseName");
std::string TableArn(const aws::RequestContext& ctx, const base::Json& in,
                     const char* table_member = "TableName");

// The current time as epoch seconds, the form handlers give timestamps in.
double NowSeconds();

}  // namespace glue
