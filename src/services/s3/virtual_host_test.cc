#include "services/s3/virtual_host.h"

#include <gtest/gtest.h>

namespace s3 {
namespace {

TEST(VirtualHostTest, BucketsFromHosts) {
  VirtualHost vh({"localhost", "studio.internal"});
  EXPECT_EQ(vh.BucketOf("photos.localhost:8750"), "photos");
  EXPECT_EQ(vh.BucketOf("Photos.LocalHost"), "photos");
  EXPECT_EQ(vh.BucketOf("my.dotted.bucket.studio.internal"), "my.dotted.bucket");
  EXPECT_EQ(vh.BucketOf("logs.s3.us-east-1.amazonaws.com"), "logs");
  EXPECT_EQ(vh.BucketOf("logs.s3.amazonaws.com:443"), "logs");
  EXPECT_FALSE(vh.BucketOf("localhost:8750"));
  EXPECT_FALSE(vh.BucketOf("127.0.0.1:8750"));
  EXPECT_FALSE(vh.BucketOf("[::1]:8750"));
  EXPECT_FALSE(vh.BucketOf("s3.amazonaws.com"));
  EXPECT_FALSE(vh.BucketOf("Bad_Name.localhost"));
  EXPECT_FALSE(vh.BucketOf("example.com"));
}

TEST(VirtualHostTest, RoutesToPathStyle) {
  VirtualHost vh({"localhost"});
  http::Request req;
  req.headers.Set("Host", "data.localhost:9000");
  req.path = "/dir/key%20x";
  EXPECT_EQ(vh.RoutePath(req), "/data/dir/key%20x");
  req.path = "/";
  EXPECT_EQ(vh.RoutePath(req), "/data");
  req.path = "//leading";
  EXPECT_EQ(vh.RoutePath(req), "/data//leading");
  req.headers.Set("Host", "127.0.0.1:9000");
  EXPECT_FALSE(vh.RoutePath(req));
}

}  // namespace
}  // namespace s3
