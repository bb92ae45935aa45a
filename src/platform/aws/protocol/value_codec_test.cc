#include "platform/aws/protocol/value_codec.h"

#include <gtest/gtest.h>

#include "platform/aws/protocol/codec_error.h"
#include "platform/aws/protocol/xml_writer.h"

namespace aws::protocol::detail {
namespace {

using base::Json;

double Seconds(std::string_view text) {
  auto t = ParseTimestampText(text);
  EXPECT_TRUE(t.has_value()) << text;
  return t ? TimestampToJson(*t).get<double>() : -1;
}

TEST(ValueCodec, TimestampForms) {
  EXPECT_EQ(Seconds("2015-08-30T12:36:00Z"), 1440938160);
  EXPECT_EQ(Seconds("2015-08-30T12:36:00.250Z"), 1440938160.25);
  EXPECT_EQ(Seconds("2015-08-30T14:36:00+02:00"), 1440938160);
  EXPECT_EQ(Seconds("Sun, 30 Aug 2015 12:36:00 GMT"), 1440938160);
  EXPECT_EQ(Seconds("1440938160"), 1440938160);
  EXPECT_EQ(Seconds("1440938160.123456789"), 1440938160.123457);
  EXPECT_EQ(Seconds("-1.5"), -1.5);
  EXPECT_EQ(Seconds("2261-12-31T23:59:59Z"), 9214646399);
  EXPECT_EQ(Seconds("1678-01-01T00:00:00Z"), -9214560000);
}

TEST(ValueCodec, TimestampsBeyondTheRepresentableRangeAreRefused) {
  for (const char* text : {"9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2262-05-01",
                           "Fri, 31 Dec 9999 23:59:59 GMT", "1e18", "99999999999", "NaN",
                           "Infinity", "", "yesterday", "2015-13-01T00:00:00Z"}) {
    EXPECT_FALSE(ParseTimestampText(text).has_value()) << text;
  }
}

TEST(ValueCodec, TimestampJsonAndFormats) {
  base::TimePoint t = *ParseTimestampText("2015-08-30T12:36:00.5Z");
  EXPECT_EQ(TimestampToJson(t), Json(1440938160.5));
  EXPECT_EQ(FormatTimestamp(t, TimestampFormat::kDefault, TimestampFormat::kIso8601),
            "2015-08-30T12:36:00.500Z");
  EXPECT_EQ(FormatTimestamp(t, TimestampFormat::kRfc822, TimestampFormat::kIso8601),
            "Sun, 30 Aug 2015 12:36:00 GMT");
  EXPECT_EQ(FormatTimestamp(t, TimestampFormat::kDefault, TimestampFormat::kUnixTimestamp),
            "1440938160.5");
  EXPECT_EQ(TimestampFromOutput(Json("2015-08-30T12:36:00.5Z")), t);
  EXPECT_EQ(TimestampFromOutput(Json(1440938160.5)), t);
  EXPECT_THROW(TimestampFromOutput(Json(true)), OutputError);
  EXPECT_THROW(TimestampFromOutput(Json(1e300)), OutputError);
}

TEST(ValueCodec, IntegersAreRangeChecked) {
  EXPECT_EQ(IntegerValue(ShapeType::kInteger, Json(2147483647)), Json(2147483647));
  EXPECT_FALSE(IntegerValue(ShapeType::kInteger, Json(2147483648)));
  EXPECT_FALSE(IntegerValue(ShapeType::kInteger, Json(-2147483649)));
  EXPECT_EQ(IntegerValue(ShapeType::kLong, Json(uint64_t{9223372036854775807u})),
            Json(int64_t{9223372036854775807}));
  EXPECT_FALSE(IntegerValue(ShapeType::kLong, Json(uint64_t{9223372036854775808u})));
  EXPECT_EQ(IntegerValue(ShapeType::kLong, Json(3.0)), Json(3));
  EXPECT_FALSE(IntegerValue(ShapeType::kLong, Json(3.5)));
  EXPECT_FALSE(IntegerValue(ShapeType::kLong, Json(9.3e18)));
  EXPECT_FALSE(IntegerValue(ShapeType::kLong, Json("3")));
}

TEST(ValueCodec, FloatsIncludeSpecialStrings) {
  EXPECT_EQ(FloatValue(Json(1.5)), 1.5);
  EXPECT_TRUE(std::isinf(*FloatValue(Json("-Infinity"))));
  EXPECT_FALSE(FloatValue(Json("1.5")));
  EXPECT_EQ(FloatJson(std::numeric_limits<double>::infinity()), Json("Infinity"));
  EXPECT_EQ(FloatJson(2.0), Json(2.0));
}

TEST(ValueCodec, ScalarText) {
  Shape integer("I", ShapeType::kInteger);
  Shape blob("B", ShapeType::kBlob);
  Shape boolean("Z", ShapeType::kBoolean);
  Shape dbl("D", ShapeType::kDouble);
  ShapeRef ref;
  ref.shape = &integer;
  EXPECT_EQ(DecodeScalarText(ref, "-12", "n"), Json(-12));
  EXPECT_THROW(DecodeScalarText(ref, "12abc", "n"), InputError);
  EXPECT_THROW(DecodeScalarText(ref, "", "n"), InputError);
  EXPECT_THROW(DecodeScalarText(ref, "4294967296", "n"), InputError);
  EXPECT_EQ(EncodeScalarText(ref, Json(7), TimestampFormat::kIso8601, "n"), "7");
  EXPECT_THROW(EncodeScalarText(ref, Json("7"), TimestampFormat::kIso8601, "n"), OutputError);
  ref.shape = &blob;
  EXPECT_EQ(DecodeScalarText(ref, "aGk=", "b"), Json("hi"));
  EXPECT_THROW(DecodeScalarText(ref, "a", "b"), InputError);
  EXPECT_EQ(EncodeScalarText(ref, Json(std::string("\0\1", 2)), TimestampFormat::kIso8601, "b"),
            "AAE=");
  ref.shape = &boolean;
  EXPECT_EQ(DecodeScalarText(ref, "TRUE", "z"), Json(true));
  EXPECT_THROW(DecodeScalarText(ref, "1", "z"), InputError);
  ref.shape = &dbl;
  EXPECT_EQ(DecodeScalarText(ref, "1e3", "d"), Json(1000.0));
  EXPECT_THROW(DecodeScalarText(ref, "1e999", "d"), InputError);
  EXPECT_THROW(DecodeScalarText(ref, "+1", "d"), InputError);
  EXPECT_EQ(EncodeScalarText(ref, Json("NaN"), TimestampFormat::kIso8601, "d"), "NaN");
}

TEST(XmlWriter, EscapesTextAttributesAndControlCharacters) {
  XmlWriter w;
  w.Open("a");
  w.Attribute("k", "x\"<y>&");
  w.Element("b", "1 < 2 & \x01 \t\n\r");
  w.Open("empty");
  w.Close("empty");
  w.Close("a");
  EXPECT_EQ(w.Take(),
            "<a k=\"x&quot;&lt;y&gt;&amp;\"><b>1 &lt; 2 &amp; &#x1; \t\n&#13;</b><empty/></a>");
}

}  // namespace
}  // namespace aws::protocol::detail
