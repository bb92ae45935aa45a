#include "services/glue/glue_common.h"

#include "base/crypto.h"
#include "base/time.h"
#include "engines/sql/common/error.h"
#include "services/glue/catalog.h"
#include "services/glue/glue_error.h"

namespace glue {

using base::Json;

aws::Operation& Register(aws::Service& svc, const std::string& name, aws::JsonHandler handler) {
  return svc.Handle(
      name, [handler = std::move(handler)](aws::RequestContext& ctx, const Json& in) -> Json {
        try {
          return handler(ctx, in);
        } catch (const GlueError& e) {
          throw aws::ApiError(400, std::string(e.code()), e.what());
        } catch (const sql::Error& e) {
          throw InvalidInput(e.what());
        }
      });
}

aws::ApiError InvalidInput(const std::string& message) {
  return aws::ApiError(400, "InvalidInputException", message);
}

aws::ApiError EntityNotFound(const std::string& message) {
  return aws::ApiError(400, "EntityNotFoundException", message);
}

std::string Required(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_string() || it->get<std::string>().empty()) {
    throw InvalidInput(std::string(name) + " is required.");
  }
  return it->get<std::string>();
}

std::string Optional(const Json& in, const char* name, std::string fallback) {
  auto it = in.find(name);
  return it != in.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::optional<int64_t> OptionalInt(const Json& in, const char* name) {
  auto it = in.find(name);
  if (it == in.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

bool OptionalBool(const Json& in, const char* name, bool fallback) {
  auto it = in.find(name);
  return it != in.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::vector<std::string> StringList(const Json& in, const char* name) {
  std::vector<std::string> out;
  auto it = in.find(name);
  if (it == in.end() || !it->is_array()) return out;
  for (const Json& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

size_t MaxResults(const Json& in, size_t fallback, size_t limit) {
  std::optional<int64_t> n = OptionalInt(in, "MaxResults");
  if (!n) return fallback;
  if (*n < 1) throw InvalidInput("MaxResults must be at least 1.");
  return std::min(static_cast<size_t>(*n), limit);
}

std::vector<Json> PageOf(const std::vector<Json>& items, const Json& in, size_t max_results,
                         Json& out) {
  size_t start = 0;
  std::string token = Optional(in, "NextToken");
  if (!token.empty()) {
    std::optional<std::string> decoded = base::Base64Decode(token);
    try {
      if (!decoded || !decoded->starts_with("o:")) throw std::invalid_argument("token");
      start = std::stoul(decoded->substr(2));
    } catch (const std::exception&) {
      throw InvalidInput("Invalid NextToken.");
    }
  }
  std::vector<Json> page;
  for (size_t i = start; i < items.size() && page.size() < max_results; i++) {
    page.push_back(items[i]);
  }
  if (start + page.size() < items.size()) {
    out["NextToken"] = base::Base64Encode("o:" + std::to_string(start + page.size()));
  }
  return page;
}

std::string GlueArn(const aws::RequestContext& ctx, const std::string& kind,
                    const std::string& name) {
  return ctx.Arn("glue", kind + "/" + name);
}

std::string DatabaseArn(const aws::RequestContext& ctx, const Json& in, const char* member) {
  return GlueArn(ctx, "database", NormalizeName(Optional(in, member)));
}

std::string TableArn(const aws::RequestContext& ctx, const Json& in, const char* table_member) {
  return GlueArn(ctx, "table",
                 NormalizeName(Optional(in, "DatabaseName")) + "/" +
                     NormalizeName(Optional(in, table_member)));
}

double NowSeconds() { return base::ToUnixSecondsDouble(base::Now()); }

}  // namespace glue
