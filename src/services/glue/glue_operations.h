// The registration functions of the Glue API's operation families, one file each.
#pragma once

#include "platform/aws/service.h"

namespace glue {

class Catalog;
class Crawlers;
class DataQuality;
class Jobs;

void RegisterCatalogOperations(Catalog& catalog, aws::Service& svc);
void RegisterCrawlerOperations(Crawlers& crawlers, aws::Service& svc);
void RegisterJobOperations(Jobs& jobs, aws::Service& svc);
void RegisterDataQualityOperations(DataQuality& dq, aws::Service& svc);

}  // namespace glue
