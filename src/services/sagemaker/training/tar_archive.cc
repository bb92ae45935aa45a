#include "services/sagemaker/training/tar_archive.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "base/error.h"
#include "base/strings.h"

namespace sagemaker {
namespace {

namespace fs = std::filesystem;

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxOctalSize = 077777777777ULL;

struct Header {
  char name[100];
  char mode[8];
  char uid[8];
  char gid[8];
  char size[12];
  char mtime[12];
  char chksum[8];
  char typeflag;
  char linkname[100];
  char magic[6];
  char version[2];
  char uname[32];
  char gname[32];
  char devmajor[8];
  char devminor[8];
  char prefix[155];
  char pad[12];
};
static_assert(sizeof(Header) == kBlock);

class GzFile {
 public:
  GzFile(const fs::path& path, const char* mode) : file_(gzopen(path.c_str(), mode)) {
    if (file_ == nullptr) throw base::IoError(std::string("cannot open archive: ") + strerror(errno));
  }
  ~GzFile() {
    if (file_ != nullptr) gzclose(file_);
  }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  void Write(const void* data, size_t n) {
    const char* p = static_cast<const char*>(data);
    while (n > 0) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(n, 1 << 30));
      if (gzwrite(file_, p, chunk) != static_cast<int>(chunk))
        throw base::IoError("cannot write archive");
      p += chunk;
      n -= chunk;
    }
  }
  // Reads exactly n bytes; false at a clean end of file before any byte.
  bool Read(void* data, size_t n) {
    char* p = static_cast<char*>(data);
    size_t got = 0;
    while (got < n) {
      int r = gzread(file_, p + got, static_cast<unsigned>(std::min<size_t>(n - got, 1 << 30)));
      if (r < 0) throw base::ParseError("corrupt archive (gzip stream)");
      if (r == 0) break;
      got += static_cast<size_t>(r);
    }
    if (got == 0) return false;
    if (got < n) throw base::ParseError("corrupt archive (truncated)");
    return true;
  }
  void Close() {
    int rc = gzclose(file_);
    file_ = nullptr;
    if (rc != Z_OK) throw base::IoError("cannot finish archive");
  }

 private:
  gzFile file_;
};

void Octal(char* field, size_t width, uint64_t value) {
  std::snprintf(field, width, "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
}

std::string PaxRecord(const std::string& key, const std::string& value) {
  // "<length> key=value\n", the length counting its own digits.
  size_t body = key.size() + value.size() + 3;
  size_t length = body + 1;
  while (std::to_string(length).size() + body != length) ++length;
  return std::to_string(length) + " " + key + "=" + value + "\n";
}

void WriteBlocks(GzFile& out, const std::string& data) {
  out.Write(data.data(), data.size());
  size_t pad = (kBlock - data.size() % kBlock) % kBlock;
  static const char kZeros[kBlock] = {};
  out.Write(kZeros, pad);
}

void WriteHeader(GzFile& out, const std::string& name, char type, uint64_t size, unsigned mode,
                 const std::string& link = "") {
  std::string pax;
  if (name.size() >= sizeof(Header::name)) pax += PaxRecord("path", name);
  if (link.size() >= sizeof(Header::linkname)) pax += PaxRecord("linkpath", link);
  if (size > kMaxOctalSize) pax += PaxRecord("size", std::to_string(size));
  if (!pax.empty()) {
    std::string pax_name = "PaxHeaders/" + name.substr(0, 80);
    WriteHeader(out, pax_name, 'x', pax.size(), 0644);
    WriteBlocks(out, pax);
  }
  Header h;
  std::memset(&h, 0, sizeof h);
  std::memcpy(h.name, name.data(), std::min(name.size(), sizeof h.name - 1));
  Octal(h.mode, sizeof h.mode, mode & 07777);
  Octal(h.uid, sizeof h.uid, 0);
  Octal(h.gid, sizeof h.gid, 0);
  Octal(h.size, sizeof h.size, size > kMaxOctalSize ? 0 : size);
  Octal(h.mtime, sizeof h.mtime, static_cast<uint64_t>(::time(nullptr)));
  h.typeflag = type;
  std::memcpy(h.linkname, link.data(), std::min(link.size(), sizeof h.linkname - 1));
  std::memcpy(h.magic, "ustar", 6);
  std::memcpy(h.version, "00", 2);
  std::memcpy(h.uname, "root", 4);
  std::memcpy(h.gname, "root", 4);
  std::memset(h.chksum, ' ', sizeof h.chksum);
  unsigned sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += reinterpret_cast<const unsigned char*>(&h)[i];
  std::snprintf(h.chksum, sizeof h.chksum, "%06o", sum);
  h.chksum[7] = ' ';
  out.Write(&h, sizeof h);
}

// Copies a regular file's bytes into the archive without following links; pads or cuts to
// `size` if the file changed since it was measured.
void WriteFileData(GzFile& out, const fs::path& path, uint64_t size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  std::vector<char> buf(1 << 20);
  uint64_t left = size;
  if (fd >= 0) {
    while (left > 0) {
      ssize_t n = ::read(fd, buf.data(), static_cast<size_t>(std::min<uint64_t>(left, buf.size())));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.Write(buf.data(), static_cast<size_t>(n));
      left -= static_cast<uint64_t>(n);
    }
    ::close(fd);
  }
  std::fill(buf.begin(), buf.end(), 0);
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    out.Write(buf.data(), n);
    left -= n;
  }
  size_t pad = static_cast<size_t>((kBlock - size % kBlock) % kBlock);
  out.Write(buf.data(), pad);
}

void AddTree(GzFile& out, const fs::path& root, const fs::path& dir, const std::string& prefix,
             std::set<std::string>& seen, ArchiveStats& stats) {
  std::vector<fs::directory_entry> entries;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    entries.push_back(*it);
  }
  std::sort(entries.begin(), entries.end(),
            [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
  for (const fs::directory_entry& entry : entries) {
    std::string name = prefix + entry.path().filename().string();
    struct stat st;
    if (::lstat(entry.path().c_str(), &st) != 0) continue;
    bool is_dir = S_ISDIR(st.st_mode);
    std::string key = is_dir ? name + "/" : name;
    if (!seen.insert(key).second) {
      if (is_dir) AddTree(out, root, entry.path(), name + "/", seen, stats);
      continue;
    }
    if (is_dir) {
      WriteHeader(out, name + "/", '5', 0, st.st_mode);
      ++stats.directories;
      AddTree(out, root, entry.path(), name + "/", seen, stats);
    } else if (S_ISREG(st.st_mode)) {
      uint64_t size = static_cast<uint64_t>(st.st_size);
      WriteHeader(out, name, '0', size, st.st_mode);
      WriteFileData(out, entry.path(), size);
      ++stats.files;
      stats.bytes += size;
    } else if (S_ISLNK(st.st_mode)) {
      std::string target = fs::read_symlink(entry.path(), ec).string();
      if (ec) continue;
      WriteHeader(out, name, '2', 0, 0777, target);
      ++stats.links;
    } else {
      ++stats.skipped;
    }
  }
}

uint64_t ParseNumber(const char* field, size_t width) {
  const auto* u = reinterpret_cast<const unsigned char*>(field);
  if (u[0] & 0x80) {  // base-256, as GNU tar writes large values
    uint64_t v = u[0] & 0x7f;
    for (size_t i = 1; i < width; ++i) v = (v << 8) | u[i];
    return v;
  }
  uint64_t v = 0;
  for (size_t i = 0; i < width && field[i] != '\0' && field[i] != ' '; ++i) {
    if (field[i] < '0' || field[i] > '7') throw base::ParseError("corrupt archive (header)");
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
  }
  return v;
}

std::string Field(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

bool ValidChecksum(const Header& h) {
  uint64_t stored = ParseNumber(h.chksum, sizeof h.chksum);
  unsigned usum = 0;
  int ssum = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(&h);
  for (size_t i = 0; i < kBlock; ++i) {
    bool in_field = i >= offsetof(Header, chksum) && i < offsetof(Header, chksum) + 8;
    usum += in_field ? ' ' : bytes[i];
    ssum += in_field ? ' ' : static_cast<signed char>(bytes[i]);
  }
  return stored == usum || static_cast<int64_t>(stored) == ssum;
}

std::map<std::string, std::string> ParsePax(const std::string& data) {
  std::map<std::string, std::string> out;
  size_t pos = 0;
  while (pos < data.size()) {
    size_t space = data.find(' ', pos);
    if (space == std::string::npos) break;
    size_t length = 0;
    for (size_t i = pos; i < space; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(data[i])))
        throw base::ParseError("corrupt archive (pax)");
      length = length * 10 + static_cast<size_t>(data[i] - '0');
    }
    if (length == 0 || pos + length > data.size()) throw base::ParseError("corrupt archive (pax)");
    std::string record = data.substr(space + 1, pos + length - space - 2);
    size_t eq = record.find('=');
    if (eq != std::string::npos) out[record.substr(0, eq)] = record.substr(eq + 1);
    pos += length;
  }
  return out;
}

// The archive name as components under the destination, or nullopt when it would leave it.
std::optional<std::vector<std::string>> SafeComponents(const std::string& name) {
  if (name.empty() || name.front() == '/') return std::nullopt;
  std::vector<std::string> parts;
  for (std::string& part : base::Split(name, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") return std::nullopt;
    parts.push_back(std::move(part));
  }
  if (parts.empty()) return std::nullopt;
  return parts;
}

// Creates the directories leading to `parts` (all but the last) under `dest`; false when one
// of them exists as something other than a real directory (a symbolic link among them).
bool MakeParents(const fs::path& dest, const std::vector<std::string>& parts, size_t count) {
  fs::path p = dest;
  for (size_t i = 0; i < count; ++i) {
    p /= parts[i];
    struct stat st;
    if (::lstat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return false;
      continue;
    }
    if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) {
      throw base::IoError(std::string("cannot create directory: ") + strerror(errno));
    }
  }
  return true;
}

void SkipData(GzFile& in, uint64_t size) {
  char buf[kBlock * 16];
  uint64_t left = (size + kBlock - 1) / kBlock * kBlock;
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, sizeof buf));
    if (!in.Read(buf, n)) throw base::ParseError("corrupt archive (truncated)");
    left -= n;
  }
}

std::string ReadData(GzFile& in, uint64_t size) {
  if (size > (64u << 20)) throw base::ParseError("corrupt archive (oversized header record)");
  std::string data(static_cast<size_t>((size + kBlock - 1) / kBlock * kBlock), '\0');
  if (!data.empty() && !in.Read(data.data(), data.size()))
    throw base::ParseError("corrupt archive (truncated)");
  data.resize(static_cast<size_t>(size));
  return data;
}

void ExtractFile(GzFile& in, const fs::path& path, uint64_t size, unsigned mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                  (mode & 0777) | 0600);
  if (fd < 0) {
    SkipData(in, size);
    throw base::IoError(std::string("cannot create file: ") + strerror(errno));
  }
  std::vector<char> buf(1 << 20);
  uint64_t left = (size + kBlock - 1) / kBlock * kBlock;
  uint64_t content = size;
  while (left > 0) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(left, buf.size()));
    if (!in.Read(buf.data(), n)) {
      ::close(fd);
      throw base::ParseError("corrupt archive (truncated)");
    }
    size_t keep = static_cast<size_t>(std::min<uint64_t>(content, n));
    for (size_t off = 0; off < keep;) {
      ssize_t w = ::write(fd, buf.data() + off, keep - off);
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        ::close(fd);
        throw base::IoError(std::string("cannot write file: ") + strerror(errno));
      }
      off += static_cast<size_t>(w);
    }
    content -= keep;
    left -= n;
  }
  ::fchmod(fd, (mode & 0777) | 0600);
  ::close(fd);
}

}  // namespace

ArchiveStats WriteTarGz(const fs::path& archive, const std::vector<fs::path>& roots) {
  ArchiveStats stats;
  GzFile out(archive, "wb6");
  std::set<std::string> seen;
  for (const fs::path& root : roots) {
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(root, ec))) continue;
    AddTree(out, root, root, "", seen, stats);
  }
  static const char kZeros[kBlock * 2] = {};
  out.Write(kZeros, sizeof kZeros);
  out.Close();
  return stats;
}

ArchiveStats ExtractTarGz(const fs::path& archive, const fs::path& destination) {
  ArchiveStats stats;
  fs::create_directories(destination);
  GzFile in(archive, "rb");
  std::optional<std::string> long_name;
  std::optional<std::string> long_link;
  std::map<std::string, std::string> pax;
  std::set<std::string> extracted_files;
  Header h;
  while (in.Read(&h, sizeof h)) {
    bool zero = std::all_of(reinterpret_cast<const char*>(&h),
                            reinterpret_cast<const char*>(&h) + kBlock,
                            [](char c) { return c == 0; });
    if (zero) break;
    if (!ValidChecksum(h)) throw base::ParseError("corrupt archive (header checksum)");
    uint64_t size = ParseNumber(h.size, sizeof h.size);
    std::string name = Field(h.name, sizeof h.name);
    if (std::memcmp(h.magic, "ustar", 5) == 0 && h.prefix[0] != '\0') {
      name = Field(h.prefix, sizeof h.prefix) + "/" + name;
    }
    std::string link = Field(h.linkname, sizeof h.linkname);
    char type = h.typeflag;
    if (type == 'x') {
      pax = ParsePax(ReadData(in, size));
      continue;
    }
    if (type == 'g') {
      SkipData(in, size);
      continue;
    }
    if (type == 'L' || type == 'K') {
      std::string data = ReadData(in, size);
      data.resize(strnlen(data.c_str(), data.size()));
      (type == 'L' ? long_name : long_link) = data;
      continue;
    }
    if (long_name) name = *long_name;
    if (long_link) link = *long_link;
    if (auto it = pax.find("path"); it != pax.end()) name = it->second;
    if (auto it = pax.find("linkpath"); it != pax.end()) link = it->second;
    if (auto it = pax.find("size"); it != pax.end()) size = std::stoull(it->second);
    long_name.reset();
    long_link.reset();
    pax.clear();
    unsigned mode = static_cast<unsigned>(ParseNumber(h.mode, sizeof h.mode));
    uint64_t data_size = (type == '0' || type == '\0' || type == '7') ? size : 0;
    if (type != '0' && type != '\0' && type != '7') {
      // Links, directories and device entries carry no data, whatever size they claim, except
      // the types we do not know, which are skipped whole.
      if (type != '1' && type != '2' && type != '5') SkipData(in, size);
    }
    std::optional<std::vector<std::string>> parts = SafeComponents(name);
    if (!parts || !MakeParents(destination, *parts, parts->size() - 1)) {
      SkipData(in, data_size);
      ++stats.skipped;
      continue;
    }
    fs::path target = destination;
    std::string joined;
    for (const std::string& p : *parts) {
      target /= p;
      joined += (joined.empty() ? "" : "/") + p;
    }
    struct stat st;
    bool exists = ::lstat(target.c_str(), &st) == 0;
    if (type == '5') {
      if (exists && !S_ISDIR(st.st_mode)) {
        ++stats.skipped;
      } else {
        if (!exists) ::mkdir(target.c_str(), (mode & 0777) | 0700);
        ++stats.directories;
      }
    } else if (type == '0' || type == '\0' || type == '7') {
      if (exists && !S_ISREG(st.st_mode)) {
        SkipData(in, data_size);
        ++stats.skipped;
        continue;
      }
      ExtractFile(in, target, data_size, mode);
      extracted_files.insert(joined);
      ++stats.files;
      stats.bytes += data_size;
    } else if (type == '2') {
      // A link must stay inside the destination, resolved from its own directory.
      std::vector<std::string> resolved(parts->begin(), parts->end() - 1);
      bool safe = !link.empty() && link.front() != '/';
      for (const std::string& c : base::Split(link, '/')) {
        if (!safe) break;
        if (c.empty() || c == ".") continue;
        if (c == "..") {
          if (resolved.empty()) safe = false;
          else resolved.pop_back();
        } else {
          resolved.push_back(c);
        }
      }
      if (!safe || exists || ::symlink(link.c_str(), target.c_str()) != 0) {
        ++stats.skipped;
      } else {
        ++stats.links;
      }
    } else if (type == '1') {
      // A hard link to a file extracted earlier becomes a copy of it.
      std::optional<std::vector<std::string>> source = SafeComponents(link);
      std::string source_name;
      if (source) {
        for (const std::string& p : *source) source_name += (source_name.empty() ? "" : "/") + p;
      }
      std::error_code ec;
      if (!source || exists || !extracted_files.count(source_name) ||
          !fs::copy_file(destination / source_name, target, ec) || ec) {
        ++stats.skipped;
      } else {
        extracted_files.insert(joined);
        ++stats.files;
      }
    } else {
      ++stats.skipped;
    }
  }
  return stats;
}

}  // namespace sagemaker
