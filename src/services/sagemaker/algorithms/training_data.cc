#include "services/sagemaker/algorithms/training_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

#include "base/strings.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

constexpr float kMissing = std::numeric_limits<float>::quiet_NaN();

void ListFiles(const fs::path& dir, std::vector<fs::path>& out) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) continue;
    entries.push_back(*it);
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::directory_entry& e : entries) {
    if (e.is_directory(ec)) {
      ListFiles(e.path(), out);
    } else if (e.is_regular_file(ec)) {
      out.push_back(e.path());
    }
  }
}

std::string ReadWhole(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw DataError("cannot read " + file.filename().string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool ParseFloat(std::string_view s, float* out) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.empty()) {
    *out = kMissing;
    return true;
  }
  if (s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string Where(const fs::path& file, size_t line) {
  return file.filename().string() + " line " + std::to_string(line);
}

void ParseCsv(const fs::path& file, const std::string& text, bool csv_weights,
              TrainingData& data) {
  size_t line_no = 0;
  size_t pos = 0;
  const size_t skip = csv_weights ? 2 : 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (base::Trim(line).empty()) continue;
    size_t fields = 0;
    size_t start = 0;
    size_t before = data.dense.size();
    while (true) {
      size_t comma = line.find(',', start);
      std::string_view field = line.substr(start, comma == std::string_view::npos
                                                      ? std::string_view::npos
                                                      : comma - start);
      float v;
      if (!ParseFloat(field, &v)) {
        throw DataError("Non-numeric value in " + Where(file, line_no) +
                        "; CSV data must be numeric, label in the first column, no header.");
      }
      if (fields == 0) {
        if (std::isnan(v)) throw DataError("Missing label in " + Where(file, line_no));
        data.labels.push_back(v);
      } else if (fields == 1 && csv_weights) {
        data.weights.push_back(std::isnan(v) ? 1.0f : v);
      } else {
        data.dense.push_back(v);
      }
      ++fields;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields <= skip) throw DataError("No features in " + Where(file, line_no));
    size_t columns = data.dense.size() - before;
    if (data.rows == 0) {
      data.columns = columns;
    } else if (columns != data.columns) {
      throw DataError("Inconsistent number of columns in " + Where(file, line_no) + ": " +
                      std::to_string(columns) + " features, expected " +
                      std::to_string(data.columns));
    }
    ++data.rows;
  }
}

void ParseLibsvm(const fs::path& file, const std::string& text, TrainingData& data) {
  size_t line_no = 0;
  size_t pos = 0;
  if (data.row_offsets.empty()) data.row_offsets.push_back(0);
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    std::vector<std::string> tokens;
    for (std::string& t : base::Split(base::Trim(line), ' ')) {
      if (!base::Trim(t).empty()) tokens.push_back(std::string(base::Trim(t)));
    }
    if (tokens.empty()) continue;
    std::string label = tokens[0];
    float weight = 1;
    if (size_t colon = label.find(':'); colon != std::string::npos) {
      if (!ParseFloat(label.substr(colon + 1), &weight))
        throw DataError("Bad weight in " + Where(file, line_no));
      label.resize(colon);
      data.weights.resize(data.rows, 1.0f);
      data.weights.push_back(weight);
    } else if (!data.weights.empty()) {
      data.weights.push_back(1.0f);
    }
    float y;
    if (!ParseFloat(label, &y) || std::isnan(y)) throw DataError("Bad label in " + Where(file, line_no));
    data.labels.push_back(y);
    for (size_t i = 1; i < tokens.size(); ++i) {
      if (tokens[i].starts_with("qid:")) continue;
      size_t colon = tokens[i].find(':');
      unsigned index = 0;
      float value = 0;
      auto [ptr, ec] = std::from_chars(tokens[i].data(), tokens[i].data() + colon, index);
      if (colon == std::string::npos || ec != std::errc() || ptr != tokens[i].data() + colon ||
          !ParseFloat(std::string_view(tokens[i]).substr(colon + 1), &value)) {
        throw DataError("Bad feature \"" + tokens[i] + "\" in " + Where(file, line_no) +
                        "; LibSVM features are index:value.");
      }
      data.indices.push_back(index);
      data.values.push_back(value);
      data.columns = std::max<size_t>(data.columns, static_cast<size_t>(index) + 1);
    }
    data.row_offsets.push_back(data.indices.size());
    ++data.rows;
  }
}

}  // namespace

DataFormat FormatOfContentType(const std::string& content_type) {
  std::string type = base::ToLower(std::string(base::Trim(content_type)));
  if (size_t semi = type.find(';'); semi != std::string::npos) {
    type = std::string(base::Trim(type.substr(0, semi)));
  }
  if (type == "text/csv" || type == "csv") return DataFormat::kCsv;
  if (type.empty() || type == "libsvm" || type == "text/libsvm" || type == "text/x-libsvm")
    return DataFormat::kLibsvm;
  throw DataError("Content type " + content_type +
                  " is not supported by the built-in XGBoost here; use text/csv or text/libsvm.");
}

TrainingData LoadTrainingData(const fs::path& directory, DataFormat format, bool csv_weights) {
  std::vector<fs::path> files;
  ListFiles(directory, files);
  if (files.empty()) throw DataError("No data files in " + directory.filename().string());
  TrainingData data;
  for (const fs::path& file : files) {
    std::string text = ReadWhole(file);
    if (format == DataFormat::kCsv) {
      ParseCsv(file, text, csv_weights, data);
    } else {
      ParseLibsvm(file, text, data);
    }
  }
  if (data.rows == 0) throw DataError("The data files of " + directory.filename().string() +
                                      " hold no rows");
  if (!data.weights.empty()) data.weights.resize(data.rows, 1.0f);
  return data;
}

}  // namespace sagemaker
