#include "services/sagemaker/training/hyperparameters.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

namespace sagemaker {
namespace {

using base::Json;

// repr() of a Python float: the shortest digits that round-trip, written in fixed notation
// when the decimal exponent is in [-4, 16), else as d.ddde[+-]XX.
std::string PythonFloatRepr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, end);  // "-1.2345e+02"
  bool negative = sci.front() == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  int exponent = std::atoi(sci.c_str() + e + 1);
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    } else {
      size_t int_len = static_cast<size_t>(exponent) + 1;
      if (digits.size() <= int_len) {
        out = digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out = digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
  return negative ? "-" + out : out;
}

std::string PythonRepr(const Json& value);

std::string PythonStringRepr(const std::string& s) {
  // Python prefers single quotes unless the string holds one and no double quote.
  bool single = s.find('\'') != std::string::npos && s.find('"') == std::string::npos;
  char q = single ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c == q) out += '\\';
        out += c;
    }
  }
  return out + q;
}

std::string PythonRepr(const Json& value) {
  if (value.is_string()) return PythonStringRepr(value.get<std::string>());
  return PythonStr(value);
}

}  // namespace

Json DecodeHyperparameter(std::string_view raw) {
  Json parsed = Json::parse(raw.begin(), raw.end(), nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return Json(std::string(raw));
  return parsed;
}

DecodedHyperparameters DecodeHyperparameters(const std::map<std::string, std::string>& raw) {
  DecodedHyperparameters out;
  for (const auto& [name, value] : raw) {
    Json decoded = DecodeHyperparameter(value);
    if (name.starts_with("sagemaker_")) {
      out.framework[name] = std::move(decoded);
    } else {
      out.user[name] = std::move(decoded);
    }
  }
  return out;
}

std::string PythonStr(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string:
      return value.get<std::string>();
    case Json::value_t::boolean:
      return value.get<bool>() ? "True" : "False";
    case Json::value_t::null:
      return "None";
    case Json::value_t::number_integer:
      return std::to_string(value.get<int64_t>());
    case Json::value_t::number_unsigned:
      return std::to_string(value.get<uint64_t>());
    case Json::value_t::number_float:
      return PythonFloatRepr(value.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) out += (i ? ", " : "") + PythonRepr(value[i]);
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        out += (first ? "" : ", ") + PythonStringRepr(k) + ": " + PythonRepr(v);
        first = false;
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

std::vector<std::string> ToCommandArgs(const Json& user_hyperparameters) {
  // nlohmann objects iterate in key order, as the toolkit's sorted(mapping.keys()).
  std::vector<std::string> args;
  for (const auto& [name, value] : user_hyperparameters.items()) {
    args.push_back((name.size() > 1 ? "--" : "-") + name);
    if (value.is_object()) {
      std::string joined;
      for (const auto& [k, v] : value.items()) {
        joined += (joined.empty() ? "" : ",") + k + "=" + PythonStr(v);
      }
      args.push_back(joined);
    } else {
      args.push_back(PythonStr(value));
    }
  }
  return args;
}

std::string CompactJson(const Json& value) {
  switch (value.type()) {
    case Json::value_t::number_float:
      return PythonFloatRepr(value.get<double>());
    case Json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) out += (i ? "," : "") + CompactJson(value[i]);
      return out + "]";
    }
    case Json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [k, v] : value.items()) {
        out += (first ? "" : ",") + Json(k).dump(-1, ' ', true) + ":" + CompactJson(v);
        first = false;
      }
      return out + "}";
    }
    default:
      return value.dump(-1, ' ', true);
  }
}

std::string EnvValue(const Json& value) {
  return value.is_string() ? value.get<std::string>() : CompactJson(value);
}

}  // namespace sagemaker
