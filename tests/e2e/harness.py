"""Starts the real `unistudio` binary for black-box tests and hands out AWS clients for it.

The binary comes from $UNISTUDIO_BIN (ctest sets it). Each Server gets a fresh data directory
and an ephemeral port, fixed root credentials, and is stopped with SIGTERM (which must exit 0).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import boto3
import botocore.config

ROOT_KEY = "AKIAUNISTUDIOTESTROOT"
ROOT_SECRET = "unistudio/test/root/secret/key/0123456789"


class Server:
    def __init__(self, env=None, data_dir=None, region="us-east-1"):
        self.binary = os.environ.get("UNISTUDIO_BIN")
        if not self.binary:
            raise RuntimeError("UNISTUDIO_BIN is not set")
        self.own_dir = data_dir is None
        self.data_dir = data_dir or tempfile.mkdtemp(prefix="unistudio-e2e-")
        self.region = region
        full_env = dict(os.environ)
        full_env.update({
            "UNISTUDIO_ROOT_ACCESS_KEY_ID": ROOT_KEY,
            "UNISTUDIO_ROOT_SECRET_ACCESS_KEY": ROOT_SECRET,
        })
        full_env.update(env or {})
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--listen", "127.0.0.1:0", "--data-dir", self.data_dir,
             "--region", region],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full_env, text=True)
        self.banner = []
        deadline = time.time() + 20
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server exited: " + self.proc.stderr.read())
            self.banner.append(line)
            m = re.search(r"listening on (http://\S+)", line)
            if m:
                self.endpoint = m.group(1)
            m = re.search(r"account (\d{12}), identity store (d-[0-9a-f]{10})", line)
            if m:
                self.account_id, self.identity_store_id = m.group(1), m.group(2)
                break
            if time.time() > deadline:
                raise RuntimeError("server did not start")
        # Drain the server's output so it never blocks on a full pipe.
        self.log = []
        for stream in (self.proc.stdout, self.proc.stderr):
            threading.Thread(target=self._drain, args=(stream,), daemon=True).start()

    def _drain(self, stream):
        for line in stream:
            self.log.append(line)

    def client(self, service, key=ROOT_KEY, secret=ROOT_SECRET, token=None, region=None,
               **config):
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region or self.region,
            aws_access_key_id=key, aws_secret_access_key=secret, aws_session_token=token,
            config=botocore.config.Config(retries={"max_attempts": 1}, **config))

    def stop(self, timeout=30):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        code = self.proc.returncode
        if self.own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)
        return code


def require_npm_packages(test, js_dir):
    """Installs the locked npm packages of `js_dir` when node_modules is missing; skips `test`
    only when node/npm or the registry is unavailable."""
    if os.path.isdir(os.path.join(js_dir, "node_modules")):
        return
    if shutil.which("npm") is None or shutil.which("node") is None:
        test.skipTest("node/npm are not installed")
    ci = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=js_dir,
                        capture_output=True, text=True, timeout=600)
    if ci.returncode != 0:
        test.skipTest("npm ci failed (registry unavailable?): " + ci.stderr[-2000:])


class ServerTestCase(unittest.TestCase):
    """A test case class with one server for all its tests."""

    @classmethod
    def setUpClass(cls):
        cls.server = Server()

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        if code != 0:
            raise AssertionError("server exited with %s on SIGTERM" % code)

    def error_code(self, exc):
        return exc.response["Error"]["Code"]

    def assertAwsError(self, code, fn, *args, status=None, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.response["Error"]["Code"], code,
                         cm.exception.response)
        if status is not None:
            self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"],
                             status)
        return cm.exception
