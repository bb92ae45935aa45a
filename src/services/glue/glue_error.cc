#include "services/glue/glue_error.h"

namespace glue {

std::string_view GlueError::code() const {
  switch (kind_) {
    case ErrorKind::kEntityNotFound:
      return "EntityNotFoundException";
    case ErrorKind::kAlreadyExists:
      return "AlreadyExistsException";
    case ErrorKind::kInvalidInput:
      return "InvalidInputException";
    case ErrorKind::kConcurrentModification:
      return "ConcurrentModificationException";
    case ErrorKind::kCrawlerRunning:
      return "CrawlerRunningException";
    case ErrorKind::kCrawlerNotRunning:
      return "CrawlerNotRunningException";
    case ErrorKind::kConcurrentRuns:
      return "ConcurrentRunsExceededException";
    case ErrorKind::kIllegalState:
      return "IllegalSessionStateException";
    case ErrorKind::kConflict:
      return "ConflictException";
  }
  return "InternalServiceException";
}

}  // namespace glue
