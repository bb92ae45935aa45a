// The registration functions of the Glue API's operation families, one file each.
#pragma once

#include "engines/storage/object_store.h"
#include "platform/aws/service.h"

namespace glue {

class Catalog;
class Crawlers;
class DataQuality;
class Jobs;

void RegisterCatalogOperations(Catalog& catalog, aws::Service& svc);
void RegisterCrawlerOperations(Crawlers& crawlers, storage::ObjectStore* objects,
                               aws::Service& svc);
// Job runs and data quality runs read and write as their role; `objects` holds the buckets'
// policies that also apply.
void RegisterJobOperations(Jobs& jobs, storage::ObjectStore* objects, aws::Service& svc);
void RegisterDataQualityOperations(DataQuality& dq, storage::ObjectStore* objects,
                                   aws::Service& svc);

}  // namespace glue
