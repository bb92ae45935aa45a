#include "services/logs/logs_service.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include "base/crypto.h"
#include "base/error.h"
#include "base/time.h"
#include "platform/aws/api_error.h"
#include "services/logs/filter_pattern.h"

namespace logs {
namespace {

using base::Json;

constexpr size_t kMaxResponseBytes = 1 << 20;
constexpr size_t kEventOverhead = 26;
// FilterLogEvents stops after examining this many events and returns a token to continue.
constexpr size_t kMaxScannedEvents = 100000;
constexpr int64_t kMaxEventAgeMs = 14LL * 24 * 3600 * 1000;
constexpr int64_t kMaxEventFutureMs = 2LL * 3600 * 1000;

aws::ApiError InvalidParameter(const std::string& message) {
  return aws::ApiError(400, "InvalidParameterException", message);
}

aws::ApiError GroupNotFound() {
  return aws::ApiError(400, "ResourceNotFoundException", "The specified log group does not exist.");
}

aws::ApiError StreamNotFound() {
  return aws::ApiError(400, "ResourceNotFoundException",
                       "The specified log stream does not exist.");
}

std::string Str(const Json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::optional<int64_t> Int(const Json& in, const char* member) {
  auto it = in.find(member);
  if (it == in.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

bool Bool(const Json& in, const char* member) {
  auto it = in.find(member);
  return it != in.end() && it->is_boolean() && it->get<bool>();
}

// The group a request names by logGroupName or logGroupIdentifier (a name or an ARN).
std::string GroupName(const Json& in, bool required = true) {
  std::string name = Str(in, "logGroupName");
  std::string identifier = Str(in, "logGroupIdentifier");
  if (!name.empty() && !identifier.empty()) {
    throw InvalidParameter("LogGroup name and LogGroup ARN are mutually exclusive parameters.");
  }
  if (!identifier.empty()) {
    size_t at = identifier.find(":log-group:");
    if (identifier.starts_with("arn:") && at != std::string::npos) {
      name = identifier.substr(at + 11);
      if (name.ends_with(":*")) name.resize(name.size() - 2);
    } else {
      name = identifier;
    }
  }
  if (name.empty() && required) {
    throw InvalidParameter("Either logGroupName or logGroupIdentifier must be specified.");
  }
  return name;
}

std::string GroupArn(const aws::RequestContext& ctx, const std::string& group) {
  return ctx.Arn("logs", "log-group:" + group);
}

// Tokens: "f/<ts>/<id>" (events after a position) and "b/<ts>/<id>" (before it), the
// shapes CloudWatch's own GetLogEvents tokens have.
std::string PositionToken(char direction, const EventPosition& p) {
  return std::string(1, direction) + "/" + std::to_string(p.timestamp_ms) + "/" +
         std::to_string(p.id);
}

std::optional<std::pair<char, EventPosition>> ParsePositionToken(std::string_view token) {
  if (token.size() < 5 || (token[0] != 'f' && token[0] != 'b') || token[1] != '/')
    return std::nullopt;
  size_t slash = token.find('/', 2);
  if (slash == std::string_view::npos) return std::nullopt;
  EventPosition p;
  auto parse = [](std::string_view s, int64_t& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size() && !s.empty();
  };
  if (!parse(token.substr(2, slash - 2), p.timestamp_ms) || !parse(token.substr(slash + 1), p.id))
    return std::nullopt;
  return std::make_pair(token[0], p);
}

// Opaque tokens of the listing operations: base64 of "<kind>:<value>".
std::string OpaqueToken(char kind, const std::string& value) {
  return base::Base64Encode(std::string(1, kind) + ":" + value);
}

std::optional<std::string> ParseOpaqueToken(const Json& in, char kind) {
  std::string token = Str(in, "nextToken");
  if (token.empty()) return std::nullopt;
  auto decoded = base::Base64Decode(token);
  if (!decoded || decoded->size() < 2 || (*decoded)[0] != kind || (*decoded)[1] != ':')
    throw InvalidParameter("The specified nextToken is invalid.");
  return decoded->substr(2);
}

Json EventJson(const StoredEvent& e) {
  return {{"timestamp", e.timestamp_ms}, {"message", e.message}, {"ingestionTime", e.ingestion_ms}};
}

size_t Limit(const Json& in, size_t fallback) {
  std::optional<int64_t> limit = Int(in, "limit");
  return limit && *limit > 0 ? static_cast<size_t>(*limit) : fallback;
}

Json CreateLogGroup(LogStore& store, const Json& in) {
  if (store.CreateGroup(Str(in, "logGroupName")) == CreateResult::kAlreadyExists) {
    throw aws::ApiError(400, "ResourceAlreadyExistsException",
                        "The specified log group already exists");
  }
  return Json::object();
}

Json DescribeLogGroups(LogStore& store, const aws::RequestContext& ctx, const Json& in) {
  std::string prefix = Str(in, "logGroupNamePrefix");
  std::string pattern = Str(in, "logGroupNamePattern");
  if (!prefix.empty() && !pattern.empty()) {
    throw InvalidParameter(
        "LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.");
  }
  size_t limit = Limit(in, 50);
  std::string after = ParseOpaqueToken(in, 'g').value_or("");
  std::vector<GroupInfo> groups = store.Groups(prefix, pattern, after, limit + 1);
  Json out = {{"logGroups", Json::array()}};
  for (size_t i = 0; i < groups.size() && i < limit; ++i) {
    const GroupInfo& g = groups[i];
    std::string arn = GroupArn(ctx, g.name);
    out["logGroups"].push_back({{"logGroupName", g.name},
                                {"creationTime", g.created_ms},
                                {"metricFilterCount", 0},
                                {"arn", arn + ":*"},
                                {"logGroupArn", arn},
                                {"storedBytes", g.stored_bytes},
                                {"logGroupClass", "STANDARD"}});
  }
  if (groups.size() > limit) out["nextToken"] = OpaqueToken('g', groups[limit - 1].name);
  return out;
}

Json DescribeLogStreams(LogStore& store, const aws::RequestContext& ctx, const Json& in) {
  std::string group = GroupName(in);
  if (!store.FindGroup(group)) throw GroupNotFound();
  bool by_last_event = Str(in, "orderBy") == "LastEventTime";
  std::string prefix = Str(in, "logStreamNamePrefix");
  if (by_last_event && !prefix.empty()) {
    throw InvalidParameter("Cannot order by LastEventTime with a logStreamNamePrefix.");
  }
  size_t limit = Limit(in, 50);
  size_t offset = 0;
  if (auto token = ParseOpaqueToken(in, 's')) {
    auto [ptr, ec] = std::from_chars(token->data(), token->data() + token->size(), offset);
    if (ec != std::errc() || ptr != token->data() + token->size())
      throw InvalidParameter("The specified nextToken is invalid.");
  }
  std::vector<StreamInfo> streams =
      store.Streams(group, prefix, by_last_event, Bool(in, "descending"), offset, limit + 1);
  Json out = {{"logStreams", Json::array()}};
  for (size_t i = 0; i < streams.size() && i < limit; ++i) {
    const StreamInfo& s = streams[i];
    Json j = {{"logStreamName", s.name},
              {"creationTime", s.created_ms},
              {"arn", GroupArn(ctx, group) + ":log-stream:" + s.name},
              {"storedBytes", s.stored_bytes}};
    if (s.first_event_ms) j["firstEventTimestamp"] = *s.first_event_ms;
    if (s.last_event_ms) j["lastEventTimestamp"] = *s.last_event_ms;
    if (s.last_ingestion_ms) j["lastIngestionTime"] = *s.last_ingestion_ms;
    out["logStreams"].push_back(std::move(j));
  }
  if (streams.size() > limit) out["nextToken"] = OpaqueToken('s', std::to_string(offset + limit));
  return out;
}

Json PutLogEvents(LogStore& store, const Json& in) {
  std::string group = Str(in, "logGroupName");
  std::string stream = Str(in, "logStreamName");
  if (!store.FindGroup(group)) throw GroupNotFound();
  if (!store.FindStream(group, stream)) throw StreamNotFound();
  const Json& input_events = in.at("logEvents");
  const int64_t now = base::ToUnixMillis(base::Now());
  std::vector<LogEvent> events;
  size_t bytes = 0;
  int64_t previous = INT64_MIN;
  std::optional<int64_t> too_old_end;
  std::optional<int64_t> too_new_start;
  for (size_t i = 0; i < input_events.size(); ++i) {
    const Json& e = input_events[i];
    int64_t ts = e.at("timestamp").get<int64_t>();
    if (ts < previous) {
      throw InvalidParameter(
          "Log events in a single PutLogEvents request must be in chronological order.");
    }
    previous = ts;
    std::string message = e.at("message").get<std::string>();
    bytes += message.size() + kEventOverhead;
    if (ts < now - kMaxEventAgeMs) {
      too_old_end = static_cast<int64_t>(i) + 1;
    } else if (ts > now + kMaxEventFutureMs) {
      if (!too_new_start) too_new_start = static_cast<int64_t>(i);
    } else {
      events.push_back({ts, std::move(message)});
    }
  }
  if (bytes > kMaxResponseBytes) {
    throw InvalidParameter("Log events in a single PutLogEvents request must not exceed 1 MiB.");
  }
  store.Append(group, stream, events);
  Json out = {{"nextSequenceToken", base::RandomHex(56)}};
  if (too_old_end || too_new_start) {
    Json info = Json::object();
    if (too_old_end) info["tooOldLogEventEndIndex"] = *too_old_end;
    if (too_new_start) info["tooNewLogEventStartIndex"] = *too_new_start;
    out["rejectedLogEventsInfo"] = info;
  }
  return out;
}

Json GetLogEvents(LogStore& store, const Json& in) {
  std::string group = GroupName(in);
  std::string stream = Str(in, "logStreamName");
  if (!store.FindGroup(group)) throw GroupNotFound();
  if (!store.FindStream(group, stream)) throw StreamNotFound();
  std::optional<std::pair<char, EventPosition>> token;
  if (std::string t = Str(in, "nextToken"); !t.empty()) {
    token = ParsePositionToken(t);
    if (!token) throw InvalidParameter("The specified nextToken is invalid.");
  }
  EventScan scan;
  scan.group = group;
  scan.streams = {stream};
  scan.start_ms = Int(in, "startTime");
  scan.end_ms = Int(in, "endTime");
  bool forward = token ? token->first == 'f' : Bool(in, "startFromHead");
  if (token && forward) scan.after = token->second;
  if (token && !forward) scan.before = token->second;
  // Without a token or from the head, the scan reads forward; otherwise it reads the newest
  // events first and the page is put back in time order.
  scan.descending = !forward;
  const size_t limit = Limit(in, 10000);
  std::vector<StoredEvent> events;
  size_t bytes = 0;
  store.Scan(scan, [&](const StoredEvent& e) {
    bytes += e.message.size() + kEventOverhead;
    if (!events.empty() && bytes > kMaxResponseBytes) return false;
    events.push_back(e);
    return events.size() < limit;
  });
  if (scan.descending) std::reverse(events.begin(), events.end());
  Json out = {{"events", Json::array()}};
  for (const StoredEvent& e : events) out["events"].push_back(EventJson(e));
  EventPosition none{token ? token->second : EventPosition{}};
  EventPosition first =
      events.empty() ? none : EventPosition{events.front().timestamp_ms, events.front().id};
  EventPosition last =
      events.empty() ? none : EventPosition{events.back().timestamp_ms, events.back().id};
  out["nextForwardToken"] = PositionToken('f', last);
  out["nextBackwardToken"] = PositionToken('b', first);
  return out;
}

Json FilterLogEvents(LogStore& store, const Json& in) {
  std::string group = GroupName(in);
  if (!store.FindGroup(group)) throw GroupNotFound();
  EventScan scan;
  scan.group = group;
  if (auto it = in.find("logStreamNames"); it != in.end() && it->is_array()) {
    for (const Json& name : *it) scan.streams.push_back(name.get<std::string>());
  }
  scan.stream_prefix = Str(in, "logStreamNamePrefix");
  if (!scan.streams.empty() && !scan.stream_prefix.empty()) {
    throw InvalidParameter(
        "logStreamNames and logStreamNamePrefix are mutually exclusive parameters.");
  }
  scan.start_ms = Int(in, "startTime");
  // FilterLogEvents includes events at endTime (GetLogEvents does not).
  if (std::optional<int64_t> end = Int(in, "endTime")) {
    scan.end_ms = *end < std::numeric_limits<int64_t>::max() ? *end + 1 : *end;
  }
  if (auto token = ParseOpaqueToken(in, 'e')) {
    auto position = ParsePositionToken("f/" + *token);
    if (!position) throw InvalidParameter("The specified nextToken is invalid.");
    scan.after = position->second;
  }
  std::optional<FilterPattern> pattern;
  try {
    pattern.emplace(Str(in, "filterPattern"));
  } catch (const base::ParseError& e) {
    throw InvalidParameter(std::string("Invalid filter pattern: ") + e.what());
  }
  const size_t limit = Limit(in, 10000);
  Json events = Json::array();
  size_t bytes = 0;
  size_t scanned = 0;
  bool more = false;
  EventPosition last;
  store.Scan(scan, [&](const StoredEvent& e) {
    if (events.size() >= limit || scanned >= kMaxScannedEvents ||
        (!events.empty() && bytes + e.message.size() + kEventOverhead > kMaxResponseBytes)) {
      more = true;
      return false;
    }
    ++scanned;
    last = {e.timestamp_ms, e.id};
    if (!pattern->Matches(e.message)) return true;
    bytes += e.message.size() + kEventOverhead;
    Json j = EventJson(e);
    j["logStreamName"] = e.stream;
    j["eventId"] = std::to_string(e.id);
    events.push_back(std::move(j));
    return true;
  });
  Json out = {{"events", std::move(events)}, {"searchedLogStreams", Json::array()}};
  if (more) {
    out["nextToken"] =
        OpaqueToken('e', std::to_string(last.timestamp_ms) + "/" + std::to_string(last.id));
  }
  return out;
}

}  // namespace

std::unique_ptr<aws::Service> MakeLogsService(LogStore& store) {
  auto svc = std::make_unique<aws::Service>("logs", "logs");
  auto group_arn = [](const aws::RequestContext& ctx, const Json& in) {
    return GroupArn(ctx, GroupName(in, false));
  };
  auto stream_arn = [](const aws::RequestContext& ctx, const Json& in) {
    return GroupArn(ctx, GroupName(in, false)) + ":log-stream:" + Str(in, "logStreamName");
  };
  svc->Handle("CreateLogGroup",
              [&store](aws::RequestContext&, const Json& in) { return CreateLogGroup(store, in); })
      .Resource(group_arn);
  svc->Handle("DeleteLogGroup",
              [&store](aws::RequestContext&, const Json& in) {
                if (!store.DeleteGroup(Str(in, "logGroupName"))) throw GroupNotFound();
                return Json::object();
              })
      .Resource(group_arn);
  svc->Handle("DescribeLogGroups", [&store](aws::RequestContext& ctx, const Json& in) {
    return DescribeLogGroups(store, ctx, in);
  });
  svc->Handle("CreateLogStream",
              [&store](aws::RequestContext&, const Json& in) {
                switch (store.CreateStream(Str(in, "logGroupName"), Str(in, "logStreamName"))) {
                  case CreateResult::kNoGroup:
                    throw GroupNotFound();
                  case CreateResult::kAlreadyExists:
                    throw aws::ApiError(400, "ResourceAlreadyExistsException",
                                        "The specified log stream already exists");
                  case CreateResult::kCreated:
                    break;
                }
                return Json::object();
              })
      .Resource(stream_arn);
  svc->Handle("DeleteLogStream",
              [&store](aws::RequestContext&, const Json& in) {
                std::string group = Str(in, "logGroupName");
                if (!store.FindGroup(group)) throw GroupNotFound();
                if (!store.DeleteStream(group, Str(in, "logStreamName"))) throw StreamNotFound();
                return Json::object();
              })
      .Resource(stream_arn);
  svc->Handle("DescribeLogStreams",
              [&store](aws::RequestContext& ctx, const Json& in) {
                return DescribeLogStreams(store, ctx, in);
              })
      .Resource(group_arn);
  svc->Handle("PutLogEvents",
              [&store](aws::RequestContext&, const Json& in) { return PutLogEvents(store, in); })
      .Resource(stream_arn);
  svc->Handle("GetLogEvents",
              [&store](aws::RequestContext&, const Json& in) { return GetLogEvents(store, in); })
      .Resource(stream_arn);
  svc->Handle("FilterLogEvents",
              [&store](aws::RequestContext&, const Json& in) { return FilterLogEvents(store, in); })
      .Resource(group_arn);
  return svc;
}

}  // namespace logs
