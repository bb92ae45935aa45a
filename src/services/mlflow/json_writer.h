// A streaming JSON encoder for the MLflow module's large responses (tens of thousands of runs,
// metric histories of 100k points), which it writes straight into one string instead of
// building a document tree first. Doubles are written in their shortest round-trip form, and
// NaN and infinities as proto3 JSON spells them ("NaN", "Infinity", "-Infinity"). Strings
// must be valid UTF-8 (the module checks input before storing it). With SpillTo, the text
// written so far is handed out in pieces of about a given size as each value ends, so a large
// response streams out through one reused buffer. Not thread-safe.
//
//   JsonWriter w;
//   w.BeginObject().Key("run_id").String(id).Key("step").Int(3).EndObject();
//   std::string body = w.Take();
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace mlflow {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  // A value that is already JSON text.
  JsonWriter& Raw(std::string_view json);

  // From now on, whenever a value ends with at least `threshold` bytes buffered, hands them
  // to `sink` and empties the buffer; str() then holds only what was not handed out yet.
  void SpillTo(size_t threshold, std::function<void(std::string_view)> sink);

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  void AfterValue() {
    if (spill_ && out_.size() >= spill_threshold_) Spill();
  }
  void Spill();

  std::string out_;
  // For each open container: whether it has no element yet.
  std::vector<bool> empty_;
  bool after_key_ = false;
  std::function<void(std::string_view)> spill_;
  size_t spill_threshold_ = 0;
};

// `s` as a JSON string literal, quotes included.
std::string JsonQuote(std::string_view s);

}  // namespace mlflow
