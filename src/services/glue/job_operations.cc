// The job operations of the Glue API (Visual ETL flows and their runs).
#include "services/glue/data_access_authorizer.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_operations.h"
#include "services/glue/jobs.h"

namespace glue {

using base::Json;

void RegisterJobOperations(Jobs& jobs, storage::ObjectStore* objects, aws::Service& svc) {
  auto job_arn = [](const char* member) {
    return [member](const aws::RequestContext& ctx, const Json& in) {
      return GlueArn(ctx, "job", Optional(in, member));
    };
  };
  auto require_job = [&jobs](const std::string& name) {
    std::optional<Json> job = jobs.Get(name);
    if (!job) throw EntityNotFound("Job " + name + " not found.");
    return *job;
  };
  Register(svc, "CreateJob", [&](aws::RequestContext&, const Json& in) {
    Required(in, "Role");
    jobs.Create(in);
    return Json{{"Name", in["Name"]}};
  }).Resource(job_arn("Name"));
  Register(svc, "GetJob", [require_job](aws::RequestContext&, const Json& in) {
    return Json{{"Job", require_job(Required(in, "JobName"))}};
  }).Resource(job_arn("JobName"));
  Register(svc, "GetJobs", [&](aws::RequestContext&, const Json& in) {
    Json out = Json::object();
    out["Jobs"] = PageOf(jobs.List(), in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "ListJobs", [&](aws::RequestContext&, const Json& in) {
    std::vector<Json> names;
    for (const Json& j : jobs.List()) names.push_back(j["Name"]);
    Json out = Json::object();
    out["JobNames"] = PageOf(names, in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "UpdateJob", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "JobName");
    jobs.Update(name, in.value("JobUpdate", Json::object()));
    return Json{{"JobName", name}};
  }).Resource(job_arn("JobName"));
  Register(svc, "DeleteJob", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "JobName");
    jobs.Delete(name);
    return Json{{"JobName", name}};
  }).Resource(job_arn("JobName"));
  Register(svc, "StartJobRun", [&, require_job, objects](aws::RequestContext& ctx, const Json& in) {
    std::string name = Required(in, "JobName");
    Json job = require_job(name);
    // The run reads and writes as the job's role, which the caller must be allowed to pass.
    DataAccess access = RoleAccess(ctx, in, job.value("Role", ""), "GlueJobRunnerSession", objects);
    return Json{{"JobRunId",
                 jobs.StartRun(name, in.value("Arguments", Json::object()), std::move(access))}};
  }).Resource(job_arn("JobName"));
  Register(svc, "GetJobRun", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "JobName");
    std::string id = Required(in, "RunId");
    std::optional<Json> run = jobs.GetRun(name, id);
    if (!run) throw EntityNotFound("Job run " + id + " not found.");
    return Json{{"JobRun", *run}};
  }).Resource(job_arn("JobName"));
  Register(svc, "GetJobRuns", [&, require_job](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "JobName");
    require_job(name);
    Json out = Json::object();
    out["JobRuns"] = PageOf(jobs.GetRuns(name), in, MaxResults(in, 100, 200), out);
    return out;
  }).Resource(job_arn("JobName"));
  Register(svc, "BatchStopJobRun", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "JobName");
    Json ok = Json::array();
    Json errors = Json::array();
    for (const std::string& id : StringList(in, "JobRunIds")) {
      if (jobs.StopRun(name, id)) {
        ok.push_back({{"JobName", name}, {"JobRunId", id}});
      } else {
        errors.push_back({{"JobName", name},
                          {"JobRunId", id},
                          {"ErrorDetail",
                           {{"ErrorCode", "InvalidInputException"},
                            {"ErrorMessage", "Job run " + id + " is not running."}}}});
      }
    }
    return Json{{"SuccessfulSubmissions", ok}, {"Errors", errors}};
  }).Resource(job_arn("JobName"));
}

}  // namespace glue
