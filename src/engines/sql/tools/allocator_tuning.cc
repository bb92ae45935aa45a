#include <unistd.h>

#include <cstdlib>

#include "engines/sql/tools/tools.h"

namespace sql {

namespace {

// glibc's allocator, tuned for a process that builds large hash tables and column buffers:
// heaps backed by transparent huge pages (one fault per 2 MiB instead of per 4 KiB, and
// fewer TLB misses when probing), blocks of up to 512 MiB taken from the heaps rather than
// mapped and unmapped one by one, and freed memory kept for reuse instead of being returned
// to the kernel and faulted in again.
constexpr const char* kTunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=536870912:"
    "glibc.malloc.trim_threshold=1073741824:glibc.malloc.top_pad=67108864";

}  // namespace

void TuneAllocator(char** argv) {
  if (std::getenv("GLIBC_TUNABLES") != nullptr) return;  // set by the user, or already done
  if (setenv("GLIBC_TUNABLES", kTunables, 1) != 0) return;
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");  // exec failed: carry on with the default allocator
}

}  // namespace sql
