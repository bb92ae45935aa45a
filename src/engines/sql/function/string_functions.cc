// String functions (UTF-8 aware where Trino counts characters): lower, upper, length,
// substr, trim family, replace, split_part, strpos, lpad/rpad, reverse, starts_with,
// regexp_like/extract/replace (RE2), chr, codepoint.
#include <re2/re2.h>

#include <cstring>

#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

bool IsStringArg(const FunctionArg& a) { return a.type.IsString() || a.type.id() == TypeId::kUnknown; }
bool IsIntArg(const FunctionArg& a) { return a.type.IsInteger() || a.type.id() == TypeId::kUnknown; }

size_t Utf8CharLen(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 6) return 2;
  if ((c >> 4) == 14) return 3;
  if ((c >> 3) == 30) return 4;
  return 1;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Byte offset of the character with index `chars` (0-based), clamped to the end.
size_t Utf8Offset(std::string_view s, size_t chars) {
  size_t i = 0;
  while (chars > 0 && i < s.size()) {
    i += Utf8CharLen(static_cast<unsigned char>(s[i]));
    chars--;
  }
  return std::min(i, s.size());
}

std::string_view& Str(Vector& v, size_t i) { return v.data<std::string_view>()[i]; }
std::string_view StrArg(const Vector& v, size_t i) { return v.data<std::string_view>()[Idx(v, i)]; }
int64_t IntArg(const Vector& v, size_t i) { return v.data<int64_t>()[Idx(v, i)]; }

template <class F>
void ForValid(Vector& out, size_t count, F&& f) {
  const uint8_t* valid = OutValidity(out);
  for (size_t i = 0; i < count; i++) {
    if (!valid || valid[i]) f(i);
  }
}

template <bool kUpper>
void CaseKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    char* p = out.heap().Allocate(s.size());
    for (size_t k = 0; k < s.size(); k++) {
      char c = s[k];
      if (kUpper) {
        p[k] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
      } else {
        p[k] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
    }
    Str(out, i) = std::string_view(p, s.size());
  });
}

void LengthKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    out.data<int64_t>()[i] = static_cast<int64_t>(Utf8Length(StrArg(args[0], i)));
  });
}

void SubstrKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  out.KeepStringsOf(args[0]);
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    int64_t start = IntArg(args[1], i);
    int64_t len_chars = static_cast<int64_t>(Utf8Length(s));
    int64_t length = args.size() > 2 ? IntArg(args[2], i) : len_chars;
    if (start == 0 || length <= 0 || start > len_chars || -start > len_chars) {
      Str(out, i) = {};
      return;
    }
    int64_t from = start > 0 ? start - 1 : len_chars + start;
    size_t b = Utf8Offset(s, static_cast<size_t>(from));
    size_t e = Utf8Offset(s.substr(b), static_cast<size_t>(std::min(length, len_chars - from)));
    Str(out, i) = s.substr(b, e);
  });
}

// mode: 0 both, 1 leading, 2 trailing
template <int kMode>
void TrimKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  out.KeepStringsOf(args[0]);
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    std::string_view chars = args.size() > 1 ? StrArg(args[1], i) : std::string_view(" ");
    auto in_set = [&](char c) { return chars.find(c) != std::string_view::npos; };
    size_t b = 0, e = s.size();
    if (kMode != 2) {
      while (b < e && in_set(s[b])) b++;
    }
    if (kMode != 1) {
      while (e > b && in_set(s[e - 1])) e--;
    }
    Str(out, i) = s.substr(b, e - b);
  });
}

void ReplaceKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    std::string_view from = StrArg(args[1], i);
    std::string_view to = args.size() > 2 ? StrArg(args[2], i) : std::string_view();
    std::string r;
    if (from.empty()) {
      // Trino inserts `to` between every character and at both ends.
      r += to;
      for (size_t k = 0; k < s.size();) {
        size_t n = Utf8CharLen(static_cast<unsigned char>(s[k]));
        r += s.substr(k, n);
        r += to;
        k += n;
      }
    } else {
      size_t pos = 0;
      while (true) {
        size_t f = s.find(from, pos);
        if (f == std::string_view::npos) break;
        r += s.substr(pos, f - pos);
        r += to;
        pos = f + from.size();
      }
      r += s.substr(pos);
    }
    Str(out, i) = out.AddString(r);
  });
}

void SplitPartKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  out.KeepStringsOf(args[0]);
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    std::string_view d = StrArg(args[1], i);
    int64_t idx = IntArg(args[2], i);
    if (idx <= 0) ThrowInvalidArgument("Index must be greater than zero");
    if (d.empty()) {
      if (idx == 1) {
        Str(out, i) = s;
      } else {
        out.SetNull(i);
      }
      return;
    }
    size_t pos = 0;
    for (int64_t k = 1;; k++) {
      size_t f = s.find(d, pos);
      if (k == idx) {
        Str(out, i) = s.substr(pos, f == std::string_view::npos ? std::string_view::npos : f - pos);
        return;
      }
      if (f == std::string_view::npos) {
        out.SetNull(i);
        return;
      }
      pos = f + d.size();
    }
  });
}

void StrposKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    std::string_view sub = StrArg(args[1], i);
    size_t f = s.find(sub);
    out.data<int64_t>()[i] =
        f == std::string_view::npos ? 0 : static_cast<int64_t>(Utf8Length(s.substr(0, f))) + 1;
  });
}

template <bool kLeft>
void PadKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    int64_t size = IntArg(args[1], i);
    std::string_view pad = StrArg(args[2], i);
    if (size < 0 || size > (1 << 20)) ThrowInvalidArgument("Target length must be in the range [0.." + std::to_string(1 << 20) + "]");
    if (pad.empty()) ThrowInvalidArgument("Padding string must not be empty");
    size_t len = Utf8Length(s);
    std::string r;
    if (static_cast<size_t>(size) <= len) {
      r = std::string(s.substr(0, Utf8Offset(s, static_cast<size_t>(size))));
    } else {
      size_t need = static_cast<size_t>(size) - len;
      std::string fill;
      size_t pad_chars = Utf8Length(pad);
      while (need > 0) {
        size_t take = std::min(need, pad_chars);
        fill += pad.substr(0, Utf8Offset(pad, take));
        need -= take;
      }
      r = kLeft ? fill + std::string(s) : std::string(s) + fill;
    }
    Str(out, i) = out.AddString(r);
  });
}

void ReverseKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::string_view s = StrArg(args[0], i);
    char* p = out.heap().Allocate(s.size());
    size_t w = s.size();
    for (size_t k = 0; k < s.size();) {
      size_t n = std::min(Utf8CharLen(static_cast<unsigned char>(s[k])), s.size() - k);
      w -= n;
      std::memcpy(p + w, s.data() + k, n);
      k += n;
    }
    Str(out, i) = std::string_view(p, s.size());
  });
}

void StartsWithKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    out.data<uint8_t>()[i] = StrArg(args[0], i).starts_with(StrArg(args[1], i));
  });
}

void ChrKernel(const BoundFunction&, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    int64_t cp = IntArg(args[0], i);
    if (cp < 0 || cp > 0x10FFFF) ThrowInvalidArgument("Not a valid Unicode code point: " + std::to_string(cp));
    std::string r;
    if (cp < 0x80) {
      r += static_cast<char>(cp);
    } else if (cp < 0x800) {
      r += static_cast<char>(0xC0 | (cp >> 6));
      r += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      r += static_cast<char>(0xE0 | (cp >> 12));
      r += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      r += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      r += static_cast<char>(0xF0 | (cp >> 18));
      r += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      r += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      r += static_cast<char>(0x80 | (cp & 0x3F));
    }
    Str(out, i) = out.AddString(r);
  });
}

// ---- regular expressions ----
struct RegexData {
  std::unique_ptr<RE2> re;
};

std::shared_ptr<RegexData> Compile(std::string_view pattern) {
  auto d = std::make_shared<RegexData>();
  RE2::Options opts;
  opts.set_log_errors(false);
  d->re = std::make_unique<RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!d->re->ok()) ThrowInvalidArgument("Invalid regular expression: " + d->re->error());
  return d;
}

const RE2& RegexFor(const BoundFunction& fn, const Vector& pattern, size_t i,
                    std::shared_ptr<RegexData>* holder) {
  if (fn.data) return *fn.Data<RegexData>().re;
  *holder = Compile(StrArg(pattern, i));
  return *(*holder)->re;
}

void RegexpLikeKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::shared_ptr<RegexData> h;
    const RE2& re = RegexFor(fn, args[1], i, &h);
    std::string_view s = StrArg(args[0], i);
    out.data<uint8_t>()[i] = RE2::PartialMatch(re2::StringPiece(s.data(), s.size()), re);
  });
}

void RegexpExtractKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  out.KeepStringsOf(args[0]);
  ForValid(out, count, [&](size_t i) {
    std::shared_ptr<RegexData> h;
    const RE2& re = RegexFor(fn, args[1], i, &h);
    int64_t group = args.size() > 2 ? IntArg(args[2], i) : 0;
    if (group < 0 || group > re.NumberOfCapturingGroups()) {
      ThrowInvalidArgument("Pattern has " + std::to_string(re.NumberOfCapturingGroups()) +
                           " groups. Cannot access group " + std::to_string(group));
    }
    std::string_view s = StrArg(args[0], i);
    std::vector<re2::StringPiece> groups(static_cast<size_t>(group) + 1);
    re2::StringPiece input(s.data(), s.size());
    if (!re.Match(input, 0, s.size(), RE2::UNANCHORED, groups.data(), static_cast<int>(groups.size())) ||
        groups[group].data() == nullptr) {
      out.SetNull(i);
      return;
    }
    Str(out, i) = std::string_view(groups[group].data(), groups[group].size());
  });
}

void RegexpReplaceKernel(const BoundFunction& fn, std::vector<Vector>& args, size_t count, Vector& out) {
  ForValid(out, count, [&](size_t i) {
    std::shared_ptr<RegexData> h;
    const RE2& re = RegexFor(fn, args[1], i, &h);
    std::string s(StrArg(args[0], i));
    std::string rep = args.size() > 2 ? std::string(StrArg(args[2], i)) : std::string();
    // Trino uses $1 for groups; RE2 uses \1.
    std::string re2rep;
    for (size_t k = 0; k < rep.size(); k++) {
      if (rep[k] == '$' && k + 1 < rep.size() && std::isdigit(static_cast<unsigned char>(rep[k + 1]))) {
        re2rep += '\\';
        re2rep += rep[++k];
      } else if (rep[k] == '\\') {
        re2rep += "\\\\";
      } else {
        re2rep += rep[k];
      }
    }
    RE2::GlobalReplace(&s, re, re2rep);
    Str(out, i) = out.AddString(s);
  });
}

struct Sig {
  const char* name;
  ScalarKernel kernel;
  TypeId ret;
  std::vector<char> args;  // 's' varchar, 'i' bigint
  size_t min_args;
};

std::optional<BoundFunction> ResolveBySig(const Sig& sig, const std::vector<FunctionArg>& args,
                                          std::string* error) {
  if (args.size() < sig.min_args || args.size() > sig.args.size()) {
    *error = std::string("Unexpected number of arguments for function ") + sig.name;
    return std::nullopt;
  }
  std::vector<Type> types;
  for (size_t i = 0; i < args.size(); i++) {
    bool ok = sig.args[i] == 's' ? IsStringArg(args[i]) : IsIntArg(args[i]);
    if (!ok) {
      *error = std::string("Unexpected parameters (") + args[i].type.ToString() +
               ") for function " + sig.name;
      return std::nullopt;
    }
    types.push_back(sig.args[i] == 's' ? Type::Varchar() : Type::Bigint());
  }
  return MakeFunction(sig.name, sig.kernel, Type(sig.ret), types);
}

#define STRING_FN(fname, kernel, ret, min, ...)                                                 \
  [](const std::vector<FunctionArg>& args, std::string* error) -> std::optional<BoundFunction> { \
    static const Sig sig{fname, kernel, ret, {__VA_ARGS__}, min};                               \
    return ResolveBySig(sig, args, error);                                                      \
  }

template <ScalarKernel K>
std::optional<BoundFunction> ResolveRegex(const std::vector<FunctionArg>& args, std::string* error,
                                          TypeId ret, size_t min, size_t max, char third) {
  if (args.size() < min || args.size() > max) {
    *error = "Unexpected number of arguments for regexp function";
    return std::nullopt;
  }
  std::vector<Type> types{Type::Varchar(), Type::Varchar()};
  if (!IsStringArg(args[0]) || !IsStringArg(args[1])) {
    *error = "Unexpected parameters for regexp function";
    return std::nullopt;
  }
  if (args.size() > 2) types.push_back(third == 's' ? Type::Varchar() : Type::Bigint());
  BoundFunction f = MakeFunction("regexp", K, Type(ret), types);
  if (args[1].constant && !args[1].constant->is_null()) {
    try {
      f.data = Compile(args[1].constant->str());
    } catch (const ExecutionError& e) {
      *error = e.what();
      return std::nullopt;
    }
  }
  return f;
}

}  // namespace

void RegisterStringFunctions(ScalarFunctionMap& m) {
  m["lower"] = STRING_FN("lower", &CaseKernel<false>, TypeId::kVarchar, 1, 's');
  m["upper"] = STRING_FN("upper", &CaseKernel<true>, TypeId::kVarchar, 1, 's');
  m["length"] = STRING_FN("length", &LengthKernel, TypeId::kBigint, 1, 's');
  m["char_length"] = m["length"];
  m["substr"] = STRING_FN("substr", &SubstrKernel, TypeId::kVarchar, 2, 's', 'i', 'i');
  m["substring"] = m["substr"];
  m["trim"] = STRING_FN("trim", &TrimKernel<0>, TypeId::kVarchar, 1, 's', 's');
  m["ltrim"] = STRING_FN("ltrim", &TrimKernel<1>, TypeId::kVarchar, 1, 's', 's');
  m["rtrim"] = STRING_FN("rtrim", &TrimKernel<2>, TypeId::kVarchar, 1, 's', 's');
  m["replace"] = STRING_FN("replace", &ReplaceKernel, TypeId::kVarchar, 2, 's', 's', 's');
  m["split_part"] = STRING_FN("split_part", &SplitPartKernel, TypeId::kVarchar, 3, 's', 's', 'i');
  m["strpos"] = STRING_FN("strpos", &StrposKernel, TypeId::kBigint, 2, 's', 's');
  m["lpad"] = STRING_FN("lpad", &PadKernel<true>, TypeId::kVarchar, 3, 's', 'i', 's');
  m["rpad"] = STRING_FN("rpad", &PadKernel<false>, TypeId::kVarchar, 3, 's', 'i', 's');
  m["reverse"] = STRING_FN("reverse", &ReverseKernel, TypeId::kVarchar, 1, 's');
  m["starts_with"] = STRING_FN("starts_with", &StartsWithKernel, TypeId::kBoolean, 2, 's', 's');
  m["chr"] = STRING_FN("chr", &ChrKernel, TypeId::kVarchar, 1, 'i');
  m["regexp_like"] = [](const std::vector<FunctionArg>& a, std::string* e) {
    return ResolveRegex<&RegexpLikeKernel>(a, e, TypeId::kBoolean, 2, 2, 's');
  };
  m["regexp_extract"] = [](const std::vector<FunctionArg>& a, std::string* e) {
    return ResolveRegex<&RegexpExtractKernel>(a, e, TypeId::kVarchar, 2, 3, 'i');
  };
  m["regexp_replace"] = [](const std::vector<FunctionArg>& a, std::string* e) {
    return ResolveRegex<&RegexpReplaceKernel>(a, e, TypeId::kVarchar, 2, 3, 's');
  };
}

}  // namespace sql
