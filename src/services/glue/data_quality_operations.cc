// The data quality operations of the Glue API: rulesets, evaluation runs and results.
#include "base/strings.h"
#include "services/glue/data_quality.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_operations.h"

namespace glue {

using base::Json;

namespace {

// Whether `source` (a DataSource) names the same table as the filter's DataSource.
bool SameTable(const Json& source, const Json& filter_source) {
  auto table_of = [](const Json& s) -> std::pair<std::string, std::string> {
    for (const char* member : {"GlueTable", "DataQualityGlueTable"}) {
      if (s.is_object() && s.contains(member) && s[member].is_object()) {
        return {base::ToLower(s[member].value("DatabaseName", "")),
                base::ToLower(s[member].value("TableName", ""))};
      }
    }
    return {};
  };
  return table_of(source) == table_of(filter_source);
}

// Whether the document's timestamp `member` satisfies the filter's `before` / `after` bounds.
bool InTimeRange(const Json& doc, const char* member, const Json& filter, const char* before,
                 const char* after) {
  double t = doc.value(member, 0.0);
  if (filter.contains(before) && filter[before].is_number() &&
      !(t < filter[before].get<double>())) {
    return false;
  }
  if (filter.contains(after) && filter[after].is_number() && !(t > filter[after].get<double>())) {
    return false;
  }
  return true;
}

Json Filter(const Json& in) {
  auto it = in.find("Filter");
  return it != in.end() && it->is_object() ? *it : Json::object();
}

}  // namespace

void RegisterDataQualityOperations(DataQuality& dq, storage::ObjectStore* objects,
                                   aws::Service& svc) {
  auto ruleset_arn = [](const aws::RequestContext& ctx, const Json& in) {
    return GlueArn(ctx, "dataQualityRuleset", Optional(in, "Name"));
  };
  Register(svc, "CreateDataQualityRuleset", [&](aws::RequestContext&, const Json& in) {
    dq.CreateRuleset(in);
    return Json{{"Name", in["Name"]}};
  }).Resource(ruleset_arn);
  Register(svc, "GetDataQualityRuleset", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "Name");
    std::optional<Json> ruleset = dq.GetRuleset(name);
    if (!ruleset) throw EntityNotFound("Ruleset " + name + " not found.");
    return *ruleset;
  }).Resource(ruleset_arn);
  Register(svc, "ListDataQualityRulesets", [&](aws::RequestContext&, const Json& in) {
    Json filter = Filter(in);
    std::vector<Json> matching;
    for (Json& r : dq.ListRulesets()) {
      if (filter.contains("Name") && r.value("Name", "") != filter.value("Name", "")) continue;
      if (filter.contains("Description") &&
          r.value("Description", "").find(filter.value("Description", "")) == std::string::npos) {
        continue;
      }
      if (filter.contains("TargetTable")) {
        Json wanted = {{"GlueTable", filter["TargetTable"]}};
        if (!r.contains("TargetTable") || !SameTable({{"GlueTable", r["TargetTable"]}}, wanted)) {
          continue;
        }
      }
      if (!InTimeRange(r, "CreatedOn", filter, "CreatedBefore", "CreatedAfter") ||
          !InTimeRange(r, "LastModifiedOn", filter, "LastModifiedBefore", "LastModifiedAfter")) {
        continue;
      }
      r.erase("Ruleset");
      r.erase("DataQualitySecurityConfiguration");
      matching.push_back(std::move(r));
    }
    Json out = Json::object();
    out["Rulesets"] = PageOf(matching, in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "UpdateDataQualityRuleset", [&](aws::RequestContext&, const Json& in) {
    Required(in, "Name");
    return dq.UpdateRuleset(in);
  }).Resource(ruleset_arn);
  Register(svc, "DeleteDataQualityRuleset", [&](aws::RequestContext&, const Json& in) {
    dq.DeleteRuleset(Required(in, "Name"));
    return Json::object();
  }).Resource(ruleset_arn);

  Register(svc, "StartDataQualityRulesetEvaluationRun",
           [&, objects](aws::RequestContext& ctx, const Json& in) {
             // The run reads the table (and writes its results) as the role, which the caller
             // must be allowed to pass.
             DataAccess access =
                 RoleAccess(ctx, in, Required(in, "Role"), "GlueDataQualitySession", objects);
             return Json{{"RunId", dq.StartRun(in, std::move(access))}};
           });
  Register(svc, "GetDataQualityRulesetEvaluationRun", [&](aws::RequestContext&, const Json& in) {
    std::string id = Required(in, "RunId");
    std::optional<Json> run = dq.GetRun(id);
    if (!run) throw EntityNotFound("Run " + id + " not found.");
    return *run;
  });
  Register(svc, "ListDataQualityRulesetEvaluationRuns", [&](aws::RequestContext&, const Json& in) {
    Json filter = Filter(in);
    std::vector<Json> matching;
    for (const Json& run : dq.ListRuns()) {
      if (filter.contains("DataSource") && !SameTable(run["DataSource"], filter["DataSource"])) {
        continue;
      }
      if (!InTimeRange(run, "StartedOn", filter, "StartedBefore", "StartedAfter")) continue;
      matching.push_back({{"RunId", run["RunId"]},
                          {"Status", run["Status"]},
                          {"StartedOn", run["StartedOn"]},
                          {"DataSource", run["DataSource"]}});
    }
    Json out = Json::object();
    out["Runs"] = PageOf(matching, in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "CancelDataQualityRulesetEvaluationRun", [&](aws::RequestContext&, const Json& in) {
    dq.CancelRun(Required(in, "RunId"));
    return Json::object();
  });

  Register(svc, "GetDataQualityResult", [&](aws::RequestContext&, const Json& in) {
    std::string id = Required(in, "ResultId");
    std::optional<Json> result = dq.GetResult(id);
    if (!result) throw EntityNotFound("Result " + id + " not found.");
    return *result;
  });
  Register(svc, "ListDataQualityResults", [&](aws::RequestContext&, const Json& in) {
    Json filter = Filter(in);
    std::vector<Json> matching;
    for (const Json& result : dq.ListResults()) {
      if (filter.contains("DataSource") && !SameTable(result["DataSource"], filter["DataSource"])) {
        continue;
      }
      // Results here come from evaluation runs, never from a job.
      if (filter.contains("JobName") || filter.contains("JobRunId")) continue;
      if (!InTimeRange(result, "StartedOn", filter, "StartedBefore", "StartedAfter")) continue;
      matching.push_back({{"ResultId", result["ResultId"]},
                          {"DataSource", result["DataSource"]},
                          {"StartedOn", result["StartedOn"]}});
    }
    Json out = Json::object();
    out["Results"] = PageOf(matching, in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "BatchGetDataQualityResult", [&](aws::RequestContext&, const Json& in) {
    std::vector<std::string> ids = StringList(in, "ResultIds");
    if (ids.empty()) throw InvalidInput("ResultIds must name at least one result.");
    Json found = Json::array();
    Json missing = Json::array();
    for (const std::string& id : ids) {
      if (std::optional<Json> result = dq.GetResult(id)) {
        found.push_back(std::move(*result));
      } else {
        missing.push_back(id);
      }
    }
    return Json{{"Results", found}, {"ResultsNotFound", missing}};
  });
}

}  // namespace glue
