#include "services/glue/dq_rule_compiler.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

#include "base/strings.h"

namespace glue {

namespace {

constexpr char kFailed[] = " does not meet the constraint requirement!";

std::string SqlString(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string SqlIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    out += c;
    if (c == '"') out += '"';
  }
  return out + "\"";
}

std::string Text(const std::string& column) { return "CAST(" + column + " AS VARCHAR)"; }

// SQL for "the value satisfies `v` under `op`" where `x` is the row's value.
std::string Compare(const std::string& x, const char* op, const DqValue& v) {
  switch (v.kind) {
    case DqValue::Kind::kNumber:
      return "TRY_CAST(" + x + " AS DOUBLE) " + op + " " + v.text;
    case DqValue::Kind::kString:
      return Text(x) + " " + op + " " + SqlString(v.text);
    case DqValue::Kind::kNow: {
      std::string now = "current_timestamp";
      if (v.number != 0) {
        now = "(current_timestamp " + std::string(v.number < 0 ? "-" : "+") + " INTERVAL '" +
              std::to_string(static_cast<int64_t>(std::fabs(v.number))) + "' SECOND)";
      }
      return "TRY_CAST(" + x + " AS TIMESTAMP) " + op + " " + now;
    }
    case DqValue::Kind::kNull:
      return std::string(op) == "=" ? x + " IS NULL" : x + " IS NOT NULL";
    case DqValue::Kind::kEmpty:
      return Text(x) + " " + op + " ''";
    case DqValue::Kind::kWhitespacesOnly: {
      std::string ws = "(length(" + Text(x) + ") > 0 AND trim(" + Text(x) + ") = '')";
      return std::string(op) == "=" ? ws : "NOT " + ws;
    }
  }
  return "FALSE";
}

// SQL for "the row value `x` meets the expression" (NULL counts as not meeting it).
std::string RowCondition(const std::string& x, const DqExpression& e) {
  auto any_of = [&](const char* op) {
    std::vector<std::string> parts;
    for (const DqValue& v : e.values) parts.push_back("(" + Compare(x, op, v) + ")");
    return "(" + base::Join(parts, " OR ") + ")";
  };
  std::string between = "(" + Compare(x, ">", e.values.front()) + " AND " +
                        Compare(x, "<", e.values.back()) + ")";
  switch (e.op) {
    case DqOperator::kEq:
      return Compare(x, "=", e.values[0]);
    case DqOperator::kNe:
      return Compare(x, "!=", e.values[0]);
    case DqOperator::kGt:
      return Compare(x, ">", e.values[0]);
    case DqOperator::kGe:
      return Compare(x, ">=", e.values[0]);
    case DqOperator::kLt:
      return Compare(x, "<", e.values[0]);
    case DqOperator::kLe:
      return Compare(x, "<=", e.values[0]);
    case DqOperator::kBetween:
      return between;
    case DqOperator::kNotBetween:
      return "NOT " + between;
    case DqOperator::kIn:
      return any_of("=");
    case DqOperator::kNotIn:
      return "NOT " + any_of("=");
    case DqOperator::kMatches:
    case DqOperator::kNotMatches: {
      std::string m = "regexp_like(" + Text(x) + ", " +
                      SqlString("^(?:" + e.values[0].text + ")$") + ")";
      return e.op == DqOperator::kMatches ? m : "NOT " + m;
    }
  }
  return "FALSE";
}

// Whether a metric meets a numeric expression; NaN never does.
bool Satisfies(const DqExpression& e, double v) {
  if (std::isnan(v)) return false;
  auto equal = [v](double x) { return std::fabs(v - x) <= 1e-9 * std::max(1.0, std::fabs(x)); };
  auto n = [&](size_t i) { return e.values[i].number; };
  switch (e.op) {
    case DqOperator::kEq:
      return equal(n(0));
    case DqOperator::kNe:
      return !equal(n(0));
    case DqOperator::kGt:
      return v > n(0);
    case DqOperator::kGe:
      return v >= n(0) || equal(n(0));
    case DqOperator::kLt:
      return v < n(0);
    case DqOperator::kLe:
      return v <= n(0) || equal(n(0));
    case DqOperator::kBetween:
      return v > n(0) && v < n(1);
    case DqOperator::kNotBetween:
      return !(v > n(0) && v < n(1));
    case DqOperator::kIn:
    case DqOperator::kNotIn: {
      bool found = std::any_of(e.values.begin(), e.values.end(),
                               [&](const DqValue& x) { return equal(x.number); });
      return found == (e.op == DqOperator::kIn);
    }
    case DqOperator::kMatches:
    case DqOperator::kNotMatches:
      return false;
  }
  return false;
}

double Ratio(double part, double whole) {
  return whole > 0 ? part / whole : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

struct DqRuleCompiler::Node {
  const DqRule* rule = nullptr;
  std::vector<std::string> columns;  // the parameters that name columns, as SQL identifiers
  std::string missing;               // a parameter naming no column of the table
  std::vector<size_t> aggregates;    // what the scan computes for the rule
  int statement = -1;                // the rule's own statement
  std::vector<Node> operands;        // composite rules
};

struct DqRuleCompiler::Compiled {
  DqRuleset ruleset;
  std::vector<std::string> columns;
  std::vector<std::string> aggregates;
  std::vector<std::string> statements;
  std::vector<Node> nodes;

  size_t Aggregate(const std::string& sql) {
    auto it = std::find(aggregates.begin(), aggregates.end(), sql);
    if (it != aggregates.end()) return it - aggregates.begin();
    aggregates.push_back(sql);
    return aggregates.size() - 1;
  }
  int Statement(const std::string& sql) {
    auto it = std::find(statements.begin(), statements.end(), sql);
    if (it != statements.end()) return static_cast<int>(it - statements.begin());
    statements.push_back(sql);
    return static_cast<int>(statements.size() - 1);
  }

  Node Compile(const DqRule& rule) {
    Node node;
    node.rule = &rule;
    if (rule.kind != DqRule::Kind::kRule) {
      for (const DqRule& operand : rule.operands) node.operands.push_back(Compile(operand));
      return node;
    }
    if (rule.type != "CustomSql") {
      for (const std::string& p : rule.parameters) {
        auto it = std::find_if(columns.begin(), columns.end(), [&](const std::string& c) {
          return base::ToLower(c) == base::ToLower(p);
        });
        if (it == columns.end()) {
          node.missing = p;
          return node;
        }
        node.columns.push_back(SqlIdentifier(*it));
      }
    }
    const std::optional<std::string>& where = rule.where;
    auto rows = [&] { return Aggregate(where ? "count_if((" + *where + "))" : "count(*)"); };
    auto count_if = [&](const std::string& condition) {
      return Aggregate("count_if((" + condition + ")" + (where ? " AND (" + *where + ")" : "") +
                       ")");
    };
    auto over = [&](const std::string& function, const std::string& x) {
      return Aggregate(function + "(" + (where ? "CASE WHEN (" + *where + ") THEN " + x + " END" : x) +
                       ")");
    };
    auto not_null = [&] {
      std::vector<std::string> parts;
      for (const std::string& c : node.columns) parts.push_back(c + " IS NOT NULL");
      return base::Join(parts, " AND ");
    };
    auto group = [&] {
      return Statement("SELECT count(*), count_if(n = 1), sum(n) FROM (SELECT count(*) AS n FROM "
                       "primary WHERE " +
                       not_null() + (where ? " AND (" + *where + ")" : "") + " GROUP BY " +
                       base::Join(node.columns, ", ") + ") AS groups");
    };
    const std::string& t = rule.type;
    if (t == "RowCount") {
      node.aggregates = {rows()};
    } else if (t == "IsComplete" || t == "Completeness") {
      node.aggregates = {rows(), count_if(not_null())};
    } else if (t == "IsUnique" || t == "Uniqueness" || t == "DistinctValuesCount") {
      node.statement = group();
    } else if (t == "IsPrimaryKey") {
      node.aggregates = {rows(), count_if(not_null())};
      node.statement = group();
    } else if (t == "Mean" || t == "Sum" || t == "StandardDeviation") {
      std::string function = t == "Mean" ? "avg" : t == "Sum" ? "sum" : "stddev_pop";
      node.aggregates = {over(function, "TRY_CAST(" + node.columns[0] + " AS DOUBLE)")};
    } else if (t == "ColumnValues") {
      node.aggregates = {rows(), count_if(RowCondition(node.columns[0], *rule.expression))};
    } else if (t == "ColumnLength") {
      std::string length = "length(" + Text(node.columns[0]) + ")";
      node.aggregates = {over("min", length), over("max", length),
                         count_if(RowCondition(length, *rule.expression)),
                         count_if(node.columns[0] + " IS NOT NULL")};
    } else if (t == "CustomSql") {
      std::string sql = rule.parameters[0];
      while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(
                                                       sql.back())))) {
        sql.pop_back();
      }
      node.statement = Statement(sql);
    }
    return node;
  }
};

DqRuleCompiler::DqRuleCompiler(DqRuleset ruleset, std::vector<std::string> columns)
    : compiled_(std::make_unique<Compiled>()) {
  compiled_->ruleset = std::move(ruleset);
  compiled_->columns = std::move(columns);
  compiled_->Aggregate("count(*)");
  for (const DqRule& rule : compiled_->ruleset.rules) {
    compiled_->nodes.push_back(compiled_->Compile(rule));
  }
}

DqRuleCompiler::~DqRuleCompiler() = default;

const std::vector<std::string>& DqRuleCompiler::aggregates() const {
  return compiled_->aggregates;
}

const std::vector<std::string>& DqRuleCompiler::statements() const {
  return compiled_->statements;
}

std::string DqRuleCompiler::ScanSql() const {
  return "SELECT " + base::Join(compiled_->aggregates, ", ") + " FROM primary";
}

std::string DqRuleCompiler::AggregateSql(size_t index) const {
  return "SELECT " + compiled_->aggregates.at(index) + " FROM primary";
}

std::string DqRuleCompiler::FormatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  double magnitude = std::fabs(value);
  bool scientific = magnitude != 0 && (magnitude < 1e-3 || magnitude >= 1e7);
  auto [end, ec] = std::to_chars(
      buf, buf + sizeof buf, value,
      scientific ? std::chars_format::scientific : std::chars_format::fixed);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (!scientific) return s.find('.') == std::string::npos ? s + ".0" : s;
  // 1e+07 -> 1.0E7, 1.5e-05 -> 1.5E-5
  size_t e = s.find('e');
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  int exponent = std::stoi(s.substr(e + 1));
  return mantissa + "E" + std::to_string(exponent);
}

std::vector<DqRuleResult> DqRuleCompiler::Judge(
    const std::vector<DqAnswer>& aggregate_answers,
    const std::vector<DqAnswer>& statement_answers) const {
  struct Outcome {
    std::string result;
    std::string message;
    std::map<std::string, double> metrics;
  };
  const Compiled& c = *compiled_;
  std::function<Outcome(const Node&)> judge = [&](const Node& node) -> Outcome {
    const DqRule& rule = *node.rule;
    Outcome out;
    if (rule.kind != DqRule::Kind::kRule) {
      bool all = true;
      bool any = false;
      std::vector<std::string> messages;
      for (const Node& operand : node.operands) {
        Outcome o = judge(operand);
        out.metrics.insert(o.metrics.begin(), o.metrics.end());
        bool passed = o.result == "PASS";
        all = all && passed;
        any = any || passed;
        if (!passed) messages.push_back(o.message);
        if (o.result == "ERROR") out.result = "ERROR";
      }
      bool passed = rule.kind == DqRule::Kind::kAnd ? all : any;
      if (out.result.empty()) out.result = passed ? "PASS" : "FAIL";
      if (!passed) out.message = base::Join(messages, " ");
      return out;
    }
    if (!node.missing.empty()) {
      out.result = "FAIL";
      out.message = "Input data does not include column " + node.missing + "!";
      return out;
    }
    // The numbers the rule's queries answered; an error makes the rule an ERROR.
    std::vector<double> agg;
    for (size_t i : node.aggregates) {
      const DqAnswer& a = aggregate_answers.at(i);
      if (!a.error.empty()) {
        out.result = "ERROR";
        out.message = a.error;
        return out;
      }
      agg.push_back(a.values.empty() || !a.values[0]
                        ? std::numeric_limits<double>::quiet_NaN()
                        : *a.values[0]);
    }
    const DqAnswer* statement = node.statement >= 0 ? &statement_answers.at(node.statement) : nullptr;
    if (statement && !statement->error.empty()) {
      out.result = "ERROR";
      out.message = statement->error;
      return out;
    }
    auto stat = [&](size_t i) {
      return i < statement->values.size() && statement->values[i]
                 ? *statement->values[i]
                 : std::numeric_limits<double>::quiet_NaN();
    };
    std::string column = rule.parameters.empty() ? "" : rule.parameters[0];
    auto metric = [&](const std::string& name, double v) {
      if (!std::isnan(v)) out.metrics[name] = v;
    };
    // The rule passes when `value` meets `check`; otherwise it reports the value.
    auto decide = [&](double value, bool passed) {
      out.result = passed ? "PASS" : "FAIL";
      if (!passed) out.message = "Value: " + FormatNumber(value) + kFailed;
    };
    const std::string& t = rule.type;
    if (t == "RowCount") {
      metric("Dataset.*.RowCount", agg[0]);
      decide(agg[0], Satisfies(*rule.expression, agg[0]));
    } else if (t == "ColumnCount") {
      double n = static_cast<double>(c.columns.size());
      metric("Dataset.*.ColumnCount", n);
      decide(n, Satisfies(*rule.expression, n));
    } else if (t == "ColumnExists") {
      out.result = "PASS";
    } else if (t == "IsComplete" || t == "Completeness") {
      double completeness = Ratio(agg[1], agg[0]);
      metric("Column." + column + ".Completeness", completeness);
      decide(completeness, t == "IsComplete" ? completeness == 1.0
                                             : Satisfies(*rule.expression, completeness));
    } else if (t == "IsUnique" || t == "Uniqueness") {
      double uniqueness = Ratio(stat(1), stat(2));
      metric("Column." + column + ".Uniqueness", uniqueness);
      decide(uniqueness,
             t == "IsUnique" ? uniqueness == 1.0 : Satisfies(*rule.expression, uniqueness));
    } else if (t == "DistinctValuesCount") {
      double distinct = stat(0);
      metric("Column." + column + ".DistinctValuesCount", distinct);
      decide(distinct, Satisfies(*rule.expression, distinct));
    } else if (t == "IsPrimaryKey") {
      double completeness = Ratio(agg[1], agg[0]);
      double uniqueness = Ratio(stat(1), stat(2));
      if (rule.parameters.size() == 1) {
        metric("Column." + column + ".Completeness", completeness);
        metric("Column." + column + ".Uniqueness", uniqueness);
      } else {
        std::string names = base::Join(rule.parameters, ",");
        metric("Multicolumn." + names + ".Completeness", completeness);
        metric("Multicolumn." + names + ".Uniqueness", uniqueness);
      }
      decide(completeness != 1.0 ? completeness : uniqueness,
             completeness == 1.0 && uniqueness == 1.0);
    } else if (t == "Mean" || t == "Sum" || t == "StandardDeviation") {
      metric("Column." + column + "." + t, agg[0]);
      decide(agg[0], Satisfies(*rule.expression, agg[0]));
    } else if (t == "ColumnValues") {
      double compliance = Ratio(agg[1], agg[0]);
      metric("Column." + column + ".ColumnValues.Compliance", compliance);
      decide(compliance, rule.threshold ? Satisfies(*rule.threshold, compliance)
                                        : compliance == 1.0);
    } else if (t == "ColumnLength") {
      metric("Column." + column + ".MinimumLength", agg[0]);
      metric("Column." + column + ".MaximumLength", agg[1]);
      double compliance = Ratio(agg[2], agg[3]);
      if (rule.threshold) {
        metric("Column." + column + ".ColumnLength.Compliance", compliance);
        decide(compliance, Satisfies(*rule.threshold, compliance));
      } else {
        bool passed = compliance == 1.0;
        // Report the length that breaks the constraint (the shortest, else the longest).
        double shown = Satisfies(*rule.expression, agg[0]) ? agg[1] : agg[0];
        decide(shown, passed);
      }
    } else if (t == "CustomSql") {
      if (statement->rows != 1 || statement->values.size() != 1 || !statement->values[0]) {
        out.result = "FAIL";
        out.message = "Custom SQL must return exactly one row with one numeric value";
        return out;
      }
      double v = *statement->values[0];
      metric("Dataset.*.CustomSQL", v);
      decide(v, Satisfies(*rule.expression, v));
    }
    return out;
  };
  std::vector<DqRuleResult> results;
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    Outcome o = judge(c.nodes[i]);
    results.push_back({"Rule_" + std::to_string(i + 1), c.nodes[i].rule->text, o.result,
                       o.message, std::move(o.metrics)});
  }
  return results;
}

}  // namespace glue
