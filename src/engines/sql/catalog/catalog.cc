#include "engines/sql/catalog/catalog.h"

#include "engines/sql/common/error.h"

namespace sql {

std::vector<Type> MemoryTable::types() const {
  std::vector<Type> t;
  for (const auto& c : columns_) t.push_back(c.type);
  return t;
}

std::shared_ptr<const std::vector<DataChunk>> MemoryTable::Snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  return data_;
}

size_t MemoryTable::row_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return rows_;
}

void MemoryTable::Append(const ChunkCollection& rows) {
  if (rows.row_count() == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto next = std::make_shared<std::vector<DataChunk>>(*data_);
  std::vector<Type> t = types();
  for (size_t c = 0; c < rows.chunk_count(); c++) {
    const DataChunk& in = rows.chunk(c);
    size_t offset = 0;
    while (offset < in.size()) {
      if (next->empty() || next->back().size() == kVectorSize) {
        next->emplace_back(t, kVectorSize);
      } else {
        // Copy-on-write of the partially filled last chunk.
        DataChunk copy(t, kVectorSize);
        for (size_t k = 0; k < t.size(); k++) {
          copy.column(k).CopyRange(next->back().column(k), 0, next->back().size(), 0);
        }
        copy.set_size(next->back().size());
        next->back() = std::move(copy);
      }
      DataChunk& last = next->back();
      size_t n = std::min(in.size() - offset, kVectorSize - last.size());
      for (size_t k = 0; k < t.size(); k++) last.column(k).CopyRange(in.column(k), offset, n, last.size());
      last.set_size(last.size() + n);
      offset += n;
    }
  }
  rows_ += rows.row_count();
  data_ = std::move(next);
}

void MemoryTable::Replace(std::vector<DataChunk> chunks) {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& c : chunks) n += c.size();
  rows_ = n;
  data_ = std::make_shared<const std::vector<DataChunk>>(std::move(chunks));
}

std::shared_ptr<MemoryTable> Catalog::CreateTable(const std::string& name,
                                                  std::vector<ColumnDef> columns,
                                                  std::vector<int> primary_key,
                                                  bool if_not_exists, bool or_replace) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  if ((it != tables_.end() || views_.count(name)) && !or_replace) {
    if (if_not_exists && it != tables_.end()) return it->second;
    throw BinderError("TABLE_ALREADY_EXISTS", "Table '" + name + "' already exists");
  }
  auto t = std::make_shared<MemoryTable>(name, std::move(columns), std::move(primary_key));
  tables_[name] = t;
  return t;
}

std::shared_ptr<MemoryTable> Catalog::GetTable(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = tables_.find(name);
  return it == tables_.end() ? nullptr : it->second;
}

bool Catalog::DropTable(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  if (external_.erase(name)) return true;
  if (!tables_.erase(name)) return false;
  for (auto it = indexes_.begin(); it != indexes_.end();) {
    it = it->second == name ? indexes_.erase(it) : std::next(it);
  }
  return true;
}

void Catalog::CreateView(ViewDefinition view, bool or_replace) {
  std::lock_guard<std::mutex> lock(mu_);
  if (tables_.count(view.name) || (views_.count(view.name) && !or_replace)) {
    throw BinderError("TABLE_ALREADY_EXISTS", "View '" + view.name + "' already exists");
  }
  std::string name = view.name;
  views_[name] = std::move(view);
}

std::optional<ViewDefinition> Catalog::GetView(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = views_.find(name);
  if (it == views_.end()) return std::nullopt;
  return it->second;
}

bool Catalog::DropView(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return views_.erase(name) > 0;
}

void Catalog::CreateIndex(const std::string& name, const std::string& table) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!tables_.count(table)) throw BinderError("TABLE_NOT_FOUND", "Table '" + table + "' does not exist");
  if (indexes_.count(name)) throw BinderError("ALREADY_EXISTS", "Index '" + name + "' already exists");
  indexes_[name] = table;
}

bool Catalog::DropIndex(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  return indexes_.erase(name) > 0;
}

std::vector<std::string> Catalog::TableNames() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> out;
  for (const auto& [n, t] : tables_) out.push_back(n);
  for (const auto& [n, v] : views_) out.push_back(n);
  for (const auto& [n, e] : external_) out.push_back(n);
  return out;
}

void Catalog::RegisterExternal(const std::string& name, std::shared_ptr<const TableDefinition> def) {
  std::lock_guard<std::mutex> lock(mu_);
  external_[name] = std::move(def);
}

void Catalog::SetResolver(TableResolver resolver) {
  std::lock_guard<std::mutex> lock(mu_);
  resolver_ = std::move(resolver);
}

std::shared_ptr<const TableDefinition> Catalog::ResolveExternal(
    const std::vector<std::string>& name) const {
  TableResolver r;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = external_.find(name.back()); it != external_.end()) return it->second;
    r = resolver_;
  }
  if (!r) return nullptr;
  return r(name);
}

}  // namespace sql
