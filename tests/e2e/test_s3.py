"""S3 through boto3 and raw HTTP: buckets, objects, ranges, preconditions, checksums, copies,
listings, versioning, multipart uploads, presigned URLs, browser POST uploads, CORS, bucket
policies with IAM, lifecycle expiry, streaming uploads, odd keys and S3's error codes."""
import base64
import hashlib
import json
import os
import time
import unittest
import urllib.parse
import zlib

import boto3.s3.transfer
import botocore.config
import requests
from botocore.exceptions import ClientError

import harness
import s3util
from s3util import MIB


class S3Test(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(env={"UNISTUDIO_S3_SWEEP_INTERVAL_MS": "300"})
        cls.s3 = cls.server.client("s3", signature_version="s3v4")

    def bucket(self, name=None, **kwargs):
        name = name or ("b-" + self.id().rsplit(".", 1)[-1].replace("_", "-"))[:63].rstrip("-")
        self.s3.create_bucket(Bucket=name, **kwargs)
        return name

    def status(self, exc):
        return exc.response["ResponseMetadata"]["HTTPStatusCode"]

    # ---- buckets ---------------------------------------------------------------------------

    def test_bucket_lifecycle_and_errors(self):
        b = self.bucket()
        self.assertEqual(self.s3.head_bucket(Bucket=b)["ResponseMetadata"]["HTTPStatusCode"], 200)
        names = [x["Name"] for x in self.s3.list_buckets()["Buckets"]]
        self.assertIn(b, names)
        self.assertIsNone(self.s3.get_bucket_location(Bucket=b).get("LocationConstraint"))
        self.assertAwsError("BucketAlreadyOwnedByYou", self.s3.create_bucket, Bucket=b, status=409)
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        e = self.assertAwsError("BucketNotEmpty", self.s3.delete_bucket, Bucket=b, status=409)
        self.assertEqual(e.response["Error"]["BucketName"], b)
        self.s3.delete_object(Bucket=b, Key="k")
        self.s3.delete_bucket(Bucket=b)
        e = self.assertAwsError("404", self.s3.head_bucket, Bucket=b, status=404)
        self.assertAwsError("NoSuchBucket", self.s3.list_objects_v2, Bucket=b, status=404)
        self.assertAwsError("NoSuchBucket", self.s3.get_object, Bucket=b, Key="k", status=404)

    def test_invalid_bucket_names(self):
        for name in ["ab", "Upper", "a..b", "192.168.1.1", "-start", "x" * 64, "xn--bad"]:
            r = s3util.signed(self.server, "PUT", "/" + name)
            self.assertEqual(r.status_code, 400, (name, r.text))
            self.assertIn("<Code>InvalidBucketName</Code>", r.text)

    def test_location_constraint(self):
        eu = self.server.client("s3", region="eu-west-1")
        eu.create_bucket(Bucket="b-eu-located",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertEqual(eu.get_bucket_location(Bucket="b-eu-located")["LocationConstraint"],
                         "eu-west-1")
        self.assertAwsError("IllegalLocationConstraintException", self.s3.create_bucket,
                            Bucket="b-eu-mismatch",
                            CreateBucketConfiguration={"LocationConstraint": "eu-west-1"},
                            status=400)

    def test_bucket_tagging(self):
        b = self.bucket()
        self.assertAwsError("NoSuchTagSet", self.s3.get_bucket_tagging, Bucket=b, status=404)
        tags = [{"Key": "team", "Value": "data"}, {"Key": "env", "Value": "dev"}]
        self.s3.put_bucket_tagging(Bucket=b, Tagging={"TagSet": tags})
        self.assertEqual(self.s3.get_bucket_tagging(Bucket=b)["TagSet"], tags)
        self.s3.delete_bucket_tagging(Bucket=b)
        self.assertAwsError("NoSuchTagSet", self.s3.get_bucket_tagging, Bucket=b)

    def test_malformed_xml(self):
        b = self.bucket()
        r = s3util.signed(self.server, "PUT", "/" + b, query="versioning",
                          body=b"<VersioningConfiguration><Status>Enabled</Stat")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("<Code>MalformedXML</Code>", r.text)
        r = s3util.signed(self.server, "POST", "/" + b, query="delete", body=b"not xml at all")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("<Code>MalformedXML</Code>", r.text)

    # ---- objects ---------------------------------------------------------------------------

    def test_round_trip_sizes_put_object(self):
        b = self.bucket()
        for size in [0, 1, 5 * MIB - 1, 5 * MIB, 5 * MIB + 1]:
            data = s3util.payload(size, seed=size)
            put = self.s3.put_object(Bucket=b, Key="obj-%d" % size, Body=data)
            self.assertEqual(put["ETag"], '"%s"' % s3util.md5_hex(data))
            got = self.s3.get_object(Bucket=b, Key="obj-%d" % size)
            self.assertEqual(got["ContentLength"], size)
            self.assertEqual(got["Body"].read(), data)

    def test_upload_file_multipart_and_download_file(self):
        b = self.bucket()
        config = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MIB,
                                                  multipart_chunksize=5 * MIB)
        for size in [0, 1, 5 * MIB - 1, 5 * MIB + 1, 12 * MIB]:
            data = s3util.payload(size, seed=size + 7)
            src = s3util.temp_file(data)
            dst = src + ".out"
            try:
                self.s3.upload_file(src, b, "file-%d" % size, Config=config)
                head = self.s3.head_object(Bucket=b, Key="file-%d" % size, ChecksumMode="ENABLED")
                self.assertEqual(head["ContentLength"], size)
                if size > 5 * MIB:
                    parts = [data[i:i + 5 * MIB] for i in range(0, size, 5 * MIB)]
                    self.assertEqual(head["ETag"], s3util.multipart_etag(parts))
                self.assertIn("ChecksumCRC32", head)
                self.s3.download_file(b, "file-%d" % size, dst, Config=config)
                with open(dst, "rb") as f:
                    self.assertEqual(f.read(), data)
            finally:
                os.unlink(src)
                if os.path.exists(dst):
                    os.unlink(dst)

    def test_hundred_mib_round_trip(self):
        b = self.bucket()
        data = s3util.payload(100 * MIB, seed=100)
        src = s3util.temp_file(data)
        dst = src + ".out"
        try:
            self.s3.upload_file(src, b, "big")
            self.s3.download_file(b, "big", dst)
            with open(dst, "rb") as f:
                self.assertEqual(hashlib.sha256(f.read()).digest(), hashlib.sha256(data).digest())
        finally:
            os.unlink(src)
            if os.path.exists(dst):
                os.unlink(dst)

    def test_metadata_headers_and_overrides(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="m", Body=b"hello", ContentType="text/plain",
                           CacheControl="max-age=60", ContentDisposition="inline",
                           Metadata={"owner": "ana", "purpose": "test"})
        head = self.s3.head_object(Bucket=b, Key="m")
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(head["CacheControl"], "max-age=60")
        self.assertEqual(head["Metadata"], {"owner": "ana", "purpose": "test"})
        got = self.s3.get_object(Bucket=b, Key="m", ResponseContentType="application/x-test",
                                 ResponseContentDisposition="attachment; filename=m.txt")
        self.assertEqual(got["ContentType"], "application/x-test")
        self.assertEqual(got["ContentDisposition"], "attachment; filename=m.txt")

    def test_ranges(self):
        b = self.bucket()
        data = bytes(range(256)) * 4
        self.s3.put_object(Bucket=b, Key="r", Body=data)
        got = self.s3.get_object(Bucket=b, Key="r", Range="bytes=10-19")
        self.assertEqual(got["Body"].read(), data[10:20])
        self.assertEqual(got["ContentRange"], "bytes 10-19/1024")
        self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="r", Range="bytes=-5")["Body"].read(),
                         data[-5:])
        self.assertEqual(self.s3.get_object(Bucket=b, Key="r", Range="bytes=1000-")["Body"].read(),
                         data[1000:])
        self.assertEqual(
            self.s3.get_object(Bucket=b, Key="r", Range="bytes=1000-5000")["Body"].read(),
            data[1000:])
        e = self.assertAwsError("InvalidRange", self.s3.get_object, Bucket=b, Key="r",
                                Range="bytes=1024-", status=416)
        self.assertEqual(e.response["Error"]["ActualObjectSize"], "1024")
        # A range S3 cannot parse is ignored.
        whole = self.s3.get_object(Bucket=b, Key="r", Range="bytes=abc")
        self.assertEqual(whole["Body"].read(), data)

    def test_read_preconditions(self):
        b = self.bucket()
        etag = self.s3.put_object(Bucket=b, Key="p", Body=b"data")["ETag"]
        self.assertEqual(self.s3.get_object(Bucket=b, Key="p", IfMatch=etag)["Body"].read(), b"data")
        self.assertAwsError("PreconditionFailed", self.s3.get_object, Bucket=b, Key="p",
                            IfMatch='"0000"', status=412)
        self.assertAwsError("304", self.s3.get_object, Bucket=b, Key="p", IfNoneMatch=etag,
                            status=304)
        self.assertAwsError("304", self.s3.get_object, Bucket=b, Key="p",
                            IfModifiedSince=time.time() + 3600, status=304)
        self.assertAwsError("PreconditionFailed", self.s3.get_object, Bucket=b, Key="p",
                            IfUnmodifiedSince=time.time() - 3600, status=412)
        self.assertAwsError("412", self.s3.head_object, Bucket=b, Key="p", IfMatch='"0000"',
                            status=412)

    def test_conditional_write(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="once", Body=b"1", IfNoneMatch="*")
        self.assertAwsError("PreconditionFailed", self.s3.put_object, Bucket=b, Key="once",
                            Body=b"2", IfNoneMatch="*", status=412)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="once")["Body"].read(), b"1")

    def test_bad_digests(self):
        b = self.bucket()
        wrong_md5 = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        self.assertAwsError("BadDigest", self.s3.put_object, Bucket=b, Key="d", Body=b"data",
                            ContentMD5=wrong_md5, status=400)
        wrong_crc = base64.b64encode((123).to_bytes(4, "big")).decode()
        self.assertAwsError("BadDigest", self.s3.put_object, Bucket=b, Key="d", Body=b"data",
                            ChecksumCRC32=wrong_crc, status=400)
        wrong_sha = base64.b64encode(hashlib.sha256(b"x").digest()).decode()
        self.assertAwsError("BadDigest", self.s3.put_object, Bucket=b, Key="d", Body=b"data",
                            ChecksumSHA256=wrong_sha, status=400)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="d", status=404)
        good = base64.b64encode(zlib.crc32(b"data").to_bytes(4, "big")).decode()
        put = self.s3.put_object(Bucket=b, Key="d", Body=b"data", ChecksumCRC32=good,
                                 ChecksumSHA1=base64.b64encode(hashlib.sha1(b"data").digest()).decode())
        self.assertEqual(put["ChecksumCRC32"], good)
        head = self.s3.head_object(Bucket=b, Key="d", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], good)

    def test_missing_key_error_shape(self):
        b = self.bucket()
        r = s3util.signed(self.server, "GET", "/%s/no/such/key" % b)
        self.assertEqual(r.status_code, 404)
        self.assertIn("<Code>NoSuchKey</Code>", r.text)
        self.assertIn("<Key>no/such/key</Key>", r.text)
        head = s3util.signed(self.server, "HEAD", "/%s/no/such/key" % b)
        self.assertEqual(head.status_code, 404)
        self.assertEqual(head.content, b"")

    def test_object_tagging(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="t", Body=b"x", Tagging="a=1&b=two")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="t")["TagCount"], 2)
        tags = self.s3.get_object_tagging(Bucket=b, Key="t")["TagSet"]
        self.assertEqual(sorted((t["Key"], t["Value"]) for t in tags), [("a", "1"), ("b", "two")])
        self.s3.put_object_tagging(Bucket=b, Key="t", Tagging={"TagSet": [{"Key": "c", "Value": "3"}]})
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="t")["TagSet"],
                         [{"Key": "c", "Value": "3"}])
        self.s3.delete_object_tagging(Bucket=b, Key="t")
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="t")["TagSet"], [])

    def test_copy_object(self):
        b = self.bucket()
        etag = self.s3.put_object(Bucket=b, Key="src", Body=b"copy me", ContentType="text/x",
                                  Metadata={"m": "1"})["ETag"]
        out = self.s3.copy_object(Bucket=b, Key="dst", CopySource={"Bucket": b, "Key": "src"})
        self.assertEqual(out["CopyObjectResult"]["ETag"], etag)
        head = self.s3.head_object(Bucket=b, Key="dst")
        self.assertEqual((head["ContentType"], head["Metadata"]), ("text/x", {"m": "1"}))
        self.s3.copy_object(Bucket=b, Key="dst2", CopySource="%s/src" % b,
                            MetadataDirective="REPLACE", ContentType="text/y",
                            Metadata={"n": "2"})
        head = self.s3.head_object(Bucket=b, Key="dst2")
        self.assertEqual((head["ContentType"], head["Metadata"]), ("text/y", {"n": "2"}))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="dst2")["Body"].read(), b"copy me")
        self.assertAwsError("PreconditionFailed", self.s3.copy_object, Bucket=b, Key="dst3",
                            CopySource={"Bucket": b, "Key": "src"}, CopySourceIfMatch='"nope"',
                            status=412)
        self.assertAwsError("InvalidRequest", self.s3.copy_object, Bucket=b, Key="src",
                            CopySource={"Bucket": b, "Key": "src"}, status=400)
        self.assertAwsError("NoSuchKey", self.s3.copy_object, Bucket=b, Key="x",
                            CopySource={"Bucket": b, "Key": "missing"}, status=404)

    def test_delete_objects_quiet_and_verbose(self):
        b = self.bucket()
        for i in range(5):
            self.s3.put_object(Bucket=b, Key="d%d" % i, Body=b"x")
        out = self.s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "d0"}, {"Key": "d1"},
                                                                   {"Key": "never"}]})
        self.assertEqual(sorted(d["Key"] for d in out["Deleted"]), ["d0", "d1", "never"])
        out = self.s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "d2"}], "Quiet": True})
        self.assertNotIn("Deleted", out)
        keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=b)["Contents"]]
        self.assertEqual(keys, ["d3", "d4"])

    def test_odd_keys_round_trip(self):
        b = self.bucket()
        keys = ["..", "a/../b", "//double//slash", "/leading", "with space", "ünïcødé/ключ/鍵",
                "trailing/", "q?x=1&y=%20", "plus+sign", "tab\tchar", "x" * 1024]
        for k in keys:
            self.s3.put_object(Bucket=b, Key=k, Body=k.encode())
        listed = sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket=b)["Contents"])
        self.assertEqual(listed, sorted(keys))
        for k in keys:
            self.assertEqual(self.s3.get_object(Bucket=b, Key=k)["Body"].read(), k.encode(), k)
        self.assertAwsError("KeyTooLongError", self.s3.put_object, Bucket=b, Key="y" * 1025,
                            Body=b"", status=400)
        data_dir = os.listdir(self.server.data_dir)
        self.assertNotIn("..", data_dir)

    # ---- listings --------------------------------------------------------------------------

    def test_list_objects_v2(self):
        b = self.bucket()
        keys = ["a/1", "a/2", "a/b/3", "b/1", "c", "d e"]
        for k in keys:
            self.s3.put_object(Bucket=b, Key=k, Body=b"")
        out = self.s3.list_objects_v2(Bucket=b, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["a/", "b/"])
        self.assertEqual([o["Key"] for o in out["Contents"]], ["c", "d e"])
        self.assertEqual(out["KeyCount"], 4)
        out = self.s3.list_objects_v2(Bucket=b, Prefix="a/", Delimiter="/")
        self.assertEqual([o["Key"] for o in out["Contents"]], ["a/1", "a/2"])
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["a/b/"])
        out = self.s3.list_objects_v2(Bucket=b, StartAfter="b/1")
        self.assertEqual([o["Key"] for o in out["Contents"]], ["c", "d e"])
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=b,
                                                                   PaginationConfig={"PageSize": 2})
        seen = [o["Key"] for p in pages for o in p.get("Contents", [])]
        self.assertEqual(seen, keys)
        raw = s3util.signed(self.server, "GET", "/" + b, query="list-type=2&encoding-type=url")
        self.assertIn("<Key>d%20e</Key>", raw.text)
        self.assertAwsError("InvalidArgument", self.s3.list_objects_v2, Bucket=b,
                            ContinuationToken="garbage!", status=400)

    def test_list_objects_v1(self):
        b = self.bucket()
        for i in range(7):
            self.s3.put_object(Bucket=b, Key="k%02d" % i, Body=b"")
        out = self.s3.list_objects(Bucket=b, MaxKeys=3)
        self.assertTrue(out["IsTruncated"])
        self.assertEqual([o["Key"] for o in out["Contents"]], ["k00", "k01", "k02"])
        out = self.s3.list_objects(Bucket=b, Marker="k02", MaxKeys=3)
        self.assertEqual([o["Key"] for o in out["Contents"]], ["k03", "k04", "k05"])
        pages = self.s3.get_paginator("list_objects").paginate(Bucket=b,
                                                                PaginationConfig={"PageSize": 2})
        self.assertEqual(len([o for p in pages for o in p.get("Contents", [])]), 7)

    # ---- versioning ------------------------------------------------------------------------

    def test_versioning(self):
        b = self.bucket()
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=b))
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
        v1 = self.s3.put_object(Bucket=b, Key="v", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="v", Body=b"two")["VersionId"]
        self.assertNotEqual(v1, v2)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="v", VersionId=v1)["Body"].read(), b"one")
        self.assertEqual(self.s3.head_object(Bucket=b, Key="v", VersionId=v2)["ContentLength"], 3)
        marker = self.s3.delete_object(Bucket=b, Key="v")
        self.assertTrue(marker["DeleteMarker"])
        e = self.assertAwsError("NoSuchKey", self.s3.get_object, Bucket=b, Key="v", status=404)
        self.assertEqual(e.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"], "true")
        versions = self.s3.list_object_versions(Bucket=b)
        self.assertEqual([v["VersionId"] for v in versions["Versions"]], [v2, v1])
        self.assertEqual(versions["DeleteMarkers"][0]["VersionId"], marker["VersionId"])
        self.assertTrue(versions["DeleteMarkers"][0]["IsLatest"])
        self.s3.delete_object(Bucket=b, Key="v", VersionId=marker["VersionId"])
        self.assertEqual(self.s3.get_object(Bucket=b, Key="v")["Body"].read(), b"two")
        self.s3.delete_object(Bucket=b, Key="v", VersionId=v2)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="v")["Body"].read(), b"one")
        self.assertAwsError("NoSuchVersion", self.s3.get_object, Bucket=b, Key="v",
                            VersionId="nope", status=404)

    # ---- multipart -------------------------------------------------------------------------

    def test_multipart_rules(self):
        b = self.bucket()
        up = self.s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]
        p1 = s3util.payload(5 * MIB, 1)
        p2 = s3util.payload(3, 2)
        e1 = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=1, Body=p1)["ETag"]
        e2 = self.s3.upload_part(Bucket=b, Key="mp", UploadId=up, PartNumber=2, Body=p2)["ETag"]
        parts = self.s3.list_parts(Bucket=b, Key="mp", UploadId=up)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts], [(1, 5 * MIB), (2, 3)])
        uploads = self.s3.list_multipart_uploads(Bucket=b)["Uploads"]
        self.assertEqual([u["UploadId"] for u in uploads], [up])
        self.assertAwsError("InvalidPart", self.s3.complete_multipart_upload, Bucket=b, Key="mp",
                            UploadId=up, MultipartUpload={"Parts": [
                                {"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]},
                            status=400)
        self.assertAwsError("InvalidPartOrder", self.s3.complete_multipart_upload, Bucket=b,
                            Key="mp", UploadId=up, MultipartUpload={"Parts": [
                                {"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]},
                            status=400)
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=up,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
        self.assertEqual(done["ETag"], s3util.multipart_etag([p1, p2]))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="mp")["Body"].read(), p1 + p2)
        part2 = self.s3.get_object(Bucket=b, Key="mp", PartNumber=2)
        self.assertEqual((part2["Body"].read(), part2["PartsCount"]), (p2, 2))
        # Too small: a part other than the last under 5 MiB.
        up = self.s3.create_multipart_upload(Bucket=b, Key="small")["UploadId"]
        s1 = self.s3.upload_part(Bucket=b, Key="small", UploadId=up, PartNumber=1, Body=b"a")["ETag"]
        s2 = self.s3.upload_part(Bucket=b, Key="small", UploadId=up, PartNumber=2, Body=b"b")["ETag"]
        self.assertAwsError("EntityTooSmall", self.s3.complete_multipart_upload, Bucket=b,
                            Key="small", UploadId=up, MultipartUpload={"Parts": [
                                {"PartNumber": 1, "ETag": s1}, {"PartNumber": 2, "ETag": s2}]},
                            status=400)
        self.s3.abort_multipart_upload(Bucket=b, Key="small", UploadId=up)
        self.assertAwsError("NoSuchUpload", self.s3.list_parts, Bucket=b, Key="small",
                            UploadId=up, status=404)

    def test_upload_part_copy_and_composite_checksum(self):
        b = self.bucket()
        src = s3util.payload(6 * MIB, 9)
        self.s3.put_object(Bucket=b, Key="src", Body=src)
        up = self.s3.create_multipart_upload(Bucket=b, Key="dst", ChecksumAlgorithm="CRC32")
        self.assertEqual(up["ChecksumType"], "COMPOSITE")
        uid = up["UploadId"]
        c1 = self.s3.upload_part_copy(Bucket=b, Key="dst", UploadId=uid, PartNumber=1,
                                      CopySource={"Bucket": b, "Key": "src"},
                                      CopySourceRange="bytes=0-%d" % (5 * MIB - 1))
        tail = b"tail bytes"
        p2 = self.s3.upload_part(Bucket=b, Key="dst", UploadId=uid, PartNumber=2, Body=tail,
                                 ChecksumAlgorithm="CRC32")
        parts = [{"PartNumber": 1, "ETag": c1["CopyPartResult"]["ETag"],
                  "ChecksumCRC32": c1["CopyPartResult"]["ChecksumCRC32"]},
                 {"PartNumber": 2, "ETag": p2["ETag"], "ChecksumCRC32": p2["ChecksumCRC32"]}]
        done = self.s3.complete_multipart_upload(Bucket=b, Key="dst", UploadId=uid,
                                                 MultipartUpload={"Parts": parts})
        crcs = b"".join(base64.b64decode(p["ChecksumCRC32"]) for p in parts)
        composite = base64.b64encode(zlib.crc32(crcs).to_bytes(4, "big")).decode() + "-2"
        self.assertEqual(done["ChecksumCRC32"], composite)
        body = self.s3.get_object(Bucket=b, Key="dst")["Body"].read()
        self.assertEqual(body, src[:5 * MIB] + tail)

    # ---- streaming uploads -----------------------------------------------------------------

    def test_streaming_signed_chunks(self):
        b = self.bucket()
        data = s3util.payload(200 * 1024 + 17, 5)
        r = s3util.streaming_signed_put(self.server, b, "chunked", data)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["ETag"], '"%s"' % s3util.md5_hex(data))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="chunked")["Body"].read(), data)
        bad = s3util.streaming_signed_put(self.server, b, "tampered", data, tamper_chunk=1)
        self.assertEqual(bad.status_code, 403, bad.text)
        self.assertIn("SignatureDoesNotMatch", bad.text)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="tampered", status=404)

    def test_unsigned_trailer_checksum(self):
        b = self.bucket()
        data = b"trailing checksum body" * 1000
        crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()

        def send(trailer_value):
            body = (b"%x\r\n" % len(data)) + data + b"\r\n0\r\n" + \
                b"x-amz-checksum-crc32:" + trailer_value.encode() + b"\r\n\r\n"
            return s3util.signed(self.server, "PUT", "/%s/trailer" % b, body=body,
                                 payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                                 headers={"Content-Encoding": "aws-chunked",
                                          "x-amz-decoded-content-length": str(len(data)),
                                          "x-amz-trailer": "x-amz-checksum-crc32"})
        bad = send(base64.b64encode(b"\0\0\0\0").decode())
        self.assertEqual(bad.status_code, 400, bad.text)
        self.assertIn("BadDigest", bad.text)
        ok = send(crc)
        self.assertEqual(ok.status_code, 200, ok.text)
        head = self.s3.head_object(Bucket=b, Key="trailer", ChecksumMode="ENABLED")
        self.assertEqual(head["ChecksumCRC32"], crc)
        self.assertNotIn("ContentEncoding", head)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="trailer")["Body"].read(), data)

    # ---- presigned URLs and browser uploads ------------------------------------------------

    def test_presigned_get_and_put(self):
        b = self.bucket()
        put_url = self.s3.generate_presigned_url("put_object", Params={"Bucket": b, "Key": "ps"},
                                                 ExpiresIn=60)
        r = requests.put(put_url, data=b"presigned body", timeout=10)
        self.assertEqual(r.status_code, 200, r.text)
        get_url = self.s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "ps"},
                                                 ExpiresIn=60)
        r = requests.get(get_url, timeout=10)
        self.assertEqual((r.status_code, r.content), (200, b"presigned body"))
        r = requests.get(get_url.replace("ps?", "px?"), timeout=10)
        self.assertEqual(r.status_code, 403)
        self.assertEqual(requests.get(self.server.endpoint + "/%s/ps" % b, timeout=10).status_code,
                         403)

    def test_browser_post_upload(self):
        b = self.bucket()
        post = self.s3.generate_presigned_post(
            b, "uploads/${filename}", ExpiresIn=60,
            Conditions=[["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1000],
                        {"success_action_status": "201"}],
            Fields={"success_action_status": "201"})
        r = requests.post(post["url"], data=post["fields"],
                          files={"file": ("photo.txt", b"form bytes")}, timeout=10)
        self.assertEqual(r.status_code, 201, r.text)
        self.assertIn("<Key>uploads/photo.txt</Key>", r.text)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="uploads/photo.txt")["Body"].read(),
                         b"form bytes")
        r = requests.post(post["url"], data=post["fields"],
                          files={"file": ("big.txt", b"x" * 2000)}, timeout=10)
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("EntityTooLarge", r.text)
        tampered = dict(post["fields"], key="elsewhere/x")
        r = requests.post(post["url"], data=tampered, files={"file": ("x", b"x")}, timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        forged = dict(post["fields"], **{"x-amz-signature": "0" * 64})
        r = requests.post(post["url"], data=forged, files={"file": ("y", b"y")}, timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("SignatureDoesNotMatch", r.text)

    def test_cors(self):
        b = self.bucket()
        origin = "http://portal.example"
        r = requests.options(self.server.endpoint + "/%s/k" % b, timeout=10,
                             headers={"Origin": origin, "Access-Control-Request-Method": "PUT"})
        self.assertEqual(r.status_code, 403, r.text)
        self.s3.put_bucket_cors(Bucket=b, CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": ["http://*.example"], "AllowedMethods": ["GET", "PUT", "POST"],
            "AllowedHeaders": ["*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600}]})
        self.assertEqual(self.s3.get_bucket_cors(Bucket=b)["CORSRules"][0]["MaxAgeSeconds"], 600)
        r = requests.options(self.server.endpoint + "/%s/k" % b, timeout=10,
                             headers={"Origin": origin, "Access-Control-Request-Method": "PUT",
                                      "Access-Control-Request-Headers": "content-type,x-amz-date"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["Access-Control-Allow-Origin"], origin)
        self.assertIn("PUT", r.headers["Access-Control-Allow-Methods"])
        self.assertEqual(r.headers["Access-Control-Max-Age"], "600")
        r = requests.options(self.server.endpoint + "/%s/k" % b, timeout=10,
                             headers={"Origin": origin, "Access-Control-Request-Method": "DELETE"})
        self.assertEqual(r.status_code, 403)
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        got = s3util.signed(self.server, "GET", "/%s/k" % b, headers={"Origin": origin})
        self.assertEqual(got.headers["Access-Control-Allow-Origin"], origin)
        self.assertEqual(got.headers["Access-Control-Expose-Headers"], "ETag")
        other = s3util.signed(self.server, "GET", "/%s/k" % b, headers={"Origin": "http://evil.com"})
        self.assertNotIn("Access-Control-Allow-Origin", other.headers)
        self.s3.delete_bucket_cors(Bucket=b)
        self.assertAwsError("NoSuchCORSConfiguration", self.s3.get_bucket_cors, Bucket=b,
                            status=404)

    # ---- authorization ---------------------------------------------------------------------

    def test_bucket_policy_and_anonymous_access(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="public/a", Body=b"open")
        self.s3.put_object(Bucket=b, Key="private/a", Body=b"closed")
        url = self.server.endpoint + "/%s/public/a" % b
        self.assertEqual(requests.get(url, timeout=10).status_code, 403)
        self.assertAwsError("NoSuchBucketPolicy", self.s3.get_bucket_policy, Bucket=b, status=404)
        self.assertAwsError("MalformedPolicy", self.s3.put_bucket_policy, Bucket=b,
                            Policy='{"Statement": "nope"}', status=400)
        policy = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/public/*" % b},
            {"Effect": "Deny", "Principal": "*", "Action": "s3:DeleteObject",
             "Resource": "arn:aws:s3:::%s/*" % b}]}
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps(policy))
        self.assertEqual(json.loads(self.s3.get_bucket_policy(Bucket=b)["Policy"]), policy)
        r = requests.get(url, timeout=10)
        self.assertEqual((r.status_code, r.content), (200, b"open"))
        self.assertEqual(requests.get(self.server.endpoint + "/%s/private/a" % b,
                                      timeout=10).status_code, 403)
        self.assertEqual(requests.put(url, data=b"x", timeout=10).status_code, 403)
        # An explicit deny in the bucket policy binds even the account root.
        self.assertAwsError("AccessDenied", self.s3.delete_object, Bucket=b, Key="public/a",
                            status=403)
        self.s3.delete_bucket_policy(Bucket=b)
        self.assertEqual(requests.get(url, timeout=10).status_code, 403)

    def test_iam_user_policies(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="reports/x", Body=b"r")
        self.s3.put_object(Bucket=b, Key="secret/y", Body=b"s")
        iam = self.server.client("iam")
        iam.create_user(UserName="s3reader")
        iam.put_user_policy(UserName="s3reader", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::%s/reports/*" % b},
                {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::%s" % b,
                 "Condition": {"StringLike": {"s3:prefix": "reports/*"}}}]}))
        key = iam.create_access_key(UserName="s3reader")["AccessKey"]
        user = self.server.client("s3", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        self.assertEqual(user.get_object(Bucket=b, Key="reports/x")["Body"].read(), b"r")
        self.assertAwsError("AccessDenied", user.get_object, Bucket=b, Key="secret/y", status=403)
        self.assertAwsError("AccessDenied", user.put_object, Bucket=b, Key="reports/z", Body=b"")
        self.assertEqual(len(user.list_objects_v2(Bucket=b, Prefix="reports/")["Contents"]), 1)
        self.assertAwsError("AccessDenied", user.list_objects_v2, Bucket=b)
        out = user.delete_objects(Bucket=b, Delete={"Objects": [{"Key": "reports/x"}]})
        self.assertEqual(out["Errors"][0]["Code"], "AccessDenied")
        # A bucket policy can grant what the identity policy does not.
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:user/s3reader" %
                                             self.server.account_id},
            "Action": "s3:PutObject", "Resource": "arn:aws:s3:::%s/inbox/*" % b}]}))
        user.put_object(Bucket=b, Key="inbox/new", Body=b"n")
        self.assertAwsError("AccessDenied", user.put_object, Bucket=b, Key="other", Body=b"")

    # ---- lifecycle, addressing -------------------------------------------------------------

    def test_lifecycle_expiration(self):
        b = self.bucket()
        self.s3.put_object(Bucket=b, Key="tmp/old", Body=b"x")
        self.s3.put_object(Bucket=b, Key="keep/old", Body=b"x")
        self.s3.put_bucket_lifecycle_configuration(Bucket=b, LifecycleConfiguration={"Rules": [{
            "ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
            "Expiration": {"Date": "2020-01-01T00:00:00Z"}}]})
        rules = self.s3.get_bucket_lifecycle_configuration(Bucket=b)["Rules"]
        self.assertEqual(rules[0]["ID"], "expire-tmp")
        deadline = time.time() + 15
        while time.time() < deadline:
            keys = [o["Key"] for o in self.s3.list_objects_v2(Bucket=b).get("Contents", [])]
            if keys == ["keep/old"]:
                break
            time.sleep(0.2)
        self.assertEqual(keys, ["keep/old"])
        self.assertAwsError("MalformedXML", self.s3.put_bucket_lifecycle_configuration, Bucket=b,
                            LifecycleConfiguration={"Rules": [{"ID": "x", "Status": "Enabled",
                                                               "Filter": {"Prefix": ""}}]},
                            status=400)
        self.s3.delete_bucket_lifecycle(Bucket=b)
        self.assertAwsError("NoSuchLifecycleConfiguration",
                            self.s3.get_bucket_lifecycle_configuration, Bucket=b, status=404)

    def test_virtual_hosted_style(self):
        b = self.bucket("vhost-bucket")
        port = self.server.endpoint.rsplit(":", 1)[1]
        host = "%s.localhost:%s" % (b, port)
        r = s3util.signed(self.server, "PUT", "/dir/file.txt", body=b"virtual", host=host)
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="dir/file.txt")["Body"].read(), b"virtual")
        r = s3util.signed(self.server, "GET", "/", query="list-type=2", host=host)
        self.assertIn("<Key>dir/file.txt</Key>", r.text)
        r = s3util.signed(self.server, "GET", "/dir/file.txt", host="%s.s3.local.test:%s" % (b, port))
        self.assertEqual(r.content, b"virtual")


if __name__ == "__main__":
    unittest.main()
