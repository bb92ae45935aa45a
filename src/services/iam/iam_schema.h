// The IAM module's tables in the metadata store, as numbered migrations.
#pragma once

#include <span>

#include "platform/meta/store.h"

namespace iam {

std::span<const meta::Migration> IamMigrations();

}  // namespace iam
