#include "services/glue/catalog.h"

#include <gtest/gtest.h>

#include "services/glue/glue_error.h"
#include "services/glue/glue_test_util.h"

namespace glue {
namespace {

using base::Json;

class CatalogTest : public testing::StoreFixture {
 protected:
  Json TableInput(const std::string& name, bool partitioned) {
    Json t = {
        {"Name", name},
        {"StorageDescriptor",
         {{"Columns", {{{"Name", "id"}, {"Type", "bigint"}}, {{"Name", "v"}, {"Type", "string"}}}},
          {"Location", "s3://data/" + name + "/"},
          {"SerdeInfo", {{"SerializationLibrary", "x"}, {"Parameters", {{"field.delim", ","}}}}}}},
        {"Parameters", {{"classification", "csv"}}}};
    if (partitioned) {
      t["PartitionKeys"] = {{{"Name", "year"}, {"Type", "string"}},
                            {{"Name", "month"}, {"Type", "string"}}};
    }
    return t;
  }
  ErrorKind KindOf(const std::function<void()>& fn) {
    try {
      fn();
    } catch (const GlueError& e) {
      return e.kind();
    }
    ADD_FAILURE() << "expected a GlueError";
    return ErrorKind::kIllegalState;
  }
};

TEST_F(CatalogTest, DatabasesRoundTripAndCascade) {
  catalog_->CreateDatabase({{"Name", "Sales"}, {"Description", "d"}, {"Parameters", {{"k", "v"}}}});
  std::optional<Json> db = catalog_->GetDatabase("SALES");
  ASSERT_TRUE(db);
  EXPECT_EQ((*db)["Name"], "sales");
  EXPECT_EQ((*db)["Description"], "d");
  EXPECT_EQ((*db)["Parameters"]["k"], "v");
  EXPECT_EQ((*db)["CatalogId"], "123456789012");
  EXPECT_TRUE((*db)["CreateTime"].is_number());
  EXPECT_EQ(KindOf([&] {
              catalog_->CreateDatabase({{"Name", "sales"}});
            }),
            ErrorKind::kAlreadyExists);
  catalog_->CreateDatabase({{"Name", "other"}});
  JsonPage page = catalog_->ListDatabases("", 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0]["Name"], "other");
  page = catalog_->ListDatabases(page.next_token, 1);
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0]["Name"], "sales");

  catalog_->UpdateDatabase("sales", {{"Name", "sales"}, {"Description", "new"}});
  EXPECT_EQ((*catalog_->GetDatabase("sales"))["Description"], "new");
  EXPECT_EQ((*catalog_->GetDatabase("sales"))["CreateTime"], (*db)["CreateTime"]);

  catalog_->CreateTable("sales", TableInput("orders", true));
  catalog_->CreatePartition("sales", "orders", {{"Values", {"2024", "01"}}});
  catalog_->DeleteDatabase("sales");
  EXPECT_FALSE(catalog_->GetDatabase("sales"));
  catalog_->CreateDatabase({{"Name", "sales"}});
  EXPECT_FALSE(catalog_->GetTable("sales", "orders"));
  EXPECT_EQ(KindOf([&] { catalog_->DeleteDatabase("nope"); }), ErrorKind::kEntityNotFound);
}

TEST_F(CatalogTest, TablesKeepTheirDocumentAndVersions) {
  catalog_->CreateDatabase({{"Name", "db"}});
  EXPECT_EQ(KindOf([&] { catalog_->CreateTable("nodb", TableInput("t", false)); }),
            ErrorKind::kEntityNotFound);
  catalog_->CreateTable("db", TableInput("Orders", false));
  std::optional<Json> t = catalog_->GetTable("db", "ORDERS");
  ASSERT_TRUE(t);
  EXPECT_EQ((*t)["Name"], "orders");
  EXPECT_EQ((*t)["DatabaseName"], "db");
  EXPECT_EQ((*t)["VersionId"], "0");
  EXPECT_EQ((*t)["StorageDescriptor"]["SerdeInfo"]["Parameters"]["field.delim"], ",");
  EXPECT_EQ((*t)["Parameters"]["classification"], "csv");

  Json updated = TableInput("orders", false);
  updated["Parameters"]["classification"] = "json";
  catalog_->UpdateTable("db", updated, false, std::string("0"));
  EXPECT_EQ((*catalog_->GetTable("db", "orders"))["VersionId"], "1");
  EXPECT_EQ(KindOf([&] { catalog_->UpdateTable("db", updated, false, std::string("0")); }),
            ErrorKind::kConcurrentModification);
  std::vector<Json> versions = catalog_->GetTableVersions("db", "orders");
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[0]["VersionId"], "1");
  EXPECT_EQ(versions[0]["Table"]["Parameters"]["classification"], "json");
  EXPECT_EQ(versions[1]["Table"]["Parameters"]["classification"], "csv");
  EXPECT_EQ(KindOf([&] { catalog_->DeleteTableVersion("db", "orders", "1"); }),
            ErrorKind::kInvalidInput);
  catalog_->DeleteTableVersion("db", "orders", "0");
  EXPECT_EQ(catalog_->GetTableVersions("db", "orders").size(), 1u);
  catalog_->UpdateTable("db", updated, true);
  EXPECT_EQ(catalog_->GetTableVersions("db", "orders").size(), 1u);
  EXPECT_EQ((*catalog_->GetTable("db", "orders"))["VersionId"], "2");

  catalog_->CreateTable("db", TableInput("order_items", false));
  catalog_->CreateTable("db", TableInput("customers", false));
  auto names = [](const JsonPage& p) {
    std::vector<std::string> out;
    for (const auto& t : p.items) out.push_back(t["Name"]);
    return out;
  };
  EXPECT_EQ(names(catalog_->ListTables("db", "")),
            (std::vector<std::string>{"customers", "order_items", "orders"}));
  EXPECT_EQ(names(catalog_->ListTables("db", "order*")),
            (std::vector<std::string>{"order_items", "orders"}));
  EXPECT_EQ(names(catalog_->ListTables("db", "cust*|orders")),
            (std::vector<std::string>{"customers", "orders"}));
  JsonPage first = catalog_->ListTables("db", "", "", 2);
  EXPECT_EQ(names(first).size(), 2u);
  EXPECT_EQ(names(catalog_->ListTables("db", "", first.next_token, 2)),
            (std::vector<std::string>{"orders"}));
  EXPECT_EQ(KindOf([&] { catalog_->ListTables("db", "(("); }), ErrorKind::kInvalidInput);

  catalog_->DeleteTable("db", "orders");
  EXPECT_FALSE(catalog_->GetTable("db", "orders"));
  EXPECT_EQ(KindOf([&] { catalog_->DeleteTable("db", "orders"); }), ErrorKind::kEntityNotFound);
}

TEST_F(CatalogTest, PartitionsFilterAndPage) {
  catalog_->CreateDatabase({{"Name", "db"}});
  catalog_->CreateTable("db", TableInput("t", true));
  EXPECT_EQ(KindOf([&] {
              catalog_->CreatePartition("db", "t", {{"Values", {"2024"}}});
            }),
            ErrorKind::kInvalidInput);
  for (int y = 2022; y <= 2024; y++) {
    for (int m = 1; m <= 4; m++) {
      char month[3];
      std::snprintf(month, sizeof(month), "%02d", m);
      catalog_->CreatePartition(
          "db", "t",
          {{"Values", {std::to_string(y), month}},
           {"StorageDescriptor",
            {{"Location", "s3://data/t/" + std::to_string(y) + "/" + month}}}});
    }
  }
  EXPECT_EQ(KindOf([&] {
              catalog_->CreatePartition("db", "t", {{"Values", {"2024", "01"}}});
            }),
            ErrorKind::kAlreadyExists);
  PartitionQuery q;
  q.expression = "year = '2024' AND month > '02'";
  JsonPage page = catalog_->GetPartitions("db", "t", q);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0]["Values"], Json({"2024", "03"}));
  EXPECT_EQ(page.items[1]["Values"], Json({"2024", "04"}));
  EXPECT_EQ(page.items[0]["TableName"], "t");
  EXPECT_TRUE(page.next_token.empty());

  PartitionQuery all;
  all.max_results = 5;
  size_t seen = 0;
  while (true) {
    JsonPage p = catalog_->GetPartitions("db", "t", all);
    seen += p.items.size();
    if (p.next_token.empty()) break;
    all.next_token = p.next_token;
  }
  EXPECT_EQ(seen, 12u);

  size_t segmented = 0;
  for (int s = 0; s < 3; s++) {
    PartitionQuery seg;
    seg.total_segments = 3;
    seg.segment_number = s;
    segmented += catalog_->GetPartitions("db", "t", seg).items.size();
  }
  EXPECT_EQ(segmented, 12u);

  std::optional<Json> p = catalog_->GetPartition("db", "t", {"2023", "02"});
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["StorageDescriptor"]["Location"], "s3://data/t/2023/02");
  catalog_->UpdatePartition("db", "t", {"2023", "02"},
                            {{"Values", {"2023", "12"}}, {"Parameters", {{"k", "v"}}}});
  EXPECT_FALSE(catalog_->GetPartition("db", "t", {"2023", "02"}));
  EXPECT_EQ((*catalog_->GetPartition("db", "t", {"2023", "12"}))["Parameters"]["k"], "v");
  catalog_->DeletePartition("db", "t", {"2023", "12"});
  EXPECT_FALSE(catalog_->GetPartition("db", "t", {"2023", "12"}));
  EXPECT_EQ(KindOf([&] {
              catalog_->DeletePartition("db", "t", {"2023", "12"});
            }),
            ErrorKind::kEntityNotFound);
  PartitionQuery bad;
  bad.expression = "colour = 'red'";
  EXPECT_EQ(KindOf([&] { catalog_->GetPartitions("db", "t", bad); }), ErrorKind::kInvalidInput);
}

TEST_F(CatalogTest, SurvivesReopening) {
  catalog_->CreateDatabase({{"Name", "db"}});
  catalog_->CreateTable("db", TableInput("t", false));
  catalog_ = std::make_unique<Catalog>(*meta_, "123456789012");
  EXPECT_TRUE(catalog_->GetTable("db", "t"));
}

}  // namespace
}  // namespace glue
