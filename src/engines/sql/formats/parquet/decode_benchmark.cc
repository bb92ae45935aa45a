// Decode throughput of the Parquet reader: writes SNAPPY files in memory (an INT64 column and
// a string column, each dictionary-encoded and PLAIN) and times reading them back in batches
// of 2048 rows, best of 20 runs in thread CPU time. Prints rows/s and MB/s of decoded values
// (8 bytes per INT64, the string bytes for strings); asserts nothing.
// Usage: parquet_decode_bench [rows [case-substring]]   (build Release for real numbers)
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "engines/sql/formats/parquet/file_reader.h"
#include "engines/sql/formats/parquet/file_writer.h"

namespace sql::parquet {
namespace {

// CPU time of this thread: less disturbed than wall time on a shared machine.
double ThreadSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Case {
  const char* name;
  bool strings;
  bool dictionary;
  uint64_t cardinality;
};

ColumnBatch MakeColumn(const Case& c, int64_t rows) {
  std::mt19937_64 rng(42);
  ColumnBatch b;
  b.Reset(c.strings ? ValueType::kBinary : ValueType::kInt64);
  b.num_rows = rows;
  b.valid.assign(static_cast<size_t>(rows), 1);
  if (c.strings) {
    b.offsets.push_back(0);
    for (int64_t i = 0; i < rows; ++i) {
      const uint64_t v = rng() % c.cardinality;
      b.bytes += "customer-" + std::to_string(v * 2654435761u % 100000000);
      b.offsets.push_back(static_cast<int64_t>(b.bytes.size()));
    }
  } else {
    for (int64_t i = 0; i < rows; ++i) b.i64.push_back(static_cast<int64_t>(rng() % c.cardinality));
  }
  return b;
}

void Run(const Case& c, int64_t rows) {
  Column col;
  col.name = "v";
  col.physical_type = c.strings ? PhysicalType::kByteArray : PhysicalType::kInt64;
  col.nullable = false;
  if (c.strings) col.logical = LogicalType::Of(LogicalKind::kString);
  WriterOptions o;
  o.dictionary = c.dictionary;
  const ColumnBatch data = MakeColumn(c, rows);
  StringSink sink;
  FileWriter writer(&sink, Schema{{col}}, o);
  writer.Write(std::vector<ColumnBatch>{data});
  writer.Close();
  const std::string file_bytes = sink.Release();
  auto file = FileReader::Open(MakeMemorySource(file_bytes));
  double best = 1e100;
  int64_t value_bytes = 0;
  for (int repeat = 0; repeat < 20; ++repeat) {
    const double start = ThreadSeconds();
    ColumnBatch batch;
    value_bytes = 0;
    for (size_t g = 0; g < file->metadata().row_groups.size(); ++g) {
      auto reader = file->OpenColumn(static_cast<int>(g), 0);
      while (reader->Read(2048, &batch) > 0) {
        value_bytes += c.strings ? static_cast<int64_t>(batch.bytes.size()) : batch.num_rows * 8;
      }
    }
    best = std::min(best, ThreadSeconds() - start);
  }
  std::printf("%-28s %10lld rows  file %7.1f MB  %8.1f Mrows/s  %8.1f MB/s\n", c.name,
              static_cast<long long>(rows), file_bytes.size() / 1e6, rows / best / 1e6,
              value_bytes / best / 1e6);
}

}  // namespace
}  // namespace sql::parquet

int main(int argc, char** argv) {
  const int64_t rows = argc > 1 ? std::atoll(argv[1]) : 10000000;
  const std::string only = argc > 2 ? argv[2] : "";
  using sql::parquet::Case;
  for (const Case& c : {Case{"int64 plain snappy", false, false, ~0ULL},
                        Case{"int64 dictionary snappy", false, true, 1000},
                        Case{"string plain snappy", true, false, ~0ULL},
                        Case{"string dictionary snappy", true, true, 1000}}) {
    if (std::string(c.name).find(only) != std::string::npos) sql::parquet::Run(c, rows);
  }
  return 0;
}
