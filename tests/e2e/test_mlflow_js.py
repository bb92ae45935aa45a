"""Runs the npm `mlflow` client's tests (tests/e2e/mlflow_js) against a tracking server of a
fresh UniStudio server. Installs the locked npm packages first when node_modules is missing;
skips only when npm or the registry is unavailable."""
import os
import subprocess
import unittest

import harness

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mlflow_js")


class MlflowJsTest(harness.ServerTestCase):
    def test_npm_mlflow_client(self):
        harness.require_npm_packages(self, JS_DIR)
        self.server.client("s3").create_bucket(Bucket="js-artifacts")
        sm = self.server.client("sagemaker")
        sm.create_mlflow_tracking_server(
            TrackingServerName="js", ArtifactStoreUri="s3://js-artifacts/mlflow",
            RoleArn="arn:aws:iam::%s:role/MlflowRole" % self.server.account_id)
        uri = sm.describe_mlflow_tracking_server(TrackingServerName="js")["TrackingServerUrl"]
        env = dict(os.environ, MLFLOW_TRACKING_URI=uri, MLFLOW_TRACKING_USERNAME=harness.ROOT_KEY,
                   MLFLOW_TRACKING_PASSWORD=harness.ROOT_SECRET)
        r = subprocess.run(["node", "--test", "mlflow.test.mjs"], cwd=JS_DIR, env=env,
                           capture_output=True, text=True, timeout=600)
        print(r.stdout[-4000:])
        self.assertEqual(r.returncode, 0, r.stdout[-6000:] + r.stderr[-3000:])


if __name__ == "__main__":
    unittest.main()
