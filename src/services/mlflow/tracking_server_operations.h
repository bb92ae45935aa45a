// The SageMaker operations of tracking servers (Create/Describe/List/Update/Delete/Start/Stop
// MlflowTrackingServer and CreatePresignedMlflowTrackingServerUrl), registered into the
// server's shared `sagemaker` service by Mlflow::RegisterTrackingServerOperations. Internal to
// the module.
#pragma once

#include <functional>
#include <string>

#include "engines/storage/object_store.h"
#include "platform/aws/service.h"
#include "services/mlflow/tracking_servers.h"

namespace mlflow {

// `listen_url` gives the base of TrackingServerUrl when a request carries no Host header.
void AddTrackingServerOperations(aws::Service& svc, TrackingServers& servers,
                                 storage::ObjectStore& objects,
                                 std::function<std::string()> listen_url);

// "http://<Host>" of a request, or `fallback` when it names none.
std::string RequestBaseUrl(const http::Request& request, const std::string& fallback);

}  // namespace mlflow
