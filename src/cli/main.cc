// `unistudio`: the single binary. Subcommands:
//   serve         run the server (see `unistudio serve --help`)
//   sql           run SQL over local files, or an interactive prompt
//   sqllogictest  run sqllogictest files against the SQL engine
//   images        register directories as training images (`unistudio images add <uri> <dir>`)
//   algorithm     run a built-in SageMaker algorithm inside a training job's sandbox
//   version       print the version
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/log.h"
#include "engines/sql/tools/tools.h"
#include "server/serve_options.h"
#include "server/studio_server.h"
#include "services/sagemaker/algorithms/xgboost_algorithm.h"
#include "services/sagemaker/images/image_catalog.h"

namespace {

constexpr const char* kUsage =
    "usage: unistudio <command> [args]\n"
    "\n"
    "commands:\n"
    "  serve         run UniStudio (AWS-compatible APIs, MLflow, the Studio portal)\n"
    "  sql           run SQL over local files: unistudio sql [--format table|csv|json] \"QUERY\"\n"
    "  sqllogictest  run sqllogictest files against the SQL engine\n"
    "  images        training images: unistudio images add <image-uri> <directory>\n"
    "  version       print the version\n";

int Serve(const std::vector<std::string>& args) {
  server::ParsedServeOptions parsed = server::ParseServeOptions(args);
  if (parsed.help) {
    std::cout << server::ServeUsage();
    return 0;
  }
  if (!parsed.options) {
    std::cerr << "unistudio serve: " << parsed.error << "\n" << server::ServeUsage();
    return 2;
  }
  const server::ServeOptions& o = *parsed.options;
  base::SetLogFormat(o.log_format == "json" ? base::LogFormat::kJson : base::LogFormat::kText);

  // Signals are taken by sigwait below, so every thread started from here on blocks them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  server::StudioServer studio(o);
  try {
    studio.Start();
  } catch (const std::exception& e) {
    std::cerr << "unistudio serve: " << e.what() << "\n";
    return 1;
  }
  const server::Installation& inst = studio.installation();
  std::string endpoint = "http://" + o.listen_address + ":" + std::to_string(studio.port());
  std::printf("UniStudio %s listening on %s\n", UNISTUDIO_VERSION, endpoint.c_str());
  std::printf("  region %s, account %s, identity store %s\n", o.region.c_str(),
              inst.account_id.c_str(), inst.identity_store_id.c_str());
  std::printf("  data directory %s\n", o.data_dir.c_str());
  if (inst.root_credentials_new) {
    std::printf("Root credentials (generated now, kept in %s/root-credentials):\n",
                o.data_dir.c_str());
    std::printf("  AWS_ACCESS_KEY_ID=%s\n  AWS_SECRET_ACCESS_KEY=%s\n",
                inst.root_access_key_id.c_str(), inst.root_secret_access_key.c_str());
  }
  std::fflush(stdout);
  LOG_INFO("listening", {{"endpoint", endpoint}, {"region", o.region}});

  int sig = 0;
  sigwait(&signals, &sig);
  LOG_INFO("stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
  studio.Stop();
  LOG_INFO("stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "serve") return Serve(args);
  // The SQL tools take the command word as their argv[0]. Queries run with the allocator
  // tuned as unistudio-sql runs them (TuneAllocator re-executes this command once).
  if (command == "sql") {
    sql::TuneAllocator(argv);
    return sql::RunSqlShell(argc - 1, argv + 1);
  }
  if (command == "sqllogictest") return sql::RunSqlLogicTest(argc - 1, argv + 1);
  if (command == "images") return sagemaker::RunImagesCommand(args);
  if (command == "algorithm") return sagemaker::RunAlgorithmCommand(args);
  if (command == "version" || command == "--version") {
    std::cout << "unistudio " << UNISTUDIO_VERSION << "\n";
    return 0;
  }
  std::cerr << "unistudio: unknown command '" << command << "'\n" << kUsage;
  return 2;
}
