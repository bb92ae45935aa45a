// The CloudWatch Logs API (`logs`, json protocol) over a LogStore: log groups and streams
// (create, delete, describe), PutLogEvents, GetLogEvents with forward and backward tokens, and
// FilterLogEvents with filter patterns (filter_pattern.h) across a group's streams. It is
// what the SageMaker SDK's `fit(logs=True)` and `aws logs tail` read training output through.
//
//   logs::LogStore store(meta);
//   dispatcher.Register(logs::MakeLogsService(store));
//
// The service only reads the store it is given; handlers are thread-safe.
#pragma once

#include <memory>

#include "platform/aws/service.h"
#include "services/logs/log_store.h"

namespace logs {

std::unique_ptr<aws::Service> MakeLogsService(LogStore& store);

}  // namespace logs
