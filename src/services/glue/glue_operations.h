// The registration functions of the Glue API's operation families, one file each.
#pragma once

#include "platform/aws/service.h"

namespace glue {

class Catalog;

void RegisterCatalogOperations(Catalog& catalog, aws::Service& svc);

}  // namespace glue
