// What a training job's TrainingImage runs as. UniStudio has no container runtime: it runs
// the training code of an image directly in a job sandbox, so an image must be one it knows.
//
// - Framework images (repositories naming pytorch, tensorflow, scikit-learn/sklearn,
//   huggingface, or xgboost with a sagemaker_program) run *script mode*: the user's script
//   from sagemaker_submit_directory under /usr/bin/python3 and its ML packages.
// - The built-in XGBoost algorithm (an xgboost repository without sagemaker_program) trains
//   natively through libxgboost.
// - Custom images are directories registered with `unistudio images add <uri> <dir>`:
//   the directory is copied into the data directory and becomes /opt/ml/code of the job,
//   whose `train` executable runs (the bring-your-own-container contract), or, when the
//   image sets SAGEMAKER_PROGRAM, that program runs in script mode.
//
// Registrations live in the metadata store (module "sagemaker-images"); the copies live in
// <data-dir>/images. Thread-safe.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/meta/store.h"

namespace sagemaker {

enum class ImageKind { kFramework, kBuiltinXgboost, kCustom };

struct TrainingImage {
  ImageKind kind = ImageKind::kFramework;
  // "pytorch", "tensorflow", "sklearn", "huggingface", "xgboost" (framework images).
  std::string framework;
  // Custom images: the registered copy and the image's environment (like Dockerfile ENV).
  std::filesystem::path directory;
  std::map<std::string, std::string> env;
};

struct RegisteredImage {
  std::string uri;
  std::filesystem::path directory;
  std::map<std::string, std::string> env;
  int64_t created_ms = 0;
};

// The framework a URI's repository names, if any ("…/pytorch-training:1.13-cpu-py39" ->
// "pytorch").
std::optional<std::string> FrameworkOfImage(std::string_view uri);

class ImageCatalog {
 public:
  // Migrates the module's table; copies go under `images_dir`.
  ImageCatalog(meta::Store& store, std::filesystem::path images_dir);

  // Registers `uri` as a copy of `directory`, replacing an earlier registration. Throws
  // base::Error when the directory does not exist or has neither an executable `train` nor a
  // SAGEMAKER_PROGRAM in `env` that names a file in it.
  RegisteredImage Add(const std::string& uri, const std::filesystem::path& directory,
                      const std::map<std::string, std::string>& env);
  bool Remove(const std::string& uri);
  std::vector<RegisteredImage> List();

  // What `uri` runs as, given whether the job names a sagemaker_program; nullopt for an
  // image UniStudio does not know.
  std::optional<TrainingImage> Resolve(const std::string& uri, bool has_program);

 private:
  std::optional<RegisteredImage> Find(const std::string& uri);

  meta::Store& store_;
  std::filesystem::path images_dir_;
};

// `unistudio images add|list|remove ...`: returns the process exit code.
int RunImagesCommand(const std::vector<std::string>& args);

}  // namespace sagemaker
