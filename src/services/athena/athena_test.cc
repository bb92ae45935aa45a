#include "services/athena/athena.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "platform/http/request.h"
#include "platform/http/response_writer.h"
#include "services/glue/glue.h"
#include "services/glue/glue_test_util.h"

namespace athena {
namespace {

using base::Json;
using Clock = std::chrono::steady_clock;

class NullWriter : public http::ResponseWriter {
 public:
  void SetStatus(int status) override { status_ = status; }
  int status() const override { return status_; }
  http::Headers& headers() override { return headers_; }
  void Send(std::string_view) override {}
  void Begin(std::optional<uint64_t>) override {}
  void Write(std::string_view) override {}
  void End() override {}
  bool started() const override { return false; }

 private:
  int status_ = 200;
  http::Headers headers_;
};

// Ten copies of a ten-row table cross joined: 10^10 rows, which no test waits for; the tests
// stop it.
constexpr const char* kLongQuery =
    "WITH t AS (SELECT * FROM (VALUES 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) v(x)) "
    "SELECT count(*) FROM t a, t b, t c, t d, t e, t f, t g, t h, t i, t j "
    "WHERE a.x + b.x + c.x + d.x + e.x + f.x + g.x + h.x + i.x + j.x = 30";

class AthenaServiceTest : public glue::testing::StoreFixture {
 protected:
  void Open(std::chrono::milliseconds poll_wait, int max_waiting_polls = 32) {
    glue_ = std::make_unique<glue::Glue>(*meta_, *objects_, "123456789012");
    athena_ = std::make_unique<Athena>(*meta_, *glue_, "123456789012",
                                       AthenaOptions{.max_concurrent_queries = 2,
                                                     .engine_threads = 1,
                                                     .poll_wait = poll_wait,
                                                     .max_waiting_polls = max_waiting_polls});
    service_ = athena_->MakeService();
  }
  void TearDown() override {
    service_.reset();
    athena_.reset();
    glue_.reset();
    StoreFixture::TearDown();
  }

  Json Call(const std::string& operation, const Json& in) {
    http::Request request;
    NullWriter writer;
    aws::RequestContext ctx(request, writer);
    return service_->Find(operation)->handler(ctx, in);
  }
  std::string Start(const std::string& sql) {
    return Call("StartQueryExecution",
                {{"QueryString", sql},
                 {"ResultConfiguration", {{"OutputLocation", "s3://data/results/"}}}})
        .at("QueryExecutionId");
  }
  std::string State(const Json& execution) {
    return execution["QueryExecution"]["Status"]["State"].get<std::string>();
  }

  std::unique_ptr<glue::Glue> glue_;
  std::unique_ptr<Athena> athena_;
  std::unique_ptr<aws::Service> service_;
};

TEST_F(AthenaServiceTest, OnePollOfARunningQueryReturnsWhenItFinishes) {
  // A wait far longer than the query: the poll must return as soon as it is done.
  Open(std::chrono::seconds(60));
  std::string id = Start("SELECT 41 + 1 AS answer");
  Clock::time_point before = Clock::now();
  Json execution = Call("GetQueryExecution", {{"QueryExecutionId", id}});
  double waited = std::chrono::duration<double>(Clock::now() - before).count();
  EXPECT_EQ(State(execution), "SUCCEEDED");
  EXPECT_LT(waited, 10.0);
  // The results are there when the poll says SUCCEEDED.
  Json results = Call("GetQueryResults", {{"QueryExecutionId", id}});
  EXPECT_EQ(results["ResultSet"]["Rows"][1]["Data"][0]["VarCharValue"], "42");
  EXPECT_EQ(Get("results/" + id + ".csv"), "\"answer\"\n\"42\"\n");
}

TEST_F(AthenaServiceTest, PollOfALongQueryAnswersRunningAfterTheWait) {
  Open(std::chrono::milliseconds(20));
  std::string id = Start(kLongQuery);
  Clock::time_point before = Clock::now();
  Json execution = Call("GetQueryExecution", {{"QueryExecutionId", id}});
  double waited = std::chrono::duration<double>(Clock::now() - before).count();
  EXPECT_EQ(State(execution), "RUNNING");
  EXPECT_GE(waited, 0.015);
  EXPECT_LT(waited, 1.0);
  // A stop ends the wait of the next poll: the query is cancelled, not run to its end.
  Call("StopQueryExecution", {{"QueryExecutionId", id}});
  for (int i = 0; i < 500 && State(execution) == "RUNNING"; i++) {
    execution = Call("GetQueryExecution", {{"QueryExecutionId", id}});
  }
  EXPECT_EQ(State(execution), "CANCELLED");
}

TEST_F(AthenaServiceTest, PollsBeyondTheWaitingLimitAnswerAtOnce) {
  Open(std::chrono::seconds(5), 2);
  std::string id = Start(kLongQuery);
  // Two polls wait (until the stop below ends their wait)...
  std::vector<std::string> waited_states(2);
  std::vector<std::thread> pollers;
  for (std::string& state : waited_states) {
    pollers.emplace_back([&] {
      state = State(Call("GetQueryExecution", {{"QueryExecutionId", id}}));
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  // ... so a third answers without waiting: no worker thread is held past the limit.
  Clock::time_point before = Clock::now();
  Json execution = Call("GetQueryExecution", {{"QueryExecutionId", id}});
  double waited = std::chrono::duration<double>(Clock::now() - before).count();
  EXPECT_EQ(State(execution), "RUNNING");
  EXPECT_LT(waited, 2.0);
  Call("StopQueryExecution", {{"QueryExecutionId", id}});
  for (std::thread& t : pollers) t.join();
  // The stop ended the waits with the final state.
  EXPECT_EQ(waited_states, (std::vector<std::string>{"CANCELLED", "CANCELLED"}));
}

TEST_F(AthenaServiceTest, NoWaitAnswersAtOnce) {
  Open(std::chrono::milliseconds(0));
  std::string id = Start(kLongQuery);
  Clock::time_point before = Clock::now();
  Json execution = Call("GetQueryExecution", {{"QueryExecutionId", id}});
  double waited = std::chrono::duration<double>(Clock::now() - before).count();
  EXPECT_NE(State(execution), "SUCCEEDED");
  EXPECT_LT(waited, 0.015);
  Call("StopQueryExecution", {{"QueryExecutionId", id}});
}

}  // namespace
}  // namespace athena
