#include "engines/sql/function/scalar_function.h"

#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

const ScalarFunctionMap& Functions() {
  static const ScalarFunctionMap kMap = [] {
    ScalarFunctionMap m;
    RegisterOperatorFunctions(m);
    RegisterMathFunctions(m);
    RegisterStringFunctions(m);
    RegisterDateTimeFunctions(m);
    return m;
  }();
  return kMap;
}

}  // namespace

std::optional<BoundFunction> ResolveScalarFunction(const std::string& name,
                                                   const std::vector<FunctionArg>& args,
                                                   std::string* error) {
  const auto& m = Functions();
  auto it = m.find(name);
  if (it == m.end()) {
    *error = "Function '" + name + "' not registered";
    return std::nullopt;
  }
  return it->second(args, error);
}

bool IsScalarFunction(const std::string& name) { return Functions().count(name) > 0; }

}  // namespace sql
