"""Runs the AWS SDK for JavaScript v3 tests (tests/e2e/s3_js) against a fresh server. Installs
the locked npm packages first when node_modules is missing; skips only when npm or the
registry is unavailable."""
import os
import subprocess
import unittest

import harness

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "s3_js")


class S3JsTest(harness.ServerTestCase):
    def test_aws_sdk_js(self):
        harness.require_npm_packages(self, JS_DIR)
        env = dict(os.environ, S3_ENDPOINT=self.server.endpoint,
                   S3_ACCESS_KEY_ID=harness.ROOT_KEY, S3_SECRET_ACCESS_KEY=harness.ROOT_SECRET)
        r = subprocess.run(["node", "--test", "s3.test.mjs"], cwd=JS_DIR, env=env,
                           capture_output=True, text=True, timeout=900)
        print(r.stdout[-4000:])
        self.assertEqual(r.returncode, 0, r.stdout[-6000:] + r.stderr[-3000:])


if __name__ == "__main__":
    unittest.main()
