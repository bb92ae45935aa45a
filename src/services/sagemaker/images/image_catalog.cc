#include "services/sagemaker/images/image_catalog.h"

#include <unistd.h>

#include <iostream>

#include "base/crypto.h"
#include "base/error.h"
#include "base/json.h"
#include "base/strings.h"
#include "base/time.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

constexpr meta::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE sagemaker_images (
  uri TEXT PRIMARY KEY,
  directory TEXT NOT NULL,
  env TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
)sql"},
};

// "acct.dkr.ecr.region.amazonaws.com/repo:tag" -> "repo"; "repo" alone -> "repo".
std::string Repository(std::string_view uri) {
  size_t at = uri.find('@');
  if (at != std::string_view::npos) uri = uri.substr(0, at);
  size_t slash = uri.rfind('/');
  std::string_view last = slash == std::string_view::npos ? uri : uri.substr(slash + 1);
  size_t colon = last.find(':');
  if (colon != std::string_view::npos) last = last.substr(0, colon);
  return base::ToLower(last);
}

// The same image whether or not it names the "latest" tag.
std::string NormalizeUri(std::string_view uri) {
  std::string s(base::Trim(uri));
  size_t slash = s.rfind('/');
  size_t colon = s.rfind(':');
  bool tagged = colon != std::string::npos && (slash == std::string::npos || colon > slash);
  if (!tagged && s.find('@') == std::string::npos) s += ":latest";
  return s;
}

RegisteredImage ReadImage(const meta::Row& row) {
  RegisteredImage image;
  image.uri = row.Text(0);
  image.directory = row.Text(1);
  image.env = base::ParseJson(row.Text(2)).get<std::map<std::string, std::string>>();
  image.created_ms = row.Int(3);
  return image;
}

}  // namespace

std::optional<std::string> FrameworkOfImage(std::string_view uri) {
  std::string repo = Repository(uri);
  if (repo.find("huggingface") != std::string::npos) return "huggingface";
  if (repo.find("pytorch") != std::string::npos) return "pytorch";
  if (repo.find("tensorflow") != std::string::npos) return "tensorflow";
  if (repo.find("scikit-learn") != std::string::npos || repo.find("sklearn") != std::string::npos)
    return "sklearn";
  if (repo.find("xgboost") != std::string::npos) return "xgboost";
  return std::nullopt;
}

ImageCatalog::ImageCatalog(meta::Store& store, fs::path images_dir)
    : store_(store), images_dir_(std::move(images_dir)) {
  store_.Migrate("sagemaker-images", kMigrations);
}

RegisteredImage ImageCatalog::Add(const std::string& uri, const fs::path& directory,
                                  const std::map<std::string, std::string>& env) {
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) {
    throw base::Error("image directory " + directory.string() + " does not exist");
  }
  auto program = env.find("SAGEMAKER_PROGRAM");
  bool has_train = ::access((directory / "train").c_str(), X_OK) == 0;
  bool has_program = program != env.end() && fs::is_regular_file(directory / program->second, ec);
  if (!has_train && !has_program) {
    throw base::Error("image directory " + directory.string() +
                      " has no executable `train` and no SAGEMAKER_PROGRAM file");
  }
  RegisteredImage image;
  image.uri = NormalizeUri(uri);
  image.env = env;
  image.created_ms = base::ToUnixMillis(base::Now());
  image.directory = images_dir_ / (base::HexEncode(base::Sha256(image.uri)).substr(0, 16) + "-" +
                                   std::to_string(image.created_ms));
  fs::create_directories(images_dir_);
  fs::copy(directory, image.directory,
           fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    fs::remove_all(image.directory);
    throw base::Error("could not copy the image directory: " + ec.message());
  }
  std::optional<RegisteredImage> previous = Find(image.uri);
  const base::Json env_json(env);
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec(
        "INSERT INTO sagemaker_images (uri, directory, env, created_ms) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (uri) DO UPDATE SET directory = excluded.directory, env = excluded.env, "
        "created_ms = excluded.created_ms",
        {image.uri, image.directory.string(), env_json.dump(), image.created_ms});
  });
  if (previous) fs::remove_all(previous->directory, ec);
  return image;
}

bool ImageCatalog::Remove(const std::string& uri) {
  std::optional<RegisteredImage> image = Find(uri);
  if (!image) return false;
  store_.Write([&](meta::Transaction& tx) {
    tx.Exec("DELETE FROM sagemaker_images WHERE uri = ?", {image->uri});
  });
  std::error_code ec;
  fs::remove_all(image->directory, ec);
  return true;
}

std::vector<RegisteredImage> ImageCatalog::List() {
  std::vector<RegisteredImage> out;
  store_.Read([&](meta::Transaction& tx) {
    for (const meta::Row& row :
         tx.Query("SELECT uri, directory, env, created_ms FROM sagemaker_images ORDER BY uri")) {
      out.push_back(ReadImage(row));
    }
  });
  return out;
}

std::optional<RegisteredImage> ImageCatalog::Find(const std::string& uri) {
  std::optional<RegisteredImage> out;
  store_.Read([&](meta::Transaction& tx) {
    auto row =
        tx.QueryOne("SELECT uri, directory, env, created_ms FROM sagemaker_images WHERE uri = ?",
                    {NormalizeUri(uri)});
    if (row) out = ReadImage(*row);
  });
  return out;
}

std::optional<TrainingImage> ImageCatalog::Resolve(const std::string& uri, bool has_program) {
  if (std::optional<RegisteredImage> custom = Find(uri)) {
    TrainingImage image;
    image.kind = ImageKind::kCustom;
    image.directory = custom->directory;
    image.env = custom->env;
    return image;
  }
  std::optional<std::string> framework = FrameworkOfImage(uri);
  if (!framework) return std::nullopt;
  TrainingImage image;
  image.framework = *framework;
  image.kind =
      *framework == "xgboost" && !has_program ? ImageKind::kBuiltinXgboost : ImageKind::kFramework;
  return image;
}

int RunImagesCommand(const std::vector<std::string>& args) {
  const char* usage =
      "usage: unistudio images add <image-uri> <directory> [--env NAME=VALUE]... "
      "[--data-dir DIR]\n"
      "       unistudio images list [--data-dir DIR]\n"
      "       unistudio images remove <image-uri> [--data-dir DIR]\n"
      "\n"
      "Registers a directory as a training image: jobs naming <image-uri> run its `train`\n"
      "executable (or, with --env SAGEMAKER_PROGRAM=<file>, that script in script mode).\n";
  std::vector<std::string> positional;
  std::map<std::string, std::string> env;
  std::string data_dir = "./.unistudio";
  if (const char* d = std::getenv("UNISTUDIO_DATA_DIR")) data_dir = d;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "-h" || a == "--help") {
      std::cout << usage;
      return 0;
    }
    if ((a == "--env" || a == "--data-dir") && i + 1 < args.size()) {
      const std::string& value = args[++i];
      if (a == "--data-dir") {
        data_dir = value;
        continue;
      }
      size_t eq = value.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cerr << "unistudio images: --env takes NAME=VALUE\n";
        return 2;
      }
      env[value.substr(0, eq)] = value.substr(eq + 1);
      continue;
    }
    positional.push_back(a);
  }
  const std::string verb = positional.empty() ? "" : positional[0];
  size_t want = verb == "add" ? 3 : verb == "remove" ? 2 : verb == "list" ? 1 : 0;
  if (want == 0 || positional.size() != want) {
    std::cerr << usage;
    return 2;
  }
  try {
    fs::path dir = fs::absolute(data_dir);
    fs::create_directories(dir);
    auto store = meta::OpenSqliteStore((dir / "meta.db").string());
    ImageCatalog catalog(*store, dir / "images");
    if (verb == "add") {
      RegisteredImage image = catalog.Add(positional[1], fs::absolute(positional[2]), env);
      std::cout << "registered " << image.uri << "\n";
    } else if (verb == "remove") {
      if (!catalog.Remove(positional[1])) {
        std::cerr << "unistudio images: no image " << positional[1] << "\n";
        return 1;
      }
      std::cout << "removed " << positional[1] << "\n";
    } else {
      for (const RegisteredImage& image : catalog.List()) std::cout << image.uri << "\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "unistudio images: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sagemaker
