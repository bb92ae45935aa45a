#include "server/serve_options.h"

#include <cstdlib>

namespace server {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// "HOST:PORT", ":PORT", "PORT" or "[v6]:PORT".
bool ParseListen(const std::string& text, ServeOptions& o) {
  std::string host = o.listen_address;
  std::string port = text;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
      host = host.substr(1, host.size() - 2);
    }
    if (host.empty()) host = "0.0.0.0";
  }
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  unsigned long p = std::stoul(port);
  if (p > 65535) return false;
  o.listen_address = host;
  o.listen_port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

const char* ServeUsage() {
  return "usage: unistudio serve [--listen HOST:PORT] [--data-dir DIR] [--region REGION]\n"
         "                       [--log-format text|json]\n"
         "\n"
         "Each flag may also be given as an environment variable: UNISTUDIO_LISTEN,\n"
         "UNISTUDIO_DATA_DIR, UNISTUDIO_REGION, UNISTUDIO_LOG_FORMAT. Fixed root credentials:\n"
         "UNISTUDIO_ROOT_ACCESS_KEY_ID and UNISTUDIO_ROOT_SECRET_ACCESS_KEY.\n";
}

ParsedServeOptions ParseServeOptions(const std::vector<std::string>& args) {
  ParsedServeOptions result;
  ServeOptions o;
  std::string listen = Env("UNISTUDIO_LISTEN");
  if (!Env("UNISTUDIO_DATA_DIR").empty()) o.data_dir = Env("UNISTUDIO_DATA_DIR");
  if (!Env("UNISTUDIO_REGION").empty()) o.region = Env("UNISTUDIO_REGION");
  if (!Env("UNISTUDIO_LOG_FORMAT").empty()) o.log_format = Env("UNISTUDIO_LOG_FORMAT");
  o.root_access_key_id = Env("UNISTUDIO_ROOT_ACCESS_KEY_ID");
  o.root_secret_access_key = Env("UNISTUDIO_ROOT_SECRET_ACCESS_KEY");

  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::string value;
    bool has_inline = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    if (arg == "-h" || arg == "--help") {
      result.help = true;
      return result;
    }
    if (arg != "--listen" && arg != "--data-dir" && arg != "--region" && arg != "--log-format") {
      result.error = "unknown argument: " + args[i];
      return result;
    }
    if (!has_inline) {
      if (i + 1 >= args.size()) {
        result.error = arg + " needs a value";
        return result;
      }
      value = args[++i];
    }
    if (arg == "--listen") listen = value;
    if (arg == "--data-dir") o.data_dir = value;
    if (arg == "--region") o.region = value;
    if (arg == "--log-format") o.log_format = value;
  }
  if (!listen.empty() && !ParseListen(listen, o)) {
    result.error = "invalid --listen address: " + listen;
    return result;
  }
  if (o.log_format != "text" && o.log_format != "json") {
    result.error = "--log-format must be text or json";
    return result;
  }
  if (o.data_dir.empty()) {
    result.error = "--data-dir must not be empty";
    return result;
  }
  if (o.root_access_key_id.empty() != o.root_secret_access_key.empty()) {
    result.error =
        "set both UNISTUDIO_ROOT_ACCESS_KEY_ID and UNISTUDIO_ROOT_SECRET_ACCESS_KEY, or neither";
    return result;
  }
  result.options = o;
  return result;
}

}  // namespace server
