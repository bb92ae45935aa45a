"""Crash safety of S3 uploads: kill -9 the server while 32 clients upload; after a restart on
the same data directory every listed object is complete with the right ETag, and no temp
files remain."""
import concurrent.futures
import io
import os
import random
import shutil
import signal
import tempfile
import threading
import time
import unittest

import boto3.s3.transfer
import harness
import s3util
from s3util import MIB


class S3CrashTest(unittest.TestCase):
    def test_kill_during_uploads(self):
        data_dir = tempfile.mkdtemp(prefix="unistudio-s3-crash-")
        try:
            self.run_crash(data_dir)
        finally:
            shutil.rmtree(data_dir, ignore_errors=True)

    def run_crash(self, data_dir):
        server = harness.Server(data_dir=data_dir)
        s3 = server.client("s3", max_pool_connections=40)
        s3.create_bucket(Bucket="crash")
        sizes = [0, 1, 4096, 300 * 1024, 2 * MIB, 6 * MIB]
        bodies = {size: s3util.payload(size, seed=size) for size in sizes}
        expected = {size: '"%s"' % s3util.md5_hex(body) for size, body in bodies.items()}
        parts = {}
        mp_size = 11 * MIB
        bodies[mp_size] = s3util.payload(mp_size, seed=11)
        chunks = [bodies[mp_size][i:i + 5 * MIB] for i in range(0, mp_size, 5 * MIB)]
        expected[mp_size] = s3util.multipart_etag(chunks)
        stop = threading.Event()
        killed = threading.Event()
        early_errors = []
        acked = {}
        acked_lock = threading.Lock()
        config = boto3.s3.transfer.TransferConfig(multipart_threshold=5 * MIB,
                                                  multipart_chunksize=5 * MIB, max_concurrency=2)

        def client(n):
            rnd = random.Random(n)
            i = 0
            while not stop.is_set():
                size = rnd.choice(list(bodies))
                key = "c%02d/%04d-%d" % (n, i, size)
                i += 1
                try:
                    if size == mp_size:
                        s3.upload_fileobj(io.BytesIO(bodies[size]), "crash", key, Config=config)
                    else:
                        s3.put_object(Bucket="crash", Key=key, Body=bodies[size])
                    with acked_lock:
                        acked[key] = size
                except Exception as e:  # pylint: disable=broad-except
                    # Once the server is killed every client fails, each in its own way.
                    if not killed.is_set():
                        early_errors.append("%s: %r" % (key, e))
                    return

        with concurrent.futures.ThreadPoolExecutor(32) as pool:
            futures = [pool.submit(client, n) for n in range(32)]
            time.sleep(4)
            killed.set()
            server.proc.send_signal(signal.SIGKILL)
            server.proc.wait()
            stop.set()
            for f in futures:
                f.result()
        self.assertEqual(early_errors, [])
        self.assertGreater(len(acked), 32)

        server = harness.Server(data_dir=data_dir)
        try:
            s3 = server.client("s3")
            listed = {}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket="crash"):
                for o in page.get("Contents", []):
                    listed[o["Key"]] = o
            print("uploads acknowledged before the kill: %d, objects listed after the restart: %d"
                  % (len(acked), len(listed)))
            # Every acknowledged upload survived, and every listed object is complete.
            lost = sorted(key for key in acked if key not in listed)
            self.assertEqual(lost, [], "acknowledged uploads missing after the restart")
            for key, o in listed.items():
                size = int(key.rsplit("-", 1)[1])
                self.assertEqual(o["Size"], size, key)
                self.assertEqual(o["ETag"], expected[size], key)
            for key in random.Random(1).sample(sorted(listed), min(20, len(listed))):
                size = int(key.rsplit("-", 1)[1])
                self.assertEqual(s3.get_object(Bucket="crash", Key=key)["Body"].read(),
                                 bodies[size], key)
            tmp_dir = os.path.join(data_dir, "blobs", "tmp")
            leftovers = os.listdir(tmp_dir) if os.path.isdir(tmp_dir) else []
            self.assertEqual(leftovers, [])
        finally:
            self.assertEqual(server.stop(), 0)


if __name__ == "__main__":
    unittest.main()
