#include "services/mlflow/filter_sql.h"

#include "services/mlflow/mlflow_error.h"

namespace mlflow {

std::string StringCondition(const Comparison& c, const std::string& column,
                            std::vector<meta::Value>& params) {
  if (c.value.kind != FilterValue::Kind::kString) {
    throw InvalidParameter("Expected a quoted string value for " + std::string(EntityName(c.type)) +
                           " (e.g. 'my-value'). Got value " + c.value.text);
  }
  switch (c.op) {
    case Comparator::kEq:
      params.push_back(c.value.text);
      return column + " = ?";
    case Comparator::kNe:
      params.push_back(c.value.text);
      return column + " != ?";
    case Comparator::kLike:
      params.push_back(LikeToGlob(c.value.text));
      return column + " GLOB ?";
    case Comparator::kILike:
      params.push_back(c.value.text);
      return column + " LIKE ?";
    default:
      throw InvalidParameter("Invalid comparator '" + c.op_text +
                             "' not one of '{'=', '!=', 'LIKE', 'ILIKE'}'");
  }
}

}  // namespace mlflow
