// The crawler operations of the Glue API.
#include "services/glue/crawler.h"
#include "services/glue/glue_common.h"
#include "services/glue/glue_operations.h"

namespace glue {

using base::Json;

void RegisterCrawlerOperations(Crawlers& crawlers, storage::ObjectStore* objects,
                               aws::Service& svc) {
  auto crawler_arn = [](const char* member) {
    return [member](const aws::RequestContext& ctx, const Json& in) {
      return GlueArn(ctx, "crawler", Optional(in, member));
    };
  };
  // A crawler acts as its role, which whoever sets it must be allowed to pass.
  Register(svc, "CreateCrawler", [&](aws::RequestContext& ctx, const Json& in) {
    CheckPassRole(ctx, in, Required(in, "Role"));
    crawlers.Create(in);
    return Json::object();
  }).Resource(crawler_arn("Name"));
  Register(svc, "GetCrawler", [&](aws::RequestContext&, const Json& in) {
    std::string name = Required(in, "Name");
    std::optional<Json> c = crawlers.Get(name);
    if (!c) throw EntityNotFound("Crawler " + name + " not found.");
    return Json{{"Crawler", *c}};
  }).Resource(crawler_arn("Name"));
  Register(svc, "GetCrawlers", [&](aws::RequestContext&, const Json& in) {
    Json out = Json::object();
    out["Crawlers"] = PageOf(crawlers.List(), in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "ListCrawlers", [&](aws::RequestContext&, const Json& in) {
    std::vector<Json> names;
    for (const Json& c : crawlers.List()) names.push_back(c["Name"]);
    Json out = Json::object();
    out["CrawlerNames"] = PageOf(names, in, MaxResults(in, 100, 1000), out);
    return out;
  });
  Register(svc, "BatchGetCrawlers", [&](aws::RequestContext&, const Json& in) {
    Json found = Json::array();
    Json missing = Json::array();
    for (const std::string& name : StringList(in, "CrawlerNames")) {
      if (std::optional<Json> c = crawlers.Get(name)) {
        found.push_back(*c);
      } else {
        missing.push_back(name);
      }
    }
    return Json{{"Crawlers", found}, {"CrawlersNotFound", missing}};
  });
  Register(svc, "UpdateCrawler", [&](aws::RequestContext& ctx, const Json& in) {
    if (in.contains("Role")) CheckPassRole(ctx, in, Required(in, "Role"));
    crawlers.Update(in);
    return Json::object();
  }).Resource(crawler_arn("Name"));
  Register(svc, "DeleteCrawler", [&](aws::RequestContext&, const Json& in) {
    crawlers.Delete(Required(in, "Name"));
    return Json::object();
  }).Resource(crawler_arn("Name"));
  Register(svc, "StartCrawler", [&, objects](aws::RequestContext& ctx, const Json& in) {
    std::string name = Required(in, "Name");
    std::optional<Json> crawler = crawlers.Get(name);
    if (!crawler) throw EntityNotFound("Crawler " + name + " not found.");
    crawlers.Start(name, AsRole(ctx, crawler->value("Role", ""), "AWS-Crawler", objects));
    return Json::object();
  }).Resource(crawler_arn("Name"));
  Register(svc, "StopCrawler", [&](aws::RequestContext&, const Json& in) {
    crawlers.Stop(Required(in, "Name"));
    return Json::object();
  }).Resource(crawler_arn("Name"));
  Register(svc, "GetCrawlerMetrics", [&](aws::RequestContext&, const Json& in) {
    Json metrics = Json::array();
    std::vector<std::string> names = StringList(in, "CrawlerNameList");
    if (names.empty()) {
      for (const Json& c : crawlers.List()) names.push_back(c["Name"]);
    }
    for (const std::string& name : names) metrics.push_back(crawlers.Metrics(name));
    return Json{{"CrawlerMetricsList", metrics}};
  });
}

}  // namespace glue
