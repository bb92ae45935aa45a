#include "services/mlflow/api_routes.h"

namespace mlflow {

void ApiRoutes::Json(const std::string& method, const std::string& path, const std::string& action,
                     JsonRouteFn fn, bool prefix) {
  ApiRoute& r = prefix ? prefix_[path + "/"][method] : exact_[path][method];
  r.action = action;
  r.json = std::move(fn);
}

ApiRoute& ApiRoutes::Stream(const std::string& method, const std::string& path, bool prefix,
                            const std::string& action, StreamRouteFn fn) {
  ApiRoute& r = prefix ? prefix_[path + "/"][method] : exact_[path][method];
  r.action = action;
  r.stream = std::move(fn);
  return r;
}

const ApiRoute* ApiRoutes::Find(std::string_view method, std::string_view path, std::string* tail,
                                bool* path_known) const {
  *path_known = false;
  if (auto it = exact_.find(path); it != exact_.end()) {
    *path_known = true;
    auto m = it->second.find(std::string(method));
    if (m != it->second.end()) return &m->second;
  }
  for (const auto& [prefix, methods] : prefix_) {
    if (path.size() <= prefix.size() || !path.starts_with(prefix)) continue;
    *path_known = true;
    auto m = methods.find(std::string(method));
    if (m == methods.end()) continue;
    *tail = std::string(path.substr(prefix.size()));
    return &m->second;
  }
  return nullptr;
}

}  // namespace mlflow
