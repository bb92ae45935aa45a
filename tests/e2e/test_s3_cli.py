"""S3 through the aws CLI: s3 cp/sync/ls/rm (multipart above the threshold) and s3api, with
bytes compared exactly for 0 B, 1 B, 5 MiB +- 1 and 100 MiB."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import unittest

import harness
import s3util
from s3util import MIB


class S3CliTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = dict(os.environ, AWS_ACCESS_KEY_ID=harness.ROOT_KEY,
                       AWS_SECRET_ACCESS_KEY=harness.ROOT_SECRET, AWS_DEFAULT_REGION="us-east-1",
                       AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null")
        cls.tmp = tempfile.mkdtemp(prefix="unistudio-s3-cli-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    def aws(self, *args, check=True):
        r = subprocess.run(["aws", "--endpoint-url", self.server.endpoint, "--output", "json"] +
                           list(args), env=self.env, capture_output=True, text=True, timeout=600)
        if check:
            self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

    def test_cp_round_trip_sizes(self):
        self.aws("s3", "mb", "s3://cli-sizes")
        for size in [0, 1, 5 * MIB - 1, 5 * MIB, 5 * MIB + 1, 100 * MIB]:
            data = s3util.payload(size, seed=size + 3)
            src = self.write("up-%d" % size, data)
            dst = os.path.join(self.tmp, "down-%d" % size)
            self.aws("s3", "cp", src, "s3://cli-sizes/dir/f-%d" % size)
            self.aws("s3", "cp", "s3://cli-sizes/dir/f-%d" % size, dst)
            self.assertEqual(hashlib.sha256(self.read(dst)).hexdigest(),
                             hashlib.sha256(data).hexdigest(), size)
            head = json.loads(self.aws("s3api", "head-object", "--bucket", "cli-sizes", "--key",
                                       "dir/f-%d" % size).stdout)
            self.assertEqual(head["ContentLength"], size)
            os.unlink(src)
            os.unlink(dst)

    def test_sync_ls_rm(self):
        self.aws("s3", "mb", "s3://cli-sync")
        src = os.path.join(self.tmp, "tree")
        files = {"a.txt": b"alpha", "sub/b.bin": s3util.payload(70000, 2), "sub/deep/c": b""}
        for name, data in files.items():
            self.write(os.path.join("tree", name), data)
        self.aws("s3", "sync", src, "s3://cli-sync/tree")
        listing = self.aws("s3", "ls", "--recursive", "s3://cli-sync/tree/").stdout
        for name in files:
            self.assertIn("tree/" + name, listing)
        top = self.aws("s3", "ls", "s3://cli-sync/tree/").stdout
        self.assertIn("PRE sub/", top)
        out = os.path.join(self.tmp, "synced")
        self.aws("s3", "sync", "s3://cli-sync/tree", out)
        for name, data in files.items():
            self.assertEqual(self.read(os.path.join(out, name)), data)
        # A second sync uploads nothing.
        again = self.aws("s3", "sync", src, "s3://cli-sync/tree").stdout
        self.assertEqual(again.strip(), "")
        self.aws("s3", "rm", "--recursive", "s3://cli-sync/tree")
        self.assertEqual(self.aws("s3", "ls", "--recursive", "s3://cli-sync/").stdout, "")
        self.aws("s3", "rb", "s3://cli-sync")
        missing = self.aws("s3", "ls", "s3://cli-sync", check=False)
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("NoSuchBucket", missing.stderr)

    def test_s3api(self):
        self.aws("s3api", "create-bucket", "--bucket", "cli-api")
        path = self.write("api.txt", b"s3api body")
        put = json.loads(self.aws("s3api", "put-object", "--bucket", "cli-api", "--key", "x y",
                                  "--body", path, "--metadata", "k=v").stdout)
        self.assertEqual(put["ETag"], '"%s"' % s3util.md5_hex(b"s3api body"))
        out = os.path.join(self.tmp, "api.out")
        got = json.loads(self.aws("s3api", "get-object", "--bucket", "cli-api", "--key", "x y",
                                  "--range", "bytes=0-4", out).stdout)
        self.assertEqual(got["ContentRange"], "bytes 0-4/10")
        self.assertEqual(self.read(out), b"s3api")
        listed = json.loads(self.aws("s3api", "list-objects-v2", "--bucket", "cli-api").stdout)
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["x y"])
        err = self.aws("s3api", "get-object", "--bucket", "cli-api", "--key", "nope", out,
                       check=False)
        self.assertIn("NoSuchKey", err.stderr)
        self.aws("s3api", "delete-object", "--bucket", "cli-api", "--key", "x y")
        self.aws("s3api", "delete-bucket", "--bucket", "cli-api")


if __name__ == "__main__":
    unittest.main()
