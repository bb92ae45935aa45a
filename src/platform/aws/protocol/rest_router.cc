#include "platform/aws/protocol/rest_router.h"

#include <algorithm>
#include <tuple>

#include "base/strings.h"

namespace aws::protocol {

namespace {

enum class SegmentKind { kLiteral, kLabel, kGreedy };

struct Segment {
  SegmentKind kind;
  std::string text;  // the literal, or the label name without braces and '+'
};

std::vector<std::string_view> SplitView(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    out.push_back(s.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) return out;
    start = pos + 1;
  }
}

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}.
std::vector<std::string_view> PathSegments(std::string_view path) {
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  return SplitView(path, '/');
}

bool HasQuery(const WireRequest& request, std::string_view key, const std::string* value) {
  for (const auto& [k, v] : request.query) {
    if (k == key && (value == nullptr || v == *value)) return true;
  }
  return false;
}

}  // namespace

struct RestRouteTable::Route {
  const OperationModel* operation;
  std::vector<Segment> segments;
  size_t greedy_index = std::string::npos;
  int literal_count = 0;
  std::vector<std::pair<std::string, std::optional<std::string>>> query_literals;
  std::vector<std::string> required_query;
  std::vector<std::string> required_headers;

  explicit Route(const OperationModel& op) : operation(&op) {
    std::string_view uri = op.request_uri();
    size_t qmark = uri.find('?');
    std::string_view path = uri.substr(0, qmark);
    std::vector<std::string_view> parts = PathSegments(path);
    if (!parts.empty() && parts.back().empty()) parts.pop_back();
    for (std::string_view part : parts) {
      if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
        std::string_view label = part.substr(1, part.size() - 2);
        if (!label.empty() && label.back() == '+') {
          greedy_index = segments.size();
          segments.push_back(
              {SegmentKind::kGreedy, std::string(label.substr(0, label.size() - 1))});
        } else {
          segments.push_back({SegmentKind::kLabel, std::string(label)});
        }
      } else {
        segments.push_back({SegmentKind::kLiteral, std::string(part)});
        ++literal_count;
      }
    }
    if (qmark != std::string_view::npos) {
      for (std::string_view item : SplitView(uri.substr(qmark + 1), '&')) {
        if (item.empty()) continue;
        size_t eq = item.find('=');
        if (eq == std::string_view::npos) {
          query_literals.emplace_back(std::string(item), std::nullopt);
        } else {
          query_literals.emplace_back(std::string(item.substr(0, eq)),
                                      std::string(item.substr(eq + 1)));
        }
      }
    }
    if (const ShapeRef* input = op.input()) {
      for (const Member& m : input->shape->members()) {
        if (!m.required) continue;
        if (m.location == Location::kQueryString) {
          required_query.emplace_back(m.WireName(m.name));
        } else if (m.location == Location::kHeader) {
          required_headers.emplace_back(m.WireName(m.name));
        }
      }
    }
  }

  // Binds the path segments to this template; false when they do not fit.
  bool BindPath(std::string_view path,
                std::vector<std::pair<std::string, std::string>>* labels) const {
    std::vector<std::string_view> parts = PathSegments(path);
    if (greedy_index == std::string::npos) {
      if (parts.size() == 1 && parts[0].empty()) {
        parts.clear();  // "/"
      } else if (parts.size() > 1 && parts.back().empty()) {
        parts.pop_back();  // a trailing '/'
      }
      if (parts.size() != segments.size()) return false;
      for (size_t i = 0; i < parts.size(); ++i) {
        if (!BindSegment(segments[i], parts[i], labels)) return false;
      }
      return true;
    }
    size_t after = segments.size() - greedy_index - 1;
    if (parts.size() < greedy_index + 1 + after) return false;
    for (size_t i = 0; i < greedy_index; ++i) {
      if (!BindSegment(segments[i], parts[i], labels)) return false;
    }
    for (size_t i = 0; i < after; ++i) {
      if (!BindSegment(segments[segments.size() - 1 - i], parts[parts.size() - 1 - i], labels)) {
        return false;
      }
    }
    // The greedy label takes the raw text between its neighbours, '/' and all.
    size_t begin = 0;
    for (size_t i = 0; i < greedy_index; ++i) begin += parts[i].size() + 1;
    size_t end = 0;
    for (size_t i = 0; i < after; ++i) end += parts[parts.size() - 1 - i].size() + 1;
    std::string_view rest = path.substr(std::min(path.size(), begin + 1));
    rest = rest.substr(0, rest.size() >= end ? rest.size() - end : 0);
    if (rest.empty()) return false;
    auto decoded = base::UriDecode(rest);
    if (!decoded) return false;
    labels->emplace_back(segments[greedy_index].text, std::move(*decoded));
    return true;
  }

  static bool BindSegment(const Segment& segment, std::string_view part,
                          std::vector<std::pair<std::string, std::string>>* labels) {
    if (part.empty()) return false;
    auto decoded = base::UriDecode(part);
    if (!decoded) return false;
    if (segment.kind == SegmentKind::kLiteral) return *decoded == segment.text;
    labels->emplace_back(segment.text, std::move(*decoded));
    return true;
  }
};

RestRouteTable::RestRouteTable(const ServiceModel& model) {
  for (const auto& op : model.operations()) routes_.emplace_back(*op);
}

RestRouteTable::~RestRouteTable() = default;

std::optional<RouteMatch> RestRouteTable::Match(const WireRequest& request) const {
  using Score = std::tuple<int, int, int, int, int, int>;
  std::optional<RouteMatch> best;
  Score best_score{};
  for (const Route& route : routes_) {
    if (route.operation->http_method() != request.method) continue;
    bool literals = std::all_of(
        route.query_literals.begin(), route.query_literals.end(), [&](const auto& literal) {
          return HasQuery(request, literal.first, literal.second ? &*literal.second : nullptr);
        });
    if (!literals) continue;
    RouteMatch match;
    match.operation = route.operation;
    if (!route.BindPath(request.path, &match.labels)) continue;
    int present = 0;
    int missing = 0;
    for (const std::string& key : route.required_query) {
      (HasQuery(request, key, nullptr) ? present : missing)++;
    }
    for (const std::string& name : route.required_headers) {
      (request.headers.Has(name) ? present : missing)++;
    }
    Score score{route.literal_count,
                route.greedy_index == std::string::npos ? 0 : -1,
                static_cast<int>(route.query_literals.size()),
                -missing,
                present,
                route.operation->deprecated() ? 0 : 1};
    if (!best || score > best_score) {
      best = std::move(match);
      best_score = score;
    }
  }
  return best;
}

const std::string* RouteMatch::Label(std::string_view name) const {
  for (const auto& [k, v] : labels) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::optional<RouteMatch> MatchRestOperation(const ServiceModel& model,
                                             const WireRequest& request) {
  if (model.routes() == nullptr) return std::nullopt;
  return model.routes()->Match(request);
}

}  // namespace aws::protocol
