// Micro-benchmark of the object storage engine on the local disk: small PUTs from many
// threads (group commit at work), large PUTs against the raw write bandwidth of the same
// disk (write + fdatasync of a plain file), and small GETs.
//
//   storage_bench [--dir D] [--threads 16] [--small 20000] [--big-mib 64] [--big-count 4]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "engines/storage/object_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Serves `size` bytes by repeating one buffer, as fast as memcpy (a stand-in for a socket).
class RepeatSource : public storage::ByteSource {
 public:
  RepeatSource(const std::string& block, uint64_t size) : block_(block), left_(size) {}
  size_t Read(char* buf, size_t n) override {
    n = static_cast<size_t>(std::min<uint64_t>({n, left_, block_.size()}));
    std::memcpy(buf, block_.data() + (pos_ % block_.size()), n);
    pos_ += n;
    left_ -= n;
    return n;
  }

 private:
  const std::string& block_;
  uint64_t left_;
  uint64_t pos_ = 0;
};

double RawWriteMiBps(const std::filesystem::path& path, const std::string& block, uint64_t mib) {
  auto start = Clock::now();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  for (uint64_t i = 0; i < mib; ++i) {
    if (::write(fd, block.data(), block.size()) != static_cast<ssize_t>(block.size())) break;
  }
  ::fdatasync(fd);
  ::close(fd);
  double s = Seconds(Clock::now() - start);
  ::unlink(path.c_str());
  return static_cast<double>(mib) / s;
}

}  // namespace

int main(int argc, char** argv) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "storage_bench";
  int threads = 16;
  int small = 20000;
  uint64_t big_mib = 64;
  int big_count = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--dir") dir = argv[i + 1];
    if (flag == "--threads") threads = std::stoi(argv[i + 1]);
    if (flag == "--small") small = std::stoi(argv[i + 1]);
    if (flag == "--big-mib") big_mib = std::stoull(argv[i + 1]);
    if (flag == "--big-count") big_count = std::stoi(argv[i + 1]);
  }
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto meta = meta::OpenSqliteStore((dir / "meta.db").string());
  storage::ObjectStore store(dir, *meta);
  store.CreateBucket("bench", "", "bench");

  std::string block(1 << 20, '\0');
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i * 2654435761u >> 13);
  std::string small_body = block.substr(0, 4096);

  // Small PUTs.
  std::atomic<int> next{0};
  std::vector<std::vector<double>> latencies(static_cast<size_t>(threads));
  auto start = Clock::now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (int i; (i = next++) < small;) {
        auto op = Clock::now();
        storage::StringSource body(small_body);
        storage::PutOptions options;
        options.expected_size = small_body.size();
        store.PutObject("bench", "small/" + std::to_string(i), body, options);
        latencies[static_cast<size_t>(t)].push_back(Seconds(Clock::now() - op) * 1e3);
      }
    });
  }
  for (auto& w : workers) w.join();
  double small_s = Seconds(Clock::now() - start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  storage::StoreStats stats = store.stats();
  std::printf(
      "4 KiB PUT x%d, %d threads: %.0f PUT/s, p50 %.2f ms, p99 %.2f ms, %.1f PUTs per "
      "commit\n",
      small, threads, small / small_s, all[all.size() / 2], all[all.size() * 99 / 100],
      static_cast<double>(stats.commit_requests) /
          static_cast<double>(std::max<uint64_t>(1, stats.commit_batches)));

  // Small GETs.
  next = 0;
  start = Clock::now();
  workers.clear();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      char buf[4096];
      for (int i; (i = next++) < small;) {
        storage::ObjectReader r = store.GetObject("bench", "small/" + std::to_string(i));
        r.ReadAt(0, buf, sizeof buf);
      }
    });
  }
  for (auto& w : workers) w.join();
  std::printf("4 KiB GET x%d, %d threads: %.0f GET/s\n", small, threads,
              small / Seconds(Clock::now() - start));

  // Large PUTs against the raw disk.
  double raw = 0;
  double engine = 0;
  for (int i = 0; i < big_count; ++i) {
    raw += RawWriteMiBps(dir / "raw.bin", block, big_mib);
    RepeatSource body(block, big_mib << 20);
    storage::PutOptions options;
    options.expected_size = big_mib << 20;
    auto op = Clock::now();
    store.PutObject("bench", "big/" + std::to_string(i), body, options);
    engine += static_cast<double>(big_mib) / Seconds(Clock::now() - op);
  }
  raw /= big_count;
  engine /= big_count;
  std::printf("%llu MiB PUT: %.0f MiB/s; raw write+fdatasync %.0f MiB/s; %.0f%% of raw\n",
              static_cast<unsigned long long>(big_mib), engine, raw, 100 * engine / raw);
  std::filesystem::remove_all(dir);
  return 0;
}
