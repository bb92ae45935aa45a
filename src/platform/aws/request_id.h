// Request ids for the x-amz-request-id header and the request's log line. They need to be
// unique, not secret: each thread draws a 128-bit random seed once and then numbers its
// requests, so an id costs no system call and no lock. Ids look like version-4 UUIDs
// (8-4-4-4-12 lowercase hex digits). Thread-safe: every thread has its own generator.
#pragma once

#include <string>

namespace aws {

std::string NewRequestId();

}  // namespace aws
