// The typed error of the Glue domain (Data Catalog, crawlers, jobs, data quality): a kind that
// names the Glue API exception it answers with, and a message safe to show a client. Other
// services that use the catalog (Athena) map the kinds to their own wording. Immutable, so
// safe to share between threads.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace glue {

enum class ErrorKind {
  kEntityNotFound,          // EntityNotFoundException
  kAlreadyExists,           // AlreadyExistsException
  kInvalidInput,            // InvalidInputException
  kConcurrentModification,  // ConcurrentModificationException (stale VersionId)
  kCrawlerRunning,          // CrawlerRunningException
  kCrawlerNotRunning,       // CrawlerNotRunningException
  kConcurrentRuns,          // ConcurrentRunsExceededException
  kIllegalState,            // IllegalSessionStateException-like conflicts (a run already ended)
  kConflict,                // ConflictException (a ClientToken reused for another request)
};

class GlueError : public base::Error {
 public:
  GlueError(ErrorKind kind, const std::string& message) : base::Error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }
  // The Glue API error code ("EntityNotFoundException", ...).
  std::string_view code() const;

 private:
  ErrorKind kind_;
};

}  // namespace glue
