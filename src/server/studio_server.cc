#include "server/studio_server.h"

#include <chrono>
#include <thread>

#include "base/error.h"
#include "base/files.h"
#include "base/json.h"
#include "base/log.h"
#include "base/metrics.h"
#include "platform/aws/dispatcher.h"
#include "platform/http/server.h"
#include "platform/meta/store.h"
#include "server/model_registration_bridge.h"
#include "services/athena/athena.h"
#include "services/glue/glue.h"
#include "services/iam/iam.h"
#include "services/identitystore/identity_store.h"
#include "services/logs/log_store.h"
#include "services/logs/logs_service.h"
#include "services/mlflow/mlflow.h"
#include "services/s3/s3_service.h"
#include "services/sagemaker/sagemaker.h"

namespace server {
namespace {

// How processes on this machine (training jobs) reach the listener.
std::string LocalUrl(const std::string& address, uint16_t port) {
  std::string host = address;
  if (host.empty() || host == "0.0.0.0") {
    host = "127.0.0.1";
  } else if (host == "::") {
    host = "[::1]";
  } else if (host.find(':') != std::string::npos && host.front() != '[') {
    host = "[" + host + "]";
  }
  return "http://" + host + ":" + std::to_string(port);
}

}  // namespace

struct StudioServer::Impl {
  ServeOptions options;
  std::chrono::steady_clock::time_point started_at;
  std::unique_ptr<meta::Store> store;
  Installation installation;
  std::unique_ptr<iam::Iam> iam;
  std::unique_ptr<identitystore::IdentityStore> identity_store;
  std::unique_ptr<storage::ObjectStore> objects;
  std::unique_ptr<s3::S3Service> s3;
  std::unique_ptr<logs::LogStore> log_store;
  std::unique_ptr<sagemaker::SageMaker> sagemaker;
  std::unique_ptr<glue::Glue> glue;
  std::unique_ptr<athena::Athena> athena;
  std::unique_ptr<mlflow::Mlflow> mlflow;
  std::unique_ptr<aws::Dispatcher> dispatcher;
  std::unique_ptr<ModelRegistrationBridge> model_registration;
  std::unique_ptr<http::Server> http;

  void Route(http::Request& req, http::ResponseWriter& res) {
    if (req.path == "/_health" && (req.method == "GET" || req.method == "HEAD")) {
      auto uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_at);
      base::Json body = {{"status", "ok"}, {"version", UNISTUDIO_VERSION}, {"uptime_seconds", uptime.count()}};
      res.SetStatus(200);
      res.headers().Set("Content-Type", "application/json");
      res.Send(body.dump());
      return;
    }
    if (req.path == "/_metrics" && (req.method == "GET" || req.method == "HEAD")) {
      res.SetStatus(200);
      res.headers().Set("Content-Type", "text/plain; version=0.0.4");
      res.Send(base::Metrics::Global().RenderPrometheus());
      return;
    }
    if (req.path.starts_with("/_mlflow/")) {
      mlflow->Handle(req, res);
      return;
    }
    dispatcher->Handle(req, res);
  }
};

StudioServer::StudioServer(ServeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

StudioServer::~StudioServer() { Stop(); }

void StudioServer::Start() {
  Impl& m = *impl_;
  m.started_at = std::chrono::steady_clock::now();
  base::MakeDirs(m.options.data_dir);
  m.store = meta::OpenSqliteStore((base::fs::path(m.options.data_dir) / "meta.db").string());
  m.installation = LoadInstallation(*m.store, m.options.data_dir, m.options.root_access_key_id,
                                    m.options.root_secret_access_key);
  m.iam = std::make_unique<iam::Iam>(
      *m.store, m.installation.account_id,
      iam::RootCredentials{m.installation.root_access_key_id, m.installation.root_secret_access_key});
  m.identity_store =
      std::make_unique<identitystore::IdentityStore>(*m.store, m.installation.identity_store_id);

  aws::DispatcherOptions dopts;
  dopts.default_region = m.options.region;
  dopts.account_id = m.installation.account_id;
  m.dispatcher = std::make_unique<aws::Dispatcher>(dopts, *m.iam);
  m.dispatcher->Register(m.iam->MakeIamService());
  m.dispatcher->Register(m.iam->MakeStsService());
  m.dispatcher->Register(m.identity_store->MakeService());
  m.objects = std::make_unique<storage::ObjectStore>(m.options.data_dir, *m.store);
  m.s3 = std::make_unique<s3::S3Service>(*m.objects, s3::S3Options{});
  m.dispatcher->Register(m.s3->MakeService());
  m.s3->StartLifecycleSweeper();
  m.glue = std::make_unique<glue::Glue>(*m.store, *m.objects, m.installation.account_id);
  m.dispatcher->Register(m.glue->MakeService());
  m.athena = std::make_unique<athena::Athena>(*m.store, *m.glue, m.installation.account_id);
  m.dispatcher->Register(m.athena->MakeService());
  m.log_store = std::make_unique<logs::LogStore>(*m.store);
  m.dispatcher->Register(logs::MakeLogsService(*m.log_store));

  // One `sagemaker` service: every module speaking the SageMaker API adds its operations.
  auto sagemaker_service = std::make_unique<aws::Service>("sagemaker", "sagemaker");
  m.mlflow = std::make_unique<mlflow::Mlflow>(
      *m.store, *m.objects, *m.iam,
      mlflow::MlflowOptions{m.installation.account_id, m.options.region,
                            "http://" + m.options.listen_address + ":" +
                                std::to_string(m.options.listen_port)});
  m.mlflow->RegisterTrackingServerOperations(*sagemaker_service);
  sagemaker::TrainingOptions topts;
  topts.data_dir = base::fs::absolute(m.options.data_dir);
  topts.executable = base::fs::read_symlink("/proc/self/exe").string();
  m.sagemaker = std::make_unique<sagemaker::SageMaker>(*m.store, *m.objects, *m.iam,
                                                       *m.log_store, std::move(topts));
  m.sagemaker->RegisterOperations(*sagemaker_service);
  m.model_registration = std::make_unique<ModelRegistrationBridge>(*sagemaker_service);
  m.mlflow->set_model_registration_sink(m.model_registration.get());
  m.dispatcher->Register(std::move(sagemaker_service));

  http::ServerOptions hopts;
  hopts.address = m.options.listen_address;
  hopts.port = m.options.listen_port;
  m.http = std::make_unique<http::Server>(
      hopts, [this](http::Request& req, http::ResponseWriter& res) { impl_->Route(req, res); },
      [this](const std::shared_ptr<http::AsyncExchange>& exchange) {
        // Reserved routes are served by Route only.
        return !exchange->request().path.starts_with("/_") &&
               impl_->dispatcher->HandleAsync(exchange);
      });
  m.http->Start();
  m.sagemaker->set_endpoint_url(LocalUrl(m.options.listen_address, m.http->port()));
  m.mlflow->set_listen_url(LocalUrl(m.options.listen_address, m.http->port()));
}

void StudioServer::Stop() {
  if (impl_->http) {
    impl_->http->Stop();
    impl_->http.reset();
  }
}

const Installation& StudioServer::installation() const { return impl_->installation; }

uint16_t StudioServer::port() const { return impl_->http ? impl_->http->port() : 0; }

}  // namespace server
