"""S3 through boto3 and raw HTTP: buckets, objects, ranges, preconditions, checksums, copies,
listings (encoding-type=url), versioning, multipart uploads (UploadPartCopy, composite and
full-object checksums), presigned URLs, browser POST uploads, CORS, bucket policies with IAM and
anonymous callers, lifecycle expiry, streaming uploads (signed chunks and trailers),
virtual-hosted addressing, odd keys and S3's error codes."""
import base64
import hashlib
import io
import json
import os
import socket
import time
import unittest
import unittest.mock
import urllib.parse
import zlib

import boto3.s3.transfer
import botocore.config
import requests
from botocore.exceptions import ClientError

import harness
import s3util
from s3util import MIB


def _crc32c_table():
    table = []
    for n in range(256):
        for _ in range(8):
            n = (n >> 1) ^ (0x82F63B78 if n & 1 else 0)
        table.append(n)
    return table


_CRC32C = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli), table-driven: for the small bodies the tests check."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _CRC32C[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def b64(raw):
    return base64.b64encode(raw).decode()


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
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        upload = self.s3.create_multipart_upload(Bucket=b, Key="k")["UploadId"]
        cases = [
            ("PUT", "/" + b, "tagging", b"<Tagging><TagSet><Tag><Key>a</Key>"),
            ("PUT", "/" + b, "cors", b"<CORSConfiguration><CORSRule>"),
            ("PUT", "/" + b, "lifecycle", b"<LifecycleConfiguration><Rule></Lifecycle"),
            ("PUT", "/%s/k" % b, "tagging", b"<Tagging><TagSet>"),
            ("POST", "/%s/k" % b, "uploadId=" + upload, b"<CompleteMultipartUpload><Part>"),
            # Well-formed but not the schema: a Quiet that is no boolean, no Part in a
            # Complete, no versioning status.
            ("POST", "/" + b, "delete", b"<Delete><Object></Object><Quiet>yes</Quiet></Delete>"),
            ("POST", "/%s/k" % b, "uploadId=" + upload,
             b"<CompleteMultipartUpload></CompleteMultipartUpload>"),
            ("PUT", "/" + b, "versioning", b"<VersioningConfiguration></VersioningConfiguration>"),
            ("PUT", "/b-malformed-create", "",
             b"<CreateBucketConfiguration><LocationConstraint>"),
        ]
        for method, path, query, body in cases:
            r = s3util.signed(self.server, method, path, query=query, body=body)
            self.assertEqual(r.status_code, 400, (path, query, r.text))
            self.assertIn("<Code>MalformedXML</Code>", r.text, (path, query))
        # Nothing was changed or created by the refused documents.
        self.assertAwsError("NoSuchTagSet", self.s3.get_bucket_tagging, Bucket=b)
        self.assertAwsError("NoSuchCORSConfiguration", self.s3.get_bucket_cors, Bucket=b)
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket=b))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="k")["Body"].read(), b"x")
        self.assertEqual(len(self.s3.list_parts(Bucket=b, Key="k", UploadId=upload)
                             .get("Parts", [])), 0)
        self.assertAwsError("404", self.s3.head_bucket, Bucket="b-malformed-create")

    # ---- objects ---------------------------------------------------------------------------

    def test_empty_put_keeps_the_pooled_connection_sound(self):
        # botocore sends "Expect: 100-continue" with every PUT, also an empty one, and takes a
        # final status received in place of the interim 100 as the status of every later
        # response on that connection: the next PUT would then "succeed" with no headers
        # after a stall (or, had the server died meanwhile, without ever reaching it).
        b = self.bucket()
        s3 = self.server.client("s3", max_pool_connections=1)
        bodies = [b"", b"x", b"", b"y" * 5000, b"", b""]
        for i, body in enumerate(bodies):
            started = time.monotonic()
            r = s3.put_object(Bucket=b, Key="k%d" % i, Body=body)
            self.assertEqual(r["ETag"], '"%s"' % s3util.md5_hex(body), i)
            self.assertLess(time.monotonic() - started, 10, i)
        for i, body in enumerate(bodies):
            self.assertEqual(s3.get_object(Bucket=b, Key="k%d" % i)["Body"].read(), body)

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
            head = self.s3.head_object(Bucket=b, Key="big", ChecksumMode="ENABLED")
            # The default TransferConfig: 8 MiB parts, CRC32 checksums of each part.
            parts = [data[i:i + 8 * MIB] for i in range(0, len(data), 8 * MIB)]
            self.assertEqual(head["ETag"], s3util.multipart_etag(parts))
            crcs = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
            self.assertEqual(head["ChecksumCRC32"],
                             b64(zlib.crc32(crcs).to_bytes(4, "big")) + "-%d" % len(parts))
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
        wrong_crc32c = b64(crc32c(b"other").to_bytes(4, "big"))
        self.assertAwsError("BadDigest", self.s3.put_object, Bucket=b, Key="d", Body=b"data",
                            ChecksumCRC32C=wrong_crc32c, status=400)
        self.assertAwsError("BadDigest", self.s3.put_object, Bucket=b, Key="d", Body=b"data",
                            ChecksumSHA1=b64(hashlib.sha1(b"other").digest()), status=400)
        # A value that is not a checksum of the algorithm's size at all.
        self.assertAwsError("InvalidRequest", self.s3.put_object, Bucket=b, Key="d",
                            Body=b"data", ChecksumCRC32="AAAA", status=400)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="d", status=404)
        put = self.s3.put_object(Bucket=b, Key="c", Body=b"data",
                                 ChecksumCRC32C=b64(crc32c(b"data").to_bytes(4, "big")))
        self.assertEqual(put["ChecksumCRC32C"], b64(crc32c(b"data").to_bytes(4, "big")))
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
        # Every failed x-amz-copy-source-if-* is 412 (a copy never answers 304).
        hour = 3600
        for condition in [{"CopySourceIfNoneMatch": etag},
                          {"CopySourceIfModifiedSince": time.time() + hour},
                          {"CopySourceIfUnmodifiedSince": time.time() - hour}]:
            self.assertAwsError("PreconditionFailed", self.s3.copy_object, Bucket=b, Key="dst3",
                                CopySource={"Bucket": b, "Key": "src"}, status=412, **condition)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="dst3", status=404)
        self.s3.copy_object(Bucket=b, Key="dst3", CopySource={"Bucket": b, "Key": "src"},
                            CopySourceIfMatch=etag, CopySourceIfNoneMatch='"other"',
                            CopySourceIfUnmodifiedSince=time.time() + hour)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="dst3")["Body"].read(), b"copy me")
        # Tags follow the copy unless replaced.
        self.s3.put_object_tagging(Bucket=b, Key="src", Tagging={"TagSet": [
            {"Key": "from", "Value": "src"}]})
        self.s3.copy_object(Bucket=b, Key="tags-copied", CopySource={"Bucket": b, "Key": "src"})
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="tags-copied")["TagSet"],
                         [{"Key": "from", "Value": "src"}])
        self.s3.copy_object(Bucket=b, Key="tags-replaced", CopySource={"Bucket": b, "Key": "src"},
                            TaggingDirective="REPLACE", Tagging="new=1")
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="tags-replaced")["TagSet"],
                         [{"Key": "new", "Value": "1"}])
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

    def test_encoding_type_url(self):
        b = self.bucket()
        keys = ["dir one/a+b", "dir one/ctl\x01", "dir one/sub/x", "\u00fcn\u00ef/%41", "z&<>"]
        for k in keys:
            self.s3.put_object(Bucket=b, Key=k, Body=b"")
        # botocore asks for encoding-type=url on every listing and decodes the answer, so keys
        # no XML 1.0 document can hold come back exactly.
        by_bytes = sorted(keys, key=lambda k: k.encode())
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket=b)["Contents"]],
                         by_bytes)
        self.assertEqual([o["Key"] for o in self.s3.list_objects(Bucket=b)["Contents"]],
                         by_bytes)
        self.assertEqual([v["Key"] for v in self.s3.list_object_versions(Bucket=b)["Versions"]],
                         by_bytes)
        out = self.s3.list_objects_v2(Bucket=b, Prefix="dir one/", Delimiter="/",
                                      StartAfter="dir one/a+b")
        self.assertEqual([o["Key"] for o in out["Contents"]], ["dir one/ctl\x01"])
        self.assertEqual([p["Prefix"] for p in out["CommonPrefixes"]], ["dir one/sub/"])
        self.assertEqual((out["Prefix"], out["StartAfter"]), ("dir one/", "dir one/a+b"))
        # On the wire: keys, prefixes, delimiters and markers percent-encoded (UTF-8 bytes).
        r = s3util.signed(self.server, "GET", "/" + b, query="list-type=2&encoding-type=url&"
                          "prefix=dir%20one%2F&delimiter=%2F&max-keys=2")
        self.assertEqual(r.status_code, 200, r.text)
        for part in ["<Prefix>dir%20one/</Prefix>", "<Key>dir%20one/a%2Bb</Key>",
                     "<Key>dir%20one/ctl%01</Key>", "<Delimiter>/</Delimiter>",
                     "<EncodingType>url</EncodingType>", "<IsTruncated>true</IsTruncated>"]:
            self.assertIn(part, r.text)
        r = s3util.signed(self.server, "GET", "/" + b,
                          query="encoding-type=url&delimiter=%2F&max-keys=1")
        self.assertIn("<CommonPrefixes><Prefix>dir%20one/</Prefix></CommonPrefixes>", r.text)
        self.assertIn("<NextMarker>dir%20one/</NextMarker>", r.text)
        r = s3util.signed(self.server, "GET", "/" + b, query="versions&encoding-type=url&"
                          "prefix=%C3%BC")
        self.assertIn("<Key>%C3%BCn%C3%AF/%2541</Key>", r.text)
        self.s3.create_multipart_upload(Bucket=b, Key="up load/\u00e4")
        r = s3util.signed(self.server, "GET", "/" + b, query="uploads&encoding-type=url")
        self.assertIn("<Key>up%20load/%C3%A4</Key>", r.text)
        # Without encoding-type the XML carries the key itself, escaped.
        r = s3util.signed(self.server, "GET", "/" + b, query="list-type=2&prefix=z")
        self.assertIn("<Key>z&amp;&lt;&gt;</Key>", r.text)
        r = s3util.signed(self.server, "GET", "/" + b, query="list-type=2&encoding-type=xml")
        self.assertEqual(r.status_code, 400)
        self.assertIn("<Code>InvalidArgument</Code>", r.text)

    def test_list_object_versions_paginated(self):
        b = self.bucket()
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        expected = []
        for key in ["a", "b", "c"]:
            for i in range(3):
                expected.append((key, self.s3.put_object(Bucket=b, Key=key,
                                                         Body=b"%d" % i)["VersionId"]))
        marker = self.s3.delete_object(Bucket=b, Key="b")["VersionId"]
        pages = self.s3.get_paginator("list_object_versions").paginate(
            Bucket=b, PaginationConfig={"PageSize": 2})
        seen, markers, count = [], [], 0
        for page in pages:
            count += 1
            seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
            markers += [m["VersionId"] for m in page.get("DeleteMarkers", [])]
        # Newest first within a key; every version exactly once across the pages.
        want = [kv for key in ["a", "b", "c"] for kv in reversed(
            [x for x in expected if x[0] == key])]
        self.assertEqual(seen, want)
        self.assertEqual(markers, [marker])
        self.assertGreaterEqual(count, 5)

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

    def test_upload_part_copy(self):
        src_bucket = self.bucket("b-part-copy-src")
        dst_bucket = self.bucket("b-part-copy-dst")
        data = s3util.payload(12 * MIB + 5, 12)
        self.s3.put_object(Bucket=src_bucket, Key="big", Body=data)
        # boto3's managed copy: UploadPartCopy with ranges, across buckets.
        config = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MIB,
                                                  multipart_chunksize=5 * MIB)
        self.s3.copy({"Bucket": src_bucket, "Key": "big"}, dst_bucket, "copy", Config=config)
        head = self.s3.head_object(Bucket=dst_bucket, Key="copy")
        parts = [data[i:i + 5 * MIB] for i in range(0, len(data), 5 * MIB)]
        self.assertEqual(head["ETag"], s3util.multipart_etag(parts))
        self.assertEqual(self.s3.get_object(Bucket=dst_bucket, Key="copy")["Body"].read(), data)
        # A whole-object part copy of an older version.
        self.s3.put_bucket_versioning(Bucket=src_bucket,
                                      VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=src_bucket, Key="v", Body=b"first")["VersionId"]
        self.s3.put_object(Bucket=src_bucket, Key="v", Body=b"second")
        uid = self.s3.create_multipart_upload(Bucket=dst_bucket, Key="from-v1")["UploadId"]
        out = self.s3.upload_part_copy(Bucket=dst_bucket, Key="from-v1", UploadId=uid,
                                       PartNumber=1, CopySource={"Bucket": src_bucket,
                                                                 "Key": "v", "VersionId": v1})
        self.assertEqual(out["CopySourceVersionId"], v1)
        self.assertEqual(out["CopyPartResult"]["ETag"], '"%s"' % s3util.md5_hex(b"first"))
        self.s3.complete_multipart_upload(Bucket=dst_bucket, Key="from-v1", UploadId=uid,
                                          MultipartUpload={"Parts": [{
                                              "PartNumber": 1,
                                              "ETag": out["CopyPartResult"]["ETag"]}]})
        self.assertEqual(self.s3.get_object(Bucket=dst_bucket, Key="from-v1")["Body"].read(),
                         b"first")
        # Errors: a range past the source, a malformed range, a missing source, a bad source
        # condition.
        uid = self.s3.create_multipart_upload(Bucket=dst_bucket, Key="bad")["UploadId"]
        call = dict(Bucket=dst_bucket, Key="bad", UploadId=uid, PartNumber=1)
        source = {"Bucket": src_bucket, "Key": "big"}
        e = self.assertAwsError("InvalidArgument", self.s3.upload_part_copy, CopySource=source,
                                CopySourceRange="bytes=0-%d" % len(data), status=400, **call)
        self.assertIn("size: %d" % len(data), e.response["Error"]["Message"])
        self.assertAwsError("InvalidArgument", self.s3.upload_part_copy, CopySource=source,
                            CopySourceRange="bytes=5-", status=400, **call)
        self.assertAwsError("NoSuchKey", self.s3.upload_part_copy,
                            CopySource={"Bucket": src_bucket, "Key": "missing"}, status=404,
                            **call)
        self.assertAwsError("PreconditionFailed", self.s3.upload_part_copy, CopySource=source,
                            CopySourceIfMatch='"0123"', status=412, **call)
        self.assertNotIn("Parts", self.s3.list_parts(Bucket=dst_bucket, Key="bad", UploadId=uid))
        # The caller must be allowed to read the source, not just to write the target.
        iam = self.server.client("iam")
        iam.create_user(UserName="part-copier")
        iam.put_user_policy(UserName="part-copier", PolicyName="w", PolicyDocument=json.dumps({
            "Statement": [{"Effect": "Allow", "Action": "s3:PutObject",
                           "Resource": "arn:aws:s3:::%s/*" % dst_bucket}]}))
        key = iam.create_access_key(UserName="part-copier")["AccessKey"]
        user = self.server.client("s3", key=key["AccessKeyId"], secret=key["SecretAccessKey"])
        self.assertAwsError("AccessDenied", user.upload_part_copy, CopySource=source,
                            status=403, **call)

    def test_multipart_checksum_types(self):
        b = self.bucket()
        first, last = s3util.payload(5 * MIB, 21), b"last part"
        raw = {
            "CRC32": lambda d: zlib.crc32(d).to_bytes(4, "big"),
            "CRC32C": lambda d: crc32c(d).to_bytes(4, "big"),
            "SHA1": lambda d: hashlib.sha1(d).digest(),
            "SHA256": lambda d: hashlib.sha256(d).digest(),
        }
        for algorithm, kind in [("CRC32", "COMPOSITE"), ("CRC32", "FULL_OBJECT"),
                                ("CRC32C", "COMPOSITE"), ("SHA1", "COMPOSITE"),
                                ("SHA256", "COMPOSITE")]:
            key = "%s-%s" % (algorithm, kind)
            up = self.s3.create_multipart_upload(Bucket=b, Key=key, ChecksumAlgorithm=algorithm,
                                                 ChecksumType=kind)
            self.assertEqual((up["ChecksumAlgorithm"], up["ChecksumType"]), (algorithm, kind))
            member = "Checksum" + algorithm
            parts = []
            for n, body in [(1, first), (2, last)]:
                # The client computes each part's checksum (botocore cannot do CRC32C alone);
                # the server checks it and answers with the same value.
                sent = b64(raw[algorithm](body))
                p = self.s3.upload_part(Bucket=b, Key=key, UploadId=up["UploadId"],
                                        PartNumber=n, Body=body, **{member: sent})
                self.assertEqual(p[member], sent)
                parts.append({"PartNumber": n, "ETag": p["ETag"], member: sent})
            done = self.s3.complete_multipart_upload(Bucket=b, Key=key, UploadId=up["UploadId"],
                                                     MultipartUpload={"Parts": parts})
            if kind == "COMPOSITE":
                joined = b"".join(base64.b64decode(p[member]) for p in parts)
                expected = b64(raw[algorithm](joined)) + "-2"
            else:
                expected = b64(raw[algorithm](first + last))
            self.assertEqual((done[member], done["ChecksumType"]), (expected, kind), key)
            head = self.s3.head_object(Bucket=b, Key=key, ChecksumMode="ENABLED")
            self.assertEqual((head[member], head["ChecksumType"]), (expected, kind), key)
        # SHA-256 has no full-object form; a part whose checksum the client got wrong fails
        # the completion.
        self.assertAwsError("InvalidRequest", self.s3.create_multipart_upload, Bucket=b,
                            Key="x", ChecksumAlgorithm="SHA256", ChecksumType="FULL_OBJECT",
                            status=400)
        up = self.s3.create_multipart_upload(Bucket=b, Key="wrong", ChecksumAlgorithm="SHA256")
        p = self.s3.upload_part(Bucket=b, Key="wrong", UploadId=up["UploadId"], PartNumber=1,
                                Body=b"x", ChecksumAlgorithm="SHA256")
        self.assertAwsError("InvalidPart", self.s3.complete_multipart_upload, Bucket=b,
                            Key="wrong", UploadId=up["UploadId"], MultipartUpload={"Parts": [{
                                "PartNumber": 1, "ETag": p["ETag"],
                                "ChecksumSHA256": b64(hashlib.sha256(b"y").digest())}]},
                            status=400)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="wrong", status=404)

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

    def test_streaming_signed_trailer(self):
        b = self.bucket()
        data = s3util.payload(150 * 1024 + 3, 8)
        crc = b64(crc32c(data).to_bytes(4, "big"))
        r = s3util.streaming_signed_put(self.server, b, "signed-trailer", data,
                                        trailer=("x-amz-checksum-crc32c", crc))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(r.headers["ETag"], '"%s"' % s3util.md5_hex(data))
        self.assertEqual(r.headers["x-amz-checksum-crc32c"], crc)
        head = self.s3.head_object(Bucket=b, Key="signed-trailer", ChecksumMode="ENABLED")
        self.assertEqual((head["ContentLength"], head["ChecksumCRC32C"]), (len(data), crc))
        self.assertNotIn("ContentEncoding", head)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="signed-trailer")["Body"].read(), data)
        # A forged trailer signature, or a checksum the bytes do not have: nothing is stored.
        r = s3util.streaming_signed_put(self.server, b, "forged", data,
                                        trailer=("x-amz-checksum-crc32c", crc),
                                        trailer_signature="0" * 64)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("<Code>SignatureDoesNotMatch</Code>", r.text)
        wrong = b64(crc32c(b"other").to_bytes(4, "big"))
        r = s3util.streaming_signed_put(self.server, b, "wrong", data,
                                        trailer=("x-amz-checksum-crc32c", wrong))
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("<Code>BadDigest</Code>", r.text)
        for key in ["forged", "wrong"]:
            self.assertAwsError("404", self.s3.head_object, Bucket=b, Key=key, status=404)

    def test_streaming_is_detected_from_the_content_hash(self):
        b = self.bucket()
        data = b"framed without a content coding " * 100
        framed = (b"%x\r\n" % len(data)) + data + b"\r\n0\r\n\r\n"
        # aws-chunked framing announced only by x-amz-content-sha256: still de-chunked.
        r = s3util.signed(self.server, "PUT", "/%s/no-coding" % b, body=framed,
                          payload_hash="STREAMING-UNSIGNED-PAYLOAD-TRAILER",
                          headers={"x-amz-decoded-content-length": str(len(data))})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="no-coding")["Body"].read(), data)
        # Content-Encoding: aws-chunked with a plain payload hash: the bytes are the object,
        # and the stored coding keeps what follows aws-chunked.
        r = s3util.signed(self.server, "PUT", "/%s/literal" % b, body=framed,
                          headers={"Content-Encoding": "aws-chunked,gzip"})
        self.assertEqual(r.status_code, 200, r.text)
        got = self.s3.get_object(Bucket=b, Key="literal")
        self.assertEqual((got["Body"].read(), got["ContentEncoding"]), (framed, "gzip"))

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
        # A presigned PUT may carry its checksum, and the server holds the body to it.
        url = self.s3.generate_presigned_url("put_object", ExpiresIn=60, Params={
            "Bucket": b, "Key": "ps-md5", "ContentMD5": b64(hashlib.md5(b"right").digest())})
        r = requests.put(url, data=b"wrong", timeout=10,
                         headers={"Content-MD5": b64(hashlib.md5(b"right").digest())})
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("<Code>BadDigest</Code>", r.text)
        # Expired URLs are refused.
        url = self.s3.generate_presigned_url("get_object", Params={"Bucket": b, "Key": "ps"},
                                             ExpiresIn=1)
        time.sleep(2.1)
        r = requests.get(url, timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("<Code>AccessDenied</Code>", r.text)
        self.assertIn("expired", r.text)

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
        for key in ["elsewhere/x", "uploads/y", "uploads/big.txt"]:
            self.assertAwsError("404", self.s3.head_object, Bucket=b, Key=key, status=404)

    def test_browser_post_fields_and_redirect(self):
        b = self.bucket()
        fields = {"Content-Type": "text/csv", "x-amz-meta-source": "portal",
                  "success_action_redirect": "http://portal.example/done"}
        post = self.s3.generate_presigned_post(
            b, "data/report.csv", ExpiresIn=60, Fields=fields,
            Conditions=[{"Content-Type": "text/csv"}, {"x-amz-meta-source": "portal"},
                        {"success_action_redirect": "http://portal.example/done"}])
        body = s3util.payload(300 * 1024, 4)  # past the form reader's buffer
        r = requests.post(post["url"], data=post["fields"], allow_redirects=False,
                          files={"file": ("report.csv", body)}, timeout=10)
        self.assertEqual(r.status_code, 303, r.text)
        location = urllib.parse.urlsplit(r.headers["Location"])
        query = urllib.parse.parse_qs(location.query)
        self.assertEqual(location.netloc, "portal.example")
        self.assertEqual((query["bucket"], query["key"]), ([b], ["data/report.csv"]))
        self.assertEqual(query["etag"], ['"%s"' % s3util.md5_hex(body)])
        head = self.s3.head_object(Bucket=b, Key="data/report.csv")
        self.assertEqual((head["ContentType"], head["Metadata"]), ("text/csv",
                                                                  {"source": "portal"}))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="data/report.csv")["Body"].read(), body)
        # A field the policy does not name is refused; an expired policy too.
        extra = dict(post["fields"], **{"x-amz-meta-extra": "1"})
        r = requests.post(post["url"], data=extra, files={"file": ("f", b"f")}, timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("Extra input fields", r.text)
        old = self.s3.generate_presigned_post(b, "late", ExpiresIn=1)
        time.sleep(2.1)
        r = requests.post(old["url"], data=old["fields"], files={"file": ("f", b"f")},
                          timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        self.assertIn("expired", r.text)
        self.assertAwsError("404", self.s3.head_object, Bucket=b, Key="late", status=404)

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

    def test_anonymous_access_only_where_a_policy_allows(self):
        b = self.bucket()
        closed = self.bucket("b-anonymous-closed")
        for bucket in [b, closed]:
            self.s3.put_object(Bucket=bucket, Key="pub/a", Body=b"public bytes")
            self.s3.put_object(Bucket=bucket, Key="priv/a", Body=b"private bytes")
        end = self.server.endpoint

        def anon(method, path, query="", **kwargs):
            return requests.request(method, end + path + ("?" + query if query else ""),
                                    timeout=10, **kwargs)
        # No policy: every anonymous request is denied, listing the account's buckets too.
        for method, path, query in [("GET", "/%s/pub/a" % b, ""), ("HEAD", "/%s/pub/a" % b, ""),
                                    ("GET", "/" + b, "list-type=2"), ("GET", "/", ""),
                                    ("PUT", "/%s/inbox/x" % b, "")]:
            r = anon(method, path, query)
            self.assertEqual(r.status_code, 403, (method, path, r.text))
        self.assertIn("<Code>AccessDenied</Code>", anon("GET", "/%s/pub/a" % b).text)
        self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({"Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
             "Resource": "arn:aws:s3:::%s/pub/*" % b},
            {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "s3:ListBucket",
             "Resource": "arn:aws:s3:::%s" % b,
             "Condition": {"StringLike": {"s3:prefix": "pub/*"}}},
            {"Effect": "Allow", "Principal": "*", "Action": "s3:PutObject",
             "Resource": "arn:aws:s3:::%s/inbox/*" % b}]}))
        r = anon("GET", "/%s/pub/a" % b)
        self.assertEqual((r.status_code, r.content), (200, b"public bytes"))
        r = anon("HEAD", "/%s/pub/a" % b)
        self.assertEqual((r.status_code, r.headers["Content-Length"]), (200, "12"))
        r = anon("GET", "/" + b, "list-type=2&prefix=pub/")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertIn("<Key>pub/a</Key>", r.text)
        self.assertNotIn("priv/a", r.text)
        self.assertEqual(anon("GET", "/" + b, "list-type=2").status_code, 403)
        r = anon("PUT", "/%s/inbox/note" % b, data=b"from anyone")
        self.assertEqual(r.status_code, 200, r.text)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="inbox/note")["Body"].read(),
                         b"from anyone")
        # What the policy does not grant stays denied: other keys, deletes, versions, other
        # buckets, and the bucket's configuration.
        for method, path, query in [("GET", "/%s/priv/a" % b, ""),
                                    ("PUT", "/%s/pub/a" % b, ""),
                                    ("DELETE", "/%s/pub/a" % b, ""),
                                    ("GET", "/%s/pub/a" % b, "versionId=null"),
                                    ("GET", "/%s/pub/a" % closed, ""),
                                    ("GET", "/" + b, "policy")]:
            r = anon(method, path, query, data=b"x" if method == "PUT" else None)
            self.assertEqual(r.status_code, 403, (method, path, query, r.text))
        self.assertEqual(self.s3.get_object(Bucket=b, Key="pub/a")["Body"].read(),
                         b"public bytes")
        # An unsigned browser form may upload where the policy lets anyone write.
        r = requests.post(end + "/" + b, data={"key": "inbox/form.txt"},
                          files={"file": ("form.txt", b"anonymous form")}, timeout=10)
        self.assertEqual(r.status_code, 204, r.text)
        self.assertEqual(self.s3.get_object(Bucket=b, Key="inbox/form.txt")["Body"].read(),
                         b"anonymous form")
        r = requests.post(end + "/" + b, data={"key": "pub/form.txt"},
                          files={"file": ("form.txt", b"x")}, timeout=10)
        self.assertEqual(r.status_code, 403, r.text)
        # Virtual-hosted addressing reaches the same decision.
        port = end.rsplit(":", 1)[1]
        r = anon("GET", "/pub/a", headers={"Host": "%s.localhost:%s" % (b, port)})
        self.assertEqual((r.status_code, r.content), (200, b"public bytes"))

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

    def test_virtual_hosted_style_with_boto3(self):
        port = int(self.server.endpoint.rsplit(":", 1)[1])
        real = socket.getaddrinfo

        def resolve(host, *args, **kwargs):  # <bucket>.localhost is this machine
            return real("127.0.0.1" if str(host).endswith(".localhost") else host, *args,
                        **kwargs)
        hosts = []
        s3 = boto3.client("s3", endpoint_url="http://localhost:%d" % port, region_name="us-east-1",
                          aws_access_key_id=harness.ROOT_KEY,
                          aws_secret_access_key=harness.ROOT_SECRET,
                          config=botocore.config.Config(s3={"addressing_style": "virtual"},
                                                        signature_version="s3v4",
                                                        retries={"max_attempts": 1}))
        s3.meta.events.register("before-send.s3", lambda request, **_: hosts.append(
            urllib.parse.urlsplit(request.url).netloc))
        with unittest.mock.patch("socket.getaddrinfo", resolve):
            s3.create_bucket(Bucket="vhost-boto")
            s3.put_object(Bucket="vhost-boto", Key="a/b c.txt", Body=b"hosted")
            self.assertEqual(s3.get_object(Bucket="vhost-boto", Key="a/b c.txt")["Body"].read(),
                             b"hosted")
            data = s3util.payload(6 * MIB, 6)
            config = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MIB,
                                                      multipart_chunksize=5 * MIB)
            s3.upload_fileobj(io.BytesIO(data), "vhost-boto", "multi", Config=config)
            listed = s3.list_objects_v2(Bucket="vhost-boto")["Contents"]
            self.assertEqual([o["Key"] for o in listed], ["a/b c.txt", "multi"])
            url = s3.generate_presigned_url("get_object", ExpiresIn=60,
                                            Params={"Bucket": "vhost-boto", "Key": "multi"})
            self.assertTrue(url.startswith("http://vhost-boto.localhost:%d/multi?" % port), url)
            self.assertEqual(requests.get(url, timeout=10).content, data)
            s3.delete_objects(Bucket="vhost-boto", Delete={"Objects": [{"Key": "a/b c.txt"},
                                                                       {"Key": "multi"}]})
            s3.delete_bucket(Bucket="vhost-boto")
        self.assertEqual(set(hosts), {"vhost-boto.localhost:%d" % port})
        self.assertGreaterEqual(len(hosts), 8)
        self.assertAwsError("NoSuchBucket", self.s3.list_objects_v2, Bucket="vhost-boto")


if __name__ == "__main__":
    unittest.main()
