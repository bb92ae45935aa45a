// Codec features that the embedded models use rarely or not at all, on small hand-written
// models in botocore's format: query-string maps, jsonvalue headers, quoted header lists,
// status-code members, flattened XML maps, shape-level locationNames, query-protocol maps and
// flattened lists, timestamp format traits and special floats.
#include <gtest/gtest.h>

#include "platform/aws/protocol/codec.h"
#include "platform/aws/protocol/wire_testing.h"

namespace aws::protocol {
namespace {

using base::Json;
using testing::Decode;
using testing::MakeRequest;

constexpr std::string_view kRestJsonModel = R"({
  "metadata": {"protocol": "rest-json", "apiVersion": "2024-01-01", "endpointPrefix": "demo"},
  "operations": {
    "PutThing": {"name": "PutThing", "http": {"method": "PUT", "requestUri": "/things/{Id}"},
                 "input": {"shape": "PutThingInput"}, "output": {"shape": "PutThingOutput"}},
    "Upload": {"name": "Upload", "http": {"method": "POST", "requestUri": "/upload/{Path+}"},
               "input": {"shape": "UploadInput"}}
  },
  "shapes": {
    "PutThingInput": {"type": "structure", "required": ["Id"], "members": {
      "Id": {"shape": "Int", "location": "uri", "locationName": "Id"},
      "Filters": {"shape": "StringMap", "location": "querystring"},
      "Flag": {"shape": "Bool", "location": "querystring", "locationName": "flag"},
      "Since": {"shape": "Time", "location": "querystring", "locationName": "since"},
      "Tags": {"shape": "StringList", "location": "querystring", "locationName": "tag"},
      "Context": {"shape": "JsonString", "location": "header", "locationName": "X-Context",
                  "jsonvalue": true},
      "Names": {"shape": "StringList", "location": "header", "locationName": "X-Names"},
      "At": {"shape": "IsoTime", "location": "header", "locationName": "X-At"},
      "Ratio": {"shape": "Double"},
      "Count": {"shape": "Long", "locationName": "count"},
      "Nested": {"shape": "Nested"}
    }},
    "PutThingOutput": {"type": "structure", "members": {
      "Status": {"shape": "Int", "location": "statusCode"},
      "Extra": {"shape": "StringMap", "location": "headers", "locationName": "x-extra-"},
      "Context": {"shape": "JsonString", "location": "header", "locationName": "X-Context",
                  "jsonvalue": true},
      "Names": {"shape": "StringList", "location": "header", "locationName": "X-Names"},
      "When": {"shape": "EpochTime", "location": "header", "locationName": "X-When"},
      "Ratio": {"shape": "Double"},
      "Stamp": {"shape": "IsoTime"},
      "Nested": {"shape": "Nested"}
    }},
    "UploadInput": {"type": "structure", "required": ["Path"], "payload": "Data", "members": {
      "Path": {"shape": "String", "location": "uri", "locationName": "Path"},
      "Data": {"shape": "Blob"}
    }},
    "Nested": {"type": "structure", "members": {
      "Grid": {"shape": "Grid"},
      "Renamed": {"shape": "Renamed"}
    }},
    "Renamed": {"type": "string", "locationName": "renamed_on_shape"},
    "Grid": {"type": "list", "member": {"shape": "IntList"}},
    "IntList": {"type": "list", "member": {"shape": "Int"}},
    "StringMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}},
    "StringList": {"type": "list", "member": {"shape": "String"}},
    "JsonString": {"type": "string"},
    "String": {"type": "string"},
    "Int": {"type": "integer"},
    "Long": {"type": "long", "min": -5},
    "Bool": {"type": "boolean"},
    "Double": {"type": "double"},
    "Blob": {"type": "blob"},
    "Time": {"type": "timestamp"},
    "IsoTime": {"type": "timestamp", "timestampFormat": "iso8601"},
    "EpochTime": {"type": "timestamp", "timestampFormat": "unixTimestamp"}
  }
})";

constexpr std::string_view kRestXmlModel = R"({
  "metadata": {"protocol": "rest-xml", "apiVersion": "2024-01-01", "endpointPrefix": "x"},
  "operations": {
    "GetMaps": {"name": "GetMaps", "http": {"method": "GET", "requestUri": "/maps"},
                "output": {"shape": "Maps"}},
    "PutMaps": {"name": "PutMaps", "http": {"method": "PUT", "requestUri": "/maps"},
                "input": {"shape": "PutMapsInput", "locationName": "PutMapsRequest",
                          "xmlNamespace": {"uri": "urn:demo"}}}
  },
  "shapes": {
    "PutMapsInput": {"type": "structure", "members": {
      "Tree": {"shape": "Tree"},
      "Wrapped": {"shape": "Map"},
      "Flat": {"shape": "FlatMap", "locationName": "Item"},
      "Names": {"shape": "NameList", "flattened": true, "locationName": "Name"}
    }},
    "Maps": {"type": "structure", "members": {
      "Wrapped": {"shape": "Map"},
      "Flat": {"shape": "FlatMap", "locationName": "Item"},
      "Names": {"shape": "NameList", "flattened": true, "locationName": "Name"}
    }},
    "Tree": {"type": "structure", "members": {"Child": {"shape": "Tree"}, "V": {"shape": "S"}}},
    "Map": {"type": "map", "key": {"shape": "S", "locationName": "K"},
            "value": {"shape": "S", "locationName": "V"}},
    "FlatMap": {"type": "map", "flattened": true, "key": {"shape": "S"}, "value": {"shape": "S"}},
    "NameList": {"type": "list", "member": {"shape": "S"}},
    "S": {"type": "string"}
  }
})";

constexpr std::string_view kQueryModel = R"({
  "metadata": {"protocol": "query", "apiVersion": "2024-01-01", "xmlNamespace": "urn:q"},
  "operations": {
    "Do": {"name": "Do", "http": {"method": "POST", "requestUri": "/"},
           "input": {"shape": "DoInput"},
           "output": {"shape": "DoOutput", "resultWrapper": "DoResult"}}
  },
  "shapes": {
    "DoInput": {"type": "structure", "members": {
      "Attributes": {"shape": "Attrs"},
      "FlatAttributes": {"shape": "FlatAttrs"},
      "Ids": {"shape": "FlatIds"},
      "Data": {"shape": "Blob"},
      "When": {"shape": "Time"},
      "Inner": {"shape": "Inner"}
    }},
    "DoOutput": {"type": "structure", "members": {
      "Attributes": {"shape": "Attrs"},
      "Ids": {"shape": "FlatIds"},
      "Data": {"shape": "Blob"},
      "Ratio": {"shape": "Float"}
    }},
    "Inner": {"type": "structure", "members": {"Deep": {"shape": "Inner"}, "V": {"shape": "S"}}},
    "Attrs": {"type": "map", "key": {"shape": "S", "locationName": "Name"},
              "value": {"shape": "S", "locationName": "Value"}},
    "FlatAttrs": {"type": "map", "flattened": true, "key": {"shape": "S"},
                  "value": {"shape": "S"}},
    "FlatIds": {"type": "list", "flattened": true, "member": {"shape": "S", "locationName": "Id"}},
    "S": {"type": "string"},
    "Blob": {"type": "blob"},
    "Time": {"type": "timestamp"},
    "Float": {"type": "float"}
  }
})";

const ServiceModel& RestJson() {
  static const std::unique_ptr<ServiceModel> model = ServiceModel::Parse("demo", kRestJsonModel);
  return *model;
}
const ServiceModel& RestXml() {
  static const std::unique_ptr<ServiceModel> model = ServiceModel::Parse("x", kRestXmlModel);
  return *model;
}
const ServiceModel& Query() {
  static const std::unique_ptr<ServiceModel> model = ServiceModel::Parse("q", kQueryModel);
  return *model;
}

TEST(SyntheticRestJson, QueryMapsListsHeadersAndLabels) {
  WireRequest r = MakeRequest(
      "PUT", "/things/42?flag=true&since=2015-08-30T12%3A36%3A00Z&tag=a&tag=b&color=red&size=L",
      {{"X-Context", "eyJhIjpbMSwyXX0="},  // {"a":[1,2]}
       {"X-Names", "plain, \"with,comma\", \"q\\\"uote\""},
       {"X-At", "2015-08-30T12:36:00.5Z"}},
      R"({"Ratio": "NaN", "count": -5, "Nested": {"Grid": [[1,2],[3]], "renamed_on_shape": "r"}})");
  Json input = Decode(RestJson(), r);
  EXPECT_EQ(input["Id"], 42);
  EXPECT_EQ(input["Flag"], true);
  EXPECT_EQ(input["Since"], 1440938160);
  EXPECT_EQ(input["Tags"], Json::parse(R"(["a","b"])"));
  // The query map takes every parameter no other member names.
  EXPECT_EQ(input["Filters"], Json::parse(R"({"color":"red","size":"L"})"));
  EXPECT_EQ(input["Context"], Json::parse(R"({"a":[1,2]})"));
  EXPECT_EQ(input["Names"], Json::parse(R"(["plain","with,comma","q\"uote"])"));
  EXPECT_DOUBLE_EQ(input["At"].get<double>(), 1440938160.5);
  EXPECT_TRUE(std::isnan(input["Ratio"].get<double>()));
  EXPECT_EQ(input["Count"], -5);
  EXPECT_EQ(input["Nested"], Json::parse(R"({"Grid":[[1,2],[3]],"Renamed":"r"})"));
}

TEST(SyntheticRestJson, BadLabelsAndHeaders) {
  auto error = [](WireRequest r) {
    try {
      Decode(RestJson(), r);
    } catch (const ApiError& e) {
      return e.code() + ": " + e.message();
    }
    return std::string("no error");
  };
  EXPECT_EQ(error(MakeRequest("PUT", "/things/x")),
            "SerializationException: Value 'x' at 'Id' could not be read as an integer");
  EXPECT_EQ(error(MakeRequest("PUT", "/things/1", {{"X-Context", "!!"}})),
            "SerializationException: Value '!!' at 'Context' could not be read as base64-encoded "
            "JSON");
  EXPECT_EQ(error(MakeRequest("PUT", "/things/1?flag=yes")),
            "SerializationException: Value 'yes' at 'Flag' could not be read as a boolean");
  EXPECT_EQ(error(MakeRequest("PUT", "/things/1", {{"X-At", "yesterday"}})),
            "SerializationException: Value 'yesterday' at 'At' could not be read as a timestamp");
  EXPECT_EQ(error(MakeRequest("PUT", "/things/1", {}, R"({"count": -6})")),
            "ValidationException: 1 validation error detected: Value '-6' at 'count' failed to "
            "satisfy constraint: Member must have value greater than or equal to -5");
  EXPECT_EQ(error(MakeRequest("PUT", "/things/1", {}, R"({"Nested": {"Grid": [["x"]]}})")),
            "SerializationException: Expected an integer at 'Grid' but found a string");
}

TEST(SyntheticRestJson, GreedyLabelAndBlobPayload) {
  Json input = Decode(RestJson(), MakeRequest("POST", "/upload/a/b%20c/", {}, "raw bytes"));
  EXPECT_EQ(input, Json::parse(R"({"Path":"a/b c/","Data":"raw bytes"})"));
  EXPECT_EQ(Decode(RestJson(), MakeRequest("POST", "/upload/x")), Json::parse(R"({"Path":"x"})"));
}

TEST(SyntheticRestJson, OutputBindings) {
  const OperationModel& op = *RestJson().FindOperation("PutThing");
  Json output = Json::parse(R"({"Status":201,"Extra":{"a":"1","b":"2"},"Context":{"k":true},
      "Names":["x","y,z"],"When":1440938160.25,"Ratio":"Infinity","Stamp":0,
      "Nested":{"Grid":[[1]],"Renamed":"r"}})");
  WireResponse r = EncodeOutput(RestJson(), op, output, "id");
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.headers.Get("x-extra-a"), "1");
  EXPECT_EQ(r.headers.Get("x-extra-b"), "2");
  EXPECT_EQ(r.headers.Get("X-Context"), "eyJrIjp0cnVlfQ==");
  EXPECT_EQ(r.headers.Get("X-Names"), "x,\"y,z\"");
  EXPECT_EQ(r.headers.Get("X-When"), "1440938160.25");
  EXPECT_EQ(Json::parse(r.body), Json::parse(R"({"Ratio":"Infinity",
      "Stamp":"1970-01-01T00:00:00.000Z","Nested":{"Grid":[[1]],"renamed_on_shape":"r"}})"));
}

TEST(SyntheticRestJson, OutputThatWouldBreakHeadersIsRefused) {
  const OperationModel& op = *RestJson().FindOperation("PutThing");
  for (const char* bad : {R"({"Extra":{"a":"x\r\nSet-Cookie: y"}})", R"({"Extra":{"a b":"1"}})",
                          R"({"Status":1000})", R"({"Names":"not a list"})"}) {
    WireResponse r = EncodeOutput(RestJson(), op, Json::parse(bad), "id");
    EXPECT_EQ(r.status, 500) << bad;
    EXPECT_FALSE(r.headers.Has("Set-Cookie"));
  }
}

TEST(SyntheticRestXml, MapsAndFlattenedMembers) {
  WireRequest r = MakeRequest(
      "PUT", "/maps", {},
      "<PutMapsRequest xmlns=\"urn:demo\"><Wrapped><entry><K>a</K><V>1</V></entry>"
      "<entry><K>b</K><V>2</V></entry></Wrapped><Item><key>x</key><value>9</value></Item>"
      "<Item><key>y</key><value>8</value></Item><Name>n1</Name><Name>n2</Name></PutMapsRequest>");
  Json input = Decode(RestXml(), r);
  EXPECT_EQ(input, Json::parse(R"({"Wrapped":{"a":"1","b":"2"},"Flat":{"x":"9","y":"8"},
      "Names":["n1","n2"]})"));

  // The model's namespace is the one its input declares (rest-xml models may lack one).
  WireResponse out = EncodeOutput(RestXml(), *RestXml().FindOperation("GetMaps"), input, "r");
  EXPECT_EQ(
      out.body,
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<GetMapsResult xmlns=\"urn:demo\"><Wrapped><entry><K>a</K><V>1</V></entry><entry><K>b</K>"
      "<V>2</V></entry></Wrapped><Item><key>x</key><value>9</value></Item><Item>"
      "<key>y</key><value>8</value></Item><Name>n1</Name><Name>n2</Name></GetMapsResult>");
}

std::string NestedTree(int depth) {
  std::string body = "<PutMapsRequest><Tree>";
  for (int i = 0; i < depth; ++i) body += "<Child>";
  body += "<V>leaf</V>";
  for (int i = 0; i < depth; ++i) body += "</Child>";
  return body + "</Tree></PutMapsRequest>";
}

TEST(SyntheticRestXml, RecursiveShapesAreDepthLimited) {
  Json input = Decode(RestXml(), MakeRequest("PUT", "/maps", {}, NestedTree(3)));
  EXPECT_EQ(input["Tree"]["Child"]["Child"]["Child"]["V"], "leaf");
  try {
    Decode(RestXml(), MakeRequest("PUT", "/maps", {}, NestedTree(200)));
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "MalformedXML");
  }
  // Deep markup that no shape follows is parsed without recursion and ignored.
  std::string deep = "<PutMapsRequest>";
  for (int i = 0; i < 200000; ++i) deep += "<x>";
  EXPECT_THROW(Decode(RestXml(), MakeRequest("PUT", "/maps", {}, deep)), ApiError);
  for (int i = 0; i < 200000; ++i) deep += "</x>";
  deep += "</PutMapsRequest>";
  EXPECT_EQ(Decode(RestXml(), MakeRequest("PUT", "/maps", {}, deep)), Json::object());
}

TEST(SyntheticQuery, MapsFlattenedListsBlobsAndNesting) {
  WireRequest r = MakeRequest(
      "POST", "/", {},
      "Action=Do&Attributes.entry.2.Name=b&Attributes.entry.2.Value=2&Attributes.entry.1.Name=a"
      "&Attributes.entry.1.Value=1&FlatAttributes.1.key=k&FlatAttributes.1.value=v"
      "&Id.1=i1&Id.2=i2&Data=aGk%3D&When=2015-08-30T12%3A36%3A00Z&Inner.Deep.Deep.V=deep");
  Json input = Decode(Query(), r);
  EXPECT_EQ(input, Json::parse(R"({"Attributes":{"a":"1","b":"2"},"FlatAttributes":{"k":"v"},
      "Ids":["i1","i2"],"Data":"hi","When":1440938160,"Inner":{"Deep":{"Deep":{"V":"deep"}}}})"));
}

TEST(SyntheticQuery, DeepParameterNamesAreIgnored) {
  std::string name = "Inner";
  for (int i = 0; i < 40; ++i) name += ".Deep";
  Json input = Decode(Query(), MakeRequest("POST", "/", {}, "Action=Do&" + name + ".V=x"));
  EXPECT_EQ(input, Json::object());
}

TEST(SyntheticQuery, OutputMapsFlattenedListsAndFloats) {
  Json output = Json::parse(R"({"Attributes":{"a":"1"},"Ids":["i1","i2"],"Data":"hi",
      "Ratio":0.5})");
  WireResponse r = EncodeOutput(Query(), *Query().FindOperation("Do"), output, "q");
  EXPECT_EQ(r.body,
            "<DoResponse xmlns=\"urn:q\"><DoResult><Attributes><entry><Name>a</Name>"
            "<Value>1</Value></entry></Attributes><Id>i1</Id><Id>i2</Id><Data>aGk=</Data>"
            "<Ratio>0.5</Ratio></DoResult><ResponseMetadata><RequestId>q</RequestId>"
            "</ResponseMetadata></DoResponse>");
}

}  // namespace
}  // namespace aws::protocol
