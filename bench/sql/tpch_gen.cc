// A TPC-H-shaped data generator: the eight tables with the specification's cardinalities,
// keys, value ranges and the distributions the benchmark queries depend on (dates, flags,
// segments, priorities, ship modes, part types), written as CSV with a header line.
// Deterministic for a given scale factor. Usage: tpch_gen SCALE OUT_DIR
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

namespace {

class Random {
 public:
  explicit Random(uint64_t seed) : s_(seed * 0x9e3779b97f4a7c15ULL + 1) {}
  uint64_t Next() {
    s_ ^= s_ << 13;
    s_ ^= s_ >> 7;
    s_ ^= s_ << 17;
    return s_;
  }
  int64_t Range(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
  template <class T>
  const T& Pick(const std::vector<T>& v) { return v[Next() % v.size()]; }

 private:
  uint64_t s_;
};

// Days since 1970-01-01 for a civil date.
int64_t Days(int y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DateText(int64_t z) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  int64_t d = doy - (153 * mp + 2) / 5 + 1;
  int64_t m = mp < 10 ? mp + 3 : mp - 9;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lld", static_cast<long long>(y + (m <= 2)),
                static_cast<long long>(m), static_cast<long long>(d));
  return buf;
}

std::string Money(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(std::llabs(cents % 100)));
  return buf;
}

const std::vector<std::string> kWords = {"furiously", "quickly", "carefully", "blithely", "slyly", "final",
                                         "ironic", "express", "regular", "pending", "bold", "even",
                                         "special", "silent", "unusual", "deposits", "requests", "packages",
                                         "accounts", "theodolites", "instructions", "foxes", "pinto", "beans"};

std::string Comment(Random& r, int words) {
  std::string s;
  for (int i = 0; i < words; i++) {
    if (i) s += ' ';
    s += r.Pick(kWords);
  }
  return s;
}

class Writer {
 public:
  Writer(const std::string& path, const char* header) : f_(std::fopen(path.c_str(), "w")) {
    if (!f_) {
      std::perror(path.c_str());
      std::exit(1);
    }
    std::fputs(header, f_);
    std::fputc('\n', f_);
  }
  ~Writer() { std::fclose(f_); }
  FILE* f() { return f_; }

 private:
  FILE* f_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: tpch_gen SCALE OUT_DIR\n");
    return 2;
  }
  double sf = std::atof(argv[1]);
  std::string out = argv[2];
  std::filesystem::create_directories(out);
  Random r(42);
  const std::vector<std::string> regions = {"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"};
  const std::vector<std::pair<std::string, int>> nations = {
      {"ALGERIA", 0},   {"ARGENTINA", 1}, {"BRAZIL", 1},      {"CANADA", 1},         {"EGYPT", 4},
      {"ETHIOPIA", 0},  {"FRANCE", 3},    {"GERMANY", 3},     {"INDIA", 2},          {"INDONESIA", 2},
      {"IRAN", 4},      {"IRAQ", 4},      {"JAPAN", 2},       {"JORDAN", 4},         {"KENYA", 0},
      {"MOROCCO", 0},   {"MOZAMBIQUE", 0}, {"PERU", 1},       {"CHINA", 2},          {"ROMANIA", 3},
      {"SAUDI ARABIA", 4}, {"VIETNAM", 2}, {"RUSSIA", 3},     {"UNITED KINGDOM", 3}, {"UNITED STATES", 1}};
  {
    Writer w(out + "/region.csv", "r_regionkey,r_name,r_comment");
    for (size_t i = 0; i < regions.size(); i++) std::fprintf(w.f(), "%zu,%s,%s\n", i, regions[i].c_str(), Comment(r, 5).c_str());
  }
  {
    Writer w(out + "/nation.csv", "n_nationkey,n_name,n_regionkey,n_comment");
    for (size_t i = 0; i < nations.size(); i++) {
      std::fprintf(w.f(), "%zu,%s,%d,%s\n", i, nations[i].first.c_str(), nations[i].second, Comment(r, 6).c_str());
    }
  }
  int64_t suppliers = static_cast<int64_t>(10000 * sf);
  int64_t customers = static_cast<int64_t>(150000 * sf);
  int64_t parts = static_cast<int64_t>(200000 * sf);
  int64_t orders = static_cast<int64_t>(1500000 * sf);
  {
    Writer w(out + "/supplier.csv", "s_suppkey,s_name,s_address,s_nationkey,s_phone,s_acctbal,s_comment");
    for (int64_t s = 1; s <= suppliers; s++) {
      int64_t n = r.Range(0, 24);
      std::fprintf(w.f(), "%lld,Supplier#%09lld,addr%lld,%lld,%lld-%03lld-%03lld-%04lld,%s,%s\n",
                   static_cast<long long>(s), static_cast<long long>(s), static_cast<long long>(r.Range(1, 1000000)),
                   static_cast<long long>(n), static_cast<long long>(n + 10), static_cast<long long>(r.Range(100, 999)),
                   static_cast<long long>(r.Range(100, 999)), static_cast<long long>(r.Range(1000, 9999)),
                   Money(r.Range(-99999, 999999)).c_str(), Comment(r, 8).c_str());
    }
  }
  const std::vector<std::string> segments = {"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"};
  {
    Writer w(out + "/customer.csv", "c_custkey,c_name,c_address,c_nationkey,c_phone,c_acctbal,c_mktsegment,c_comment");
    for (int64_t c = 1; c <= customers; c++) {
      int64_t n = r.Range(0, 24);
      std::fprintf(w.f(), "%lld,Customer#%09lld,addr%lld,%lld,%lld-%03lld-%03lld-%04lld,%s,%s,%s\n",
                   static_cast<long long>(c), static_cast<long long>(c), static_cast<long long>(r.Range(1, 1000000)),
                   static_cast<long long>(n), static_cast<long long>(n + 10), static_cast<long long>(r.Range(100, 999)),
                   static_cast<long long>(r.Range(100, 999)), static_cast<long long>(r.Range(1000, 9999)),
                   Money(r.Range(-99999, 999999)).c_str(), r.Pick(segments).c_str(), Comment(r, 10).c_str());
    }
  }
  const std::vector<std::string> type1 = {"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"};
  const std::vector<std::string> type2 = {"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"};
  const std::vector<std::string> type3 = {"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"};
  const std::vector<std::string> containers = {"SM CASE", "SM BOX", "MED BAG", "MED BOX", "LG CASE", "LG PACK", "JUMBO JAR", "WRAP DRUM"};
  std::vector<int64_t> retail(static_cast<size_t>(parts) + 1);
  {
    Writer w(out + "/part.csv", "p_partkey,p_name,p_mfgr,p_brand,p_type,p_size,p_container,p_retailprice,p_comment");
    for (int64_t p = 1; p <= parts; p++) {
      int64_t price = 90000 + ((p / 10) % 20001) + 100 * (p % 1000);
      retail[static_cast<size_t>(p)] = price;
      int64_t m = r.Range(1, 5);
      std::fprintf(w.f(), "%lld,%s %s,Manufacturer#%lld,Brand#%lld%lld,%s %s %s,%lld,%s,%s,%s\n",
                   static_cast<long long>(p), r.Pick(kWords).c_str(), r.Pick(kWords).c_str(), static_cast<long long>(m),
                   static_cast<long long>(m), static_cast<long long>(r.Range(1, 5)), r.Pick(type1).c_str(),
                   r.Pick(type2).c_str(), r.Pick(type3).c_str(), static_cast<long long>(r.Range(1, 50)),
                   r.Pick(containers).c_str(), Money(price).c_str(), Comment(r, 4).c_str());
    }
  }
  const std::vector<std::string> priorities = {"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECIFIED", "5-LOW"};
  const std::vector<std::string> instructs = {"DELIVER IN PERSON", "COLLECT COD", "NONE", "TAKE BACK RETURN"};
  const std::vector<std::string> modes = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};
  int64_t start = Days(1992, 1, 1), end = Days(1998, 8, 2), current = Days(1995, 6, 17);
  {
    Writer wo(out + "/orders.csv",
              "o_orderkey,o_custkey,o_orderstatus,o_totalprice,o_orderdate,o_orderpriority,o_clerk,o_shippriority,o_comment");
    Writer wl(out + "/lineitem.csv",
              "l_orderkey,l_partkey,l_suppkey,l_linenumber,l_quantity,l_extendedprice,l_discount,l_tax,l_returnflag,"
              "l_linestatus,l_shipdate,l_commitdate,l_receiptdate,l_shipinstruct,l_shipmode,l_comment");
    for (int64_t o = 1; o <= orders; o++) {
      int64_t key = (o / 8) * 32 + (o % 8);  // sparse order keys, as dbgen
      int64_t cust;
      do {
        cust = r.Range(1, customers);
      } while (cust % 3 == 0);  // a third of customers place no orders
      int64_t odate = r.Range(start, end - 151);
      int lines = static_cast<int>(r.Range(1, 7));
      int64_t total = 0;
      int shipped = 0;
      for (int l = 1; l <= lines; l++) {
        int64_t part = r.Range(1, parts);
        int64_t supp = (part + (r.Range(0, 3) * (suppliers / 4 + (part - 1) / suppliers))) % suppliers + 1;
        int64_t qty = r.Range(1, 50);
        int64_t ext = qty * retail[static_cast<size_t>(part)];
        int64_t disc = r.Range(0, 10), tax = r.Range(0, 8);
        int64_t ship = odate + r.Range(1, 121), commit = odate + r.Range(30, 90), receipt = ship + r.Range(1, 30);
        const char* flag = receipt <= current ? (r.Range(0, 1) ? "R" : "A") : "N";
        const char* status = ship > current ? "O" : "F";
        shipped += ship <= current;
        total += ext * (100 + tax) / 100 * (100 - disc) / 100;
        std::fprintf(wl.f(), "%lld,%lld,%lld,%d,%lld,%s,0.%02lld,0.%02lld,%s,%s,%s,%s,%s,%s,%s,%s\n",
                     static_cast<long long>(key), static_cast<long long>(part), static_cast<long long>(supp), l,
                     static_cast<long long>(qty), Money(ext).c_str(), static_cast<long long>(disc),
                     static_cast<long long>(tax), flag, status, DateText(ship).c_str(), DateText(commit).c_str(),
                     DateText(receipt).c_str(), r.Pick(instructs).c_str(), r.Pick(modes).c_str(), Comment(r, 3).c_str());
      }
      const char* ostatus = shipped == lines ? "F" : (shipped == 0 ? "O" : "P");
      std::fprintf(wo.f(), "%lld,%lld,%s,%s,%s,%s,Clerk#%09lld,0,%s\n", static_cast<long long>(key),
                   static_cast<long long>(cust), ostatus, Money(total).c_str(), DateText(odate).c_str(),
                   r.Pick(priorities).c_str(), static_cast<long long>(r.Range(1, static_cast<int64_t>(1000 * sf) + 1)),
                   Comment(r, 6).c_str());
    }
  }
  return 0;
}
