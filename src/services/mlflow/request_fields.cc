#include "services/mlflow/request_fields.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "base/strings.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

const base::Json& EmptyArray() {
  static const base::Json kEmpty = base::Json::array();
  return kEmpty;
}

std::optional<int64_t> ParseInt64Text(std::string_view text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc() && p == end && !text.empty()) return v;
  return std::nullopt;
}

std::optional<double> ParseDoubleText(std::string_view text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "Infinity") return std::numeric_limits<double>::infinity();
  if (text == "-Infinity") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec == std::errc() && p == end && !text.empty()) return v;
  return std::nullopt;
}

std::string Text(const base::Json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

RequestFields RequestFields::Parse(const std::vector<std::pair<std::string, std::string>>& query,
                                   std::string_view body) {
  RequestFields f;
  for (const auto& [k, v] : query) {
    if (!base::IsValidUtf8(k) || !base::IsValidUtf8(v)) {
      throw InvalidParameter("Invalid value for parameter '" +
                             std::string(base::IsValidUtf8(k) ? k : "") +
                             "': request parameters must be valid UTF-8.");
    }
    auto it = f.doc_.find(k);
    if (it == f.doc_.end()) {
      f.doc_[k] = v;
    } else {
      if (!it->is_array()) *it = base::Json::array({*it});
      it->push_back(v);
    }
  }
  bool blank = true;
  for (char c : body) blank = blank && (c == ' ' || c == '\n' || c == '\r' || c == '\t');
  if (!blank) {
    if (!base::IsValidUtf8(body)) {
      throw InvalidParameter("Invalid request body: it must be valid UTF-8 JSON.");
    }
    base::Json parsed;
    try {
      parsed = base::ParseJson(body);
    } catch (const base::ParseError& e) {
      throw MlflowError("BAD_REQUEST", std::string("Malformed request body: ") + e.what());
    }
    if (!parsed.is_object()) {
      throw MlflowError("BAD_REQUEST", "Malformed request body: expected a JSON object");
    }
    for (auto& [k, v] : parsed.items()) f.doc_[k] = std::move(v);
  }
  return f;
}

const base::Json* RequestFields::Find(std::string_view name) const {
  auto it = doc_.find(name);
  if (it == doc_.end() || it->is_null()) return nullptr;
  return &*it;
}

bool RequestFields::Has(std::string_view name) const { return Find(name) != nullptr; }

std::optional<std::string> RequestFields::String(std::string_view name) const {
  return JsonString(doc_, name);
}

std::string RequestFields::RequiredString(std::string_view name) const {
  std::optional<std::string> v = String(name);
  if (!v || v->empty()) throw MissingParameter(name);
  return *v;
}

std::optional<int64_t> RequestFields::Int64(std::string_view name) const {
  return JsonInt64(doc_, name);
}

std::optional<double> RequestFields::Double(std::string_view name) const {
  return JsonDouble(doc_, name);
}

std::optional<bool> RequestFields::Bool(std::string_view name) const {
  const base::Json* v = Find(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_array() && v->size() == 1) v = &(*v)[0];
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_string()) {
    std::string s = v->get<std::string>();
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
  }
  throw BadParameterValue(name, Text(*v));
}

std::vector<std::string> RequestFields::Strings(std::string_view name) const {
  std::vector<std::string> out;
  const base::Json* v = Find(name);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    if (!v->is_string()) throw BadParameterValue(name, v->dump());
    out.push_back(v->get<std::string>());
    return out;
  }
  for (const base::Json& e : *v) {
    if (!e.is_string()) throw BadParameterValue(name, e.dump());
    out.push_back(e.get<std::string>());
  }
  return out;
}

const base::Json& RequestFields::Objects(std::string_view name) const {
  const base::Json* v = Find(name);
  if (v == nullptr) return EmptyArray();
  if (!v->is_array()) throw BadParameterValue(name, Text(*v));
  for (const base::Json& e : *v) {
    if (!e.is_object()) throw BadParameterValue(name, e.dump());
  }
  return *v;
}

std::string RequestFields::RunId() const {
  std::optional<std::string> id = String("run_id");
  if (!id || id->empty()) id = String("run_uuid");
  if (!id || id->empty()) throw MissingParameter("run_id");
  return *id;
}

std::optional<int64_t> JsonInt64(const base::Json& doc, std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  const base::Json* v = &*it;
  if (v->is_array() && v->size() == 1) v = &(*v)[0];
  if (v->is_number_integer()) {
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      throw BadParameterValue(name, v->dump());
    }
    return v->get<int64_t>();
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18) {
      return static_cast<int64_t>(d);
    }
  } else if (v->is_string()) {
    if (auto parsed = ParseInt64Text(v->get<std::string>())) return parsed;
  }
  throw BadParameterValue(name, Text(*v));
}

std::optional<double> JsonDouble(const base::Json& doc, std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  const base::Json* v = &*it;
  if (v->is_array() && v->size() == 1) v = &(*v)[0];
  if (v->is_number()) return v->get<double>();
  if (v->is_string()) {
    if (auto parsed = ParseDoubleText(v->get<std::string>())) return parsed;
  }
  throw BadParameterValue(name, Text(*v));
}

std::optional<std::string> JsonString(const base::Json& doc, std::string_view name) {
  auto it = doc.find(name);
  if (it == doc.end() || it->is_null()) return std::nullopt;
  const base::Json* v = &*it;
  if (v->is_array()) {
    if (v->size() != 1) throw BadParameterValue(name, v->dump());
    v = &(*v)[0];
  }
  if (v->is_object()) throw BadParameterValue(name, v->dump());
  return Text(*v);
}

}  // namespace mlflow
