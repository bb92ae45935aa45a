#include "services/s3/form_data_reader.h"

#include <gtest/gtest.h>

#include <string>

#include "platform/aws/api_error.h"
#include "platform/aws/sigv4/sigv4_test_util.h"

namespace s3 {
namespace {

// A body delivered `step` bytes per Read, to cross every buffer boundary.
using StepReader = aws::sigv4::testing::StringBodyReader;

std::string Form(const std::string& file) {
  return "--XyZ\r\n"
         "Content-Disposition: form-data; name=\"key\"\r\n\r\n"
         "uploads/${filename}\r\n"
         "--XyZ\r\n"
         "Content-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
         "Content-Type: application/octet-stream\r\n\r\n" +
         file + "\r\n--XyZ--\r\n";
}

TEST(FormDataReaderTest, ReadsFieldsAndFileAtEveryChunking) {
  std::string file;
  for (int i = 0; i < 200000; ++i) file.push_back(static_cast<char>(i * 7));
  file += "\r\n--XyY\r\n--Xy";  // almost delimiters, split across reads
  for (size_t step : {1u, 3u, 7u, 4096u, 65536u, 1u << 20}) {
    if (step == 1 && file.size() > 300000) continue;
    StepReader body(Form(file), step);
    FormDataReader form(body, "XyZ");
    FormDataReader::Part part;
    ASSERT_TRUE(form.NextPart(&part));
    EXPECT_EQ(part.name, "key");
    EXPECT_EQ(form.ReadAll(1024), "uploads/${filename}");
    ASSERT_TRUE(form.NextPart(&part));
    EXPECT_EQ(part.name, "file");
    EXPECT_EQ(part.filename, "a.bin");
    EXPECT_EQ(part.content_type, "application/octet-stream");
    EXPECT_EQ(form.ReadAll(1 << 20), file) << step;
    EXPECT_FALSE(form.NextPart(&part));
  }
}

TEST(FormDataReaderTest, MalformedBodiesAreRefused) {
  StepReader truncated("--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", 5);
  FormDataReader form(truncated, "XyZ");
  FormDataReader::Part part;
  ASSERT_TRUE(form.NextPart(&part));
  EXPECT_THROW(form.ReadAll(100), aws::ApiError);
  StepReader too_big(Form(std::string(5000, 'x')), 100);
  FormDataReader big(too_big, "XyZ");
  ASSERT_TRUE(big.NextPart(&part));
  ASSERT_TRUE(big.NextPart(&part));
  EXPECT_THROW(big.ReadAll(100), aws::ApiError);
}

TEST(FormDataReaderTest, BoundaryOfContentType) {
  EXPECT_EQ(FormDataReader::BoundaryOf("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(FormDataReader::BoundaryOf("Multipart/Form-Data;boundary=\"q r\""), "q r");
  EXPECT_EQ(FormDataReader::BoundaryOf("application/x-www-form-urlencoded"), "");
  EXPECT_EQ(FormDataReader::BoundaryOf("multipart/form-data"), "");
}

}  // namespace
}  // namespace s3
