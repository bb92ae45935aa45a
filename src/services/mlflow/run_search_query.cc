#include "services/mlflow/run_search_query.h"

#include <set>

#include "base/json.h"
#include "services/mlflow/mlflow_error.h"

namespace mlflow {
namespace {

const std::set<std::string, std::less<>> kStringAttributes = {"run_id", "run_name", "status",
                                                              "user_id", "artifact_uri"};
const std::set<std::string, std::less<>> kNumericAttributes = {"start_time", "end_time"};

// MLflow's aliases: created -> start_time, "run name" -> run_name.
std::string CanonicalAttribute(const std::string& key) {
  if (key == "created" || key == "Created") return "start_time";
  if (key == "run name" || key == "Run name" || key == "Run Name") return "run_name";
  return key;
}

std::string AttributeColumn(const std::string& key) {
  if (key == "run_id") return "r.run_uuid";
  if (key == "run_name") return "r.name";
  return "r." + key;
}

std::string ValidKeysText() {
  return "['artifact_uri', 'created', 'end_time', 'run_id', 'run_name', 'start_time', "
         "'status', 'user_id']";
}

const char* SqlOp(Comparator op) {
  switch (op) {
    case Comparator::kEq:
      return "=";
    case Comparator::kNe:
      return "!=";
    case Comparator::kLt:
      return "<";
    case Comparator::kLe:
      return "<=";
    case Comparator::kGt:
      return ">";
    case Comparator::kGe:
      return ">=";
    default:
      return "=";
  }
}

bool IsNumericOp(Comparator op) {
  return op == Comparator::kEq || op == Comparator::kNe || op == Comparator::kLt ||
         op == Comparator::kLe || op == Comparator::kGt || op == Comparator::kGe;
}

MlflowError BadComparator(const Comparison& c, const char* valid) {
  return InvalidParameter("Invalid comparator '" + c.op_text + "' not one of '" + valid + "' for " +
                          std::string(EntityName(c.type)) + " '" + c.key + "'");
}

class Builder {
 public:
  // "CROSS JOIN" keeps SQLite from moving a filter's table before the driving one.
  explicit Builder(std::string join_kw = "JOIN") : join_kw_(std::move(join_kw)) {}

  // A string comparison of `column` with the filter's value: = and != exactly, LIKE
  // case-sensitively (as a GLOB), ILIKE case-insensitively.
  std::string StringCondition(const std::string& column, const Comparison& c) {
    switch (c.op) {
      case Comparator::kEq:
      case Comparator::kNe:
        params.push_back(c.value.text);
        return column + " " + SqlOp(c.op) + " ?";
      case Comparator::kLike:
        params.push_back(LikeToGlob(c.value.text));
        return column + " GLOB ?";
      case Comparator::kILike:
        params.push_back(c.value.text);
        return column + " LIKE ?";
      case Comparator::kIn:
      case Comparator::kNotIn: {
        params.push_back(base::Json(c.value.list).dump());
        return column + (c.op == Comparator::kIn ? "" : " NOT") +
               " IN (SELECT value FROM json_each(?))";
      }
      default:
        return "0";
    }
  }

  void RequireString(const Comparison& c) {
    if (c.value.kind == FilterValue::Kind::kString) return;
    throw InvalidParameter("Expected a quoted string value for " + std::string(EntityName(c.type)) +
                           " (e.g. 'my-value'). Got value " + c.value.text);
  }

  void AddMetric(const Comparison& c) {
    if (!IsNumericOp(c.op)) throw BadComparator(c, "{'=', '!=', '>', '>=', '<', '<='}");
    if (c.value.kind != FilterValue::Kind::kNumber) {
      throw InvalidParameter(
          "Expected numeric value type for metric. Found " +
          (c.value.kind == FilterValue::Kind::kString ? "'" + c.value.text + "'" : c.value.text));
    }
    std::string alias = "f" + std::to_string(joins_++);
    joins += " " + join_kw_ + " mlflow_latest_metrics " + alias + " ON " + alias +
             ".run_key = r.run_key AND " + alias + ".key = ? AND " + alias + ".is_nan = 0 AND " +
             alias + ".value " + SqlOp(c.op) + " ?";
    join_params.push_back(c.key);
    join_params.push_back(c.value.number);
  }

  void AddKeyValue(const Comparison& c, const char* table) {
    if (c.op != Comparator::kEq && c.op != Comparator::kNe && c.op != Comparator::kLike &&
        c.op != Comparator::kILike) {
      throw BadComparator(c, "{'=', '!=', 'LIKE', 'ILIKE'}");
    }
    RequireString(c);
    std::string alias = "f" + std::to_string(joins_++);
    std::vector<meta::Value> saved = std::move(params);
    params.clear();
    std::string cond = StringCondition(alias + ".value", c);
    joins += " " + join_kw_ + " " + table + " " + alias + " ON " + alias +
             ".run_key = r.run_key AND " + alias + ".key = ? AND " + cond;
    join_params.push_back(c.key);
    for (auto& p : params) join_params.push_back(std::move(p));
    params = std::move(saved);
  }

  void AddAttribute(const Comparison& c) {
    std::string key = CanonicalAttribute(c.key);
    if (kNumericAttributes.count(key)) {
      if (!IsNumericOp(c.op)) throw BadComparator(c, "{'=', '!=', '>', '>=', '<', '<='}");
      if (c.value.kind != FilterValue::Kind::kNumber) {
        throw InvalidParameter("Expected numeric value type for numeric attribute: " + c.key +
                               ". Found " + c.value.text);
      }
      where += " AND " + AttributeColumn(key) + " " + SqlOp(c.op) + " ?";
      params.push_back(static_cast<int64_t>(c.value.number));
      return;
    }
    if (!kStringAttributes.count(key)) {
      throw InvalidParameter("Invalid attribute key '" + c.key + "' specified. Valid keys are '" +
                             ValidKeysText() + "'");
    }
    if (c.op != Comparator::kEq && c.op != Comparator::kNe && c.op != Comparator::kLike &&
        c.op != Comparator::kILike && c.op != Comparator::kIn && c.op != Comparator::kNotIn) {
      throw BadComparator(c, "{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}");
    }
    bool list_op = c.op == Comparator::kIn || c.op == Comparator::kNotIn;
    if (list_op != (c.value.kind == FilterValue::Kind::kList) || (list_op && key != "run_id")) {
      throw InvalidParameter(
          list_op ? "Only the 'run_id' attribute supports comparison with a list of quoted "
                    "string values."
                  : "Expected a quoted string value for attributes. Got value " + c.value.text);
    }
    if (!list_op) RequireString(c);
    where += " AND " + StringCondition(AttributeColumn(key), c);
  }

  void AddDataset(const Comparison& c) {
    if (c.key != "name" && c.key != "digest" && c.key != "context") {
      throw InvalidParameter("Invalid dataset key '" + c.key +
                             "' specified. Valid keys are '{'name', 'digest', 'context'}'");
    }
    if (IsNumericOp(c.op) && c.op != Comparator::kEq && c.op != Comparator::kNe) {
      throw BadComparator(c, "{'=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'}");
    }
    bool list_op = c.op == Comparator::kIn || c.op == Comparator::kNotIn;
    if (list_op != (c.value.kind == FilterValue::Kind::kList)) {
      throw InvalidParameter("Expected a quoted string value for dataset attributes. Got value " +
                             c.value.text);
    }
    if (!list_op) RequireString(c);
    std::string column =
        c.key == "context"
            ? "(SELECT t.value ->> 'value' FROM json_each(i.tags) t WHERE t.value ->> 'key' = "
              "'mlflow.data.context')"
            : "d." + c.key;
    where +=
        " AND EXISTS (SELECT 1 FROM mlflow_inputs i JOIN mlflow_datasets d ON "
        "d.dataset_key = i.dataset_key WHERE i.run_key = r.run_key AND " +
        StringCondition(column, c) + ")";
  }

  void AddOrder(const OrderKey& k) {
    std::string dir = k.ascending ? " ASC" : " DESC";
    if (k.type == EntityType::kAttribute) {
      std::string key = CanonicalAttribute(k.key);
      if (!kStringAttributes.count(key) && !kNumericAttributes.count(key) &&
          key != "experiment_id") {
        throw InvalidParameter("Invalid attribute key '" + k.key + "' specified. Valid keys are '" +
                               ValidKeysText() + "'");
      }
      std::string column = key == "experiment_id" ? "r.exp_key" : AttributeColumn(key);
      if (key == "start_time") has_start_time_order_ = true;
      order += ", (" + column + " IS NULL)" + ", " + column + dir;
      return;
    }
    if (k.type == EntityType::kDataset) {
      throw InvalidParameter("Invalid order_by entity type 'dataset'");
    }
    std::string alias = "o" + std::to_string(orders_++);
    const char* table = k.type == EntityType::kMetric  ? "mlflow_latest_metrics"
                        : k.type == EntityType::kParam ? "mlflow_params"
                                                       : "mlflow_tags";
    joins += std::string(" LEFT JOIN ") + table + " " + alias + " ON " + alias +
             ".run_key = r.run_key AND " + alias + ".key = ?";
    join_params.push_back(k.key);
    std::string value = alias + ".value";
    if (k.type == EntityType::kMetric) {
      value = "(CASE WHEN " + alias + ".is_nan THEN " + (k.ascending ? "9e999" : "-9e999") +
              " ELSE " + alias + ".value END)";
    }
    order += ", (" + alias + ".value IS NULL), " + value + dir;
  }

  std::string joins;
  std::vector<meta::Value> join_params;
  std::string where;
  std::vector<meta::Value> params;
  std::string order;
  bool has_start_time_order_ = false;

 private:
  std::string join_kw_;
  int joins_ = 0;
  int orders_ = 0;
};

void AddFilter(Builder& b, const std::vector<Comparison>& filter) {
  for (const Comparison& c : filter) {
    switch (c.type) {
      case EntityType::kMetric:
        b.AddMetric(c);
        break;
      case EntityType::kParam:
        b.AddKeyValue(c, "mlflow_params");
        break;
      case EntityType::kTag:
        b.AddKeyValue(c, "mlflow_tags");
        break;
      case EntityType::kAttribute:
        b.AddAttribute(c);
        break;
      case EntityType::kDataset:
        b.AddDataset(c);
        break;
    }
  }
}

const char* ViewCondition(ViewType view) {
  switch (view) {
    case ViewType::kActiveOnly:
      return " AND r.lifecycle_stage = 'active'";
    case ViewType::kDeletedOnly:
      return " AND r.lifecycle_stage = 'deleted'";
    case ViewType::kAll:
      break;
  }
  return "";
}

std::string OrderSql(const Builder& b) {
  std::string order_sql = b.order;
  if (!b.has_start_time_order_) order_sql += ", r.start_time DESC";
  order_sql += ", r.run_uuid";
  return " ORDER BY " + order_sql.substr(2) + " LIMIT ? OFFSET ?";
}

}  // namespace

RunSearchQuery RunSearchQuery::Build(const std::string& exp_keys_json,
                                     const std::vector<Comparison>& filter,
                                     const std::vector<OrderKey>& order, ViewType view) {
  Builder b;
  AddFilter(b, filter);
  for (const OrderKey& k : order) b.AddOrder(k);

  RunSearchQuery q;
  q.sql = "SELECT r.run_key FROM mlflow_runs r" + b.joins +
          " WHERE r.exp_key IN (SELECT value FROM json_each(?))" + ViewCondition(view) + b.where;
  q.params = b.join_params;
  q.params.push_back(exp_keys_json);
  q.params.insert(q.params.end(), b.params.begin(), b.params.end());
  if (order.empty() || order.front().type != EntityType::kMetric) {
    q.sql += OrderSql(b);
    return q;
  }

  // The runs with a number for the leading metric, driven by its (key, value) index.
  const OrderKey& lead = order.front();
  Builder a("CROSS JOIN");
  AddFilter(a, filter);
  for (size_t i = 1; i < order.size(); ++i) a.AddOrder(order[i]);
  a.order = ", om.value" + std::string(lead.ascending ? " ASC" : " DESC") + a.order;
  std::string from =
      " FROM mlflow_latest_metrics om CROSS JOIN mlflow_runs r ON r.run_key = om.run_key AND "
      "om.key = ? AND om.is_nan = 0" +
      a.joins + " WHERE r.exp_key IN (SELECT value FROM json_each(?))" + ViewCondition(view) +
      a.where;
  std::vector<meta::Value> params = {lead.key};
  params.insert(params.end(), a.join_params.begin(), a.join_params.end());
  params.push_back(exp_keys_json);
  params.insert(params.end(), a.params.begin(), a.params.end());

  // The rest: the general statement, limited to runs where the metric is missing or NaN
  // (its first order join is o0).
  q.rest_sql = q.sql + " AND (o0.value IS NULL OR o0.is_nan = 1)" + OrderSql(b);
  q.rest_params = q.params;
  q.sql = "SELECT r.run_key" + from + OrderSql(a);
  q.count_sql = "SELECT count(*)" + from;
  q.params = std::move(params);
  return q;
}

}  // namespace mlflow
