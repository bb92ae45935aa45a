// The metadata-store tables of the MLflow module (module "mlflow"): tracking servers, their
// sign-in tokens, and each server's experiments, runs, metrics, params, tags, datasets and
// model registry. Layout notes are in the .cc beside the migrations.
#pragma once

#include <span>

#include "platform/meta/store.h"

namespace mlflow {

std::span<const meta::Migration> MlflowMigrations();

}  // namespace mlflow
