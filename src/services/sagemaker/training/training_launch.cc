// Preparing and submitting one run of a training job: TrainingJobs::Impl::Launch.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "base/files.h"
#include "base/log.h"
#include "base/strings.h"
#include "engines/runner/instance_type.h"
#include "engines/runner/sandbox.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/training/artifact_io.h"
#include "services/sagemaker/training/channel_loader.h"
#include "services/sagemaker/training/container_contract.h"
#include "services/sagemaker/training/hyperparameters.h"
#include "services/sagemaker/training/tar_archive.h"
#include "services/sagemaker/training/training_jobs_impl.h"

extern const std::string_view kSitecustomizePy;

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

constexpr const char* kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A run that cannot start; `reason` is the job's FailureReason.
struct LaunchFailure {
  std::string reason;
};

// A run stopped before it started.
struct LaunchStopped {};

// A free TCP port on the loopback interface for a torch.distributed rendezvous.
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 29500;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 29500;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// MLFLOW_TRACKING_URI may hold a tracking server's ARN (as with the sagemaker-mlflow plugin);
// a job's MLflow client gets the server's URL instead.
std::string TrackingUri(const std::string& value, const std::string& endpoint,
                        const TrainingOptions& options) {
  const std::string marker = ":mlflow-tracking-server/";
  size_t at = value.find(marker);
  if (!value.starts_with("arn:aws:sagemaker:") || at == std::string::npos) return value;
  if (options.mlflow_url) {
    if (std::optional<std::string> url = options.mlflow_url(value)) return *url;
  }
  return endpoint + "/_mlflow/" + value.substr(at + marker.size());
}

void CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks |
               fs::copy_options::overwrite_existing,
           ec);
  if (ec)
    throw LaunchFailure{"ClientError: Could not copy the training image's files: " + ec.message()};
}

}  // namespace

void TrainingJobs::Impl::Launch(const std::string& key) {
  std::shared_ptr<Active> job = Find(key);
  if (!job) return;
  const JobPlan& plan = job->plan;
  auto check_stop = [&] {
    std::lock_guard<std::mutex> lock(mu);
    if (job->stop_requested) throw LaunchStopped{};
  };
  try {
    check_stop();
    Transition(plan.name, "Downloading", "Downloading input data");
    if (!job->image) {
      throw LaunchFailure{
          "ClientError: The training image " + plan.image_uri +
          " is not known to UniStudio. Framework images (pytorch, tensorflow, sklearn, "
          "huggingface, xgboost) run script mode; register other images with `unistudio images "
          "add <uri> <directory>`."};
    }
    const TrainingImage& image = *job->image;
    DecodedHyperparameters hps = DecodeHyperparameters(plan.hyperparameters);
    if (image.kind == ImageKind::kFramework && ProgramOf(plan).empty() &&
        plan.container_entrypoint.empty()) {
      throw LaunchFailure{"ClientError: The framework image " + plan.image_uri +
                          " runs script mode: set the sagemaker_program hyperparameter (the "
                          "entry point) and sagemaker_submit_directory (its sourcedir.tar.gz)."};
    }
    if (image.kind == ImageKind::kBuiltinXgboost && plan.instance_count > 1) {
      throw LaunchFailure{
          "ClientError: The built-in XGBoost algorithm runs on one instance here; set "
          "InstanceCount to 1."};
    }

    // Hosts and their /opt/ml trees.
    const fs::path job_dir = options.data_dir / "jobs" / plan.name;
    const fs::path hosts_dir = job_dir / "hosts";
    std::error_code ec;
    fs::remove_all(hosts_dir, ec);
    const runner::InstanceType* type = runner::FindInstanceType(plan.instance_type);
    runner::ResourceLimits limits =
        runner::LimitsForInstance(*type, plan.instance_count, backend->capacity());
    const int64_t epoch = NowMs() / 1000;
    std::vector<HostRun> hosts;
    std::vector<std::string> names;
    for (int i = 1; i <= plan.instance_count; ++i) {
      HostRun h;
      h.name = "algo-" + std::to_string(i);
      h.ml_dir = hosts_dir / h.name;
      h.log_stream = plan.name + "/" + h.name + "-" + std::to_string(epoch);
      h.limits = limits;
      for (const char* sub :
           {"input/config", "input/data", "model", "output/data", "output/intermediate", "code",
            ".unistudio/python", ".unistudio/home", ".unistudio/tmp"}) {
        base::MakeDirs(h.ml_dir / sub);
      }
      for (const ChannelPlan& c : plan.channels) base::MakeDirs(h.ml_dir / "input/data" / c.name);
      base::MakeDirs(runner::Sandbox::MapToHost(plan.checkpoint_local_path, "/opt/ml", h.ml_dir));
      base::WriteFileAtomic(h.ml_dir / ".unistudio/python/sitecustomize.py", kSitecustomizePy);
      names.push_back(h.name);
      hosts.push_back(std::move(h));
    }

    // Channels, as the job's role may read them.
    for (const ChannelPlan& c : plan.channels) {
      check_stop();
      ChannelListing listing;
      try {
        listing = ListChannel(objects, c.s3_data_source);
      } catch (const ChannelError& e) {
        throw LaunchFailure{std::string("ClientError: ") + e.what()};
      }
      for (const ChannelObject& o : listing.objects) {
        if (!s3.Allowed(job->credentials.principal, "s3:GetObject", listing.bucket, o.key)) {
          throw LaunchFailure{"ClientError: The role " + plan.role_arn +
                              " is not authorized to perform s3:GetObject on s3://" +
                              listing.bucket + "/" + o.key + " (channel " + c.name + ")."};
        }
      }
      for (size_t i = 0; i < hosts.size(); ++i) {
        try {
          DownloadChannel(objects, listing.bucket,
                          ShardFor(listing.objects, c.distribution, i, hosts.size()),
                          hosts[i].ml_dir / "input/data" / c.name);
        } catch (const ChannelError& e) {
          throw LaunchFailure{std::string("ClientError: Data download failed: ") + e.what()};
        }
      }
    }

    // Code: the script's sourcedir.tar.gz, or the image's directory.
    std::string module_dir = "/opt/ml/code";
    if (auto it = hps.framework.find("sagemaker_submit_directory"); it != hps.framework.end()) {
      module_dir = PythonStr(*it);
      if (std::optional<S3Location> src = ParseS3Uri(module_dir)) {
        if (!s3.Allowed(job->credentials.principal, "s3:GetObject", src->bucket, src->key)) {
          throw LaunchFailure{"ClientError: The role " + plan.role_arn +
                              " is not authorized to read " + module_dir + "."};
        }
        try {
          DownloadFile(objects, src->bucket, src->key, job_dir / "sourcedir.tar.gz");
          for (const HostRun& h : hosts)
            ExtractTarGz(job_dir / "sourcedir.tar.gz", h.ml_dir / "code");
        } catch (const base::Error& e) {
          throw LaunchFailure{"ClientError: Could not fetch the code in " + module_dir + ": " +
                              e.what()};
        }
      }
    }
    if (image.kind == ImageKind::kCustom) {
      for (const HostRun& h : hosts) CopyTree(image.directory, h.ml_dir / "code");
    }

    // Checkpoints: a run starts from what the last one left in S3.
    if (plan.checkpoint_s3) {
      if (!job->checkpoints) {
        aws::Principal principal = job->credentials.principal;
        std::string bucket = plan.checkpoint_s3->bucket;
        job->checkpoints.emplace(objects, *plan.checkpoint_s3,
                                 CanonicalUserId(principal.account_id),
                                 [this, principal, bucket](const std::string& object_key) {
                                   return s3.Allowed(principal, "s3:PutObject", bucket, object_key);
                                 });
      }
      std::lock_guard<std::mutex> sync(job->sync_mu);
      for (const HostRun& h : hosts) {
        try {
          size_t restored = job->checkpoints->Restore(
              runner::Sandbox::MapToHost(plan.checkpoint_local_path, "/opt/ml", h.ml_dir));
          if (restored > 0) {
            LOG_INFO("checkpoint restored",
                     {{"job", plan.name}, {"host", h.name}, {"files", std::to_string(restored)}});
          }
        } catch (const base::Error& e) {
          throw LaunchFailure{"ClientError: Could not restore checkpoints from " +
                              plan.checkpoint_s3->Uri() + ": " + e.what()};
        }
      }
    }

    // torch.distributed: every host's process learns the rendezvous; algo-N names resolve to
    // this machine through a generated /etc/hosts where mounts are available.
    std::optional<TorchRendezvous> torch;
    std::vector<runner::BindMount> binds;
    if (WantsTorchDistributed(plan) && hosts.size() > 1) {
      torch = TorchRendezvous{"127.0.0.1", FreePort()};
      if (backend->isolation() != runner::Isolation::kNone) {
        std::string etc_hosts = base::ReadFile("/etc/hosts").value_or("127.0.0.1\tlocalhost\n");
        if (!etc_hosts.empty() && etc_hosts.back() != '\n') etc_hosts += '\n';
        for (const std::string& n : names) etc_hosts += "127.0.0.1\t" + n + "\n";
        base::WriteFileAtomic(job_dir / "etc-hosts", etc_hosts);
        binds.push_back({job_dir / "etc-hosts", "/etc/hosts", true});
        torch->master_addr = names.front();
      }
    }

    // The container contract, the environment and the runner's job.
    const std::string endpoint = EndpointUrl();
    runner::JobSpec spec;
    spec.directory = job_dir;
    spec.stop_grace = options.stop_grace;
    spec.max_runtime = std::chrono::milliseconds(
        std::max<int64_t>(1000, plan.max_runtime_s * 1000 - job->billable_ms));
    std::vector<std::string> argv;
    for (size_t i = 0; i < hosts.size(); ++i) {
      ContractInputs in;
      in.plan = &plan;
      in.image = &image;
      in.job_arn = job->arn;
      in.region = job->region;
      in.hosts = names;
      in.host_index = i;
      in.num_cpus = std::max(
          1,
          static_cast<int>(std::ceil(limits.cpus > 0 ? limits.cpus : backend->capacity().cpus())));
      in.num_gpus = limits.gpus;
      in.module_dir = module_dir;
      in.algorithm_executable = options.executable;
      in.python = options.python;
      in.python_path = {"/opt/ml/.unistudio/python"};
      in.torch = torch;
      HostContract contract = BuildHostContract(in);
      for (const auto& [file, content] : contract.config_files) {
        base::WriteFileAtomic(hosts[i].ml_dir / "input/config" / file, content);
      }
      std::map<std::string, std::string>& env = contract.env;
      env["PATH"] = image.kind == ImageKind::kCustom ? std::string("/opt/ml/code:") + kDefaultPath
                                                     : kDefaultPath;
      env["HOME"] = "/opt/ml/.unistudio/home";
      env["TMPDIR"] = "/opt/ml/.unistudio/tmp";
      if (!env.count("LANG")) env["LANG"] = "C.UTF-8";
      if (!plan.network_isolation) {
        env["AWS_ENDPOINT_URL"] = endpoint;
        env["AWS_REGION"] = job->region;
        env["AWS_DEFAULT_REGION"] = job->region;
        env["AWS_ACCESS_KEY_ID"] = job->credentials.principal.access_key_id;
        env["AWS_SECRET_ACCESS_KEY"] = job->credentials.secret_access_key;
        env["AWS_SESSION_TOKEN"] = job->credentials.session_token;
      }
      if (auto it = env.find("MLFLOW_TRACKING_URI"); it != env.end()) {
        it->second = TrackingUri(it->second, endpoint, options);
      }
      runner::HostSpec host;
      host.name = hosts[i].name;
      host.ml_dir = hosts[i].ml_dir;
      host.argv = contract.argv;
      host.env = std::move(env);
      host.working_dir = contract.working_dir;
      host.binds = binds;
      host.limits = limits;
      if (i == 0) argv = contract.argv;
      spec.hosts.push_back(std::move(host));
    }

    const int64_t now = NowMs();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (stopping) return;
      if (job->stop_requested) throw LaunchStopped{};
      spec.id = plan.name + "." + std::to_string(job->attempt);
      job->runner_id = spec.id;
      job->hosts = hosts;
      job->argv = argv;
      job->phase = Active::Phase::kRunning;
      job->next_checkpoint_ms = now + options.checkpoint_interval.count();
      by_runner_id[spec.id] = key;
    }
    try {
      backend->Submit(std::move(spec));
    } catch (const runner::RunnerError& e) {
      {
        std::lock_guard<std::mutex> lock(mu);
        by_runner_id.erase(job->runner_id);
      }
      throw LaunchFailure{std::string("InternalServerError: The job could not be started: ") +
                          e.what()};
    }
  } catch (const LaunchStopped&) {
    std::string cause;
    {
      std::lock_guard<std::mutex> lock(mu);
      cause = job->stop_cause;
    }
    if (cause == "MaxWaitTimeExceeded") {
      EndWithoutRun(key, "Stopped", "MaxWaitTimeExceeded",
                    "The job stopped because it exceeded the maximum allowed wait time.");
    } else {
      EndWithoutRun(key, "Stopped", "Stopped", "The training job was stopped.");
    }
  } catch (const LaunchFailure& f) {
    EndWithoutRun(key, "Failed", "Failed", TruncateUtf8(f.reason, 1024));
  } catch (const std::exception& e) {
    LOG_ERROR("training job could not be prepared", {{"job", plan.name}, {"error", e.what()}});
    EndWithoutRun(key, "Failed", "Failed",
                  TruncateUtf8(std::string("InternalServerError: ") + e.what(), 1024));
  }
}

}  // namespace sagemaker
