// The engine's catalog: in-memory tables (CREATE TABLE / INSERT / UPDATE / DELETE) and
// views, in front of an optional TableResolver for external tables. Table data is kept as
// immutable snapshots (copy-on-write), so a query reads a consistent version while another
// statement modifies the table. All methods are thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engines/sql/catalog/table_definition.h"
#include "engines/sql/common/vector.h"

namespace sql {

class MemoryTable {
 public:
  MemoryTable(std::string name, std::vector<ColumnDef> columns, std::vector<int> primary_key)
      : name_(std::move(name)), columns_(std::move(columns)), primary_key_(std::move(primary_key)),
        data_(std::make_shared<const std::vector<DataChunk>>()) {}
  const std::string& name() const { return name_; }
  const std::vector<ColumnDef>& columns() const { return columns_; }
  const std::vector<int>& primary_key() const { return primary_key_; }
  std::vector<Type> types() const;
  // The current contents.
  std::shared_ptr<const std::vector<DataChunk>> Snapshot() const;
  size_t row_count() const;
  // Appends rows (already of the table's column types).
  void Append(const ChunkCollection& rows);
  // Replaces the whole contents.
  void Replace(std::vector<DataChunk> chunks);

 private:
  std::string name_;
  std::vector<ColumnDef> columns_;
  std::vector<int> primary_key_;
  mutable std::mutex mu_;
  std::shared_ptr<const std::vector<DataChunk>> data_;
  size_t rows_ = 0;
};

struct ViewDefinition {
  std::string name;
  std::string sql;  // the SELECT text
  std::vector<std::string> column_aliases;
};

class Catalog {
 public:
  // Throws BinderError (TABLE_ALREADY_EXISTS) unless `if_not_exists`.
  std::shared_ptr<MemoryTable> CreateTable(const std::string& name, std::vector<ColumnDef> columns,
                                           std::vector<int> primary_key, bool if_not_exists,
                                           bool or_replace);
  std::shared_ptr<MemoryTable> GetTable(const std::string& name) const;
  bool DropTable(const std::string& name);
  void CreateView(ViewDefinition view, bool or_replace);
  std::optional<ViewDefinition> GetView(const std::string& name) const;
  bool DropView(const std::string& name);
  void CreateIndex(const std::string& name, const std::string& table);
  bool DropIndex(const std::string& name);
  std::vector<std::string> TableNames() const;

  // Registers an external table by name (CTAS with external_location); it is found before
  // the resolver is asked.
  void RegisterExternal(const std::string& name, std::shared_ptr<const TableDefinition> def);
  void SetResolver(TableResolver resolver);
  std::shared_ptr<const TableDefinition> ResolveExternal(const std::vector<std::string>& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemoryTable>> tables_;
  std::map<std::string, ViewDefinition> views_;
  std::map<std::string, std::string> indexes_;  // index name -> table
  std::map<std::string, std::shared_ptr<const TableDefinition>> external_;
  TableResolver resolver_;
};

}  // namespace sql
