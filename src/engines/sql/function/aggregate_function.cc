#include "engines/sql/function/aggregate_function.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "engines/sql/common/error.h"
#include "engines/sql/common/numeric.h"
#include "engines/sql/function/function_set.h"

namespace sql {

namespace {

// Calls f(i) for each row where every argument is valid.
template <class F>
inline void ForValidRows(std::vector<Vector>& args, size_t count, F&& f) {
  bool nulls = false;
  for (const auto& a : args) nulls = nulls || a.has_nulls();
  if (!nulls) {
    for (size_t i = 0; i < count; i++) f(i);
    return;
  }
  for (size_t i = 0; i < count; i++) {
    bool ok = true;
    for (const auto& a : args) ok = ok && a.IsValid(i);
    if (ok) f(i);
  }
}

// ---- count ----
void CountInit(const AggregateFunction&, uint8_t* s) { *reinterpret_cast<int64_t*>(s) = 0; }
void CountUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                 StringHeap&) {
  ForValidRows(args, count, [&](size_t i) { (*reinterpret_cast<int64_t*>(states[i]))++; });
}
void CountIfUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                   StringHeap&) {
  const uint8_t* v = args[0].data<uint8_t>();
  ForValidRows(args, count, [&](size_t i) { *reinterpret_cast<int64_t*>(states[i]) += v[i] != 0; });
}
void CountCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  *reinterpret_cast<int64_t*>(dst) += *reinterpret_cast<const int64_t*>(src);
}
void CountFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  out.data<int64_t>()[row] = *reinterpret_cast<int64_t*>(s);
}

// ---- sum / avg ----
struct IntSumState {
  int64_t sum;
  int64_t count;
};
struct WideSumState {
  int128_t sum;
  int64_t count;
};
struct DoubleSumState {
  double sum;
  double compensation;
  int64_t count;
};

void IntSumInit(const AggregateFunction&, uint8_t* s) { std::memset(s, 0, sizeof(IntSumState)); }
void IntSumUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                  StringHeap&) {
  const int64_t* v = args[0].data<int64_t>();
  ForValidRows(args, count, [&](size_t i) {
    auto* st = reinterpret_cast<IntSumState*>(states[i]);
    if (__builtin_add_overflow(st->sum, v[i], &st->sum)) {
      throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", "bigint addition overflow");
    }
    st->count++;
  });
}
void IntSumCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  auto* d = reinterpret_cast<IntSumState*>(dst);
  auto* s = reinterpret_cast<const IntSumState*>(src);
  if (__builtin_add_overflow(d->sum, s->sum, &d->sum)) {
    throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", "bigint addition overflow");
  }
  d->count += s->count;
}
void IntSumFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<IntSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
  } else {
    out.data<int64_t>()[row] = st->sum;
  }
}
void IntAvgFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<IntSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
  } else {
    out.data<double>()[row] = static_cast<double>(st->sum) / static_cast<double>(st->count);
  }
}

void WideSumInit(const AggregateFunction&, uint8_t* s) { std::memset(s, 0, sizeof(WideSumState)); }
void WideSumUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                   StringHeap&) {
  const Vector& a = args[0];
  if (a.type().physical() == PhysicalType::kInt64) {
    const int64_t* v = a.data<int64_t>();
    ForValidRows(args, count, [&](size_t i) {
      auto* st = reinterpret_cast<WideSumState*>(states[i]);
      st->sum += v[i];
      st->count++;
    });
  } else {
    const int128_t* v = a.data<int128_t>();
    ForValidRows(args, count, [&](size_t i) {
      auto* st = reinterpret_cast<WideSumState*>(states[i]);
      st->sum += v[i];
      st->count++;
    });
  }
}
void WideSumCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  auto* d = reinterpret_cast<WideSumState*>(dst);
  auto* s = reinterpret_cast<const WideSumState*>(src);
  d->sum += s->sum;
  d->count += s->count;
}
void DecimalSumFinalize(const AggregateFunction& fn, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<WideSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
    return;
  }
  if (st->sum > DecimalMax(fn.return_type.precision()) || st->sum < -DecimalMax(fn.return_type.precision())) {
    throw ExecutionError("NUMERIC_VALUE_OUT_OF_RANGE", "Decimal overflow in sum");
  }
  StoreDecimal(out, row, st->sum);
}
void DecimalAvgFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<WideSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
    return;
  }
  StoreDecimal(out, row, DivideRoundHalfUp(st->sum, st->count));
}

void DoubleSumInit(const AggregateFunction&, uint8_t* s) { std::memset(s, 0, sizeof(DoubleSumState)); }
void DoubleSumUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                     StringHeap&) {
  const double* v = args[0].data<double>();
  ForValidRows(args, count, [&](size_t i) {
    auto* st = reinterpret_cast<DoubleSumState*>(states[i]);
    st->sum += v[i];
    st->count++;
  });
}
void DoubleSumCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  auto* d = reinterpret_cast<DoubleSumState*>(dst);
  auto* s = reinterpret_cast<const DoubleSumState*>(src);
  d->sum += s->sum;
  d->count += s->count;
}
void DoubleSumFinalize(const AggregateFunction& fn, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<DoubleSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
    return;
  }
  out.data<double>()[row] = fn.return_type.id() == TypeId::kReal ? static_cast<float>(st->sum) : st->sum;
}
void DoubleAvgFinalize(const AggregateFunction& fn, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<DoubleSumState*>(s);
  if (st->count == 0) {
    out.SetNull(row);
    return;
  }
  double v = st->sum / static_cast<double>(st->count);
  out.data<double>()[row] = fn.return_type.id() == TypeId::kReal ? static_cast<float>(v) : v;
}

// ---- min / max / arbitrary ----
template <class T>
struct ExtremeState {
  T value;
  bool has;
};

template <class T, int kMode>  // kMode: 0 min, 1 max, 2 arbitrary
void ExtremeInit(const AggregateFunction&, uint8_t* s) {
  auto* st = reinterpret_cast<ExtremeState<T>*>(s);
  st->value = T();
  st->has = false;
}

template <class T>
inline T Keep(const T& v, StringHeap&) {
  return v;
}
template <>
inline std::string_view Keep(const std::string_view& v, StringHeap& heap) {
  return heap.Add(v);
}

template <class T, int kMode>
inline void ExtremeFold(ExtremeState<T>* st, const T& v, StringHeap& heap) {
  if (!st->has) {
    st->value = Keep(v, heap);
    st->has = true;
    return;
  }
  if constexpr (kMode == 0) {
    if (v < st->value) st->value = Keep(v, heap);
  } else if constexpr (kMode == 1) {
    if (v > st->value) st->value = Keep(v, heap);
  }
}

template <class T, int kMode>
void ExtremeUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                   StringHeap& heap) {
  const T* v = args[0].data<T>();
  ForValidRows(args, count, [&](size_t i) {
    ExtremeFold<T, kMode>(reinterpret_cast<ExtremeState<T>*>(states[i]), v[i], heap);
  });
}
template <class T, int kMode>
void ExtremeCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap& heap) {
  auto* s = reinterpret_cast<const ExtremeState<T>*>(src);
  if (s->has) ExtremeFold<T, kMode>(reinterpret_cast<ExtremeState<T>*>(dst), s->value, heap);
}
template <class T, int kMode>
void ExtremeFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<ExtremeState<T>*>(s);
  if (!st->has) {
    out.SetNull(row);
    return;
  }
  if constexpr (std::is_same_v<T, std::string_view>) {
    out.data<std::string_view>()[row] = out.AddString(st->value);
  } else {
    out.data<T>()[row] = st->value;
  }
}

template <int kMode>
bool MakeExtreme(AggregateFunction* f, const Type& t) {
  switch (t.physical()) {
    case PhysicalType::kBool:
      f->state_size = sizeof(ExtremeState<uint8_t>);
      f->init = &ExtremeInit<uint8_t, kMode>;
      f->update = &ExtremeUpdate<uint8_t, kMode>;
      f->combine = &ExtremeCombine<uint8_t, kMode>;
      f->finalize = &ExtremeFinalize<uint8_t, kMode>;
      return true;
    case PhysicalType::kInt64:
      f->state_size = sizeof(ExtremeState<int64_t>);
      f->init = &ExtremeInit<int64_t, kMode>;
      f->update = &ExtremeUpdate<int64_t, kMode>;
      f->combine = &ExtremeCombine<int64_t, kMode>;
      f->finalize = &ExtremeFinalize<int64_t, kMode>;
      return true;
    case PhysicalType::kInt128:
      f->state_size = sizeof(ExtremeState<int128_t>);
      f->init = &ExtremeInit<int128_t, kMode>;
      f->update = &ExtremeUpdate<int128_t, kMode>;
      f->combine = &ExtremeCombine<int128_t, kMode>;
      f->finalize = &ExtremeFinalize<int128_t, kMode>;
      return true;
    case PhysicalType::kDouble:
      f->state_size = sizeof(ExtremeState<double>);
      f->init = &ExtremeInit<double, kMode>;
      f->update = &ExtremeUpdate<double, kMode>;
      f->combine = &ExtremeCombine<double, kMode>;
      f->finalize = &ExtremeFinalize<double, kMode>;
      return true;
    case PhysicalType::kString:
      f->state_size = sizeof(ExtremeState<std::string_view>);
      f->init = &ExtremeInit<std::string_view, kMode>;
      f->update = &ExtremeUpdate<std::string_view, kMode>;
      f->combine = &ExtremeCombine<std::string_view, kMode>;
      f->finalize = &ExtremeFinalize<std::string_view, kMode>;
      return true;
  }
  return false;
}

// ---- bool_and / bool_or ----
template <bool kAnd>
void BoolInit(const AggregateFunction&, uint8_t* s) {
  s[0] = kAnd ? 1 : 0;
  s[1] = 0;
}
template <bool kAnd>
void BoolUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
                StringHeap&) {
  const uint8_t* v = args[0].data<uint8_t>();
  ForValidRows(args, count, [&](size_t i) {
    uint8_t* s = states[i];
    s[0] = kAnd ? (s[0] && v[i]) : (s[0] || v[i]);
    s[1] = 1;
  });
}
template <bool kAnd>
void BoolCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  if (!src[1]) return;
  dst[0] = kAnd ? (dst[0] && src[0]) : (dst[0] || src[0]);
  dst[1] = 1;
}
void BoolFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  if (!s[1]) {
    out.SetNull(row);
  } else {
    out.data<uint8_t>()[row] = s[0];
  }
}

// ---- variance family (Welford) ----
struct VarState {
  int64_t count;
  double mean;
  double m2;
};
void VarInit(const AggregateFunction&, uint8_t* s) { std::memset(s, 0, sizeof(VarState)); }
void VarUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
               StringHeap&) {
  const double* v = args[0].data<double>();
  ForValidRows(args, count, [&](size_t i) {
    auto* st = reinterpret_cast<VarState*>(states[i]);
    st->count++;
    double d = v[i] - st->mean;
    st->mean += d / static_cast<double>(st->count);
    st->m2 += d * (v[i] - st->mean);
  });
}
void VarCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  auto* a = reinterpret_cast<VarState*>(dst);
  auto* b = reinterpret_cast<const VarState*>(src);
  if (b->count == 0) return;
  if (a->count == 0) {
    *a = *b;
    return;
  }
  int64_t n = a->count + b->count;
  double d = b->mean - a->mean;
  a->m2 += b->m2 + d * d * static_cast<double>(a->count) * static_cast<double>(b->count) / static_cast<double>(n);
  a->mean += d * static_cast<double>(b->count) / static_cast<double>(n);
  a->count = n;
}
template <bool kSample, bool kSqrt>
void VarFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<VarState*>(s);
  int64_t denom = kSample ? st->count - 1 : st->count;
  if (st->count == 0 || denom <= 0) {
    out.SetNull(row);
    return;
  }
  double v = st->m2 / static_cast<double>(denom);
  out.data<double>()[row] = kSqrt ? std::sqrt(v) : v;
}

// ---- approx_distinct (HyperLogLog, 2^11 registers: standard error ~2.3%) ----
constexpr int kHllBits = 11;
constexpr size_t kHllRegisters = size_t{1} << kHllBits;

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t HashBytes(const void* p, size_t n) {
  const auto* b = static_cast<const unsigned char*>(p);
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return Mix(h);
}

void HllInit(const AggregateFunction&, uint8_t* s) { std::memset(s, 0, kHllRegisters); }
void HllAdd(uint8_t* regs, uint64_t h) {
  size_t idx = h >> (64 - kHllBits);
  uint64_t rest = (h << kHllBits) | (uint64_t{1} << (kHllBits - 1));
  uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
  if (rank > regs[idx]) regs[idx] = rank;
}
void HllUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
               StringHeap&) {
  const Vector& a = args[0];
  ForValidRows(args, count, [&](size_t i) {
    uint64_t h;
    switch (a.type().physical()) {
      case PhysicalType::kString: {
        std::string_view s = a.data<std::string_view>()[i];
        h = HashBytes(s.data(), s.size());
        break;
      }
      case PhysicalType::kInt128:
        h = HashBytes(&a.data<int128_t>()[i], 16);
        break;
      case PhysicalType::kBool:
        h = Mix(a.data<uint8_t>()[i] + 0x9e3779b97f4a7c15ULL);
        break;
      case PhysicalType::kDouble: {
        double d = a.data<double>()[i];
        if (d == 0) d = 0;
        h = HashBytes(&d, 8);
        break;
      }
      default:
        h = Mix(static_cast<uint64_t>(a.data<int64_t>()[i]) + 0x9e3779b97f4a7c15ULL);
    }
    HllAdd(states[i], h);
  });
}
void HllCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  for (size_t i = 0; i < kHllRegisters; i++) dst[i] = std::max(dst[i], src[i]);
}
void HllFinalize(const AggregateFunction&, uint8_t* s, Vector& out, size_t row) {
  double sum = 0;
  size_t zeros = 0;
  for (size_t i = 0; i < kHllRegisters; i++) {
    sum += std::ldexp(1.0, -s[i]);
    zeros += s[i] == 0;
  }
  double m = static_cast<double>(kHllRegisters);
  double alpha = 0.7213 / (1 + 1.079 / m);
  double est = alpha * m * m / sum;
  if (est <= 2.5 * m && zeros > 0) est = m * std::log(m / static_cast<double>(zeros));
  out.data<int64_t>()[row] = static_cast<int64_t>(std::llround(est));
}

// ---- approx_percentile (exact over the collected values) ----
struct PercentileState {
  std::vector<double>* values;
};
struct PercentileData {
  double percentile;
};
void PercentileInit(const AggregateFunction&, uint8_t* s) {
  reinterpret_cast<PercentileState*>(s)->values = nullptr;
}
void PercentileUpdate(const AggregateFunction& fn, std::vector<Vector>& args, size_t count,
                      uint8_t** states, StringHeap&) {
  const Vector& a = args[0];
  bool integer = fn.return_type.IsInteger();
  for (size_t i = 0; i < count; i++) {
    if (!a.IsValid(i) || !args[1].IsValid(i)) continue;
    double p = args[1].data<double>()[i];
    if (p < 0 || p > 1) throw ExecutionError("INVALID_FUNCTION_ARGUMENT", "Percentile must be between 0 and 1");
    auto* st = reinterpret_cast<PercentileState*>(states[i]);
    if (!st->values) {
      st->values = new std::vector<double>();
      st->values->push_back(p);  // slot 0 holds the percentile
    }
    st->values->push_back(integer ? static_cast<double>(a.data<int64_t>()[i]) : a.data<double>()[i]);
  }
}
void PercentileCombine(const AggregateFunction&, const uint8_t* src, uint8_t* dst, StringHeap&) {
  auto* s = reinterpret_cast<const PercentileState*>(src);
  auto* d = reinterpret_cast<PercentileState*>(dst);
  if (!s->values) return;
  if (!d->values) {
    d->values = new std::vector<double>(*s->values);
    return;
  }
  d->values->insert(d->values->end(), s->values->begin() + 1, s->values->end());
}
void PercentileFinalize(const AggregateFunction& fn, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<PercentileState*>(s);
  if (!st->values || st->values->size() < 2) {
    out.SetNull(row);
    return;
  }
  double p = (*st->values)[0];
  std::vector<double> v(st->values->begin() + 1, st->values->end());
  std::sort(v.begin(), v.end());
  size_t idx = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size()))) ;
  if (idx > 0) idx--;
  if (idx >= v.size()) idx = v.size() - 1;
  if (fn.return_type.IsInteger()) {
    out.data<int64_t>()[row] = static_cast<int64_t>(v[idx]);
  } else {
    out.data<double>()[row] = v[idx];
  }
}
void PercentileDestroy(uint8_t* s) {
  auto* st = reinterpret_cast<PercentileState*>(s);
  delete st->values;
  st->values = nullptr;
}

// ---- min_by / max_by: value of x at the min/max of y ----
struct ByState {
  bool has;
  int64_t key_i;
  double key_d;
  int128_t key_w;
  std::string_view key_s;
  bool value_null;
  int64_t val_i;
  double val_d;
  int128_t val_w;
  std::string_view val_s;
};

template <bool kMax>
void ByInit(const AggregateFunction&, uint8_t* s) { new (s) ByState(); }

int CompareKey(const ByState& st, const Vector& k, size_t i) {
  switch (k.type().physical()) {
    case PhysicalType::kDouble: {
      double a = k.data<double>()[i];
      return a < st.key_d ? -1 : a > st.key_d;
    }
    case PhysicalType::kInt128: {
      int128_t a = k.data<int128_t>()[i];
      return a < st.key_w ? -1 : a > st.key_w;
    }
    case PhysicalType::kString: {
      int c = k.data<std::string_view>()[i].compare(st.key_s);
      return c < 0 ? -1 : c > 0;
    }
    case PhysicalType::kBool: {
      int64_t a = k.data<uint8_t>()[i];
      return a < st.key_i ? -1 : a > st.key_i;
    }
    default: {
      int64_t a = k.data<int64_t>()[i];
      return a < st.key_i ? -1 : a > st.key_i;
    }
  }
}

void StoreBy(ByState& st, const Vector& x, const Vector& k, size_t i, StringHeap& heap) {
  st.has = true;
  switch (k.type().physical()) {
    case PhysicalType::kDouble: st.key_d = k.data<double>()[i]; break;
    case PhysicalType::kInt128: st.key_w = k.data<int128_t>()[i]; break;
    case PhysicalType::kString: st.key_s = heap.Add(k.data<std::string_view>()[i]); break;
    case PhysicalType::kBool: st.key_i = k.data<uint8_t>()[i]; break;
    default: st.key_i = k.data<int64_t>()[i]; break;
  }
  st.value_null = !x.IsValid(i);
  if (st.value_null) return;
  switch (x.type().physical()) {
    case PhysicalType::kDouble: st.val_d = x.data<double>()[i]; break;
    case PhysicalType::kInt128: st.val_w = x.data<int128_t>()[i]; break;
    case PhysicalType::kString: st.val_s = heap.Add(x.data<std::string_view>()[i]); break;
    case PhysicalType::kBool: st.val_i = x.data<uint8_t>()[i]; break;
    default: st.val_i = x.data<int64_t>()[i]; break;
  }
}

template <bool kMax>
void ByUpdate(const AggregateFunction&, std::vector<Vector>& args, size_t count, uint8_t** states,
              StringHeap& heap) {
  for (size_t i = 0; i < count; i++) {
    if (!args[1].IsValid(i)) continue;
    auto* st = reinterpret_cast<ByState*>(states[i]);
    if (!st->has) {
      StoreBy(*st, args[0], args[1], i, heap);
      continue;
    }
    int c = CompareKey(*st, args[1], i);
    if (kMax ? c > 0 : c < 0) StoreBy(*st, args[0], args[1], i, heap);
  }
}

template <bool kMax>
void ByCombine(const AggregateFunction& fn, const uint8_t* src, uint8_t* dst, StringHeap& heap) {
  auto* s = reinterpret_cast<const ByState*>(src);
  auto* d = reinterpret_cast<ByState*>(dst);
  if (!s->has) return;
  bool take = !d->has;
  if (!take) {
    const Type& kt = fn.arg_types[1];
    int c;
    switch (kt.physical()) {
      case PhysicalType::kDouble: c = s->key_d < d->key_d ? -1 : s->key_d > d->key_d; break;
      case PhysicalType::kInt128: c = s->key_w < d->key_w ? -1 : s->key_w > d->key_w; break;
      case PhysicalType::kString: c = s->key_s.compare(d->key_s); break;
      default: c = s->key_i < d->key_i ? -1 : s->key_i > d->key_i; break;
    }
    take = kMax ? c > 0 : c < 0;
  }
  if (take) {
    *d = *s;
    d->key_s = heap.Add(s->key_s);
    d->val_s = heap.Add(s->val_s);
  }
}

void ByFinalize(const AggregateFunction& fn, uint8_t* s, Vector& out, size_t row) {
  auto* st = reinterpret_cast<ByState*>(s);
  if (!st->has || st->value_null) {
    out.SetNull(row);
    return;
  }
  switch (fn.return_type.physical()) {
    case PhysicalType::kDouble: out.data<double>()[row] = st->val_d; break;
    case PhysicalType::kInt128: out.data<int128_t>()[row] = st->val_w; break;
    case PhysicalType::kString: out.data<std::string_view>()[row] = out.AddString(st->val_s); break;
    case PhysicalType::kBool: out.data<uint8_t>()[row] = static_cast<uint8_t>(st->val_i); break;
    default: out.data<int64_t>()[row] = st->val_i; break;
  }
}

bool Numeric(const Type& t) { return t.IsNumeric() || t.id() == TypeId::kUnknown; }

}  // namespace

bool IsAggregateFunction(const std::string& n) {
  static const char* kNames[] = {"count", "sum", "avg", "min", "max", "arbitrary", "any_value",
                                 "bool_and", "bool_or", "every", "count_if", "stddev",
                                 "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop",
                                 "approx_distinct", "approx_percentile", "min_by", "max_by"};
  for (const char* k : kNames) {
    if (n == k) return true;
  }
  return false;
}

std::optional<AggregateFunction> ResolveAggregate(const std::string& name,
                                                  const std::vector<Type>& args,
                                                  std::string* error) {
  AggregateFunction f;
  f.name = name;
  auto bad = [&]() -> std::optional<AggregateFunction> {
    *error = "Unexpected parameters (";
    for (size_t i = 0; i < args.size(); i++) {
      if (i) *error += ", ";
      *error += args[i].ToString();
    }
    *error += ") for function " + name;
    return std::nullopt;
  };
  if (name == "count") {
    if (args.size() > 1) return bad();
    f.return_type = Type::Bigint();
    f.arg_types = args;
    f.state_size = 8;
    f.init = &CountInit;
    f.update = &CountUpdate;
    f.combine = &CountCombine;
    f.finalize = &CountFinalize;
    return f;
  }
  if (name == "count_if") {
    if (args.size() != 1 || (args[0].id() != TypeId::kBoolean && args[0].id() != TypeId::kUnknown)) return bad();
    f.return_type = Type::Bigint();
    f.arg_types = {Type::Boolean()};
    f.state_size = 8;
    f.init = &CountInit;
    f.update = &CountIfUpdate;
    f.combine = &CountCombine;
    f.finalize = &CountFinalize;
    return f;
  }
  if (name == "sum" || name == "avg") {
    if (args.size() != 1 || !Numeric(args[0])) return bad();
    Type t = args[0].id() == TypeId::kUnknown ? Type::Bigint() : args[0];
    bool avg = name == "avg";
    if (t.IsInteger()) {
      f.arg_types = {Type::Bigint()};
      f.return_type = avg ? Type::Double() : Type::Bigint();
      f.state_size = sizeof(IntSumState);
      f.init = &IntSumInit;
      f.update = &IntSumUpdate;
      f.combine = &IntSumCombine;
      f.finalize = avg ? &IntAvgFinalize : &IntSumFinalize;
    } else if (t.id() == TypeId::kDecimal) {
      f.arg_types = {t};
      f.return_type = avg ? t : Type::Decimal(38, t.scale());
      f.state_size = sizeof(WideSumState);
      f.init = &WideSumInit;
      f.update = &WideSumUpdate;
      f.combine = &WideSumCombine;
      f.finalize = avg ? &DecimalAvgFinalize : &DecimalSumFinalize;
    } else {
      f.arg_types = {t};
      f.return_type = t;
      f.state_size = sizeof(DoubleSumState);
      f.init = &DoubleSumInit;
      f.update = &DoubleSumUpdate;
      f.combine = &DoubleSumCombine;
      f.finalize = avg ? &DoubleAvgFinalize : &DoubleSumFinalize;
    }
    return f;
  }
  if (name == "min" || name == "max" || name == "arbitrary" || name == "any_value") {
    if (args.size() != 1) return bad();
    Type t = args[0];
    f.arg_types = {t};
    f.return_type = t;
    bool ok = name == "min" ? MakeExtreme<0>(&f, t) : name == "max" ? MakeExtreme<1>(&f, t) : MakeExtreme<2>(&f, t);
    if (!ok) return bad();
    return f;
  }
  if (name == "bool_and" || name == "every" || name == "bool_or") {
    if (args.size() != 1 || (args[0].id() != TypeId::kBoolean && args[0].id() != TypeId::kUnknown)) return bad();
    bool is_and = name != "bool_or";
    f.arg_types = {Type::Boolean()};
    f.return_type = Type::Boolean();
    f.state_size = 2;
    f.init = is_and ? &BoolInit<true> : &BoolInit<false>;
    f.update = is_and ? &BoolUpdate<true> : &BoolUpdate<false>;
    f.combine = is_and ? &BoolCombine<true> : &BoolCombine<false>;
    f.finalize = &BoolFinalize;
    return f;
  }
  if (name == "stddev" || name == "stddev_samp" || name == "stddev_pop" || name == "variance" ||
      name == "var_samp" || name == "var_pop") {
    if (args.size() != 1 || !Numeric(args[0])) return bad();
    f.arg_types = {Type::Double()};
    f.return_type = Type::Double();
    f.state_size = sizeof(VarState);
    f.init = &VarInit;
    f.update = &VarUpdate;
    f.combine = &VarCombine;
    bool sample = name.find("pop") == std::string::npos;
    bool root = name.find("stddev") == 0;
    f.finalize = sample ? (root ? &VarFinalize<true, true> : &VarFinalize<true, false>)
                        : (root ? &VarFinalize<false, true> : &VarFinalize<false, false>);
    return f;
  }
  if (name == "approx_distinct") {
    if (args.empty() || args.size() > 2) return bad();
    f.arg_types = {args[0].id() == TypeId::kUnknown ? Type::Bigint() : args[0]};
    if (args.size() == 2) f.arg_types.push_back(Type::Double());
    f.return_type = Type::Bigint();
    f.state_size = kHllRegisters;
    f.init = &HllInit;
    f.update = &HllUpdate;
    f.combine = &HllCombine;
    f.finalize = &HllFinalize;
    return f;
  }
  if (name == "approx_percentile") {
    if (args.size() != 2 || !Numeric(args[0]) || !Numeric(args[1])) return bad();
    Type t = args[0].IsInteger() ? Type::Bigint() : Type::Double();
    f.arg_types = {t, Type::Double()};
    f.return_type = t;
    f.state_size = sizeof(PercentileState);
    f.init = &PercentileInit;
    f.update = &PercentileUpdate;
    f.combine = &PercentileCombine;
    f.finalize = &PercentileFinalize;
    f.destroy = &PercentileDestroy;
    return f;
  }
  if (name == "min_by" || name == "max_by") {
    if (args.size() != 2) return bad();
    bool is_max = name == "max_by";
    f.arg_types = {args[0], args[1]};
    f.return_type = args[0];
    f.state_size = sizeof(ByState);
    f.init = is_max ? &ByInit<true> : &ByInit<false>;
    f.update = is_max ? &ByUpdate<true> : &ByUpdate<false>;
    f.combine = is_max ? &ByCombine<true> : &ByCombine<false>;
    f.finalize = &ByFinalize;
    return f;
  }
  *error = "Function '" + name + "' not registered";
  return std::nullopt;
}

}  // namespace sql
