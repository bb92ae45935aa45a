// Command-line tools of the SQL engine, as library functions the `unistudio` main calls for
// its subcommands (and the standalone `unistudio-sql` binary uses):
//
//   unistudio sql [--format table|csv|json] ["QUERY"]   runs a query, or a prompt when no
//                                                       query is given
//   unistudio sqllogictest [options] FILE|DIR...         runs sqllogictest files
//
// Each returns the process exit code. Not reentrant with respect to stdout.
#pragma once

namespace sql {

int RunSqlShell(int argc, char** argv);
int RunSqlLogicTest(int argc, char** argv);

// Re-executes the process (argv as given to main) with glibc's allocator tuned for query
// execution: heaps on transparent huge pages, freed memory kept for reuse. Page faults are
// most of the cost of building large hash tables otherwise. Returns without effect when
// GLIBC_TUNABLES is already set (by the user, or by the first execution) or when the
// re-execution fails. Call it first in main, before any thread starts.
void TuneAllocator(char** argv);

}  // namespace sql
