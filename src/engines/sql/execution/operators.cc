#include "engines/sql/execution/operators.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <numeric>
#include <optional>
#include <type_traits>

#include "engines/sql/common/vector_ops.h"
#include "engines/sql/execution/expression_executor.h"
#include "engines/sql/execution/group_hash_table.h"
#include "engines/sql/execution/key_bounds.h"
#include "engines/sql/execution/ordered_groups.h"
#include "engines/sql/execution/thread_pool.h"
#include "engines/sql/function/aggregate_function.h"

namespace sql {

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// ---------------------------------------------------------------- scans
class MemoryScan : public PhysicalOperator {
 public:
  // With `shared`, parallel copies of the scan take chunks from one counter.
  MemoryScan(ExecContext* ctx, std::shared_ptr<const std::vector<DataChunk>> chunks,
             std::vector<uint32_t> column_ids, std::vector<Type> types,
             std::shared_ptr<std::atomic<size_t>> shared)
      : PhysicalOperator(std::move(types)), ctx_(ctx), chunks_(std::move(chunks)), column_ids_(std::move(column_ids)),
        shared_(std::move(shared)) {}
  bool Next(DataChunk& out) override {
    while (true) {
      size_t pos = shared_ ? shared_->fetch_add(1, std::memory_order_relaxed) : pos_++;
      if (pos >= chunks_->size()) break;
      const DataChunk& c = (*chunks_)[pos];
      if (c.size() == 0) continue;
      ctx_->CheckCancelled();
      out.columns().resize(column_ids_.size());
      for (size_t i = 0; i < column_ids_.size(); i++) out.column(i).Reference(c.column(column_ids_[i]));
      out.set_size(c.size());
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  ExecContext* ctx_;
  std::shared_ptr<const std::vector<DataChunk>> chunks_;
  std::vector<uint32_t> column_ids_;
  std::shared_ptr<std::atomic<size_t>> shared_;
  size_t pos_ = 0;
};

class CollectionScan : public PhysicalOperator {
 public:
  CollectionScan(std::shared_ptr<ChunkCollection> rows)
      : PhysicalOperator(rows->types()), rows_(std::move(rows)) {}
  bool Next(DataChunk& out) override {
    while (pos_ < rows_->chunk_count()) {
      const DataChunk& c = rows_->chunk(pos_++);
      if (c.size() == 0) continue;
      out.columns().resize(c.column_count());
      for (size_t i = 0; i < c.column_count(); i++) out.column(i).Reference(c.column(i));
      out.set_size(c.size());
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  std::shared_ptr<ChunkCollection> rows_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------- filter / project
class Filter : public PhysicalOperator {
 public:
  Filter(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> preds)
      : PhysicalOperator(child->types()), child_(std::move(child)), preds_(std::move(preds)), exec_(ctx) {}
  bool Next(DataChunk& out) override {
    DataChunk in;
    while (child_->Next(in)) {
      for (const auto& p : preds_) {
        size_t n = exec_.Select(*p, in, sel_);
        if (n == 0) {
          in.set_size(0);
          break;
        }
        if (n < in.size()) in.Slice(sel_, n);
      }
      if (in.size() == 0) continue;
      out = std::move(in);
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  PhysicalPtr child_;
  std::vector<BoundExprPtr> preds_;
  ExpressionExecutor exec_;
  uint32_t sel_[kVectorSize];
};

class Projection : public PhysicalOperator {
 public:
  Projection(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> exprs)
      : PhysicalOperator({}), child_(std::move(child)), exprs_(std::move(exprs)), exec_(ctx) {
    for (const auto& e : exprs_) types_.push_back(e->type);
  }
  bool Next(DataChunk& out) override {
    DataChunk in;
    if (!child_->Next(in)) {
      out.set_size(0);
      return false;
    }
    out.columns().resize(exprs_.size());
    for (size_t i = 0; i < exprs_.size(); i++) exec_.Execute(*exprs_[i], in, out.column(i));
    out.set_size(in.size());
    return true;
  }

 private:
  PhysicalPtr child_;
  std::vector<BoundExprPtr> exprs_;
  ExpressionExecutor exec_;
};

// ---------------------------------------------------------------- limit
class Limit : public PhysicalOperator {
 public:
  Limit(PhysicalPtr child, int64_t limit, int64_t offset)
      : PhysicalOperator(child->types()), child_(std::move(child)), limit_(limit), offset_(offset) {}
  bool Next(DataChunk& out) override {
    DataChunk in;
    while ((limit_ < 0 || emitted_ < limit_) && child_->Next(in)) {
      size_t start = 0, n = in.size();
      if (skipped_ < offset_) {
        int64_t skip = std::min<int64_t>(offset_ - skipped_, static_cast<int64_t>(n));
        skipped_ += skip;
        start = static_cast<size_t>(skip);
      }
      if (start >= n) continue;
      size_t take = n - start;
      if (limit_ >= 0) take = std::min<size_t>(take, static_cast<size_t>(limit_ - emitted_));
      if (start > 0 || take < n) {
        std::vector<uint32_t> sel(take);
        std::iota(sel.begin(), sel.end(), static_cast<uint32_t>(start));
        in.Slice(sel.data(), take);
      }
      emitted_ += static_cast<int64_t>(take);
      out = std::move(in);
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  PhysicalPtr child_;
  int64_t limit_, offset_;
  int64_t emitted_ = 0, skipped_ = 0;
};

// ---------------------------------------------------------------- aggregation
struct AggregateSpec {
  AggregateFunction fn;
  std::vector<BoundExprPtr> args;
  BoundExprPtr filter;
  bool distinct = false;
  size_t offset = 0;  // in the group's state row
};

// The partial aggregations of a parallel one keep a local table of at most kFlushThreshold
// groups, small enough to stay in cache. When it fills, its groups (keys and state rows) are
// flushed into kPartitions radix partitions by hash and the table starts over. At the end
// the partitions are merged on all threads, each into a table sized once for all its
// entries: no large table is ever grown and rehashed. A table counts as full once one more
// chunk of new groups could take it past the threshold, a power of two: its key storage and
// slots, which double, then never grow past the threshold's size.
// Copies whose tables never filled are merged the same way when the others hold at least
// kPartitionedMergeGroups groups in all; fewer are folded into the first copy's table.
constexpr size_t kPartitions = 64;
constexpr size_t kFlushThreshold = 1 << 15;
constexpr size_t kPartitionedMergeGroups = 1 << 13;

bool LocalTableFull(const GroupHashTable& table) {
  return table.size() + kVectorSize > kFlushThreshold;
}

// Bits 26..31 of the hash tag, above the slot bits of any partition table.
size_t PartitionOf(uint32_t tag) { return (tag >> 26) & (kPartitions - 1); }

class HashAggregate : public PhysicalOperator {
 public:
  HashAggregate(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> groups,
                std::vector<BoundExprPtr> aggregates,
                std::vector<std::vector<size_t>> grouping_sets,
                std::vector<std::vector<size_t>> grouping_calls, std::vector<Type> types,
                std::vector<BoundExprPtr> having, std::shared_ptr<const KeyBounds> key_bounds)
      : PhysicalOperator(std::move(types)),
        ctx_(ctx),
        child_(std::move(child)),
        groups_(std::move(groups)),
        grouping_sets_(std::move(grouping_sets)),
        grouping_calls_(std::move(grouping_calls)),
        having_(std::move(having)),
        key_bounds_(std::move(key_bounds)),
        exec_(ctx),
        finished_(types_) {
    for (auto& a : aggregates) {
      AggregateSpec s;
      std::vector<Type> arg_types;
      for (auto& x : a->aggregate->args) {
        arg_types.push_back(x->type);
        s.args.push_back(x->Copy());
      }
      std::string error;
      auto fn = ResolveAggregate(a->aggregate->name, arg_types, &error);
      if (!fn) throw ExecutionError("GENERIC_INTERNAL_ERROR", error);
      s.fn = std::move(*fn);
      if (a->aggregate->filter) s.filter = a->aggregate->filter->Copy();
      s.distinct = a->aggregate->distinct;
      s.offset = state_size_;
      state_size_ += (s.fn.state_size + 15) / 16 * 16;
      aggs_.push_back(std::move(s));
    }
    if (grouping_sets_.empty()) {
      std::vector<size_t> all(groups_.size());
      std::iota(all.begin(), all.end(), 0);
      grouping_sets_.push_back(all);
    }
    ordered_ =
        groups_.size() == 1 && groups_[0]->type.physical() == PhysicalType::kInt64 && CanMerge();
  }

  ~HashAggregate() override { DestroyStates(); }

  bool Next(DataChunk& out) override {
    if (!done_) {
      ConsumeInput();
      Finish();
    }
    // The groups finished early, already past HAVING, come first.
    if (finished_pos_ < finished_.chunk_count()) {
      out = std::move(finished_.chunk(finished_pos_++));
      return true;
    }
    // Result rows are made a chunk at a time from the group tables, never all at once; a
    // chunk takes the groups of as many tables (radix partitions) as fit, and is no larger
    // than the groups left.
    while (true) {
      size_t left = 0;
      for (size_t s = source_; s < sources_.size() && left < kVectorSize; s++) {
        left += GroupCount(*sources_[s].first) - (s == source_ ? offset_ : 0);
      }
      if (left == 0) {
        // Drained: the groups and their states go now, not when the plan is torn down.
        DestroyStates();
        merged_.clear();
        sources_.clear();
        finished_.Clear();
        source_ = offset_ = 0;
        out.set_size(0);
        return false;
      }
      size_t capacity = std::min(left, kVectorSize);
      out.Initialize(types_, capacity);
      while (out.size() < capacity) {
        const auto& [part, ids] = sources_[source_];
        size_t n = std::min(capacity - out.size(), GroupCount(*part) - offset_);
        Emit(*part, *ids, offset_, n, out);
        offset_ += n;
        if (offset_ == GroupCount(*part)) {
          source_++;
          offset_ = 0;
        }
      }
      ApplyHaving(out);
      if (out.size() > 0) return true;
    }
  }

 private:
  // Groups of one grouping set (or one radix partition of them): the keys' table, each
  // group's state row, and the arena and string heap the states live in.
  struct Partition {
    std::unique_ptr<GroupHashTable> table;
    // Instead of `table` while the input arrives clustered on its one integer key.
    std::unique_ptr<OrderedGroups> ordered;
    std::vector<uint8_t*> state_rows;
    // States folded into others when groups merged, kept only to be destroyed.
    std::vector<uint8_t*> retired;
    // Rows of groups finished early, destroyed, for new groups to reuse.
    std::vector<uint8_t*> free_rows;
    std::vector<std::unique_ptr<uint8_t[]>> arena;
    size_t arena_used = 0;
    std::unique_ptr<StringHeap> heap = std::make_unique<StringHeap>();
  };
  struct SetState {
    std::optional<Partition> part;  // from the first row on
    // Per distinct aggregate: (group, value) pairs already seen.
    std::vector<std::unique_ptr<GroupHashTable>> distinct_seen;
  };
  // Groups flushed out of the local table into one partition: their keys and their state
  // rows, in the same order; these own the states.
  struct Flushed {
    ChunkCollection keys;
    std::vector<uint8_t*> states;
    std::vector<uint32_t> tags;  // of the keys, from the table they were flushed from
  };

  void DestroyStates() {
    auto destroy = [this](const std::vector<uint8_t*>& rows) {
      for (uint8_t* row : rows) {
        for (auto& a : aggs_) {
          if (a.fn.destroy) a.fn.destroy(row + a.offset);
        }
      }
    };
    for (auto& s : sets_) {
      if (s.part) {
        destroy(s.part->state_rows);
        destroy(s.part->retired);
      }
    }
    for (auto& f : flushed_) destroy(f.states);
    sets_.clear();
    flushed_.clear();
  }

  std::vector<Type> KeyTypes(const std::vector<size_t>& ids) const {
    std::vector<Type> types;
    for (size_t id : ids) types.push_back(groups_[id]->type);
    return types;
  }

  void InitPart(SetState& set, const std::vector<Type>& key_types) {
    set.part.emplace();
    if (ordered_) {
      set.part->ordered = std::make_unique<OrderedGroups>();
    } else {
      set.part->table = std::make_unique<GroupHashTable>(key_types, ctx_);
    }
    set.distinct_seen.resize(aggs_.size());
  }

  static size_t GroupCount(const Partition& p) {
    return p.ordered ? p.ordered->size() : p.table->size();
  }

  // Gives every group of `p` a state row.
  void AddStateRows(Partition& p) {
    size_t row_size = std::max<size_t>(state_size_, 16);
    size_t block = std::max(kArenaBlock, row_size);
    while (p.state_rows.size() < GroupCount(p)) {
      uint8_t* row;
      if (!p.free_rows.empty()) {
        row = p.free_rows.back();
        p.free_rows.pop_back();
      } else {
        if (p.arena.empty() || p.arena_used + row_size > block) {
          p.arena.push_back(std::make_unique_for_overwrite<uint8_t[]>(block));
          p.arena_used = 0;
          ctx_->Reserve(static_cast<int64_t>(block));
        }
        row = p.arena.back().get() + p.arena_used;
        p.arena_used += row_size;
      }
      for (auto& a : aggs_) a.fn.init(a.fn, row + a.offset);
      p.state_rows.push_back(row);
    }
  }

  // Keys [begin, begin + n) of a table's groups, as vectors.
  static std::vector<Vector> StoredKeys(GroupHashTable& table, size_t begin, size_t n) {
    std::vector<Vector> keys(table.key_types().size());
    for (size_t k = 0; k < keys.size(); k++) {
      keys[k].Initialize(table.key_types()[k], kVectorSize);
      keys[k].CopyRange(table.keys()[k], begin, n, 0);
    }
    return keys;
  }

  // Combines the aggregate states of one group row into another's.
  void Fold(const uint8_t* from, uint8_t* to, StringHeap& heap) {
    for (auto& a : aggs_) a.fn.combine(a.fn, from + a.offset, to + a.offset, heap);
  }

  // Folds the groups and states of `src` into `dst` (the same partition of two aggregations
  // of the same expressions).
  void MergePartition(Partition& dst, Partition& src) {
    size_t total = src.table->size();
    if (total == 0) return;
    dst.table->Reserve(dst.table->size() + total);
    dst.state_rows.reserve(dst.table->size() + total);
    std::vector<uint32_t> gids(kVectorSize);
    for (size_t begin = 0; begin < total; begin += kVectorSize) {
      ctx_->CheckCancelled();
      size_t n = std::min(kVectorSize, total - begin);
      std::vector<Vector> keys = StoredKeys(*src.table, begin, n);
      dst.table->FindOrCreate(keys, n, gids.data());
      AddStateRows(dst);
      for (size_t i = 0; i < n; i++) {
        Fold(src.state_rows[begin + i], dst.state_rows[gids[i]], *dst.heap);
      }
    }
  }

  void Consume(SetState& set, const std::vector<size_t>& ids, DataChunk& in, std::vector<Vector>& group_vals) {
    size_t n = in.size();
    std::vector<Vector> keys(ids.size());
    for (size_t k = 0; k < ids.size(); k++) keys[k].Reference(group_vals[ids[k]]);
    if (!set.part) InitPart(set, KeyTypes(ids));
    std::vector<uint8_t*> row_states(n);
    std::vector<uint32_t> gids(n);
    Partition& part = *set.part;
    if (part.ordered && !part.ordered->FindOrCreate(keys[0], n, gids.data())) LeaveOrdered(part);
    if (part.ordered) {
      ctx_->query()->rows_aggregated_in_key_order.fetch_add(n, std::memory_order_relaxed);
    } else {
      part.table->FindOrCreate(keys, n, gids.data());
    }
    AddStateRows(part);
    for (size_t i = 0; i < n; i++) row_states[i] = part.state_rows[gids[i]];
    // The table is flushed after this chunk's updates, which go to the state rows.
    bool flush = flush_ && part.table && LocalTableFull(*part.table);
    std::vector<uint8_t*> states(n);
    for (size_t a = 0; a < aggs_.size(); a++) {
      AggregateSpec& spec = aggs_[a];
      std::vector<Vector> args(spec.args.size());
      for (size_t k = 0; k < spec.args.size(); k++) {
        exec_.Execute(*spec.args[k], in, args[k]);
        args[k].Flatten(n);
      }
      std::vector<uint32_t> rows;
      bool subset = false;
      if (spec.filter) {
        rows.resize(n);
        size_t m = exec_.Select(*spec.filter, in, rows.data());
        rows.resize(m);
        subset = true;
      }
      if (spec.distinct) {
        // Keep only the first occurrence of each (group, args) pair. Distinct aggregations
        // never flush (they do not merge), so `gids` are the groups for good.
        std::vector<Vector> dkeys;
        std::vector<Type> dtypes{Type::Bigint()};
        Vector gv(Type::Bigint(), n);
        for (size_t i = 0; i < n; i++) gv.data<int64_t>()[i] = gids[i];
        dkeys.push_back(std::move(gv));
        for (auto& x : args) {
          dkeys.push_back(Vector());
          dkeys.back().Reference(x);
          dtypes.push_back(x.type());
        }
        auto& seen = set.distinct_seen[a];
        if (!seen) seen = std::make_unique<GroupHashTable>(dtypes, ctx_);
        size_t before = seen->size();
        std::vector<uint32_t> ids_out(n);
        seen->FindOrCreate(dkeys, n, ids_out.data());
        std::vector<uint32_t> keep;
        std::vector<bool> allowed(n, !subset);
        for (uint32_t r : rows) allowed[r] = true;
        size_t next_new = before;
        for (size_t i = 0; i < n; i++) {
          if (ids_out[i] == next_new) {
            next_new++;
            if (allowed[i]) keep.push_back(static_cast<uint32_t>(i));
          }
        }
        rows = std::move(keep);
        subset = true;
      }
      if (subset) {
        if (rows.empty()) continue;
        std::vector<Vector> sub(args.size());
        for (size_t k = 0; k < args.size(); k++) sub[k].Gather(args[k], rows.data(), rows.size());
        for (size_t i = 0; i < rows.size(); i++) states[i] = row_states[rows[i]] + spec.offset;
        spec.fn.update(spec.fn, sub, rows.size(), states.data(), heap_);
      } else {
        for (size_t i = 0; i < n; i++) states[i] = row_states[i] + spec.offset;
        spec.fn.update(spec.fn, args, n, states.data(), heap_);
      }
    }
    if (flush) Flush();
    if (part.ordered && key_bounds_) FinishComplete(part);
  }

  // Drops the rows of `chunk` (result rows) that fail HAVING.
  void ApplyHaving(DataChunk& chunk) {
    for (const auto& p : having_) {
      if (chunk.size() == 0) return;
      size_t n = exec_.Select(*p, chunk, having_sel_);
      if (n == 0) {
        chunk.set_size(0);
      } else if (n < chunk.size()) {
        chunk.Slice(having_sel_, n);
      }
    }
  }

  // Finishes the groups of an ordered partition that no later input can reach (KeyBounds):
  // while this copy's input has been one ascending run, a group whose key is not a
  // boundary and lies at or below the largest row-group max under the current key is
  // complete. Its result row is kept in finished_ if it passes HAVING, and its state row is
  // destroyed for a new group to reuse, so that the groups held are those of the row
  // groups being read, not all of them.
  void FinishComplete(Partition& part) {
    OrderedGroups& groups = *part.ordered;
    if (groups.runs() != 1 || groups.size() < 2) return;
    int64_t through = key_bounds_->CompleteBelow(groups.key(groups.size() - 1));
    if (through <= complete_through_) return;
    complete_through_ = through;
    // Stretches [start, end) of complete groups; the groups are in key order.
    std::vector<std::pair<size_t, size_t>> stretches;
    std::vector<uint8_t> erase(groups.size(), 0);
    size_t total = 0;
    int64_t boundary = key_bounds_->BoundaryAtOrAbove(groups.key(0));
    for (size_t g = 0; g < groups.size() && groups.key(g) <= through; g++) {
      int64_t key = groups.key(g);
      if (key > boundary) boundary = key_bounds_->BoundaryAtOrAbove(key);
      if (key == boundary) continue;
      if (stretches.empty() || stretches.back().second != g) stretches.emplace_back(g, g);
      stretches.back().second = g + 1;
      erase[g] = 1;
      total++;
    }
    if (total == 0) return;
    DataChunk out;
    size_t left = total;
    for (auto [start, end] : stretches) {
      while (start < end) {
        if (out.column_count() == 0) out.Initialize(types_, std::min(left, kVectorSize));
        size_t n = std::min(end - start, out.capacity() - out.size());
        Emit(part, grouping_sets_[0], start, n, out);
        start += n;
        left -= n;
        if (out.size() == out.capacity()) {
          ApplyHaving(out);
          finished_.Append(out);
          out = DataChunk();
        }
      }
    }
    std::vector<uint8_t*>& rows = part.state_rows;
    size_t live = 0;
    for (size_t g = 0; g < rows.size(); g++) {
      if (!erase[g]) {
        rows[live++] = rows[g];
        continue;
      }
      for (auto& a : aggs_) {
        if (a.fn.destroy) a.fn.destroy(rows[g] + a.offset);
      }
      part.free_rows.push_back(rows[g]);
    }
    rows.resize(live);
    groups.Erase(erase);
    ctx_->query()->groups_finished_early.fetch_add(total, std::memory_order_relaxed);
  }

  // Moves the groups of an ordered partition into a hash table, the input having turned out
  // not to be clustered on the key: each group gets a new state row its state folds into.
  void LeaveOrdered(Partition& part) {
    std::unique_ptr<OrderedGroups> ordered = std::move(part.ordered);
    std::vector<uint8_t*> states = std::move(part.state_rows);
    part.state_rows.clear();
    part.table = std::make_unique<GroupHashTable>(KeyTypes(grouping_sets_[0]), ctx_);
    std::vector<Vector> keys(1);
    std::vector<uint32_t> gids(kVectorSize);
    for (size_t begin = 0; begin < states.size(); begin += kVectorSize) {
      size_t n = std::min(kVectorSize, states.size() - begin);
      keys[0].Initialize(groups_[0]->type, kVectorSize);
      for (size_t i = 0; i < n; i++) keys[0].data<int64_t>()[i] = ordered->key(begin + i);
      part.table->FindOrCreate(keys, n, gids.data());
      AddStateRows(part);
      for (size_t i = 0; i < n; i++) Fold(states[begin + i], part.state_rows[gids[i]], *part.heap);
      if (flush_ && LocalTableFull(*part.table)) Flush();
    }
    part.retired.insert(part.retired.end(), states.begin(), states.end());
  }

  // Merges the runs of an ordered partition into one.
  void MergeRuns(Partition& part) {
    part.ordered->Merge(part.state_rows, [this, &part](uint8_t* from, uint8_t* to) {
      Fold(from, to, *part.heap);
      part.retired.push_back(from);
    });
  }

 public:
  // Whether the groups so far were found without hashing (input clustered on the key).
  bool Ordered() const {
    return ordered_ && (sets_.empty() || !sets_[0].part || sets_[0].part->ordered);
  }
  // Goes on with a hash table, moving the groups found so far into it.
  void UseHashTable() {
    ordered_ = false;
    if (!sets_.empty() && sets_[0].part && sets_[0].part->ordered) LeaveOrdered(*sets_[0].part);
  }
  // Takes over the groups, states and state memory of other ordered aggregations of the
  // same expressions, as more runs that Finish() merges with this one's.
  void AdoptOrdered(const std::vector<HashAggregate*>& others) {
    sets_.resize(1);
    if (!sets_[0].part) InitPart(sets_[0], KeyTypes(grouping_sets_[0]));
    Partition& dst = *sets_[0].part;
    for (HashAggregate* other : others) {
      if (other->sets_.empty() || !other->sets_[0].part) continue;
      Partition& src = *other->sets_[0].part;
      dst.ordered->Append(*src.ordered);
      dst.state_rows.insert(dst.state_rows.end(), src.state_rows.begin(), src.state_rows.end());
      dst.retired.insert(dst.retired.end(), src.retired.begin(), src.retired.end());
      dst.free_rows.insert(dst.free_rows.end(), src.free_rows.begin(), src.free_rows.end());
      src.state_rows.clear();
      src.retired.clear();
      src.free_rows.clear();
      // New state rows keep coming from the last block of dst's arena.
      for (auto& block : src.arena) dst.arena.insert(dst.arena.begin(), std::move(block));
      src.arena.clear();
    }
  }

  // Takes over the result rows another aggregation of the same expressions finished early.
  void AdoptFinished(HashAggregate& other) {
    for (size_t c = other.finished_pos_; c < other.finished_.chunk_count(); c++) {
      finished_.AppendOwned(std::move(other.finished_.chunk(c)));
    }
    other.finished_.Clear();
    other.finished_pos_ = 0;
  }

  // Whether partial aggregations of this kind can be merged (parallel aggregation).
  bool CanMerge() const {
    if (grouping_sets_.size() != 1) return false;
    for (const auto& a : aggs_) {
      if (a.distinct || !a.fn.combine) return false;
    }
    return true;
  }
  // Lets the local table flush into partitions when it fills (see kFlushThreshold); for
  // the partial aggregations of a parallel one, which CanMerge().
  void AllowFlush() { flush_ = true; }
  bool HasFlushed() const { return !flushed_.empty(); }
  // Groups in the local table (not flushed).
  size_t LocalGroups() const {
    return sets_.empty() || !sets_[0].part ? 0 : GroupCount(*sets_[0].part);
  }

  // Moves every group of the local table into the partitions' flushed lists and empties
  // the table, keeping its memory; the state rows stay where they are.
  void Flush() {
    sets_.resize(grouping_sets_.size());
    SetState& set = sets_[0];
    std::vector<Type> key_types = KeyTypes(grouping_sets_[0]);
    if (flushed_.empty()) {
      flushed_.resize(kPartitions);
      for (auto& f : flushed_) f.keys.set_types(key_types);
    }
    if (!set.part) return;
    Partition& local = *set.part;
    GroupHashTable& table = *local.table;
    size_t total = table.size();
    std::vector<uint32_t> tags(total);
    table.GroupTags(tags.data());
    std::vector<uint32_t> start(kPartitions + 1, 0);
    for (size_t g = 0; g < total; g++) start[PartitionOf(tags[g]) + 1]++;
    for (size_t p = 0; p < kPartitions; p++) start[p + 1] += start[p];
    std::vector<uint32_t> order(total);
    std::vector<uint32_t> fill(start.begin(), start.end() - 1);
    for (size_t g = 0; g < total; g++) order[fill[PartitionOf(tags[g])]++] = static_cast<uint32_t>(g);
    std::vector<Vector> picked(key_types.size());
    for (size_t p = 0; p < kPartitions; p++) {
      Flushed& f = flushed_[p];
      for (uint32_t begin = start[p]; begin < start[p + 1]; begin += kVectorSize) {
        size_t n = std::min<size_t>(kVectorSize, start[p + 1] - begin);
        // Sized to its rows: a partition holds a few hundred groups of each flush, and a
        // chunk of kVectorSize rows per partition and copy would dwarf them. The rows are
        // gathered into `picked` (one reused vector per key) and copied from there.
        DataChunk keys(key_types, n);
        for (size_t k = 0; k < key_types.size(); k++) {
          picked[k].Gather(table.keys()[k], order.data() + begin, n);
          keys.column(k).CopyRange(picked[k], 0, n, 0);
        }
        keys.set_size(n);
        f.keys.AppendOwned(std::move(keys));
        for (size_t i = 0; i < n; i++) {
          f.states.push_back(local.state_rows[order[begin + i]]);
          f.tags.push_back(tags[order[begin + i]]);
        }
      }
    }
    int64_t bytes = static_cast<int64_t>(total * (sizeof(uint8_t*) + sizeof(uint32_t)));
    for (const Type& t : key_types) bytes += static_cast<int64_t>(total * PhysicalSize(t.physical()));
    ctx_->Reserve(bytes);
    table.Clear();
    local.state_rows.clear();
  }

  // Sets up the merged partitions MergeFlushed fills.
  void PrepareMerge() {
    merged_.resize(kPartitions);
    for (auto& m : merged_) m.table = std::make_unique<GroupHashTable>(KeyTypes(grouping_sets_[0]), ctx_);
  }
  // Merges partition `p` of the flushed groups of every aggregation in `sources` (this one
  // among them, all flushed) into this one's merged partition `p`: each group adopts the
  // first state row flushed for it, later ones are combined into that. Different partitions
  // may merge concurrently once PrepareMerge() has run.
  void MergeFlushed(const std::vector<HashAggregate*>& sources, size_t p) {
    Partition& dst = merged_[p];
    // The flushed keys are stored copies already: the merged table shares their strings.
    dst.table->ShareStrings();
    size_t entries = 0;
    for (HashAggregate* src : sources) entries += src->flushed_[p].states.size();
    dst.table->Reserve(entries);
    dst.state_rows.reserve(entries);
    std::vector<uint32_t> gids(kVectorSize);
    for (HashAggregate* src : sources) {
      Flushed& f = src->flushed_[p];
      size_t row = 0;
      for (size_t c = 0; c < f.keys.chunk_count(); c++) {
        ctx_->CheckCancelled();
        DataChunk& keys = f.keys.chunk(c);
        size_t n = keys.size();
        // Their tags came along: the keys are not hashed again.
        dst.table->FindOrCreate(keys.columns(), n, f.tags.data() + row, gids.data());
        for (size_t i = 0; i < n; i++, row++) {
          uint8_t* state = f.states[row];
          if (gids[i] == dst.state_rows.size()) {
            dst.state_rows.push_back(state);
          } else {
            Fold(state, dst.state_rows[gids[i]], *dst.heap);
          }
        }
      }
    }
  }

  // Aggregates the whole input into the group tables.
  void ConsumeInput() {
    sets_.resize(grouping_sets_.size());
    DataChunk in;
    try {
      while (child_->Next(in)) {
        ctx_->CheckCancelled();
        in.Flatten();
        std::vector<Vector> group_vals(groups_.size());
        for (size_t g = 0; g < groups_.size(); g++) {
          exec_.Execute(*groups_[g], in, group_vals[g]);
          group_vals[g].Flatten(in.size());
        }
        for (size_t s = 0; s < grouping_sets_.size(); s++)
          Consume(sets_[s], grouping_sets_[s], in, group_vals);
      }
    } catch (...) {
      // A copy of a parallel pipeline that fails stops its scans at once: the other copies
      // may be waiting for their chunks (ChunkExchange).
      child_.reset();
      throw;
    }
    // The input's operators (and the hash join build sides only they probe) are done.
    child_.reset();
  }

  // Folds another aggregation's groups and states (same expressions) into this one; neither
  // has flushed.
  void MergeFrom(HashAggregate& other) {
    sets_.resize(grouping_sets_.size());
    for (size_t s = 0; s < sets_.size() && s < other.sets_.size(); s++) {
      SetState& src = other.sets_[s];
      if (!src.part) continue;
      SetState& dst = sets_[s];
      if (!dst.part) InitPart(dst, src.part->table->key_types());
      MergePartition(*dst.part, *src.part);
    }
  }

  // Ends the input: lists the group tables whose groups Next() returns.
  void Finish() {
    sets_.resize(grouping_sets_.size());
    if (sets_[0].part && sets_[0].part->ordered) MergeRuns(*sets_[0].part);
    bool global = groups_.empty();
    done_ = true;
    if (!merged_.empty()) {
      for (auto& part : merged_) sources_.emplace_back(&part, &grouping_sets_[0]);
      return;
    }
    for (size_t s = 0; s < grouping_sets_.size(); s++) {
      SetState& set = sets_[s];
      if (!set.part) {
        if (!global && !grouping_sets_[s].empty()) continue;
        // Aggregation without groups over no rows still yields one row.
        InitPart(set, {});
        std::vector<Vector> nokeys;
        uint32_t gid;
        set.part->table->FindOrCreate(nokeys, 1, &gid);
        AddStateRows(*set.part);
      }
      sources_.emplace_back(&*set.part, &grouping_sets_[s]);
    }
  }

 private:
  // Appends the result rows of groups [start, start + n) of `part` (of the grouping set of
  // group expressions `ids`) to `out`, which has room for them.
  void Emit(Partition& part, const std::vector<size_t>& ids, size_t start, size_t n,
            DataChunk& out) {
    size_t at = out.size();
    size_t col = 0;
    for (size_t g = 0; g < groups_.size(); g++, col++) {
      auto pos = std::find(ids.begin(), ids.end(), g);
      Vector& v = out.column(col);
      if (pos == ids.end()) {
        for (size_t i = at; i < at + n; i++) {
          if (v.type().physical() == PhysicalType::kString) v.data<std::string_view>()[i] = {};
          v.SetNull(i);
        }
      } else if (part.ordered) {
        for (size_t i = 0; i < n; i++) v.data<int64_t>()[at + i] = part.ordered->key(start + i);
      } else {
        v.CopyRange(part.table->keys()[pos - ids.begin()], start, n, at);
      }
    }
    for (auto& a : aggs_) {
      Vector& v = out.column(col++);
      for (size_t i = 0; i < n; i++)
        a.fn.finalize(a.fn, part.state_rows[start + i] + a.offset, v, at + i);
    }
    for (const auto& call : grouping_calls_) {
      Vector& v = out.column(col++);
      int64_t bits = 0;
      for (size_t arg : call) {
        bits = bits * 2 + (std::find(ids.begin(), ids.end(), arg) == ids.end() ? 1 : 0);
      }
      for (size_t i = at; i < at + n; i++) v.data<int64_t>()[i] = bits;
    }
    out.set_size(at + n);
  }

  static constexpr size_t kArenaBlock = 1 << 16;
  ExecContext* ctx_;
  PhysicalPtr child_;
  std::vector<BoundExprPtr> groups_;
  std::vector<std::vector<size_t>> grouping_sets_;
  std::vector<std::vector<size_t>> grouping_calls_;
  std::vector<AggregateSpec> aggs_;
  size_t state_size_ = 0;
  // Predicates over the result rows (a HAVING clause): rows that fail them are not returned.
  std::vector<BoundExprPtr> having_;
  uint32_t having_sel_[kVectorSize];
  // Set when the input reads the group key's row groups whole, in order (see KeyBounds):
  // groups are finished as soon as the input has moved past them, up to this key.
  std::shared_ptr<const KeyBounds> key_bounds_;
  int64_t complete_through_ = INT64_MIN;
  ExpressionExecutor exec_;
  // Result rows of the groups finished early that passed HAVING; Next() returns them first.
  ChunkCollection finished_;
  size_t finished_pos_ = 0;
  std::vector<SetState> sets_;
  // One integer key and mergeable aggregates: groups are found by OrderedGroups until the
  // input proves not to be clustered on the key.
  bool ordered_ = false;
  bool flush_ = false;
  std::vector<Flushed> flushed_;  // kPartitions once flushed
  std::vector<Partition> merged_;  // kPartitions after MergeFlushed; their states are views
  StringHeap heap_;
  bool done_ = false;
  // What Next() returns: group tables and their grouping sets, the one being read and the
  // next group in it.
  std::vector<std::pair<Partition*, const std::vector<size_t>*>> sources_;
  size_t source_ = 0;
  size_t offset_ = 0;
};

// Hash aggregation over several copies of the same input pipeline, one per worker thread:
// each copy aggregates what its scans hand it (morsels are shared, so every row is read
// once), then the partial results are merged into the first: partition by partition on
// all threads once any copy has flushed (see kFlushThreshold), else serially.
class ParallelAggregate : public PhysicalOperator {
 public:
  ParallelAggregate(ExecContext* ctx, std::vector<std::unique_ptr<HashAggregate>> parts,
                    std::vector<std::shared_ptr<HashJoinBuild>> builds)
      : PhysicalOperator(parts[0]->types()), ctx_(ctx), parts_(std::move(parts)), builds_(std::move(builds)) {
    for (auto& p : parts_) p->AllowFlush();
  }

  bool Next(DataChunk& out) override {
    if (!started_) {
      started_ = true;
      // Join build sides first, on this thread: pipeline copies then only read them.
      for (auto& b : builds_) PrepareHashJoinBuild(*b);
      std::vector<std::function<void()>> tasks;
      for (auto& p : parts_) tasks.push_back([part = p.get()] { part->ConsumeInput(); });
      Run(std::move(tasks));
      tasks.clear();
      builds_.clear();
      for (size_t i = 1; i < parts_.size(); i++) parts_[0]->AdoptFinished(*parts_[i]);
      bool ordered = true;
      for (auto& p : parts_) ordered = ordered && p->Ordered();
      if (ordered) {
        std::vector<HashAggregate*> others;
        for (size_t i = 1; i < parts_.size(); i++) others.push_back(parts_[i].get());
        parts_[0]->AdoptOrdered(others);
        parts_[0]->Finish();
        return parts_[0]->Next(out);
      }
      for (auto& p : parts_) tasks.push_back([part = p.get()] { part->UseHashTable(); });
      Run(std::move(tasks));
      tasks.clear();
      bool flushed = false;
      size_t others = 0;
      for (size_t i = 0; i < parts_.size(); i++) {
        flushed = flushed || parts_[i]->HasFlushed();
        if (i > 0) others += parts_[i]->LocalGroups();
      }
      if (flushed || others >= kPartitionedMergeGroups) {
        std::vector<HashAggregate*> sources;
        for (auto& p : parts_) {
          sources.push_back(p.get());
          tasks.push_back([part = p.get()] { part->Flush(); });
        }
        Run(std::move(tasks));
        tasks.clear();
        parts_[0]->PrepareMerge();
        for (size_t p = 0; p < kPartitions; p++) {
          tasks.push_back([this, &sources, p] { parts_[0]->MergeFlushed(sources, p); });
        }
        Run(std::move(tasks));
        ctx_->query()->aggregate_partitions_merged.fetch_add(kPartitions,
                                                             std::memory_order_relaxed);
      } else {
        for (size_t i = 1; i < parts_.size(); i++) parts_[0]->MergeFrom(*parts_[i]);
      }
      parts_[0]->Finish();
    }
    return parts_[0]->Next(out);
  }

 private:
  void Run(std::vector<std::function<void()>> tasks) {
    ThreadPool* pool = ctx_->query()->pool;
    if (pool) {
      pool->Run(std::move(tasks));
    } else {
      for (auto& t : tasks) t();
    }
  }

  ExecContext* ctx_;
  std::vector<std::unique_ptr<HashAggregate>> parts_;
  std::vector<std::shared_ptr<HashJoinBuild>> builds_;
  bool started_ = false;
};

// ---------------------------------------------------------------- joins
// Appends matched pairs (left row, right row or kNone) into an output chunk.
class PairEmitter {
 public:
  PairEmitter(const std::vector<Type>& types, size_t left_width) : types_(types), left_width_(left_width) {}
  // Builds the output of pairs from `left` (chunk) and `right` (collection rows by global
  // index; kNone = NULLs).
  void Build(DataChunk& left, const std::vector<uint32_t>& lrows, const std::vector<DataChunk*>& right_chunks,
             const std::vector<uint32_t>& rrows, const std::vector<uint32_t>& rchunk, bool include_right,
             DataChunk& out) {
    size_t n = lrows.size();
    out.columns().resize(include_right ? types_.size() : left_width_);
    for (size_t c = 0; c < left_width_; c++) {
      if (lrows.empty()) {
        out.column(c).Initialize(types_[c], kVectorSize);
      } else {
        bool identity = lrows.size() == left.size();
        for (size_t i = 0; identity && i < n; i++) identity = lrows[i] == i;
        if (identity) {
          out.column(c).Reference(left.column(c));
        } else {
          bool has_none = false;
          for (uint32_t r : lrows) has_none = has_none || r == kNone;
          if (!has_none) {
            out.column(c).Gather(left.column(c), lrows.data(), n);
          } else {
            Vector& v = out.column(c);
            v.Initialize(types_[c], std::max(n, kVectorSize));
            for (size_t i = 0; i < n; i++) {
              if (lrows[i] == kNone) {
                if (v.type().physical() == PhysicalType::kString) v.data<std::string_view>()[i] = {};
                v.SetNull(i);
              } else {
                v.CopyRange(left.column(c), lrows[i], 1, i);
              }
            }
          }
        }
      }
    }
    if (include_right) {
      for (size_t c = left_width_; c < types_.size(); c++) {
        switch (types_[c].physical()) {
          case PhysicalType::kBool:
            GatherRight<uint8_t>(right_chunks, rrows, rchunk, c, n, out.column(c));
            break;
          case PhysicalType::kInt64:
          case PhysicalType::kDouble:
            GatherRight<int64_t>(right_chunks, rrows, rchunk, c, n, out.column(c));
            break;
          case PhysicalType::kInt128:
            GatherRight<int128_t>(right_chunks, rrows, rchunk, c, n, out.column(c));
            break;
          case PhysicalType::kString:
            GatherRight<std::string_view>(right_chunks, rrows, rchunk, c, n, out.column(c));
            break;
        }
      }
    }
    out.set_size(n);
  }

 private:
  // Column `c` of the output from the build rows (chunk, row) of each pair; strings stay in
  // the build chunks' heaps, which the output keeps alive.
  template <class T>
  void GatherRight(const std::vector<DataChunk*>& chunks, const std::vector<uint32_t>& rrows,
                   const std::vector<uint32_t>& rchunk, size_t c, size_t n, Vector& v) {
    v.Initialize(types_[c], std::max(n, kVectorSize));
    T* dst = v.data<T>();
    std::vector<uint8_t> kept(std::is_same_v<T, std::string_view> ? chunks.size() : 0, 0);
    for (size_t i = 0; i < n; i++) {
      if (rrows[i] == kNone) {
        dst[i] = T{};
        v.SetNull(i);
        continue;
      }
      const Vector& src = chunks[rchunk[i]]->column(c - left_width_);
      size_t r = src.is_constant() ? 0 : rrows[i];
      dst[i] = src.data<T>()[r];
      if (!src.IsValid(r)) v.SetNull(i);
      if constexpr (std::is_same_v<T, std::string_view>) {
        if (!kept[rchunk[i]]) {
          v.KeepStringsOf(src);
          kept[rchunk[i]] = 1;
        }
      }
    }
  }

  std::vector<Type> types_;
  size_t left_width_;
};

// The join keys `exprs` over the `n` rows of `in`, each a flat vector.
std::vector<Vector> FlatKeys(ExpressionExecutor& exec, const std::vector<BoundExprPtr>& exprs,
                             DataChunk& in, size_t n) {
  std::vector<Vector> keys(exprs.size());
  for (size_t k = 0; k < exprs.size(); k++) {
    exec.Execute(*exprs[k], in, keys[k]);
    keys[k].Flatten(n);
  }
  return keys;
}

}  // namespace

// The build side of a hash join: its rows, tables of their keys and, per key, the chain of
// rows that have it. Built once (under a lock) and then read by every probing copy of a
// parallel pipeline. Its input is one operator, or copies of one parallel pipeline that run
// on the worker threads (after the build sides they probe). The rows are then indexed by
// their keys' hashes in kBuildPartitions tables, each filled on its own thread and sized
// once for its rows, when the pool has threads to spare and the rows are many
// (kParallelIndexRows); in one table otherwise.
class HashJoinBuild {
 public:
  struct Entry {
    uint32_t chunk;
    uint32_t row;
    uint32_t next;
  };
  static constexpr size_t kBuildPartitions = 16;
  static constexpr size_t kParallelIndexRows = 1 << 14;

  HashJoinBuild(ExecContext* ctx, std::vector<PhysicalPtr> inputs,
                std::vector<std::shared_ptr<HashJoinBuild>> nested, std::vector<BoundExprPtr> rkeys,
                std::vector<bool> null_equal)
      : ctx_(ctx),
        inputs_(std::move(inputs)),
        nested_(std::move(nested)),
        rkeys_(std::move(rkeys)),
        null_equal_(std::move(null_equal)) {}

  // Builds on first call; later calls (from any thread) wait for it.
  void Ensure() {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_) std::rethrow_exception(error_);
    if (built_) return;
    try {
      Build();
    } catch (...) {
      error_ = std::current_exception();
      throw;
    }
    built_ = true;
    // The input operators (their scans' buffers) and the build sides only they probe are
    // done: they go before the probe starts, not with the plan.
    inputs_.clear();
    nested_.clear();
    for (auto& c : chunks_) chunk_ptrs_.push_back(c.get());
  }

  // The Bloom filter of the keys, filled with the build; null unless there is one integer
  // key column whose NULLs never match. Planning time only (one thread).
  std::shared_ptr<JoinKeyFilter> KeyFilter() {
    bool one_integer =
        rkeys_.size() == 1 && !null_equal_[0] && rkeys_[0]->type.physical() == PhysicalType::kInt64;
    if (one_integer && !key_filter_) key_filter_ = std::make_shared<JoinKeyFilter>();
    return key_filter_;
  }

  // The key of each of the `n` rows of `keys` (flat vectors): gids[i] = its index into
  // heads(), or kNone when no build row has it. Keys are matched with NULLs equal: the
  // caller drops rows whose NULL keys must not match.
  void Find(std::vector<Vector>& keys, size_t n, uint32_t* gids) const {
    if (heads_.empty()) {
      std::fill(gids, gids + n, kNone);
      return;
    }
    std::vector<uint64_t> hashes(n);
    GroupHashTable::Hash(keys, n, hashes.data());
    for (size_t i = 0; i < n; i++) {
      size_t p = PartitionOf(hashes[i], tables_.size());
      uint32_t g = tables_[p]->FindRow(keys, i, static_cast<uint32_t>(hashes[i]));
      gids[i] = g == kNone ? kNone : group_base_[p] + g;
    }
  }
  const std::vector<uint32_t>& heads() const { return heads_; }
  const std::vector<Entry>& entries() const { return entries_; }
  const std::vector<DataChunk*>& chunks() const { return chunk_ptrs_; }
  std::vector<std::vector<uint8_t>>& matched() { return matched_; }

 private:
  // The rows of one chunk by key: the keys (flat vectors), each row's tag, and the rows
  // whose keys can match, by partition: those of partition p are
  // order[starts[p], starts[p + 1]).
  struct ChunkKeys {
    std::vector<Vector> keys;
    std::vector<uint32_t> tags;
    std::vector<uint32_t> order;
    std::vector<uint32_t> starts;
  };

  // Of `partitions` (a power of two up to 64), the one a hash goes to: bits the tags (the
  // low 32, which place keys in a table's slots) leave alone.
  static size_t PartitionOf(uint64_t hash, size_t partitions) {
    return (hash >> 58) & (partitions - 1);
  }

  void Build() {
    ThreadPool* pool = ctx_->query()->pool;
    if (inputs_.size() == 1 || !pool) {
      for (auto& input : inputs_) {
        DataChunk in;
        while (input->Next(in)) {
          ctx_->CheckCancelled();
          Store(chunks_, in);
          in = DataChunk();
        }
      }
    } else {
      for (auto& b : nested_) b->Ensure();
      std::vector<std::vector<std::unique_ptr<DataChunk>>> parts(inputs_.size());
      std::vector<std::function<void()>> tasks;
      for (size_t i = 0; i < inputs_.size(); i++) {
        tasks.push_back([this, i, &parts] {
          DataChunk in;
          try {
            while (inputs_[i]->Next(in)) {
              ctx_->CheckCancelled();
              Store(parts[i], in);
              in = DataChunk();
            }
          } catch (...) {
            inputs_[i].reset();  // stops its scans for the copies that wait on them
            throw;
          }
        });
      }
      pool->Run(std::move(tasks));
      ctx_->query()->parallel_build_pipelines.fetch_add(inputs_.size(), std::memory_order_relaxed);
      for (auto& part : parts) {
        for (auto& chunk : part) chunks_.push_back(std::move(chunk));
      }
    }
    size_t rows = 0;
    for (auto& c : chunks_) {
      matched_.emplace_back(c->size(), 0);
      rows += c->size();
    }
    bool parallel =
        pool && pool->size() > 1 && ctx_->query()->threads > 1 && rows >= kParallelIndexRows;
    Index(parallel ? pool : nullptr);
    if (parallel) ctx_->query()->partitioned_join_builds.fetch_add(1, std::memory_order_relaxed);
    if (key_filter_) {
      std::vector<int64_t> keys;
      for (auto& t : tables_) {
        const int64_t* k = t->keys()[0].data<int64_t>();
        keys.insert(keys.end(), k, k + t->size());
      }
      key_filter_->Fill(keys.data(), keys.size());
    }
  }

  // Keeps the rows of `in` (consumed) at the end of `chunks`: small chunks (after selective
  // filters) are packed into the last one.
  void Store(std::vector<std::unique_ptr<DataChunk>>& chunks, DataChunk& in) {
    in.Flatten();
    size_t n = in.size();
    size_t bytes = 0;
    for (auto t : in.types()) bytes += PhysicalSize(t.physical()) * n;
    ctx_->Reserve(static_cast<int64_t>(bytes));
    bool packed = n < kVectorSize / 2 && !chunks.empty() &&
                  chunks.back()->size() + n <= kVectorSize && chunks.back()->AppendInPlace(in);
    if (!packed) chunks.push_back(std::make_unique<DataChunk>(std::move(in)));
  }

  // Runs f(0) .. f(count - 1), on the pool's threads when given one.
  static void RunEach(ThreadPool* pool, size_t count, const std::function<void(size_t)>& f) {
    if (!pool || count < 2) {
      for (size_t i = 0; i < count; i++) f(i);
      return;
    }
    std::vector<std::function<void()>> tasks;
    for (size_t i = 0; i < count; i++) tasks.push_back([&f, i] { f(i); });
    pool->Run(std::move(tasks));
  }

  // Enters every stored row whose keys can match into the key tables (kBuildPartitions of
  // them, filled in parallel, with a pool; one without). Partition p's rows take the
  // entries from entry_base[p] on, the counts being known beforehand, and its groups as
  // many heads from the same index (a partition has no more groups than rows).
  void Index(ThreadPool* pool) {
    const size_t partitions = pool ? kBuildPartitions : 1;
    std::vector<ChunkKeys> by_chunk(chunks_.size());
    const size_t workers = pool ? static_cast<size_t>(pool->size()) : 1;
    RunEach(pool, workers, [&](size_t w) {
      ExpressionExecutor exec(ctx_);
      std::vector<uint64_t> hashes;
      std::vector<uint8_t> part;
      for (size_t c = w; c < chunks_.size(); c += workers) {
        ctx_->CheckCancelled();
        DataChunk& chunk = *chunks_[c];
        size_t n = chunk.size();
        ChunkKeys& ck = by_chunk[c];
        ck.keys = FlatKeys(exec, rkeys_, chunk, n);
        hashes.resize(n);
        GroupHashTable::Hash(ck.keys, n, hashes.data());
        ck.tags.resize(n);
        part.resize(n);
        ck.starts.assign(partitions + 1, 0);
        // Rows with a NULL key never match ('=' semantics) but are kept for outer joins.
        constexpr uint8_t kNoPartition = 0xff;
        for (size_t i = 0; i < n; i++) {
          ck.tags[i] = static_cast<uint32_t>(hashes[i]);
          bool ok = true;
          for (size_t k = 0; k < ck.keys.size(); k++) {
            ok = ok && (null_equal_[k] || ck.keys[k].IsValid(i));
          }
          part[i] = ok ? static_cast<uint8_t>(PartitionOf(hashes[i], partitions)) : kNoPartition;
          if (ok) ck.starts[part[i] + 1]++;
        }
        for (size_t p = 0; p < partitions; p++) ck.starts[p + 1] += ck.starts[p];
        ck.order.resize(ck.starts[partitions]);
        std::vector<uint32_t> fill(ck.starts.begin(), ck.starts.end() - 1);
        for (size_t i = 0; i < n; i++) {
          if (part[i] != kNoPartition) ck.order[fill[part[i]]++] = static_cast<uint32_t>(i);
        }
      }
    });
    std::vector<uint32_t> entry_base(partitions + 1, 0);
    for (size_t p = 0; p < partitions; p++) {
      size_t rows = 0;
      for (const ChunkKeys& ck : by_chunk) rows += ck.starts[p + 1] - ck.starts[p];
      entry_base[p + 1] = static_cast<uint32_t>(entry_base[p] + rows);
    }
    entries_.resize(entry_base[partitions]);
    heads_.assign(entry_base[partitions], kNone);
    ctx_->Reserve(static_cast<int64_t>(entries_.size() * (sizeof(Entry) + sizeof(uint32_t))));
    group_base_.assign(entry_base.begin(), entry_base.end() - 1);
    std::vector<Type> key_types;
    for (auto& k : rkeys_) key_types.push_back(k->type);
    tables_.resize(partitions);
    RunEach(pool, partitions, [&](size_t p) {
      auto table = std::make_unique<GroupHashTable>(key_types, ctx_);
      table->Reserve(entry_base[p + 1] - entry_base[p]);
      uint32_t* heads = heads_.data() + entry_base[p];
      uint32_t next_entry = entry_base[p];
      std::vector<Vector> keys(key_types.size());
      std::vector<uint32_t> tags, gids;
      for (size_t c = 0; c < by_chunk.size(); c++) {
        ctx_->CheckCancelled();
        const ChunkKeys& ck = by_chunk[c];
        const uint32_t* rows = ck.order.data() + ck.starts[p];
        size_t m = ck.starts[p + 1] - ck.starts[p];
        if (m == 0) continue;
        for (size_t k = 0; k < keys.size(); k++) keys[k].Gather(ck.keys[k], rows, m);
        tags.resize(m);
        gids.resize(m);
        for (size_t i = 0; i < m; i++) tags[i] = ck.tags[rows[i]];
        table->FindOrCreate(keys, m, tags.data(), gids.data());
        for (size_t i = 0; i < m; i++) {
          entries_[next_entry] = {static_cast<uint32_t>(c), rows[i], heads[gids[i]]};
          heads[gids[i]] = next_entry++;
        }
      }
      tables_[p] = std::move(table);
    });
  }

  ExecContext* ctx_;
  std::vector<PhysicalPtr> inputs_;
  std::vector<std::shared_ptr<HashJoinBuild>> nested_;
  std::vector<BoundExprPtr> rkeys_;
  std::vector<bool> null_equal_;
  std::mutex mu_;
  bool built_ = false;
  std::exception_ptr error_;
  // The key tables of the partitions and where each one's groups start in heads_.
  std::vector<std::unique_ptr<GroupHashTable>> tables_;
  std::vector<uint32_t> group_base_;
  std::vector<uint32_t> heads_;
  std::vector<Entry> entries_;
  std::vector<std::unique_ptr<DataChunk>> chunks_;
  std::vector<DataChunk*> chunk_ptrs_;
  std::vector<std::vector<uint8_t>> matched_;
  std::shared_ptr<JoinKeyFilter> key_filter_;
};

namespace {

class HashJoin : public PhysicalOperator {
 public:
  HashJoin(ExecContext* ctx, PhysicalPtr left, std::shared_ptr<HashJoinBuild> build, JoinType type,
           std::vector<BoundExprPtr> lkeys, std::vector<bool> null_equal, BoundExprPtr residual,
           std::vector<Type> types)
      : PhysicalOperator(std::move(types)), left_(std::move(left)), build_(std::move(build)), type_(type),
        lkeys_(std::move(lkeys)), null_equal_(std::move(null_equal)), residual_(std::move(residual)), exec_(ctx),
        emitter_(types_, left_->types().size()) {}

  bool Next(DataChunk& out) override {
    if (!built_) {
      build_->Ensure();
      built_ = true;
    }
    while (true) {
      if (!pending_.empty()) {
        out = std::move(pending_.back());
        pending_.pop_back();
        return true;
      }
      if (probe_done_) {
        if (!unmatched_emitted_ && (type_ == JoinType::kRight || type_ == JoinType::kFull)) {
          EmitUnmatchedBuild();
          unmatched_emitted_ = true;
          continue;
        }
        // The rows given out keep what they share with the build side alive on their own;
        // the build side goes with its last probe.
        build_.reset();
        left_.reset();
        out.set_size(0);
        return false;
      }
      DataChunk in;
      if (!left_->Next(in)) {
        probe_done_ = true;
        continue;
      }
      Probe(in);
    }
  }

 private:
  void Probe(DataChunk& in) {
    in.Flatten();
    size_t n = in.size();
    std::vector<Vector> keys = FlatKeys(exec_, lkeys_, in, n);
    std::vector<uint32_t> gids(n);
    build_->Find(keys, n, gids.data());
    const auto& heads = build_->heads();
    const auto& entries = build_->entries();
    const std::vector<DataChunk*>& chunks = build_->chunks();
    // Only right and full joins read which build rows matched (and they run serially).
    bool track_build = type_ == JoinType::kRight || type_ == JoinType::kFull;
    for (size_t i = 0; i < n; i++) {
      for (size_t k = 0; k < keys.size() && gids[i] != kNone; k++) {
        if (!null_equal_[k] && !keys[k].IsValid(i)) gids[i] = kNone;
      }
    }
    std::vector<uint8_t> matched(n, 0);
    std::vector<uint32_t> lrows, rrows, rchunk;
    bool need_pairs = type_ != JoinType::kSemi && type_ != JoinType::kAnti;
    auto flush = [&](bool final_flush) {
      if (lrows.empty()) return;
      if (!final_flush && lrows.size() < kVectorSize) return;
      DataChunk pairs;
      emitter_.Build(in, lrows, chunks, rrows, rchunk, true, pairs);
      std::vector<uint32_t> keep;
      if (residual_) {
        std::vector<uint32_t> sel(pairs.size());
        size_t m = exec_.Select(*residual_, pairs, sel.data());
        keep.assign(sel.begin(), sel.begin() + m);
      } else {
        keep.resize(pairs.size());
        std::iota(keep.begin(), keep.end(), 0);
      }
      for (uint32_t k : keep) {
        matched[lrows[k]] = 1;
        if (track_build) build_->matched()[rchunk[k]][rrows[k]] = 1;
      }
      if (need_pairs && !keep.empty()) {
        if (keep.size() < pairs.size()) pairs.Slice(keep.data(), keep.size());
        pending_.insert(pending_.begin(), std::move(pairs));
      }
      lrows.clear();
      rrows.clear();
      rchunk.clear();
    };
    for (size_t i = 0; i < n; i++) {
      if (gids[i] == kNone) continue;
      for (uint32_t e = heads[gids[i]]; e != kNone; e = entries[e].next) {
        lrows.push_back(static_cast<uint32_t>(i));
        rrows.push_back(entries[e].row);
        rchunk.push_back(entries[e].chunk);
        if (!need_pairs && !residual_) break;  // one match decides a semi/anti join row
        flush(false);
      }
    }
    flush(true);
    if (type_ == JoinType::kLeft || type_ == JoinType::kFull) {
      std::vector<uint32_t> l, r, rc;
      for (size_t i = 0; i < n; i++) {
        if (!matched[i]) {
          l.push_back(static_cast<uint32_t>(i));
          r.push_back(kNone);
          rc.push_back(0);
        }
      }
      if (!l.empty()) {
        DataChunk o;
        emitter_.Build(in, l, chunks, r, rc, true, o);
        pending_.insert(pending_.begin(), std::move(o));
      }
    } else if (type_ == JoinType::kSemi || type_ == JoinType::kAnti) {
      std::vector<uint32_t> l;
      for (size_t i = 0; i < n; i++) {
        if (matched[i] == (type_ == JoinType::kSemi)) l.push_back(static_cast<uint32_t>(i));
      }
      if (!l.empty()) {
        DataChunk o;
        if (l.size() == n) {
          o = std::move(in);
        } else {
          std::vector<uint32_t> none;
          emitter_.Build(in, l, chunks, none, none, false, o);
        }
        pending_.insert(pending_.begin(), std::move(o));
      }
    }
  }

  void EmitUnmatchedBuild() {
    size_t lw = left_->types().size();
    const std::vector<DataChunk*>& chunks = build_->chunks();
    for (size_t c = 0; c < chunks.size(); c++) {
      DataChunk& b = *chunks[c];
      std::vector<uint32_t> rows;
      for (size_t i = 0; i < b.size(); i++) {
        if (!build_->matched()[c][i]) rows.push_back(static_cast<uint32_t>(i));
      }
      if (rows.empty()) continue;
      DataChunk o;
      o.columns().resize(types_.size());
      for (size_t k = 0; k < lw; k++) {
        Vector& v = o.column(k);
        v.Initialize(types_[k], std::max(rows.size(), kVectorSize));
        for (size_t i = 0; i < rows.size(); i++) {
          if (v.type().physical() == PhysicalType::kString) v.data<std::string_view>()[i] = {};
          v.SetNull(i);
        }
      }
      for (size_t k = lw; k < types_.size(); k++) o.column(k).Gather(b.column(k - lw), rows.data(), rows.size());
      o.set_size(rows.size());
      pending_.insert(pending_.begin(), std::move(o));
    }
  }

  PhysicalPtr left_;
  std::shared_ptr<HashJoinBuild> build_;
  JoinType type_;
  std::vector<BoundExprPtr> lkeys_;
  std::vector<bool> null_equal_;
  BoundExprPtr residual_;
  ExpressionExecutor exec_;
  PairEmitter emitter_;
  std::vector<DataChunk> pending_;  // consumed from the back
  bool built_ = false, probe_done_ = false, unmatched_emitted_ = false;
};

class NestedLoopJoin : public PhysicalOperator {
 public:
  NestedLoopJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type, BoundExprPtr pred,
                 std::vector<Type> types)
      : PhysicalOperator(std::move(types)), ctx_(ctx), left_(std::move(left)), right_(std::move(right)),
        type_(type), pred_(std::move(pred)), exec_(ctx), emitter_(types_, left_->types().size()) {}

  bool Next(DataChunk& out) override {
    if (!built_) {
      DataChunk in;
      while (right_->Next(in)) {
        in.Flatten();
        size_t bytes = 0;
        for (auto t : in.types()) bytes += PhysicalSize(t.physical()) * in.size();
        ctx_->Reserve(static_cast<int64_t>(bytes));
        build_.push_back(std::make_unique<DataChunk>(std::move(in)));
        build_matched_.emplace_back(build_.back()->size(), 0);
        in = DataChunk();
      }
      for (auto& c : build_) chunks_.push_back(c.get());
      built_ = true;
    }
    while (true) {
      if (!pending_.empty()) {
        out = std::move(pending_.back());
        pending_.pop_back();
        return true;
      }
      if (probe_done_) {
        if (!unmatched_emitted_ && (type_ == JoinType::kRight || type_ == JoinType::kFull)) {
          unmatched_emitted_ = true;
          EmitUnmatchedBuild();
          continue;
        }
        out.set_size(0);
        return false;
      }
      DataChunk in;
      if (!left_->Next(in)) {
        probe_done_ = true;
        continue;
      }
      in.Flatten();
      Probe(in);
    }
  }

 private:
  void Probe(DataChunk& in) {
    size_t n = in.size();
    std::vector<uint8_t> matched(n, 0);
    bool need_pairs = type_ != JoinType::kSemi && type_ != JoinType::kAnti;
    std::vector<uint32_t> lrows, rrows, rchunk;
    auto flush = [&]() {
      if (lrows.empty()) return;
      ctx_->CheckCancelled();
      DataChunk pairs;
      emitter_.Build(in, lrows, chunks_, rrows, rchunk, true, pairs);
      std::vector<uint32_t> keep;
      if (pred_) {
        keep.resize(pairs.size());
        keep.resize(exec_.Select(*pred_, pairs, keep.data()));
      } else {
        keep.resize(pairs.size());
        std::iota(keep.begin(), keep.end(), 0);
      }
      for (uint32_t k : keep) {
        matched[lrows[k]] = 1;
        build_matched_[rchunk[k]][rrows[k]] = 1;
      }
      if (need_pairs && !keep.empty()) {
        if (keep.size() < pairs.size()) pairs.Slice(keep.data(), keep.size());
        pending_.insert(pending_.begin(), std::move(pairs));
      }
      lrows.clear();
      rrows.clear();
      rchunk.clear();
    };
    for (size_t i = 0; i < n; i++) {
      for (size_t c = 0; c < build_.size(); c++) {
        for (size_t r = 0; r < build_[c]->size(); r++) {
          lrows.push_back(static_cast<uint32_t>(i));
          rrows.push_back(static_cast<uint32_t>(r));
          rchunk.push_back(static_cast<uint32_t>(c));
          if (lrows.size() == kVectorSize) flush();
        }
      }
    }
    flush();
    if (type_ == JoinType::kLeft || type_ == JoinType::kFull) {
      std::vector<uint32_t> l, r, rc;
      for (size_t i = 0; i < n; i++) {
        if (!matched[i]) {
          l.push_back(static_cast<uint32_t>(i));
          r.push_back(kNone);
          rc.push_back(0);
        }
      }
      if (!l.empty()) {
        DataChunk o;
        emitter_.Build(in, l, chunks_, r, rc, true, o);
        pending_.insert(pending_.begin(), std::move(o));
      }
    } else if (!need_pairs) {
      std::vector<uint32_t> l;
      for (size_t i = 0; i < n; i++) {
        if (matched[i] == (type_ == JoinType::kSemi)) l.push_back(static_cast<uint32_t>(i));
      }
      if (!l.empty()) {
        DataChunk o;
        std::vector<uint32_t> none;
        emitter_.Build(in, l, chunks_, none, none, false, o);
        pending_.insert(pending_.begin(), std::move(o));
      }
    }
  }

  void EmitUnmatchedBuild() {
    size_t lw = left_->types().size();
    for (size_t c = 0; c < build_.size(); c++) {
      DataChunk& b = *build_[c];
      std::vector<uint32_t> rows;
      for (size_t i = 0; i < b.size(); i++) {
        if (!build_matched_[c][i]) rows.push_back(static_cast<uint32_t>(i));
      }
      if (rows.empty()) continue;
      DataChunk o;
      o.columns().resize(types_.size());
      for (size_t k = 0; k < lw; k++) {
        Vector& v = o.column(k);
        v.Initialize(types_[k], std::max(rows.size(), kVectorSize));
        for (size_t i = 0; i < rows.size(); i++) {
          if (v.type().physical() == PhysicalType::kString) v.data<std::string_view>()[i] = {};
          v.SetNull(i);
        }
      }
      for (size_t k = lw; k < types_.size(); k++) o.column(k).Gather(b.column(k - lw), rows.data(), rows.size());
      o.set_size(rows.size());
      pending_.insert(pending_.begin(), std::move(o));
    }
  }

  ExecContext* ctx_;
  PhysicalPtr left_, right_;
  JoinType type_;
  BoundExprPtr pred_;
  ExpressionExecutor exec_;
  PairEmitter emitter_;
  std::vector<std::unique_ptr<DataChunk>> build_;
  std::vector<DataChunk*> chunks_;
  std::vector<std::vector<uint8_t>> build_matched_;
  std::vector<DataChunk> pending_;
  bool built_ = false, probe_done_ = false, unmatched_emitted_ = false;
};

// ---------------------------------------------------------------- sort
class Sort : public PhysicalOperator {
 public:
  Sort(ExecContext* ctx, PhysicalPtr child, std::vector<BoundOrder> orders, int64_t limit, int64_t offset)
      : PhysicalOperator(child->types()), ctx_(ctx), child_(std::move(child)), orders_(std::move(orders)),
        limit_(limit), offset_(offset), exec_(ctx) {}

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
  using RowId = std::pair<uint32_t, uint32_t>;  // (chunk, row)

  void Run() {
    ChunkCollection rows(types_);
    std::vector<Type> key_types;
    for (auto& o : orders_) key_types.push_back(o.expr->type);
    ChunkCollection keys(key_types);
    // A top-N sort keeps at most about twice the rows it returns: past that it keeps only the
    // best `want` rows so far, so its memory does not grow with the input.
    size_t want = limit_ >= 0 ? static_cast<size_t>(limit_ + offset_) : SIZE_MAX;
    size_t compact_at = want <= kVectorSize ? 2 * want + kVectorSize : SIZE_MAX;
    DataChunk in;
    while (child_->Next(in)) {
      ctx_->CheckCancelled();
      in.Flatten();
      DataChunk k;
      k.columns().resize(orders_.size());
      for (size_t i = 0; i < orders_.size(); i++) {
        exec_.Execute(*orders_[i].expr, in, k.column(i));
        k.column(i).Flatten(in.size());
      }
      k.set_size(in.size());
      ctx_->Reserve(static_cast<int64_t>(rows.bytes()) - reserved_);
      reserved_ = static_cast<int64_t>(rows.bytes());
      rows.AppendOwned(std::move(in));
      keys.AppendOwned(std::move(k));
      in = DataChunk();
      if (rows.row_count() >= compact_at) {
        std::vector<RowId> ids = Best(rows, keys, want);
        rows = Pick(rows, ids, 0);
        keys = Pick(keys, ids, 0);
      }
    }
    child_.reset();  // consumed: its operators' memory goes now
    std::vector<RowId> ids = Best(rows, keys, want);
    size_t start = limit_ >= 0 ? std::min<size_t>(ids.size(), static_cast<size_t>(offset_)) : 0;
    results_ = Pick(rows, ids, start);
    ctx_->Reserve(-reserved_);
    reserved_ = 0;
  }

  // The first `want` rows in sort order (all of them, stably sorted, when want >= rows).
  std::vector<RowId> Best(const ChunkCollection& rows, const ChunkCollection& keys,
                          size_t want) const {
    std::vector<RowId> ids;
    ids.reserve(rows.row_count());
    for (size_t c = 0; c < rows.chunk_count(); c++) {
      for (size_t r = 0; r < rows.chunk(c).size(); r++) ids.emplace_back(static_cast<uint32_t>(c), static_cast<uint32_t>(r));
    }
    auto less = [&](const RowId& a, const RowId& b) {
      for (size_t i = 0; i < orders_.size(); i++) {
        const Vector& va = keys.chunk(a.first).column(i);
        const Vector& vb = keys.chunk(b.first).column(i);
        bool an = !va.IsValid(a.second), bn = !vb.IsValid(b.second);
        if (an || bn) {
          if (an && bn) continue;
          // NULLs last by default regardless of direction (Trino).
          bool a_first = orders_[i].nulls_first ? an : bn;
          return a_first;
        }
        int c = CompareRows(va, a.second, vb, b.second);
        if (c != 0) return orders_[i].descending ? c > 0 : c < 0;
      }
      return false;
    };
    if (want < ids.size()) {
      std::partial_sort(ids.begin(), ids.begin() + want, ids.end(), less);
      ids.resize(want);
    } else {
      std::stable_sort(ids.begin(), ids.end(), less);
    }
    return ids;
  }

  // The rows ids[start..] of `from`, in that order, in chunks sized to them.
  static ChunkCollection Pick(const ChunkCollection& from, const std::vector<RowId>& ids,
                              size_t start) {
    ChunkCollection out(from.types());
    for (size_t s = start; s < ids.size(); s += kVectorSize) {
      size_t n = std::min(kVectorSize, ids.size() - s);
      DataChunk o(from.types(), n);
      for (size_t c = 0; c < from.types().size(); c++) {
        Vector& v = o.column(c);
        for (size_t i = 0; i < n; i++) {
          const RowId& id = ids[s + i];
          v.CopyRange(from.chunk(id.first).column(c), id.second, 1, i);
        }
      }
      o.set_size(n);
      out.AppendOwned(std::move(o));
    }
    return out;
  }

  ExecContext* ctx_;
  PhysicalPtr child_;
  std::vector<BoundOrder> orders_;
  int64_t limit_, offset_;
  ExpressionExecutor exec_;
  ChunkCollection results_;
  int64_t reserved_ = 0;
  bool done_ = false;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------- distinct / set ops
class Distinct : public PhysicalOperator {
 public:
  Distinct(ExecContext* ctx, PhysicalPtr child)
      : PhysicalOperator(child->types()), child_(std::move(child)), table_(child_->types(), ctx) {}
  bool Next(DataChunk& out) override {
    DataChunk in;
    while (child_->Next(in)) {
      in.Flatten();
      size_t before = table_.size();
      std::vector<uint32_t> gids(in.size());
      table_.FindOrCreate(in.columns(), in.size(), gids.data());
      std::vector<uint32_t> keep;
      size_t next = before;
      for (size_t i = 0; i < in.size(); i++) {
        if (gids[i] == next) {
          keep.push_back(static_cast<uint32_t>(i));
          next++;
        }
      }
      if (keep.empty()) continue;
      if (keep.size() < in.size()) in.Slice(keep.data(), keep.size());
      out = std::move(in);
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  PhysicalPtr child_;
  GroupHashTable table_;
};

class SetOperation : public PhysicalOperator {
 public:
  SetOperation(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, SetOp op, bool all)
      : PhysicalOperator(left->types()), ctx_(ctx), left_(std::move(left)), right_(std::move(right)), op_(op),
        all_(all), table_(types_, ctx) {}

  bool Next(DataChunk& out) override {
    if (op_ == SetOp::kUnion) return NextUnion(out);
    if (!built_) {
      // Count right-side occurrences per distinct row.
      DataChunk in;
      while (right_->Next(in)) {
        in.Flatten();
        std::vector<uint32_t> gids(in.size());
        table_.FindOrCreate(in.columns(), in.size(), gids.data());
        counts_.resize(table_.size(), 0);
        for (uint32_t g : gids) counts_[g]++;
      }
      emitted_.assign(table_.size(), 0);
      built_ = true;
    }
    DataChunk in;
    while (left_->Next(in)) {
      in.Flatten();
      std::vector<uint32_t> gids(in.size());
      // Left rows not present on the right get fresh groups with count 0.
      table_.FindOrCreate(in.columns(), in.size(), gids.data());
      counts_.resize(table_.size(), 0);
      emitted_.resize(table_.size(), 0);
      seen_left_.resize(table_.size(), 0);
      std::vector<uint32_t> keep;
      for (size_t i = 0; i < in.size(); i++) {
        uint32_t g = gids[i];
        bool take;
        if (op_ == SetOp::kIntersect) {
          take = all_ ? emitted_[g] < counts_[g] : (counts_[g] > 0 && emitted_[g] == 0);
        } else if (all_) {
          // EXCEPT ALL: the (n+1)-th occurrence survives when n right copies are used up.
          take = seen_left_[g] >= counts_[g];
        } else {
          take = counts_[g] == 0 && emitted_[g] == 0;
        }
        seen_left_[g]++;
        if (take) {
          emitted_[g]++;
          keep.push_back(static_cast<uint32_t>(i));
        }
      }
      if (keep.empty()) continue;
      if (keep.size() < in.size()) in.Slice(keep.data(), keep.size());
      out = std::move(in);
      return true;
    }
    out.set_size(0);
    return false;
  }

 private:
  bool NextUnion(DataChunk& out) {
    DataChunk in;
    while (true) {
      bool got = !left_done_ ? left_->Next(in) : right_->Next(in);
      if (!got) {
        if (!left_done_) {
          left_done_ = true;
          continue;
        }
        out.set_size(0);
        return false;
      }
      if (all_) {
        out = std::move(in);
        return true;
      }
      in.Flatten();
      size_t before = table_.size();
      std::vector<uint32_t> gids(in.size());
      table_.FindOrCreate(in.columns(), in.size(), gids.data());
      std::vector<uint32_t> keep;
      size_t next = before;
      for (size_t i = 0; i < in.size(); i++) {
        if (gids[i] == next) {
          keep.push_back(static_cast<uint32_t>(i));
          next++;
        }
      }
      if (keep.empty()) continue;
      if (keep.size() < in.size()) in.Slice(keep.data(), keep.size());
      out = std::move(in);
      return true;
    }
  }

  ExecContext* ctx_;
  PhysicalPtr left_, right_;
  SetOp op_;
  bool all_;
  GroupHashTable table_;
  std::vector<uint64_t> counts_, emitted_, seen_left_;
  bool built_ = false, left_done_ = false;
};

}  // namespace

PhysicalPtr MakeMemoryScan(ExecContext* ctx, std::shared_ptr<const std::vector<DataChunk>> chunks,
                           std::vector<uint32_t> column_ids, std::vector<Type> types,
                           std::shared_ptr<std::atomic<size_t>> shared) {
  return std::make_unique<MemoryScan>(ctx, std::move(chunks), std::move(column_ids), std::move(types),
                                      std::move(shared));
}
PhysicalPtr MakeCollectionScan(ExecContext*, std::shared_ptr<ChunkCollection> rows) {
  return std::make_unique<CollectionScan>(std::move(rows));
}
PhysicalPtr MakeFilter(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> predicates) {
  return std::make_unique<Filter>(ctx, std::move(child), std::move(predicates));
}
PhysicalPtr MakeProjection(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> exprs) {
  return std::make_unique<Projection>(ctx, std::move(child), std::move(exprs));
}
PhysicalPtr MakeHashAggregate(ExecContext* ctx, PhysicalPtr child, std::vector<BoundExprPtr> groups,
                              std::vector<BoundExprPtr> aggregates,
                              std::vector<std::vector<size_t>> grouping_sets,
                              std::vector<std::vector<size_t>> grouping_calls,
                              std::vector<Type> types, std::vector<BoundExprPtr> having,
                              std::shared_ptr<const KeyBounds> key_bounds) {
  return std::make_unique<HashAggregate>(
      ctx, std::move(child), std::move(groups), std::move(aggregates), std::move(grouping_sets),
      std::move(grouping_calls), std::move(types), std::move(having), std::move(key_bounds));
}
PhysicalPtr MakeParallelHashAggregate(ExecContext* ctx, std::vector<PhysicalPtr> children,
                                      const std::vector<BoundExprPtr>& groups,
                                      const std::vector<BoundExprPtr>& aggregates,
                                      std::vector<Type> types,
                                      std::vector<std::shared_ptr<HashJoinBuild>> builds,
                                      const std::vector<BoundExprPtr>& having,
                                      std::shared_ptr<const KeyBounds> key_bounds) {
  std::vector<std::unique_ptr<HashAggregate>> parts;
  for (auto& child : children) {
    std::vector<BoundExprPtr> g, a, h;
    for (const auto& e : groups) g.push_back(e->Copy());
    for (const auto& e : aggregates) a.push_back(e->Copy());
    for (const auto& e : having) h.push_back(e->Copy());
    parts.push_back(std::make_unique<HashAggregate>(
        ctx, std::move(child), std::move(g), std::move(a), std::vector<std::vector<size_t>>{},
        std::vector<std::vector<size_t>>{}, types, std::move(h), key_bounds));
  }
  if (parts.empty() || !parts[0]->CanMerge()) return nullptr;
  return std::make_unique<ParallelAggregate>(ctx, std::move(parts), std::move(builds));
}
PhysicalPtr MakeHashJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type,
                         std::vector<BoundExprPtr> left_keys, std::vector<BoundExprPtr> right_keys,
                         std::vector<bool> null_equal, BoundExprPtr residual, std::vector<Type> types) {
  auto build = MakeHashJoinBuild(ctx, std::move(right), std::move(right_keys), null_equal);
  return MakeHashJoinProbe(ctx, std::move(left), std::move(build), type, std::move(left_keys), std::move(null_equal),
                           std::move(residual), std::move(types));
}
std::shared_ptr<HashJoinBuild> MakeHashJoinBuild(ExecContext* ctx, PhysicalPtr right, std::vector<BoundExprPtr> right_keys,
                                                 std::vector<bool> null_equal) {
  std::vector<PhysicalPtr> inputs;
  inputs.push_back(std::move(right));
  return std::make_shared<HashJoinBuild>(ctx, std::move(inputs), std::vector<std::shared_ptr<HashJoinBuild>>{},
                                         std::move(right_keys), std::move(null_equal));
}
std::shared_ptr<HashJoinBuild> MakeParallelHashJoinBuild(ExecContext* ctx, std::vector<PhysicalPtr> copies,
                                                         std::vector<std::shared_ptr<HashJoinBuild>> builds,
                                                         std::vector<BoundExprPtr> right_keys,
                                                         std::vector<bool> null_equal) {
  return std::make_shared<HashJoinBuild>(ctx, std::move(copies), std::move(builds), std::move(right_keys),
                                         std::move(null_equal));
}
void PrepareHashJoinBuild(HashJoinBuild& build) { build.Ensure(); }

std::shared_ptr<JoinKeyFilter> HashJoinKeyFilter(HashJoinBuild& build) { return build.KeyFilter(); }
PhysicalPtr MakeHashJoinProbe(ExecContext* ctx, PhysicalPtr left, std::shared_ptr<HashJoinBuild> build, JoinType type,
                              std::vector<BoundExprPtr> left_keys, std::vector<bool> null_equal, BoundExprPtr residual,
                              std::vector<Type> types) {
  return std::make_unique<HashJoin>(ctx, std::move(left), std::move(build), type, std::move(left_keys),
                                    std::move(null_equal), std::move(residual), std::move(types));
}
PhysicalPtr MakeNestedLoopJoin(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, JoinType type,
                               BoundExprPtr predicate, std::vector<Type> types) {
  return std::make_unique<NestedLoopJoin>(ctx, std::move(left), std::move(right), type, std::move(predicate),
                                          std::move(types));
}
PhysicalPtr MakeSort(ExecContext* ctx, PhysicalPtr child, std::vector<BoundOrder> orders, int64_t limit,
                     int64_t offset) {
  return std::make_unique<Sort>(ctx, std::move(child), std::move(orders), limit, offset);
}
PhysicalPtr MakeLimit(ExecContext*, PhysicalPtr child, int64_t limit, int64_t offset) {
  return std::make_unique<Limit>(std::move(child), limit, offset);
}
PhysicalPtr MakeDistinct(ExecContext* ctx, PhysicalPtr child) {
  return std::make_unique<Distinct>(ctx, std::move(child));
}
PhysicalPtr MakeSetOperation(ExecContext* ctx, PhysicalPtr left, PhysicalPtr right, SetOp op, bool all) {
  return std::make_unique<SetOperation>(ctx, std::move(left), std::move(right), op, all);
}

ChunkCollection Materialize(PhysicalOperator& op, ExecContext* ctx, size_t max_rows) {
  ChunkCollection out(op.types());
  DataChunk chunk;
  while (out.row_count() < max_rows && op.Next(chunk)) {
    ctx->CheckCancelled();
    out.AppendOwned(std::move(chunk));
    chunk = DataChunk();
  }
  return out;
}

}  // namespace sql
