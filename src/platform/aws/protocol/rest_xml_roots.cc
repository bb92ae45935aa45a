#include "platform/aws/protocol/rest_xml_roots.h"

#include <map>
#include <string_view>

namespace aws::protocol::detail {

std::string RestXmlRootName(const OperationModel& operation) {
  // Output shape -> root element of S3's response (docs.aws.amazon.com/AmazonS3/latest/API).
  static const std::map<std::string_view, std::string_view, std::less<>> kS3Roots = {
      {"CompleteMultipartUploadOutput", "CompleteMultipartUploadResult"},
      {"CreateMultipartUploadOutput", "InitiateMultipartUploadResult"},
      {"CreateSessionOutput", "CreateSessionResult"},
      {"DeleteObjectsOutput", "DeleteResult"},
      {"GetBucketAccelerateConfigurationOutput", "AccelerateConfiguration"},
      {"GetBucketAclOutput", "AccessControlPolicy"},
      {"GetBucketCorsOutput", "CORSConfiguration"},
      {"GetBucketLifecycleConfigurationOutput", "LifecycleConfiguration"},
      {"GetBucketLifecycleOutput", "LifecycleConfiguration"},
      {"GetBucketLocationOutput", "LocationConstraint"},
      {"GetBucketLoggingOutput", "BucketLoggingStatus"},
      {"GetBucketRequestPaymentOutput", "RequestPaymentConfiguration"},
      {"GetBucketTaggingOutput", "Tagging"},
      {"GetBucketVersioningOutput", "VersioningConfiguration"},
      {"GetBucketWebsiteOutput", "WebsiteConfiguration"},
      {"GetObjectAclOutput", "AccessControlPolicy"},
      {"GetObjectAttributesOutput", "GetObjectAttributesResponse"},
      {"GetObjectTaggingOutput", "Tagging"},
      {"ListBucketAnalyticsConfigurationsOutput", "ListBucketAnalyticsConfigurationResult"},
      {"ListBucketIntelligentTieringConfigurationsOutput",
       "ListBucketIntelligentTieringConfigurationsOutput"},
      {"ListBucketInventoryConfigurationsOutput", "ListInventoryConfigurationsResult"},
      {"ListBucketMetricsConfigurationsOutput", "ListMetricsConfigurationsResult"},
      {"ListBucketsOutput", "ListAllMyBucketsResult"},
      {"ListDirectoryBucketsOutput", "ListAllMyDirectoryBucketsResult"},
      {"ListMultipartUploadsOutput", "ListMultipartUploadsResult"},
      {"ListObjectVersionsOutput", "ListVersionsResult"},
      {"ListObjectsOutput", "ListBucketResult"},
      {"ListObjectsV2Output", "ListBucketResult"},
      {"ListPartsOutput", "ListPartsResult"},
      {"NotificationConfiguration", "NotificationConfiguration"},
      {"NotificationConfigurationDeprecated", "NotificationConfiguration"},
  };
  const ShapeRef* output = operation.output();
  if (output != nullptr && !output->location_name.empty()) return output->location_name;
  auto it = kS3Roots.find(operation.output_shape_name());
  if (it != kS3Roots.end()) return std::string(it->second);
  return operation.name() + "Result";
}

}  // namespace aws::protocol::detail
