#include "engines/sql/execution/chunk_exchange.h"

#include <exception>
#include <utility>

namespace sql {

void ChunkExchange::StartReading() {
  std::lock_guard<std::mutex> lock(mu_);
  reading_++;
}

void ChunkExchange::StopReading() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    reading_--;
  }
  cv_.notify_all();
}

void ChunkExchange::StartTaking() {
  std::lock_guard<std::mutex> lock(mu_);
  taking_++;
}

void ChunkExchange::StopTaking() {
  std::lock_guard<std::mutex> lock(mu_);
  taking_--;
}

bool ChunkExchange::Offer(DataChunk& chunk) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (held_.size() >= kChunksPerTaker * taking_) return false;
    held_.push_back(std::move(chunk));
  }
  cv_.notify_one();
  return true;
}

bool ChunkExchange::Take(DataChunk& out) {
  std::unique_lock<std::mutex> lock(mu_);
  waiting_++;
  cv_.wait(lock, [this] { return !held_.empty() || reading_ == 0; });
  waiting_--;
  if (held_.empty()) return false;
  out = std::move(held_.front());
  held_.pop_front();
  return true;
}

size_t ChunkExchange::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiting_ > held_.size() ? waiting_ - held_.size() : 0;
}

namespace {

class ExchangeSource : public PhysicalOperator {
 public:
  ExchangeSource(ExecContext* ctx, PhysicalPtr child, std::shared_ptr<ChunkExchange> exchange)
      : PhysicalOperator(child->types()),
        ctx_(ctx),
        child_(std::move(child)),
        exchange_(std::move(exchange)) {}

  // A copy torn down early (a failure above it) must not keep the others waiting, nor be
  // handed chunks.
  ~ExchangeSource() override {
    if (state_ == State::kReading) exchange_->StopReading();
    if (state_ == State::kTaking) exchange_->StopTaking();
  }

  bool Next(DataChunk& out) override {
    if (state_ == State::kNew) {
      state_ = State::kReading;
      exchange_->StartReading();
    }
    while (state_ == State::kReading) {
      bool more;
      try {
        more = child_->Next(out);
      } catch (...) {
        StopReading(State::kDone);
        throw;
      }
      if (!more) {
        StopReading(State::kTaking);
        exchange_->StartTaking();
        break;
      }
      if (!exchange_->Offer(out)) return true;
      ctx_->query()->chunks_exchanged.fetch_add(1, std::memory_order_relaxed);
    }
    if (state_ == State::kTaking) {
      if (exchange_->Take(out)) return true;
      state_ = State::kDone;
      exchange_->StopTaking();
    }
    out.set_size(0);
    return false;
  }

 private:
  enum class State { kNew, kReading, kTaking, kDone };

  void StopReading(State next) {
    state_ = next;
    child_.reset();  // its buffers go now, not with the plan
    exchange_->StopReading();
  }

  ExecContext* ctx_;
  PhysicalPtr child_;
  std::shared_ptr<ChunkExchange> exchange_;
  State state_ = State::kNew;
};

}  // namespace

PhysicalPtr MakeExchangeSource(ExecContext* ctx, PhysicalPtr child,
                               std::shared_ptr<ChunkExchange> exchange) {
  return std::make_unique<ExchangeSource>(ctx, std::move(child), std::move(exchange));
}

}  // namespace sql
