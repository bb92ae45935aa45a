#include "platform/aws/service.h"

namespace aws {

Operation& Service::Add(const std::string& name) {
  Operation& op = operations_[name];
  op.name = name;
  op.action = action_prefix_ + ":" + name;
  return op;
}

Operation& Service::Handle(const std::string& name, JsonHandler handler) {
  Operation& op = Add(name);
  op.handler = std::move(handler);
  return op;
}

Operation& Service::Stream(const std::string& name, StreamHandler handler) {
  Operation& op = Add(name);
  op.stream_handler = std::move(handler);
  return op;
}

const Operation* Service::Find(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

}  // namespace aws
