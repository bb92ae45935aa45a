// The settings of `unistudio serve`, from command-line flags and UNISTUDIO_* environment
// variables (a flag wins over the variable): where to listen, where the data lives, the
// default region, the log format. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace server {

struct ServeOptions {
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8750;
  std::string data_dir = "./.unistudio";
  std::string region = "us-east-1";
  std::string log_format = "text";  // "text" | "json"
  // UNISTUDIO_ROOT_ACCESS_KEY_ID / UNISTUDIO_ROOT_SECRET_ACCESS_KEY: fixed root credentials.
  std::string root_access_key_id;
  std::string root_secret_access_key;
};

// Parses `args` (the words after "serve") over the environment's settings. Returns the
// options, or an error message for the user.
struct ParsedServeOptions {
  std::optional<ServeOptions> options;
  std::string error;
  bool help = false;
};
ParsedServeOptions ParseServeOptions(const std::vector<std::string>& args);

const char* ServeUsage();

}  // namespace server
