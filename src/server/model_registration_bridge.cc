#include "server/model_registration_bridge.h"

#include "base/crypto.h"
#include "base/error.h"
#include "platform/aws/api_error.h"
#include "platform/aws/request_context.h"
#include "platform/http/request.h"
#include "platform/http/response_writer.h"

namespace server {
namespace {

// Model package group names: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}.
constexpr size_t kMaxGroupName = 63;
constexpr std::string_view kSessionName = "SageMakerMlflowModelRegistration";

// The registry's JSON operations write no response of their own; anything that tries is a
// defect worth an error rather than a silent drop.
class NoResponse : public http::ResponseWriter {
 public:
  void SetStatus(int) override { Refuse(); }
  int status() const override { return 0; }
  http::Headers& headers() override { Refuse(); }
  void Send(std::string_view) override { Refuse(); }
  void Begin(std::optional<uint64_t>) override { Refuse(); }
  void Write(std::string_view) override { Refuse(); }
  void End() override { Refuse(); }
  bool started() const override { return false; }

 private:
  [[noreturn]] static void Refuse() {
    throw base::Error("model registration: an internal call tried to write a response");
  }
};

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

// The tracking server's role as a session of it: arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION.
aws::Principal RolePrincipal(const mlflow::ModelVersionRegistered& v) {
  aws::Principal p;
  p.type = aws::Principal::Type::kAssumedRole;
  p.account_id = v.account_id;
  p.role_arn = v.role_arn;
  p.session_name = std::string(kSessionName);
  std::string role_name = v.role_arn.substr(v.role_arn.rfind('/') + 1);
  p.arn = "arn:aws:sts::" + v.account_id + ":assumed-role/" + role_name + "/" + p.session_name;
  p.user_id = role_name + ":" + p.session_name;
  return p;
}

}  // namespace

std::string ModelRegistrationBridge::GroupName(const std::string& model_name,
                                               const std::string& server_name) {
  std::string suffix = base::HexEncode(base::Sha256(server_name)).substr(0, 6);
  std::string name;
  for (char c : model_name) {
    char out = IsAlnum(c) ? c : '-';
    // A hyphen may not lead, and runs of them are kept to one.
    if (out == '-' && (name.empty() || name.back() == '-')) continue;
    name.push_back(out);
  }
  name = name.substr(0, kMaxGroupName - suffix.size() - 1);
  while (!name.empty() && name.back() == '-') name.pop_back();
  return name.empty() ? "mlflow-" + suffix : name + "-" + suffix;
}

base::Json ModelRegistrationBridge::Call(const std::string& operation,
                                         const mlflow::ModelVersionRegistered& v,
                                         const base::Json& input) {
  const aws::Operation* op = sagemaker_.Find(operation);
  if (op == nullptr || !op->handler) {
    throw base::Error("model registration: the sagemaker service has no " + operation);
  }
  http::Request request;
  request.method = "POST";
  request.target = request.path = "/";
  NoResponse response;
  aws::RequestContext ctx(request, response);
  ctx.set_request_id(base::Uuid4());
  ctx.set_region(v.region);
  ctx.set_account_id(v.account_id);
  ctx.set_principal(RolePrincipal(v));
  ctx.set_operation(operation);
  return op->handler(ctx, input);
}

void ModelRegistrationBridge::OnModelVersionCreated(const mlflow::ModelVersionRegistered& v) {
  std::string group = GroupName(v.model_name, v.tracking_server_name);
  std::lock_guard<std::mutex> lock(mu_);
  bool exists = true;
  try {
    Call("DescribeModelPackageGroup", v, {{"ModelPackageGroupName", group}});
  } catch (const aws::ApiError&) {
    exists = false;
  }
  if (!exists) {
    Call("CreateModelPackageGroup", v,
         {{"ModelPackageGroupName", group},
          {"ModelPackageGroupDescription", "MLflow registered model " + v.model_name +
                                               " of tracking server " + v.tracking_server_arn}});
  }
  base::Json metadata = {{"mlflow.model.name", v.model_name},
                         {"mlflow.model.version", v.version},
                         {"mlflow.tracking_server.arn", v.tracking_server_arn},
                         {"mlflow.source", v.source.substr(0, 256)}};
  if (!v.run_id.empty()) metadata["mlflow.run.id"] = v.run_id;
  base::Json package = {
      {"ModelPackageGroupName", group},
      {"ModelPackageDescription", v.description && !v.description->empty()
                                      ? *v.description
                                      : "MLflow model " + v.model_name + " version " + v.version},
      {"ModelApprovalStatus", "PendingManualApproval"},
      {"CustomerMetadataProperties", metadata}};
  if (!v.model_data_uri.empty()) {
    // The image MLflow's SageMaker deployment builds (mlflow sagemaker build-and-push-container);
    // the model data is the version's directory as MLflow stored it.
    package["InferenceSpecification"] = {
        {"Containers",
         {{{"Image", v.account_id + ".dkr.ecr." + v.region + ".amazonaws.com/mlflow-pyfunc"},
           {"ModelDataUrl", v.model_data_uri}}}},
        {"SupportedContentTypes", {"application/json", "text/csv"}},
        {"SupportedResponseMIMETypes", {"application/json"}}};
  }
  Call("CreateModelPackage", v, package);
}

}  // namespace server
