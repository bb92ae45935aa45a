#include "server/installation.h"

#include "base/crypto.h"
#include "base/files.h"
#include "base/json.h"

namespace server {
namespace {

constexpr meta::Migration kMigrations[] = {
    {1, "CREATE TABLE installation (key TEXT PRIMARY KEY, value TEXT NOT NULL)"},
};

std::string Setting(meta::Store& store, const std::string& key,
                    const std::function<std::string()>& make) {
  std::string value;
  store.Write([&](meta::Transaction& tx) {
    if (auto row = tx.QueryOne("SELECT value FROM installation WHERE key = ?", {meta::Text(key)})) {
      value = row->Text(0);
      return;
    }
    value = make();
    tx.Exec("INSERT INTO installation(key, value) VALUES(?, ?)", {meta::Text(key), meta::Text(value)});
  });
  return value;
}

std::string RandomDigits(size_t n) {
  std::string bytes = base::RandomBytes(n);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += static_cast<char>('0' + static_cast<unsigned char>(bytes[i]) % 10);
  if (out[0] == '0') out[0] = '1';
  return out;
}

}  // namespace

Installation LoadInstallation(meta::Store& store, const std::string& data_dir,
                              const std::string& env_key_id, const std::string& env_secret) {
  store.Migrate("installation", kMigrations);
  Installation inst;
  inst.account_id = Setting(store, "account_id", [] { return RandomDigits(12); });
  inst.identity_store_id = Setting(store, "identity_store_id", [] { return "d-" + base::RandomHex(10); });
  if (!env_key_id.empty()) {
    inst.root_access_key_id = env_key_id;
    inst.root_secret_access_key = env_secret;
    return inst;
  }
  base::fs::path file = base::fs::path(data_dir) / "root-credentials";
  if (auto text = base::ReadFile(file)) {
    base::Json j = base::ParseJson(*text);
    inst.root_access_key_id = j.at("aws_access_key_id").get<std::string>();
    inst.root_secret_access_key = j.at("aws_secret_access_key").get<std::string>();
    return inst;
  }
  inst.root_access_key_id = "AKIA" + base::RandomUpperAlnum(16);
  inst.root_secret_access_key = base::RandomSecret(40);
  inst.root_credentials_new = true;
  base::Json j = {{"aws_access_key_id", inst.root_access_key_id},
                  {"aws_secret_access_key", inst.root_secret_access_key}};
  base::WriteFileAtomic(file, j.dump(2) + "\n", 0600);
  return inst;
}

}  // namespace server
