// Fuzzes the DQDL parser and the rule compiler: any text must either parse or raise
// DqSyntaxError, and every ruleset that parses must compile to SQL and be judged from empty
// answers without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "services/glue/dq_rule_compiler.h"
#include "services/glue/dq_ruleset_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  glue::DqRuleset ruleset;
  try {
    ruleset = glue::ParseDqRuleset(text);
  } catch (const glue::DqSyntaxError&) {
    return 0;
  }
  glue::DqRuleCompiler compiler(std::move(ruleset), {"id", "name", "price"});
  if (compiler.ScanSql().empty()) __builtin_trap();
  std::vector<glue::DqAnswer> aggregates(compiler.aggregates().size());
  std::vector<glue::DqAnswer> statements(compiler.statements().size());
  for (glue::DqAnswer& a : aggregates) a.values = {std::nullopt};
  std::vector<glue::DqRuleResult> results = compiler.Judge(aggregates, statements);
  for (const glue::DqRuleResult& r : results) {
    if (r.result != "PASS" && r.result != "FAIL" && r.result != "ERROR") __builtin_trap();
  }
  return 0;
}
