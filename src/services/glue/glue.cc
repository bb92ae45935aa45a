#include "services/glue/glue.h"

#include "base/crypto.h"
#include "services/glue/glue_operations.h"

namespace glue {

std::string AccountOwnerId(const std::string& account_id) {
  return base::HexEncode(base::Sha256("unistudio-canonical-user:" + account_id));
}

Glue::Glue(meta::Store& meta, storage::ObjectStore& objects, std::string account_id)
    : catalog_(meta, account_id),
      fs_(std::make_shared<ObjectStoreFileSystem>(objects, AccountOwnerId(account_id))),
      crawlers_(meta, catalog_, fs_),
      jobs_(meta, catalog_, fs_),
      data_quality_(meta, catalog_, fs_) {}

Glue::~Glue() = default;

std::unique_ptr<aws::Service> Glue::MakeService() {
  auto svc = std::make_unique<aws::Service>("glue", "glue");
  RegisterCatalogOperations(catalog_, *svc);
  RegisterCrawlerOperations(crawlers_, &fs_->store(), *svc);
  RegisterJobOperations(jobs_, &fs_->store(), *svc);
  RegisterDataQualityOperations(data_quality_, &fs_->store(), *svc);
  return svc;
}

}  // namespace glue
