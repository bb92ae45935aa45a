// ChunkExchange: a copy whose scan has run dry takes the chunks the reading copies hand
// over, and never waits for a copy that has not started, has finished or has failed.
#include "engines/sql/execution/chunk_exchange.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>

namespace sql {
namespace {

// Yields chunks of one BIGINT value each, 1..count; calls `before(k)` before the k-th call
// to Next (k from 1, the end included), which may wait or throw.
class Numbers : public PhysicalOperator {
 public:
  Numbers(int64_t count, std::function<void(int64_t)> before)
      : PhysicalOperator({Type::Bigint()}), count_(count), before_(std::move(before)) {}
  bool Next(DataChunk& out) override {
    if (before_) before_(calls_ + 1);
    calls_++;
    if (next_ > count_) {
      out.set_size(0);
      return false;
    }
    out.Initialize(types_, 1);
    out.column(0).data<int64_t>()[0] = next_++;
    out.set_size(1);
    return true;
  }

 private:
  int64_t count_;
  int64_t next_ = 1;
  int64_t calls_ = 0;
  std::function<void(int64_t)> before_;
};

// The values of the chunks `op` returns, in order.
std::vector<int64_t> Drain(PhysicalOperator& op) {
  std::vector<int64_t> values;
  DataChunk c;
  while (op.Next(c)) {
    for (size_t i = 0; i < c.size(); i++) values.push_back(c.column(0).data<int64_t>()[i]);
  }
  return values;
}

// Waits (up to 10 s) until a copy waits in Take with no chunk on its way to it.
void UntilIdle(const ChunkExchange& exchange) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (exchange.idle() == 0) {
    if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("no copy waits");
    std::this_thread::yield();
  }
}

class ChunkExchangeTest : public ::testing::Test {
 protected:
  // A copy over Numbers(count) that tells `started_` when it first reads and then, before
  // each read, waits until the other copy is idle.
  PhysicalPtr ReadingCopy(int64_t count, int64_t throw_at = 0) {
    return MakeExchangeSource(&ctx_,
                              std::make_unique<Numbers>(count,
                                                        [this, throw_at](int64_t k) {
                                                          if (k == 1) started_.set_value();
                                                          UntilIdle(*exchange_);
                                                          if (k == throw_at) {
                                                            throw std::runtime_error("bad file");
                                                          }
                                                        }),
                              exchange_);
  }
  PhysicalPtr DryCopy() {
    return MakeExchangeSource(&ctx_, std::make_unique<Numbers>(0, nullptr), exchange_);
  }

  QueryState query_;
  ExecContext ctx_{&query_};
  std::shared_ptr<ChunkExchange> exchange_ = std::make_shared<ChunkExchange>();
  std::promise<void> started_;
};

TEST_F(ChunkExchangeTest, ADryCopyTakesTheChunksOfAReadingOne) {
  // Each chunk is read while the dry copy waits: every one goes over, in order.
  auto reading = ReadingCopy(3);
  auto dry = DryCopy();
  std::vector<int64_t> read_here;
  std::thread t([&] { read_here = Drain(*reading); });
  started_.get_future().wait();
  std::vector<int64_t> taken = Drain(*dry);
  t.join();
  EXPECT_EQ(taken, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(read_here.empty());
  EXPECT_EQ(query_.chunks_exchanged.load(), 3u);
}

TEST_F(ChunkExchangeTest, ChunksAreHeldForABusyTakerUpToTwo) {
  // The taker gets chunk 1 and stays busy (no further Next) while the reader goes on: chunks
  // 2 and 3 are held for it, 4 and 5 the reader runs itself; once done reading, the reader
  // takes the held ones too, and the taker finds none left.
  std::promise<void> taken;
  auto reading = MakeExchangeSource(&ctx_,
                                    std::make_unique<Numbers>(5,
                                                              [&](int64_t k) {
                                                                if (k == 1) started_.set_value();
                                                                if (k == 1) UntilIdle(*exchange_);
                                                                if (k == 2)
                                                                  taken.get_future().wait();
                                                              }),
                                    exchange_);
  auto dry = DryCopy();
  std::vector<int64_t> read_here;
  std::thread t([&] { read_here = Drain(*reading); });
  started_.get_future().wait();
  DataChunk c;
  bool got = dry->Next(c);
  taken.set_value();
  t.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(c.column(0).data<int64_t>()[0], 1);
  EXPECT_EQ(read_here, (std::vector<int64_t>{4, 5, 2, 3}));
  EXPECT_FALSE(dry->Next(c));
  EXPECT_EQ(query_.chunks_exchanged.load(), 3u);
}

TEST_F(ChunkExchangeTest, CopiesRunOneAfterTheOtherDoNotWait) {
  // Nobody waits while the first copy reads: it keeps its chunks; the second then finds no
  // copy reading and ends at once.
  auto first = MakeExchangeSource(&ctx_, std::make_unique<Numbers>(3, nullptr), exchange_);
  auto second = DryCopy();
  EXPECT_EQ(Drain(*first), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_TRUE(Drain(*second).empty());
  EXPECT_EQ(query_.chunks_exchanged.load(), 0u);
}

TEST_F(ChunkExchangeTest, AFailedReaderReleasesTheWaitingCopy) {
  // The reader hands over chunk 1 and fails on its second read.
  auto reading = ReadingCopy(3, /*throw_at=*/2);
  auto dry = DryCopy();
  bool threw = false;
  std::thread t([&] {
    try {
      Drain(*reading);
    } catch (const std::runtime_error&) {
      threw = true;
    }
  });
  started_.get_future().wait();
  std::vector<int64_t> taken = Drain(*dry);
  t.join();
  EXPECT_TRUE(threw);
  EXPECT_EQ(taken, (std::vector<int64_t>{1}));
}

TEST_F(ChunkExchangeTest, AReaderTornDownMidwayReleasesTheWaitingCopy) {
  // A reader stopped early (a failure above it) is destroyed while the other copy waits.
  auto reading = MakeExchangeSource(&ctx_, std::make_unique<Numbers>(5, nullptr), exchange_);
  DataChunk c;
  ASSERT_TRUE(reading->Next(c));
  auto dry = DryCopy();
  std::vector<int64_t> taken{-1};
  std::thread t([&] { taken = Drain(*dry); });
  UntilIdle(*exchange_);
  reading.reset();
  t.join();
  EXPECT_TRUE(taken.empty());
}

}  // namespace
}  // namespace sql
