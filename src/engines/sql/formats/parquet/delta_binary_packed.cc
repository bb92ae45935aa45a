#include "engines/sql/formats/parquet/delta_binary_packed.h"

#include <algorithm>

#include "engines/sql/formats/parquet/bit_packing.h"

namespace sql::parquet {

namespace {
constexpr uint64_t kMaxBlockSize = 1 << 20;
}  // namespace

template <typename T>
void DeltaBinaryPackedDecoder<T>::Reset(const uint8_t* data, size_t size, int64_t max_values) {
  reader_ = ByteReader(data, size, "DELTA_BINARY_PACKED data");
  const uint64_t block_size = reader_.ReadUleb();
  miniblocks_per_block_ = reader_.ReadUleb();
  const uint64_t total = reader_.ReadUleb();
  const int64_t first = reader_.ReadZigZag();
  if (block_size == 0 || block_size > kMaxBlockSize || miniblocks_per_block_ == 0 ||
      block_size % miniblocks_per_block_ != 0 || (block_size / miniblocks_per_block_) % 8 != 0) {
    reader_.Corrupt("bad block layout");
  }
  if (total > static_cast<uint64_t>(max_values)) reader_.Corrupt("more values than the page has");
  values_per_miniblock_ = block_size / miniblocks_per_block_;
  total_ = left_ = static_cast<int64_t>(total);
  undecoded_ = total_ > 0 ? total_ - 1 : 0;
  first_pending_ = total_ > 0;
  last_ = static_cast<U>(first);
  miniblock_index_ = miniblocks_per_block_;  // a block header comes next
  delta_pos_ = delta_len_ = 0;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::LoadMiniblock() {
  if (undecoded_ == 0) reader_.Truncated();
  if (miniblock_index_ == miniblocks_per_block_) {
    min_delta_ = static_cast<U>(reader_.ReadZigZag());
    widths_ = reader_.Take(miniblocks_per_block_);
    miniblock_index_ = 0;
  }
  const int width = widths_[miniblock_index_++];
  if (width > 64) reader_.Corrupt("bit width above 64");
  const size_t count = static_cast<size_t>(std::min<uint64_t>(values_per_miniblock_, undecoded_));
  const size_t needed = (count * width + 7) / 8;
  if (needed > reader_.remaining()) reader_.Truncated();
  if (deltas_.size() < values_per_miniblock_) deltas_.resize(values_per_miniblock_);
  UnpackBits<uint64_t>(reader_.position(), reader_.remaining(), width, deltas_.data(), count);
  // The last miniblock may be cut short of its full size; skip what is there.
  reader_.Take(std::min<size_t>(values_per_miniblock_ * width / 8, reader_.remaining()));
  undecoded_ -= count;
  delta_pos_ = 0;
  delta_len_ = count;
}

template <typename T>
void DeltaBinaryPackedDecoder<T>::Get(T* out, size_t n) {
  if (static_cast<uint64_t>(n) > static_cast<uint64_t>(left_)) reader_.Truncated();
  left_ -= static_cast<int64_t>(n);
  while (n > 0) {
    if (first_pending_) {
      *out++ = static_cast<T>(last_);
      first_pending_ = false;
      --n;
      continue;
    }
    if (delta_pos_ == delta_len_) LoadMiniblock();
    const size_t k = std::min(n, delta_len_ - delta_pos_);
    const uint64_t* d = deltas_.data() + delta_pos_;
    U last = last_;
    const U min_delta = min_delta_;
    for (size_t i = 0; i < k; ++i) {
      last = static_cast<U>(last + min_delta + static_cast<U>(d[i]));
      out[i] = static_cast<T>(last);
    }
    last_ = last;
    delta_pos_ += k;
    out += k;
    n -= k;
  }
}

template class DeltaBinaryPackedDecoder<int32_t>;
template class DeltaBinaryPackedDecoder<int64_t>;

template <typename T>
void DeltaBinaryPackedEncode(const T* values, size_t count, std::string* out) {
  using U = std::make_unsigned_t<T>;
  constexpr size_t kBlock = 128;
  constexpr size_t kMiniblocks = 4;
  constexpr size_t kPerMiniblock = kBlock / kMiniblocks;
  AppendUleb(kBlock, out);
  AppendUleb(kMiniblocks, out);
  AppendUleb(count, out);
  AppendZigZag(count > 0 ? static_cast<int64_t>(values[0]) : 0, out);
  uint64_t packed[kPerMiniblock];
  for (size_t start = 1; start < count; start += kBlock) {
    const size_t n = std::min(kBlock, count - start);
    T deltas[kBlock];
    T min_delta = 0;
    for (size_t i = 0; i < n; ++i) {
      deltas[i] =
          static_cast<T>(static_cast<U>(values[start + i]) - static_cast<U>(values[start + i - 1]));
      min_delta = i == 0 ? deltas[i] : std::min(min_delta, deltas[i]);
    }
    AppendZigZag(min_delta, out);
    uint8_t widths[kMiniblocks] = {};
    for (size_t m = 0; m * kPerMiniblock < n; ++m) {
      uint64_t bits = 0;
      for (size_t i = m * kPerMiniblock; i < std::min(n, (m + 1) * kPerMiniblock); ++i) {
        bits |= static_cast<U>(static_cast<U>(deltas[i]) - static_cast<U>(min_delta));
      }
      widths[m] = static_cast<uint8_t>(BitWidth(bits));
    }
    out->append(reinterpret_cast<const char*>(widths), kMiniblocks);
    for (size_t m = 0; m * kPerMiniblock < n; ++m) {
      for (size_t i = 0; i < kPerMiniblock; ++i) {
        const size_t j = m * kPerMiniblock + i;
        packed[i] =
            j < n ? static_cast<U>(static_cast<U>(deltas[j]) - static_cast<U>(min_delta)) : 0;
      }
      PackBits(packed, kPerMiniblock, widths[m], out);
    }
  }
}

template void DeltaBinaryPackedEncode<int32_t>(const int32_t*, size_t, std::string*);
template void DeltaBinaryPackedEncode<int64_t>(const int64_t*, size_t, std::string*);

}  // namespace sql::parquet
