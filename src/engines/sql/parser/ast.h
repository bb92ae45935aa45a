// The syntax tree the parser produces: expressions, table references, queries and
// statements, as written (names unresolved, types unchecked). Plain data owned through
// unique_ptr; built by one thread, then read-only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engines/sql/common/types.h"
#include "engines/sql/common/value.h"

namespace sql {

struct Query;
struct ParsedExpr;
using ExprPtr = std::unique_ptr<ParsedExpr>;

enum class ExprKind {
  kLiteral,       // value
  kColumnRef,     // names = [table.]column
  kStar,          // names = [table] or empty; SELECT * / t.*
  kUnary,         // op = "-", "+", "not"; children[0]
  kBinary,        // op = "+","-","*","/","%","||","=","<>","<","<=",">",">=","and","or"
  kFunction,      // name, children, distinct, star (count(*)), over, filter, order_by
  kCast,          // children[0], cast_type, try_cast
  kCase,          // children: [operand?] then pairs when/then, [else]; has_operand, has_else
  kBetween,       // children: value, low, high; negated
  kInList,        // children: value, list...; negated
  kInSubquery,    // children[0], subquery; negated
  kExists,        // subquery; negated
  kSubquery,      // scalar subquery
  kQuantified,    // children[0] op ANY/ALL (subquery): op, quantifier
  kIsNull,        // children[0]; negated
  kIsDistinctFrom,// children[0], children[1]; negated (IS NOT DISTINCT FROM)
  kLike,          // children: value, pattern, [escape]; negated
  kInterval,      // literal text in value, unit in name, negated sign in negated
  kExtract,       // name = field, children[0]
  kArray,         // ARRAY[...] children
  kSubscript,     // children[0][children[1]]
  kParameter,     // ? placeholder (not supported for execution)
};

struct OrderItem {
  ExprPtr expr;
  bool descending = false;
  // -1 unspecified, 0 NULLS LAST, 1 NULLS FIRST.
  int nulls_first = -1;
};

enum class FrameUnit { kRows, kRange };
enum class FrameBoundKind { kUnboundedPreceding, kPreceding, kCurrentRow, kFollowing, kUnboundedFollowing };
struct FrameBound {
  FrameBoundKind kind = FrameBoundKind::kUnboundedPreceding;
  ExprPtr offset;
};
struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  bool has_frame = false;
  FrameUnit unit = FrameUnit::kRange;
  FrameBound start;
  FrameBound end;
};

struct ParsedExpr {
  ExprKind kind;
  int line = 0;
  int column = 0;
  size_t offset = 0;   // byte offset of the expression's first token
  size_t end = 0;      // byte offset just past its last token
  std::string op;
  std::string name;
  std::vector<std::string> names;
  Value value;
  Type cast_type;
  std::vector<ExprPtr> children;
  std::unique_ptr<Query> subquery;
  std::unique_ptr<WindowSpec> over;
  ExprPtr filter;
  std::vector<OrderItem> order_by;  // aggregate ORDER BY (array_agg etc.)
  bool distinct = false;
  bool negated = false;
  bool star = false;
  bool try_cast = false;
  bool has_operand = false;
  bool has_else = false;
  bool ignore_nulls = false;
  std::string quantifier;  // "any", "all", "some"
};

enum class TableRefKind { kBase, kSubquery, kJoin, kValues, kFunction };
enum class JoinKind { kInner, kLeft, kRight, kFull, kCross };

struct TableRef {
  TableRefKind kind;
  int line = 0;
  int column = 0;
  std::vector<std::string> name;          // kBase: [catalog.][schema.]table
  std::string alias;
  std::vector<std::string> column_aliases;
  std::unique_ptr<Query> subquery;        // kSubquery
  std::vector<std::vector<ExprPtr>> rows; // kValues
  std::string function_name;              // kFunction
  std::vector<ExprPtr> args;              // kFunction
  JoinKind join = JoinKind::kInner;       // kJoin
  std::unique_ptr<TableRef> left, right;
  ExprPtr on;
  std::vector<std::string> using_columns;
  bool natural = false;
};

enum class GroupingKind { kSimple, kRollup, kCube, kSets };
struct GroupingElement {
  GroupingKind kind = GroupingKind::kSimple;
  std::vector<ExprPtr> exprs;                  // simple / rollup / cube
  std::vector<std::vector<ExprPtr>> sets;      // GROUPING SETS
};

struct SelectItem {
  ExprPtr expr;
  std::string alias;
};

struct SelectNode {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::unique_ptr<TableRef> from;
  ExprPtr where;
  std::vector<GroupingElement> group_by;
  bool group_by_distinct = false;
  ExprPtr having;
};

enum class SetOpKind { kUnion, kIntersect, kExcept };

struct QueryBody {
  // Either a SELECT, a set operation of two bodies, or a parenthesised full query.
  std::unique_ptr<SelectNode> select;
  SetOpKind op = SetOpKind::kUnion;
  bool all = false;
  std::unique_ptr<QueryBody> left, right;
  std::unique_ptr<Query> nested;
  std::unique_ptr<TableRef> values;  // VALUES (...) as a query body
};

struct CommonTableExpr {
  std::string name;
  std::vector<std::string> column_aliases;
  std::unique_ptr<Query> query;
};

struct Query {
  std::vector<CommonTableExpr> with;
  std::unique_ptr<QueryBody> body;
  std::vector<OrderItem> order_by;
  ExprPtr limit;   // nullptr = none
  ExprPtr offset;
};

struct ColumnDefinition {
  std::string name;
  Type type;
  bool not_null = false;
  std::string comment;
};

struct Property {
  std::string name;
  ExprPtr value;
};

enum class StatementKind {
  kSelect,
  kCreateTable,
  kCreateTableAs,
  kCreateView,
  kInsert,
  kDelete,
  kUpdate,
  kDrop,
  kCreateIndex,   // accepted and ignored (no indexes)
  kExplain,
  kShowTables,
  kShowColumns,
  kNoOp,          // REINDEX, ANALYZE, transaction statements: accepted, nothing to do
};

enum class DropKind { kTable, kView, kIndex, kTrigger, kSchema };

struct Statement {
  StatementKind kind;
  std::vector<std::string> name;            // target table / view / index
  std::unique_ptr<Query> query;             // SELECT, CTAS, view, INSERT source
  std::vector<ColumnDefinition> columns;    // CREATE TABLE
  std::vector<std::string> insert_columns;  // INSERT INTO t(a,b)
  std::vector<Property> properties;         // WITH (format = 'PARQUET', ...)
  bool if_not_exists = false;
  bool if_exists = false;
  bool or_replace = false;
  bool with_no_data = false;
  DropKind drop_kind = DropKind::kTable;
  ExprPtr where;                                        // DELETE/UPDATE
  std::vector<std::pair<std::string, ExprPtr>> assignments;  // UPDATE SET
  std::unique_ptr<Statement> explained;     // EXPLAIN
  bool explain_analyze = false;
  std::string text;                         // source text of this statement
};

}  // namespace sql
