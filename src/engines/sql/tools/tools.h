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

}  // namespace sql
