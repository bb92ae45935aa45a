// The composition root of `unistudio serve`: opens the data directory and the metadata store,
// establishes the installation's identity, builds the services and the AWS dispatcher, and
// runs the HTTP server with the reserved routes (/_health, /_metrics) in front of it.
// Start() returns once listening; Stop() drains in-flight requests. Thread-safe.
#pragma once

#include <memory>

#include "server/installation.h"
#include "server/serve_options.h"

namespace server {

class StudioServer {
 public:
  explicit StudioServer(ServeOptions options);
  ~StudioServer();
  StudioServer(const StudioServer&) = delete;
  StudioServer& operator=(const StudioServer&) = delete;

  // Opens everything and starts listening. Throws base::Error with a message for the user.
  void Start();
  void Stop();

  const Installation& installation() const;
  uint16_t port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace server
