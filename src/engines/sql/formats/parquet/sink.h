// Sink is the append-only output the Parquet writer produces a file through. Append adds
// bytes at the end; Close flushes and finishes. The library provides a local-file sink and
// StringSink, which keeps the file in memory (for example to hand it to the object store).
// A sink is used by one writer at a time: not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace sql::parquet {

class Sink {
 public:
  virtual ~Sink() = default;
  // Throws base::IoError when the bytes cannot be written.
  virtual void Append(std::string_view bytes) = 0;
  // Makes everything appended durable in the sink's medium; no Append may follow.
  virtual void Close() = 0;
};

// Creates (or truncates) `path`. Close() fsyncs and closes the file. Throws base::IoError
// (without the path) on failure.
std::unique_ptr<Sink> OpenLocalFileSink(const std::filesystem::path& path);

class StringSink : public Sink {
 public:
  void Append(std::string_view bytes) override { data_.append(bytes); }
  void Close() override {}
  const std::string& contents() const { return data_; }
  std::string Release() { return std::move(data_); }

 private:
  std::string data_;
};

}  // namespace sql::parquet
