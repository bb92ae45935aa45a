// One operation of an AWS service model: its HTTP binding (method, requestUri template,
// response code), its input and output shapes, and whether either side carries a streaming
// payload that the codecs leave to the caller. Built by ServiceModel and immutable afterwards;
// safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "platform/aws/protocol/shape.h"

namespace aws::protocol {

class OperationModel {
 public:
  const std::string& name() const { return name_; }
  const std::string& http_method() const { return http_method_; }
  // The REST path template with literal query keys, e.g. "/{Bucket}/{Key+}?uploads".
  const std::string& request_uri() const { return request_uri_; }
  // The success status (`http.responseCode`, default 200).
  int response_code() const { return response_code_; }

  // Null when the operation takes no input or returns no output.
  const ShapeRef* input() const { return input_ ? &*input_ : nullptr; }
  const ShapeRef* output() const { return output_ ? &*output_ : nullptr; }
  const std::string& input_shape_name() const;
  const std::string& output_shape_name() const;
  const std::vector<const Shape*>& errors() const { return errors_; }
  bool deprecated() const { return deprecated_; }

  // True when the input (output) payload member is a streaming blob or an event stream: the
  // request body is not decoded (the response body is not encoded) by the codecs.
  bool input_streaming() const { return input_streaming_; }
  bool output_streaming() const { return output_streaming_; }
  bool output_event_stream() const { return output_event_stream_; }

 private:
  friend class ServiceModelBuilder;

  std::string name_;
  std::string http_method_ = "POST";
  std::string request_uri_ = "/";
  int response_code_ = 200;
  std::optional<ShapeRef> input_;
  std::optional<ShapeRef> output_;
  std::vector<const Shape*> errors_;
  bool deprecated_ = false;
  bool input_streaming_ = false;
  bool output_streaming_ = false;
  bool output_event_stream_ = false;
};

}  // namespace aws::protocol
