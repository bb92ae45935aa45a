// The data files of a built-in algorithm's channel, parsed the way SageMaker's algorithms
// read them: every file under the channel directory (recursively, by name, hidden files
// skipped) in CSV (label in the first column, optionally an instance weight in the second,
// no header; empty fields are missing values) or LibSVM ("label[:weight] index:value ...").
// Plain data and a loader; thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/error.h"

namespace sagemaker {

enum class DataFormat { kCsv, kLibsvm };

struct TrainingData {
  size_t rows = 0;
  size_t columns = 0;
  std::vector<float> labels;
  std::vector<float> weights;  // empty unless the data carries them
  // CSV: rows x columns values, row-major, NaN for missing.
  std::vector<float> dense;
  // LibSVM: compressed sparse rows.
  std::vector<size_t> row_offsets;
  std::vector<unsigned> indices;
  std::vector<float> values;
  bool sparse() const { return !row_offsets.empty(); }
};

// A data file the algorithm cannot read; the message names the file and line.
class DataError : public base::Error {
 public:
  using base::Error::Error;
};

// "text/csv", "csv", "text/csv; label_size=1" -> CSV; "libsvm", "text/libsvm", "" -> LibSVM.
// Throws DataError for other content types.
DataFormat FormatOfContentType(const std::string& content_type);

// Reads every file of `directory`. `csv_weights`: the second CSV column is a weight.
TrainingData LoadTrainingData(const std::filesystem::path& directory, DataFormat format,
                              bool csv_weights);

}  // namespace sagemaker
