#include "services/sagemaker/training/artifact_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "base/error.h"

namespace sagemaker {
namespace {

class FileSource : public storage::ByteSource {
 public:
  explicit FileSource(int fd) : fd_(fd) {}
  ~FileSource() override { ::close(fd_); }
  size_t Read(char* buf, size_t n) override {
    while (true) {
      ssize_t r = ::read(fd_, buf, n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw base::IoError(std::string("cannot read an artifact: ") + strerror(errno));
      return static_cast<size_t>(r);
    }
  }

 private:
  int fd_;
};

storage::PutOptions Options(const std::string& owner, const std::string& content_type,
                            uint64_t size) {
  storage::PutOptions options;
  options.owner = owner;
  options.expected_size = size;
  if (!content_type.empty()) options.attributes.content_type = content_type;
  return options;
}

}  // namespace

storage::ObjectInfo UploadFile(storage::ObjectStore& objects, const std::string& bucket,
                               const std::string& key, const std::filesystem::path& file,
                               const std::string& owner, const std::string& content_type) {
  int fd = ::open(file.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw base::IoError(std::string("cannot open an artifact: ") + strerror(errno));
  FileSource source(fd);
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    throw base::IoError("an artifact is not a regular file");
  }
  return objects.PutObject(bucket, key, source,
                           Options(owner, content_type, static_cast<uint64_t>(st.st_size)));
}

storage::ObjectInfo UploadBytes(storage::ObjectStore& objects, const std::string& bucket,
                                const std::string& key, std::string bytes, const std::string& owner,
                                const std::string& content_type) {
  uint64_t size = bytes.size();
  storage::StringSource source(std::move(bytes));
  return objects.PutObject(bucket, key, source, Options(owner, content_type, size));
}

uint64_t WriteObjectToFile(storage::ObjectReader& reader, const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw base::IoError(std::string("cannot create a file: ") + strerror(errno));
  std::vector<char> buf(1 << 20);
  uint64_t offset = 0;
  while (offset < reader.info().size) {
    size_t n = reader.ReadAt(offset, buf.data(), buf.size());
    if (n == 0) break;
    for (size_t done = 0; done < n;) {
      ssize_t w = ::write(fd, buf.data() + done, n - done);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        int err = errno;
        ::close(fd);
        throw base::IoError(std::string("cannot write a file: ") + strerror(err));
      }
      done += static_cast<size_t>(w);
    }
    offset += n;
  }
  ::close(fd);
  return offset;
}

uint64_t DownloadFile(storage::ObjectStore& objects, const std::string& bucket,
                      const std::string& key, const std::filesystem::path& file) {
  storage::ObjectReader reader = objects.GetObject(bucket, key);
  return WriteObjectToFile(reader, file);
}

}  // namespace sagemaker
