// The IAM Identity Center identity store (`identitystore`, json protocol): the users and groups
// people sign in to the Studio portal as, and group memberships. One identity store per
// installation, `d-` followed by 10 hex digits. Users and groups keep the attributes the API
// carries (names, emails, addresses, ...) as JSON documents; user names and group display
// names are unique case-insensitively. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "platform/aws/service.h"
#include "platform/meta/store.h"

namespace identitystore {

class IdentityStore {
 public:
  IdentityStore(meta::Store& store, std::string identity_store_id);

  std::unique_ptr<aws::Service> MakeService();
  const std::string& id() const { return id_; }

 private:
  meta::Store& store_;
  std::string id_;
};

}  // namespace identitystore
