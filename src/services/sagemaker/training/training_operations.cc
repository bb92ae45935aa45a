// The training job API: CreateTrainingJob, DescribeTrainingJob, ListTrainingJobs and
// StopTrainingJob (TrainingJobs::Impl::Register, Create, DescribeRecord).
#include <algorithm>
#include <cmath>

#include "base/strings.h"
#include "engines/storage/storage_error.h"
#include "services/sagemaker/algorithms/xgboost_algorithm.h"
#include "services/sagemaker/common/api_support.h"
#include "services/sagemaker/training/channel_loader.h"
#include "services/sagemaker/training/training_jobs_impl.h"

namespace sagemaker {
namespace {

using base::Json;

constexpr const char* kDescribedMembers[] = {"TrainingJobName",
                                             "HyperParameters",
                                             "AlgorithmSpecification",
                                             "RoleArn",
                                             "InputDataConfig",
                                             "OutputDataConfig",
                                             "ResourceConfig",
                                             "VpcConfig",
                                             "StoppingCondition",
                                             "CheckpointConfig",
                                             "DebugHookConfig",
                                             "ExperimentConfig",
                                             "DebugRuleConfigurations",
                                             "TensorBoardOutputConfig",
                                             "ProfilerConfig",
                                             "ProfilerRuleConfigurations",
                                             "Environment",
                                             "RetryStrategy",
                                             "RemoteDebugConfig",
                                             "InfraCheckConfig"};

// The ARN of a sibling resource: same region and account as `arn`.
std::string SiblingArn(const std::string& arn, const std::string& type, const std::string& name) {
  size_t colon = arn.rfind(':');
  return arn.substr(0, colon + 1) + type + "/" + base::ToLower(name);
}

Json Seconds(const Json& ms) { return EpochSeconds(ms.get<int64_t>()); }

}  // namespace

std::string TrainingJobs::Impl::Create(const std::string& region, const std::string& account,
                                       const Json& request, const std::string& tuning_job) {
  JobPlan plan = ParseJobPlan(request);
  plan.tuning_job = tuning_job;
  const std::string arn = SageMakerArn(region, account, "training-job", plan.name);
  auto in_use = [&] {
    return ResourceInUse(
        "Training job names must be unique within an AWS account and region, and a training job "
        "with this name already exists (" +
        arn + ")");
  };
  if (store.Find(plan.name)) throw in_use();

  std::optional<TrainingImage> image = images.Resolve(plan.image_uri, !ProgramOf(plan).empty());
  if (image && image->kind == ImageKind::kBuiltinXgboost) {
    std::vector<MetricDefinition> all = XgboostMetricDefinitions();
    all.insert(all.end(), plan.metric_definitions.begin(), plan.metric_definitions.end());
    plan.metric_definitions = all;
    Json defs = Json::array();
    for (const MetricDefinition& m : all) defs.push_back({{"Name", m.name}, {"Regex", m.regex}});
    plan.request["AlgorithmSpecification"]["MetricDefinitions"] = defs;
  }

  // The job's role: it must exist and trust SageMaker; its session runs the job.
  const int64_t lifetime_s = (plan.spot ? *plan.max_wait_s : plan.max_runtime_s) + 3600;
  aws::Credentials credentials = iam.IssueRoleSession(
      plan.role_arn, "SageMaker", std::chrono::seconds(lifetime_s), "sagemaker.amazonaws.com");

  // The role must be able to read every channel.
  for (const ChannelPlan& c : plan.channels) {
    ChannelListing listing;
    try {
      listing = ListChannel(objects, c.s3_data_source);
    } catch (const ChannelError& e) {
      throw ValidationError("Channel " + c.name + ": " + e.what());
    }
    if (Str(c.s3_data_source, "S3DataType", "S3Prefix") == "S3Prefix" &&
        !s3.Allowed(credentials.principal, "s3:ListBucket", listing.bucket, "")) {
      throw ValidationError("The role " + plan.role_arn +
                            " is not authorized to perform "
                            "s3:ListBucket on bucket " +
                            listing.bucket + " (channel " + c.name + ").");
    }
    for (const ChannelObject& o : listing.objects) {
      if (!s3.Allowed(credentials.principal, "s3:GetObject", listing.bucket, o.key)) {
        throw ValidationError("The role " + plan.role_arn +
                              " is not authorized to perform "
                              "s3:GetObject on s3://" +
                              listing.bucket + "/" + o.key + " (channel " + c.name + ").");
      }
    }
  }
  try {
    objects.GetBucket(plan.output.bucket);
  } catch (const storage::StorageError&) {
    throw ValidationError("The S3 bucket " + plan.output.bucket +
                          " of OutputDataConfig.S3OutputPath does not exist.");
  }

  std::optional<int64_t> spot_fault_ms;
  for (const Json& tag : Arr(request, "Tags")) {
    if (Str(tag, "Key") != kSpotFaultTag) continue;
    char* end = nullptr;
    std::string value = Str(tag, "Value");
    double seconds = std::strtod(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0' || seconds < 0) {
      throw ValidationError(std::string(kSpotFaultTag) + " must be a number of seconds.");
    }
    if (!plan.spot) {
      throw ValidationError(std::string(kSpotFaultTag) +
                            " applies to jobs with EnableManagedSpotTraining.");
    }
    spot_fault_ms = static_cast<int64_t>(seconds * 1000);
  }

  const int64_t now = NowMs();
  auto job = std::make_shared<Active>(plan, arn);
  job->region = region;
  job->created_ms = now;
  job->credentials = std::move(credentials);
  job->image = image;
  job->spot_interrupt_after_ms = spot_fault_ms;

  TrainingJobRecord record;
  record.name = plan.name;
  record.arn = arn;
  record.tuning_job = tuning_job;
  record.status = "InProgress";
  record.created_ms = now;
  record.request = plan.request;
  record.state["ProfilingStatus"] = plan.profiling ? "Enabled" : "Disabled";
  if (!job->profiler_rules.empty()) {
    record.state["ProfilerRuleEvaluationStatuses"] = job->profiler_rules.Statuses(now);
  }
  if (!job->rules.empty()) {
    job->rules.Evaluate({}, false, now);
    record.state["DebugRuleEvaluationStatuses"] = job->rules.Statuses();
  }
  AddTransition(record, "Starting", "Starting the training job", now);
  if (!store.Insert(record)) throw in_use();
  tags.Set(arn, Arr(request, "Tags"));
  const std::string key = NameKey(plan.name);
  {
    std::lock_guard<std::mutex> lock(mu);
    active[key] = job;
  }
  Enqueue([this, key] { Launch(key); });
  return arn;
}

Json TrainingJobs::Impl::DescribeRecord(const TrainingJobRecord& r) {
  Json out = Json::object();
  for (const char* m : kDescribedMembers) {
    if (r.request.contains(m)) out[m] = r.request[m];
  }
  if (!out["StoppingCondition"].is_object()) out["StoppingCondition"] = Json::object();
  if (!out["StoppingCondition"].contains("MaxRuntimeInSeconds"))
    out["StoppingCondition"]["MaxRuntimeInSeconds"] = 86400;
  for (const char* flag : {"EnableNetworkIsolation", "EnableInterContainerTrafficEncryption",
                           "EnableManagedSpotTraining"}) {
    out[flag] = Bool(r.request, flag);
  }
  out["TrainingJobArn"] = r.arn;
  if (!r.tuning_job.empty()) {
    out["TuningJobArn"] = SiblingArn(r.arn, "hyper-parameter-tuning-job", r.tuning_job);
  }
  out["TrainingJobStatus"] = r.status;
  out["SecondaryStatus"] = r.secondary_status;
  const Json& s = r.state;
  if (s.contains("FailureReason")) out["FailureReason"] = s["FailureReason"];
  if (s.contains("ModelArtifacts"))
    out["ModelArtifacts"] = {{"S3ModelArtifacts", s["ModelArtifacts"]}};
  out["CreationTime"] = EpochSeconds(r.created_ms);
  out["LastModifiedTime"] = EpochSeconds(r.modified_ms);
  if (s.contains("TrainingStartMs")) out["TrainingStartTime"] = Seconds(s["TrainingStartMs"]);
  if (s.contains("TrainingEndMs")) out["TrainingEndTime"] = Seconds(s["TrainingEndMs"]);
  Json transitions = Json::array();
  for (const Json& t : Arr(s, "SecondaryStatusTransitions")) {
    Json j = {{"Status", t["Status"]}, {"StartTime", Seconds(t["StartTime"])}};
    if (t.contains("EndTime")) j["EndTime"] = Seconds(t["EndTime"]);
    if (t.contains("StatusMessage")) j["StatusMessage"] = t["StatusMessage"];
    transitions.push_back(std::move(j));
  }
  out["SecondaryStatusTransitions"] = transitions;
  Json metrics = Json::array();
  for (const FinalMetric& m : store.FinalMetrics(r.name)) {
    metrics.push_back(
        {{"MetricName", m.metric}, {"Value", m.value}, {"Timestamp", EpochSeconds(m.time_ms)}});
  }
  out["FinalMetricDataList"] = metrics;
  if (s.contains("TrainingStartMs") && s.contains("TrainingEndMs")) {
    int64_t ms = s["TrainingEndMs"].get<int64_t>() - s["TrainingStartMs"].get<int64_t>();
    out["TrainingTimeInSeconds"] = std::max<int64_t>(1, (ms + 999) / 1000);
  }
  if (r.end_ms && s.value("BillableMs", int64_t{0}) > 0) {
    out["BillableTimeInSeconds"] =
        std::max<int64_t>(1, (s["BillableMs"].get<int64_t>() + 999) / 1000);
  }
  if (s.contains("DebugRuleEvaluationStatuses"))
    out["DebugRuleEvaluationStatuses"] = s["DebugRuleEvaluationStatuses"];
  out["ProfilingStatus"] = s.value("ProfilingStatus", "Disabled");
  if (s.contains("ProfilerRuleEvaluationStatuses"))
    out["ProfilerRuleEvaluationStatuses"] = s["ProfilerRuleEvaluationStatuses"];
  return out;
}

void TrainingJobs::Impl::Register(aws::Service& service) {
  auto job_arn = [](const aws::RequestContext& ctx, const Json& in) {
    return SageMakerArn(ctx.region(), ctx.account_id(), "training-job", Str(in, "TrainingJobName"));
  };
  service
      .Handle("CreateTrainingJob",
              [this](aws::RequestContext& ctx, const Json& in) {
                // Handing a role to a job is passing it, as in IAM.
                ctx.Authorize("iam:PassRole", Str(in, "RoleArn"), in);
                return Json{{"TrainingJobArn", Create(ctx.region(), ctx.account_id(), in, "")}};
              })
      .Resource(job_arn);
  service
      .Handle("DescribeTrainingJob",
              [this](aws::RequestContext&, const Json& in) {
                std::optional<TrainingJobRecord> r = store.Find(Str(in, "TrainingJobName"));
                if (!r) throw ValidationError("Requested resource not found.");
                return DescribeRecord(*r);
              })
      .Resource(job_arn);
  service
      .Handle("StopTrainingJob",
              [this](aws::RequestContext&, const Json& in) {
                Stop(Str(in, "TrainingJobName"), kStoppingMessage);
                return Json::object();
              })
      .Resource(job_arn);
  service.Handle("ListTrainingJobs", [this](aws::RequestContext&, const Json& in) {
    std::string contains = base::ToLower(Str(in, "NameContains"));
    std::string status = Str(in, "StatusEquals");
    auto created_after = TimestampMs(in, "CreationTimeAfter");
    auto created_before = TimestampMs(in, "CreationTimeBefore");
    auto modified_after = TimestampMs(in, "LastModifiedTimeAfter");
    auto modified_before = TimestampMs(in, "LastModifiedTimeBefore");
    // UniStudio keeps no warm pools and no training plans: such filters match nothing.
    bool none = in.contains("WarmPoolStatusEquals") || in.contains("TrainingPlanArnEquals");
    std::vector<TrainingJobRecord> records;
    for (TrainingJobRecord& r : store.List()) {
      if (none) break;
      if (!contains.empty() && base::ToLower(r.name).find(contains) == std::string::npos) continue;
      if (!status.empty() && r.status != status) continue;
      if (created_after && r.created_ms <= *created_after) continue;
      if (created_before && r.created_ms >= *created_before) continue;
      if (modified_after && r.modified_ms <= *modified_after) continue;
      if (modified_before && r.modified_ms >= *modified_before) continue;
      records.push_back(std::move(r));
    }
    std::string sort_by = Str(in, "SortBy", "CreationTime");
    bool descending = Str(in, "SortOrder", "Ascending") == "Descending";
    std::stable_sort(records.begin(), records.end(),
                     [&](const TrainingJobRecord& a, const TrainingJobRecord& b) {
                       auto key = [&](const TrainingJobRecord& r) {
                         if (sort_by == "Name") return std::make_tuple(r.name, int64_t{0});
                         if (sort_by == "Status") return std::make_tuple(r.status, r.created_ms);
                         return std::make_tuple(std::string(), r.created_ms);
                       };
                       return descending ? key(b) < key(a) : key(a) < key(b);
                     });
    std::vector<Json> items;
    for (const TrainingJobRecord& r : records) {
      Json j = {{"TrainingJobName", r.name},
                {"TrainingJobArn", r.arn},
                {"CreationTime", EpochSeconds(r.created_ms)},
                {"LastModifiedTime", EpochSeconds(r.modified_ms)},
                {"TrainingJobStatus", r.status},
                {"SecondaryStatus", r.secondary_status}};
      if (r.state.contains("TrainingEndMs"))
        j["TrainingEndTime"] = Seconds(r.state["TrainingEndMs"]);
      items.push_back(std::move(j));
    }
    Json out = Json::object();
    WritePage(ReadPage(in, 10), std::move(items), "TrainingJobSummaries", out);
    return out;
  });
}

}  // namespace sagemaker
