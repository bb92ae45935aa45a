// The Glue service: the Data Catalog, crawlers, Visual ETL jobs and data quality rulesets, and
// the `glue` API (json protocol) over them. Crawls, job runs and ruleset evaluations run in
// the background on the SQL engine, reading and writing the object store in-process.
//
//   glue::Glue glue(meta, objects, account_id, {});
//   dispatcher.Register(glue.MakeService());
//   athena uses glue.catalog() and glue.file_system()
//
// Thread-safe. Destroying it stops background work (runs in flight end as STOPPED); it must be
// destroyed before the object store and the metadata store.
#pragma once

#include <memory>
#include <string>

#include "engines/storage/object_store.h"
#include "platform/aws/service.h"
#include "platform/meta/store.h"
#include "services/glue/catalog.h"
#include "services/glue/crawler.h"
#include "services/glue/data_quality.h"
#include "services/glue/jobs.h"
#include "services/glue/object_store_file_system.h"

namespace glue {

class Glue {
 public:
  Glue(meta::Store& meta, storage::ObjectStore& objects, std::string account_id);
  ~Glue();
  Glue(const Glue&) = delete;
  Glue& operator=(const Glue&) = delete;

  Catalog& catalog() { return catalog_; }
  Crawlers& crawlers() { return crawlers_; }
  Jobs& jobs() { return jobs_; }
  DataQuality& data_quality() { return data_quality_; }
  // The object store as the SQL engine's file system; objects it writes belong to the account.
  const std::shared_ptr<ObjectStoreFileSystem>& file_system() const { return fs_; }

  // The service to register with the dispatcher; it refers to this object.
  std::unique_ptr<aws::Service> MakeService();

 private:
  Catalog catalog_;
  std::shared_ptr<ObjectStoreFileSystem> fs_;
  Crawlers crawlers_;
  Jobs jobs_;
  DataQuality data_quality_;
};

// The canonical user id that owns the objects an account's services write (as S3 shows it).
std::string AccountOwnerId(const std::string& account_id);

}  // namespace glue
