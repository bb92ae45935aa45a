// unistudio-sql: the engine's standalone binary for local use and tests.
//   unistudio-sql sql [--format table|csv|json] ["QUERY"]
//   unistudio-sql sqllogictest FILE|DIR...
#include <cstring>
#include <iostream>

#include "engines/sql/tools/tools.h"

int main(int argc, char** argv) {
  sql::TuneAllocator(argv);
  if (argc >= 2 && std::strcmp(argv[1], "sqllogictest") == 0) return sql::RunSqlLogicTest(argc - 1, argv + 1);
  if (argc >= 2 && std::strcmp(argv[1], "sql") == 0) return sql::RunSqlShell(argc - 1, argv + 1);
  std::cerr << "usage: unistudio-sql sql [--format table|csv|json] [\"QUERY\"]\n"
               "       unistudio-sql sqllogictest FILE|DIR...\n";
  return 2;
}
