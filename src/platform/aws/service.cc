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

Operation& Service::Async(const std::string& name, AsyncHandler handler) {
  Operation& op = Add(name);
  op.async_handler = std::move(handler);
  return op;
}

Operation& Service::Raw(const std::string& name, RawMatcher matcher, StreamHandler handler) {
  Operation& op = Stream(name, std::move(handler));
  op.raw_matcher = std::move(matcher);
  op.handler_authorizes = true;
  raw_operations_.push_back(&op);
  return op;
}

const Operation* Service::FindRaw(const http::Request& request, std::string_view path) const {
  for (const Operation* op : raw_operations_) {
    if (op->raw_matcher(request, path)) return op;
  }
  return nullptr;
}

const Operation* Service::Find(std::string_view name) const {
  auto it = operations_.find(name);
  return it == operations_.end() ? nullptr : &it->second;
}

}  // namespace aws
