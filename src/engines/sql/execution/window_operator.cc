// The window operator: materializes its input, sorts row ids by PARTITION BY / ORDER BY for
// each window expression, and computes ranking, navigation (lag/lead/first/last/nth_value)
// and aggregate functions over ROWS or RANGE frames. Output rows keep the input order and
// gain one column per window expression.
#include <algorithm>
#include <numeric>

#include "engines/sql/common/vector_ops.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/operators.h"
#include "engines/sql/function/aggregate_function.h"

namespace sql {

namespace {

class WindowOperator : public PhysicalOperator {
 public:
  WindowOperator(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> windows, std::vector<Type> types)
      : PhysicalOperator(std::move(types)), ctx_(ctx), child_(std::move(child)), windows_(std::move(windows)),
        exec_(ctx) {}

  bool Next(DataChunk& out) override {
    if (!done_) {
      Run();
      done_ = true;
    }
    if (pos_ >= results_.chunk_count()) {
      out.set_size(0);
      return false;
    }
    const DataChunk& c = results_.chunk(pos_++);
    out.columns().resize(c.column_count());
    for (size_t i = 0; i < c.column_count(); i++) out.column(i).Reference(c.column(i));
    out.set_size(c.size());
    return true;
  }

 private:
  // Evaluates `e` over every input chunk into one flat vector of n rows.
  Vector EvalAll(const BoundExpr& e, size_t n) {
    Vector all(e.type, std::max<size_t>(n, 1));
    size_t offset = 0;
    for (size_t c = 0; c < input_.chunk_count(); c++) {
      DataChunk& chunk = input_.chunk(c);
      Vector v;
      exec_.Execute(e, chunk, v);
      all.CopyRange(v, 0, chunk.size(), offset);
      offset += chunk.size();
    }
    return all;
  }

  void Run() {
    input_.set_types(child_->types());
    DataChunk in;
    while (child_->Next(in)) {
      ctx_->CheckCancelled();
      in.Flatten();
      input_.AppendOwned(std::move(in));
      in = DataChunk();
    }
    ctx_->Reserve(static_cast<int64_t>(input_.bytes()));
    size_t n = input_.row_count();
    std::vector<Vector> outputs;
    for (const auto& w : windows_) outputs.push_back(Compute(*w, n));
    results_.set_types(types_);
    size_t offset = 0;
    size_t width = child_->types().size();
    for (size_t c = 0; c < input_.chunk_count(); c++) {
      DataChunk& chunk = input_.chunk(c);
      DataChunk o(types_, kVectorSize);
      for (size_t k = 0; k < width; k++) o.column(k).Reference(chunk.column(k));
      for (size_t k = 0; k < outputs.size(); k++) {
        o.column(width + k).Initialize(types_[width + k], kVectorSize);
        o.column(width + k).CopyRange(outputs[k], offset, chunk.size(), 0);
      }
      o.set_size(chunk.size());
      offset += chunk.size();
      results_.AppendOwned(std::move(o));
    }
    ctx_->Reserve(-static_cast<int64_t>(input_.bytes()));
  }

  Vector Compute(const BoundExpr& e, size_t n) {
    const BoundWindow& w = *e.window;
    std::vector<Vector> parts, orders, args;
    for (const auto& p : w.partitions) parts.push_back(EvalAll(*p, n));
    for (const auto& o : w.orders) orders.push_back(EvalAll(*o.expr, n));
    for (const auto& a : w.args) args.push_back(EvalAll(*a, n));
    std::vector<uint32_t> ids(n);
    std::iota(ids.begin(), ids.end(), 0);
    auto cmp_part = [&](uint32_t a, uint32_t b) {
      for (auto& p : parts) {
        int c = CompareRows(p, a, p, b);
        if (c) return c;
      }
      return 0;
    };
    auto cmp_order = [&](uint32_t a, uint32_t b) {
      for (size_t i = 0; i < orders.size(); i++) {
        const Vector& v = orders[i];
        bool an = !v.IsValid(a), bn = !v.IsValid(b);
        if (an || bn) {
          if (an && bn) continue;
          bool a_first = w.orders[i].nulls_first ? an : bn;
          return a_first ? -1 : 1;
        }
        int c = CompareRows(v, a, v, b);
        if (c) return w.orders[i].descending ? -c : c;
      }
      return 0;
    };
    std::stable_sort(ids.begin(), ids.end(), [&](uint32_t a, uint32_t b) {
      int c = cmp_part(a, b);
      if (c) return c < 0;
      return cmp_order(a, b) < 0;
    });
    Vector out(e.type, std::max<size_t>(n, 1));
    size_t start = 0;
    while (start < n) {
      size_t end = start + 1;
      while (end < n && cmp_part(ids[start], ids[end]) == 0) end++;
      ComputePartition(w, ids, start, end, args, cmp_order, out);
      start = end;
    }
    return out;
  }

  template <class Cmp>
  void ComputePartition(const BoundWindow& w, const std::vector<uint32_t>& ids, size_t start, size_t end,
                        std::vector<Vector>& args, Cmp& cmp_order, Vector& out) {
    const std::string& name = w.name;
    size_t count = end - start;
    // Peer groups: [peer_start[i], peer_end[i]) for position i.
    std::vector<size_t> peer_start(count), peer_end(count);
    for (size_t i = 0; i < count; i++) {
      peer_start[i] = (i > 0 && cmp_order(ids[start + i - 1], ids[start + i]) == 0) ? peer_start[i - 1] : i;
    }
    for (size_t i = count; i-- > 0;) {
      peer_end[i] = (i + 1 < count && cmp_order(ids[start + i], ids[start + i + 1]) == 0) ? peer_end[i + 1] : i + 1;
    }
    auto set_null = [&](uint32_t row) {
      if (out.type().physical() == PhysicalType::kString) out.data<std::string_view>()[row] = {};
      out.SetNull(row);
    };
    if (name == "row_number" || name == "rank" || name == "dense_rank" || name == "percent_rank" ||
        name == "cume_dist" || name == "ntile") {
      int64_t dense = 0;
      for (size_t i = 0; i < count; i++) {
        uint32_t row = ids[start + i];
        if (peer_start[i] == i) dense++;
        if (name == "row_number") {
          out.data<int64_t>()[row] = static_cast<int64_t>(i + 1);
        } else if (name == "rank") {
          out.data<int64_t>()[row] = static_cast<int64_t>(peer_start[i] + 1);
        } else if (name == "dense_rank") {
          out.data<int64_t>()[row] = dense;
        } else if (name == "percent_rank") {
          out.data<double>()[row] = count <= 1 ? 0.0 : static_cast<double>(peer_start[i]) / static_cast<double>(count - 1);
        } else if (name == "cume_dist") {
          out.data<double>()[row] = static_cast<double>(peer_end[i]) / static_cast<double>(count);
        } else {
          if (!args[0].IsValid(row)) {
            set_null(row);
            continue;
          }
          int64_t buckets = args[0].data<int64_t>()[row];
          if (buckets <= 0) throw ExecutionError("INVALID_FUNCTION_ARGUMENT", "Buckets must be greater than 0");
          int64_t total = static_cast<int64_t>(count);
          int64_t per = total / buckets, extra = total % buckets;
          int64_t idx = static_cast<int64_t>(i);
          int64_t bucket;
          if (idx < extra * (per + 1)) {
            bucket = idx / (per + 1);
          } else {
            bucket = extra + (idx - extra * (per + 1)) / std::max<int64_t>(per, 1);
          }
          out.data<int64_t>()[row] = bucket + 1;
        }
      }
      return;
    }
    if (name == "lag" || name == "lead") {
      for (size_t i = 0; i < count; i++) {
        uint32_t row = ids[start + i];
        int64_t offset = 1;
        if (args.size() > 1) {
          if (!args[1].IsValid(row)) {
            set_null(row);
            continue;
          }
          offset = args[1].data<int64_t>()[row];
          if (offset < 0) throw ExecutionError("INVALID_FUNCTION_ARGUMENT", "Offset must be at least 0");
        }
        int64_t target = name == "lag" ? static_cast<int64_t>(i) - offset : static_cast<int64_t>(i) + offset;
        if (target < 0 || target >= static_cast<int64_t>(count)) {
          if (args.size() > 2) {
            out.CopyRange(args[2], row, 1, row);
          } else {
            set_null(row);
          }
        } else {
          out.CopyRange(args[0], ids[start + static_cast<size_t>(target)], 1, row);
        }
      }
      return;
    }
    // Frame-based functions.
    auto frame = [&](size_t i, size_t* fs, size_t* fe) {
      if (!w.has_frame) {
        *fs = 0;
        *fe = w.orders.empty() ? count : peer_end[i];
        return;
      }
      auto bound = [&](WindowFrameBound b, int64_t off, bool is_start) -> int64_t {
        switch (b) {
          case WindowFrameBound::kUnboundedPreceding:
            return 0;
          case WindowFrameBound::kUnboundedFollowing:
            return static_cast<int64_t>(count);
          case WindowFrameBound::kCurrentRow:
            if (w.rows_frame) return static_cast<int64_t>(i) + (is_start ? 0 : 1);
            return static_cast<int64_t>(is_start ? peer_start[i] : peer_end[i]);
          case WindowFrameBound::kPreceding:
            return static_cast<int64_t>(i) - off + (is_start ? 0 : 1);
          case WindowFrameBound::kFollowing:
            return static_cast<int64_t>(i) + off + (is_start ? 0 : 1);
        }
        return 0;
      };
      int64_t s = bound(w.start, w.start_offset, true);
      int64_t t = bound(w.end, w.end_offset, false);
      s = std::clamp<int64_t>(s, 0, static_cast<int64_t>(count));
      t = std::clamp<int64_t>(t, 0, static_cast<int64_t>(count));
      *fs = static_cast<size_t>(s);
      *fe = static_cast<size_t>(std::max(s, t));
    };
    if (name == "first_value" || name == "last_value" || name == "nth_value") {
      for (size_t i = 0; i < count; i++) {
        uint32_t row = ids[start + i];
        size_t fs, fe;
        frame(i, &fs, &fe);
        std::vector<size_t> candidates;
        for (size_t k = fs; k < fe; k++) {
          if (!w.ignore_nulls || args[0].IsValid(ids[start + k])) candidates.push_back(k);
        }
        int64_t pick = -1;
        if (name == "first_value") {
          if (!candidates.empty()) pick = static_cast<int64_t>(candidates.front());
        } else if (name == "last_value") {
          if (!candidates.empty()) pick = static_cast<int64_t>(candidates.back());
        } else {
          int64_t nth = args[1].IsValid(row) ? args[1].data<int64_t>()[row] : 0;
          if (nth <= 0) throw ExecutionError("INVALID_FUNCTION_ARGUMENT", "Offset must be at least 1");
          if (nth <= static_cast<int64_t>(candidates.size())) pick = static_cast<int64_t>(candidates[nth - 1]);
        }
        if (pick < 0) {
          set_null(row);
        } else {
          out.CopyRange(args[0], ids[start + static_cast<size_t>(pick)], 1, row);
        }
      }
      return;
    }
    // Aggregates over frames.
    std::vector<Type> arg_types;
    for (auto& a : args) arg_types.push_back(a.type());
    std::string error;
    auto fn = ResolveAggregate(name, arg_types, &error);
    if (!fn) throw ExecutionError("GENERIC_INTERNAL_ERROR", error);
    std::vector<uint8_t> state(std::max<size_t>(fn->state_size, 16) + 16);
    uint8_t* st = state.data();
    StringHeap heap;
    // Args in partition order.
    std::vector<uint32_t> order(ids.begin() + static_cast<long>(start), ids.begin() + static_cast<long>(end));
    std::vector<Vector> sorted(args.size());
    for (size_t k = 0; k < args.size(); k++) sorted[k].Gather(args[k], order.data(), order.size());
    auto update_range = [&](size_t from, size_t to) {
      if (to <= from) return;
      std::vector<uint32_t> sel(to - from);
      std::iota(sel.begin(), sel.end(), static_cast<uint32_t>(from));
      std::vector<Vector> slice(sorted.size());
      for (size_t k = 0; k < sorted.size(); k++) slice[k].Gather(sorted[k], sel.data(), sel.size());
      std::vector<uint8_t*> states(sel.size(), st);
      fn->update(*fn, slice, sel.size(), states.data(), heap);
    };
    bool running = !w.has_frame || w.start == WindowFrameBound::kUnboundedPreceding;
    fn->init(*fn, st);
    size_t done_to = 0;
    for (size_t i = 0; i < count; i++) {
      uint32_t row = ids[start + i];
      size_t fs, fe;
      frame(i, &fs, &fe);
      if (running && fs == 0 && fe >= done_to) {
        update_range(done_to, fe);
        done_to = fe;
      } else {
        if (fn->destroy) fn->destroy(st);
        fn->init(*fn, st);
        update_range(fs, fe);
        done_to = SIZE_MAX;
        running = false;
      }
      fn->finalize(*fn, st, out, row);
    }
    if (fn->destroy) fn->destroy(st);
  }

  ExecContext* ctx_;
  PhysicalPtr child_;
  std::vector<BoundExprPtr> windows_;
  ExpressionExecutor exec_;
  ChunkCollection input_;
  ChunkCollection results_;
  bool done_ = false;
  size_t pos_ = 0;
};

}  // namespace

PhysicalPtr MakeWindow(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> windows,
                       std::vector<Type> types) {
  return std::make_unique<WindowOperator>(ctx, std::move(child), std::move(windows), std::move(types));
}

}  // namespace sql
