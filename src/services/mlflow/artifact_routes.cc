// The mlflow-artifacts proxy: downloads, uploads, listings, deletes and multipart uploads of a
// tracking server's artifacts, which live under its ArtifactStoreUri.
#include <chrono>

#include "base/crypto.h"
#include "base/strings.h"
#include "base/time.h"
#include "services/mlflow/api_routes.h"
#include "services/mlflow/artifact_repository.h"
#include "services/mlflow/entity_json.h"
#include "services/mlflow/mlflow_error.h"
#include "services/mlflow/validation.h"

namespace mlflow {
namespace {

constexpr int64_t kPartUrlSeconds = 3600;
constexpr size_t kCopyChunk = 1 << 20;

// Reads an HTTP request body into the storage engine.
class BodySource : public storage::ByteSource {
 public:
  explicit BodySource(http::BodyReader& body) : body_(body) {}
  size_t Read(char* buf, size_t n) override { return body_.Read(buf, n); }

 private:
  http::BodyReader& body_;
};

ArtifactLocation Locate(const ApiCall& c, const std::string& path) {
  return ArtifactRepository::Resolve(c.server.artifact_store_uri, "mlflow-artifacts:/" + path);
}

std::string ContentTypeFor(const std::string& path) {
  std::string name = path.substr(path.rfind('/') + 1);
  std::string ext =
      name.find('.') == std::string::npos ? "" : base::ToLower(name.substr(name.rfind('.')));
  static const std::pair<const char*, const char*> kTypes[] = {
      {".json", "application/json"}, {".html", "text/html"},      {".png", "image/png"},
      {".jpg", "image/jpeg"},        {".jpeg", "image/jpeg"},     {".gif", "image/gif"},
      {".svg", "image/svg+xml"},     {".pdf", "application/pdf"}, {".csv", "text/csv"},
      {".txt", "text/plain"},        {".log", "text/plain"},      {".py", "text/plain"},
      {".yaml", "text/plain"},       {".yml", "text/plain"},      {".md", "text/plain"},
  };
  for (const auto& [e, type] : kTypes) {
    if (ext == e) return type;
  }
  if (name == "MLmodel" || name == "MLproject") return "text/plain";
  return "application/octet-stream";
}

std::string PartSignature(const std::string& secret, int64_t server_id, const std::string& path,
                          const std::string& upload_id, int64_t part_number, int64_t expires) {
  return base::HexEncode(
      base::HmacSha256(secret, std::to_string(server_id) + "\n" + path + "\n" + upload_id + "\n" +
                                   std::to_string(part_number) + "\n" + std::to_string(expires)));
}

// The file a multipart call names: the directory in the URL plus the base name of the local
// file the client sends as `path`, as MLflow's S3 repository places it.
std::string MultipartFile(ApiCall& c) {
  std::string dir = SafeArtifactPath(c.tail);
  std::string local = c.fields.RequiredString("path");
  std::string name = local.substr(local.find_last_of("/\\") + 1);
  if (name.empty()) throw InvalidParameter("Invalid path");
  return SafeArtifactPath(dir.empty() ? name : dir + "/" + name);
}

void SendJson(http::ResponseWriter& res, const std::string& body) {
  res.SetStatus(200);
  res.headers().Set("Content-Type", "application/json");
  res.Send(body);
}

}  // namespace

void AddArtifactRoutes(ApiRoutes& routes, ArtifactRepository& artifacts,
                       std::string signing_secret) {
  const std::string base = "/mlflow-artifacts/artifacts";
  routes.Stream("GET", base, true, "DownloadArtifact", [&artifacts](ApiCall& c) {
    std::string path = SafeArtifactPath(c.tail);
    storage::ObjectReader reader = artifacts.Open(Locate(c, path));
    std::unique_ptr<storage::ByteSource> src = reader.Open();
    http::ResponseWriter& res = c.response;
    res.SetStatus(200);
    res.headers().Set("Content-Type", ContentTypeFor(path));
    res.headers().Set("Content-Disposition",
                      "attachment; filename=\"" + path.substr(path.rfind('/') + 1) + "\"");
    res.Begin(reader.info().size);
    std::string buf(kCopyChunk, '\0');
    while (size_t n = src->Read(buf.data(), buf.size())) res.Write(std::string_view(buf.data(), n));
    res.End();
  });
  routes.Stream("PUT", base, true, "UploadArtifact", [&artifacts](ApiCall& c) {
    std::string path = SafeArtifactPath(c.tail);
    BodySource body(*c.body);
    artifacts.Put(Locate(c, path), body, c.body->ContentLength(),
                  std::string(c.request.headers.Get("Content-Type").value_or("")));
    SendJson(c.response, "{}");
  });
  routes.Stream("DELETE", base, true, "DeleteArtifact", [&artifacts](ApiCall& c) {
    artifacts.Delete(Locate(c, SafeArtifactPath(c.tail)));
    SendJson(c.response, "{}");
  });
  routes.Json("GET", base, "ListArtifacts", [&artifacts](ApiCall& c, JsonWriter& out) {
    std::string path = SafeArtifactPath(c.fields.String("path").value_or(""));
    std::vector<FileInfo> files = artifacts.List(Locate(c, path));
    if (files.empty()) return;
    out.Key("files").BeginArray();
    for (const FileInfo& f : files) WriteFileInfo(out, f);
    out.EndArray();
  });

  routes.Json(
      "POST", "/mlflow-artifacts/mpu/create", "CreateMultipartUpload",
      [&artifacts, signing_secret](ApiCall& c, JsonWriter& out) {
        std::string path = MultipartFile(c);
        int64_t parts = c.fields.Int64("num_parts").value_or(1);
        if (parts < 1 || parts > storage::kMaxPartNumber) {
          throw InvalidParameter("num_parts must be between 1 and " +
                                 std::to_string(storage::kMaxPartNumber));
        }
        std::string upload_id = artifacts.CreateMultipartUpload(Locate(c, path));
        int64_t expires = base::ToUnixMillis(base::Now()) / 1000 + kPartUrlSeconds;
        out.Key("upload_id").String(upload_id).Key("credentials").BeginArray();
        for (int64_t n = 1; n <= parts; ++n) {
          std::string url =
              c.base_url + "/api/2.0/mlflow-artifacts/mpu/part/" + base::UriEncode(path, true) +
              "?upload_id=" + base::UriEncode(upload_id) + "&part_number=" + std::to_string(n) +
              "&expires=" + std::to_string(expires) + "&signature=" +
              PartSignature(signing_secret, c.server.id, path, upload_id, n, expires);
          out.BeginObject().Key("url").String(url).Key("part_number").Int(n).EndObject();
        }
        out.EndArray();
      },
      true);
  routes.Json(
      "POST", "/mlflow-artifacts/mpu/complete", "CompleteMultipartUpload",
      [&artifacts](ApiCall& c, JsonWriter&) {
        std::string path = MultipartFile(c);
        std::vector<std::pair<int, std::string>> parts;
        for (const base::Json& p : c.fields.Objects("parts")) {
          std::optional<int64_t> n = JsonInt64(p, "part_number");
          if (!n || *n < 1 || *n > storage::kMaxPartNumber) {
            throw InvalidParameter("Invalid part_number in parts");
          }
          parts.emplace_back(static_cast<int>(*n), JsonString(p, "etag").value_or(""));
        }
        artifacts.CompleteMultipartUpload(Locate(c, path), c.fields.RequiredString("upload_id"),
                                          parts);
      },
      true);
  routes.Json(
      "POST", "/mlflow-artifacts/mpu/abort", "AbortMultipartUpload",
      [&artifacts](ApiCall& c, JsonWriter&) {
        artifacts.AbortMultipartUpload(Locate(c, MultipartFile(c)),
                                       c.fields.RequiredString("upload_id"));
      },
      true);
  ApiRoute& part = routes.Stream(
      "PUT", "/mlflow-artifacts/mpu/part", true, "UploadArtifactPart",
      [&artifacts, signing_secret](ApiCall& c) {
        std::string path = SafeArtifactPath(c.tail);
        std::optional<std::vector<std::pair<std::string, std::string>>> query =
            base::ParseQueryString(c.request.query);
        std::map<std::string, std::string> q;
        if (query) q.insert(query->begin(), query->end());
        int64_t part_number = 0, expires = 0;
        try {
          part_number = std::stoll(q["part_number"]);
          expires = std::stoll(q["expires"]);
        } catch (const std::exception&) {
          throw MlflowError("PERMISSION_DENIED", "The part URL is malformed.");
        }
        std::string expected =
            PartSignature(signing_secret, c.server.id, path, q["upload_id"], part_number, expires);
        if (!base::ConstantTimeEqual(expected, q["signature"])) {
          throw MlflowError("PERMISSION_DENIED", "The part URL's signature does not match.");
        }
        if (expires < base::ToUnixMillis(base::Now()) / 1000) {
          throw MlflowError("PERMISSION_DENIED", "The part URL has expired.");
        }
        if (part_number < 1 || part_number > storage::kMaxPartNumber) {
          throw InvalidParameter("Invalid part_number");
        }
        BodySource body(*c.body);
        std::string etag =
            artifacts.UploadPart(Locate(c, path), q["upload_id"], static_cast<int>(part_number),
                                 body, c.body->ContentLength());
        c.response.SetStatus(200);
        c.response.headers().Set("ETag", "\"" + etag + "\"");
        c.response.Send("");
      });
  part.self_authorized = true;
}

}  // namespace mlflow
