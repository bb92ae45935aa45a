"""Training jobs end to end with boto3: script mode (seed 16.2), the built-in XGBoost
algorithm, failures, stopping, listing, logs, and bad input."""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import (DEBIAN_PYTHON, SKLEARN_IMAGE, TF_IMAGE, XGBOOST_IMAGE, channel,  # noqa: E402
                    classification_csv, execution_role, read_tar, regression_csv, script_job,
                    sourcedir, wait)

BUCKET = "training-bucket"


class TrainingTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.s3 = cls.server.client("s3")
        cls.logs = cls.server.client("logs")
        cls.role = execution_role(cls.server.client("iam"))
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.s3.put_object(Bucket=BUCKET, Key="data/train/part-0.csv",
                          Body=classification_csv(300, seed=1))
        cls.s3.put_object(Bucket=BUCKET, Key="data/train/part-1.csv",
                          Body=classification_csv(300, seed=2))
        cls.s3.put_object(Bucket=BUCKET, Key="data/val/part-0.csv",
                          Body=classification_csv(200, seed=3))
        cls.s3.put_object(Bucket=BUCKET, Key="xgb/train/train.csv",
                          Body=regression_csv(800, seed=4))
        cls.s3.put_object(Bucket=BUCKET, Key="xgb/validation/validation.csv",
                          Body=regression_csv(200, seed=5))
        cls.s3.put_object(Bucket=BUCKET, Key="code/sourcedir.tar.gz",
                          Body=sourcedir("train_sklearn.py", "fail.py", "slow.py"))

    def get(self, key):
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def channels(self):
        return [channel("training", "s3://%s/data/train/" % BUCKET, "text/csv"),
                channel("validation", "s3://%s/data/val" % BUCKET, "text/csv")]

    def script(self, name, program, **kwargs):
        kwargs.setdefault("channels", self.channels())
        return script_job(name, self.role, kwargs.pop("image", SKLEARN_IMAGE), program,
                          "s3://%s/code/sourcedir.tar.gz" % BUCKET,
                          "s3://%s/output" % BUCKET, **kwargs)

    def test_script_mode_sklearn(self):
        """Seed 16.2: an Estimator's CreateTrainingJob; the script trains a RandomForest on the
        CSV channel, prints its accuracy, and the model lands in S3 as model.tar.gz."""
        request = self.script(
            "tensorflow-training-2026-01-01-00-00-00-001", "train_sklearn.py", image=TF_IMAGE,
            hyperparameters={"n_estimators": 20, "epochs": 3, "max_depth": 6},
            metrics={"validation:accuracy": r"validation accuracy: ([0-9.]+)",
                     "train:accuracy": r"train_accuracy=([0-9.]+)"},
            Environment={"MY_FLAG": "on"},
            Tags=[{"Key": "team", "Value": "ml"}])
        arn = self.sm.create_training_job(**request)["TrainingJobArn"]
        self.assertEqual(arn, "arn:aws:sagemaker:us-east-1:%s:training-job/"
                         "tensorflow-training-2026-01-01-00-00-00-001" % self.server.account_id)
        job = wait(self.sm, request["TrainingJobName"])
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        self.assertEqual(job["SecondaryStatus"], "Completed")
        statuses = [t["Status"] for t in job["SecondaryStatusTransitions"]]
        self.assertEqual(statuses, ["Starting", "Downloading", "Training", "Uploading",
                                    "Completed"])
        self.assertGreaterEqual(job["TrainingTimeInSeconds"], 1)
        self.assertGreaterEqual(job["BillableTimeInSeconds"], 1)
        self.assertLessEqual(job["TrainingStartTime"], job["TrainingEndTime"])
        self.assertEqual(job["HyperParameters"]["n_estimators"], "20")

        metrics = {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}
        self.assertGreater(metrics["validation:accuracy"], 0.85)
        self.assertGreater(metrics["train:accuracy"], 0.9)

        model_uri = job["ModelArtifacts"]["S3ModelArtifacts"]
        self.assertEqual(model_uri, "s3://%s/output/%s/output/model.tar.gz"
                         % (BUCKET, request["TrainingJobName"]))
        files = read_tar(self.get("output/%s/output/model.tar.gz" % request["TrainingJobName"]))
        self.assertIn("model.joblib", files)
        info = json.loads(files["info.json"])
        self.assertAlmostEqual(info["accuracy"], metrics["validation:accuracy"], places=4)
        self.assertEqual(info["hosts"], ["algo-1"])
        self.assertEqual(info["current_host"], "algo-1")
        self.assertEqual(info["hps"]["n_estimators"], 20)
        self.assertEqual(sorted(info["channels"]), ["training", "validation"])
        self.assertEqual(info["env_flag"], "on")
        self.assertIn("--n_estimators", info["argv"])
        self.assertEqual(info["argv"][info["argv"].index("--n_estimators") + 1], "20")
        output = read_tar(self.get("output/%s/output/output.tar.gz" % request["TrainingJobName"]))
        self.assertTrue(output["report.txt"].startswith(b"accuracy 0."))

        # The model loads and predicts with Debian's scikit-learn.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "model.joblib")
            with open(path, "wb") as f:
                f.write(files["model.joblib"])
            out = subprocess.run(
                [DEBIAN_PYTHON, "-c", "import joblib,sys; m = joblib.load(sys.argv[1]); "
                 "print(m.n_estimators, list(m.predict([[0.9, 0.9, 0, 0], [0.1, 0.1, 0, 0]])))",
                 path], capture_output=True, text=True, check=True).stdout
            self.assertEqual(out.strip(), "20 [1, 0]")

        tags = self.sm.list_tags(ResourceArn=arn)["Tags"]
        self.assertEqual(tags, [{"Key": "team", "Value": "ml"}])

        # The output is in CloudWatch Logs, as fit(logs=True) reads it.
        streams = self.logs.describe_log_streams(
            logGroupName="/aws/sagemaker/TrainingJobs",
            logStreamNamePrefix=request["TrainingJobName"] + "/")["logStreams"]
        self.assertEqual(len(streams), 1)
        self.assertRegex(streams[0]["logStreamName"], r"/algo-1-\d{10}$")
        events = self.logs.get_log_events(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamName=streams[0]["logStreamName"],
            startFromHead=True)["events"]
        messages = [e["message"] for e in events]
        self.assertIn("train.py started", messages)
        self.assertIn("validation accuracy: %.4f" % info["accuracy"], messages)
        self.assertIn("warning line on stderr", messages)

    def test_builtin_xgboost(self):
        name = "xgboost-builtin-1"
        request = {
            "TrainingJobName": name,
            "AlgorithmSpecification": {"TrainingImage": XGBOOST_IMAGE,
                                       "TrainingInputMode": "File"},
            "RoleArn": self.role,
            "InputDataConfig": [
                channel("train", "s3://%s/xgb/train/" % BUCKET, "text/csv"),
                channel("validation", "s3://%s/xgb/validation/" % BUCKET, "text/csv")],
            "OutputDataConfig": {"S3OutputPath": "s3://%s/xgb-output/" % BUCKET},
            "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1,
                               "VolumeSizeInGB": 10},
            "StoppingCondition": {"MaxRuntimeInSeconds": 600},
            "HyperParameters": {"num_round": "40", "objective": "reg:squarederror",
                                "eta": "0.3", "max_depth": "4", "subsample": "0.9",
                                "eval_metric": "rmse"},
        }
        self.sm.create_training_job(**request)
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        metrics = {m["MetricName"]: m["Value"] for m in job["FinalMetricDataList"]}
        self.assertIn("validation:rmse", metrics)
        self.assertIn("train:rmse", metrics)
        self.assertLess(metrics["validation:rmse"], 0.3)
        self.assertLess(metrics["train:rmse"], metrics["validation:rmse"] + 0.2)
        files = read_tar(self.get("xgb-output/%s/output/model.tar.gz" % name))
        self.assertIn("xgboost-model", files)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "xgboost-model")
            with open(path, "wb") as f:
                f.write(files["xgboost-model"])
            out = subprocess.run(
                [DEBIAN_PYTHON, "-c",
                 "import sys, numpy as np, xgboost as xgb\n"
                 "b = xgb.Booster(); b.load_model(sys.argv[1])\n"
                 "p = b.predict(xgb.DMatrix(np.array([[1, 0, .5, .5, .5], [0, 1, .5, .5, .5]])))\n"
                 "print(b.num_boosted_rounds(), '%.1f %.1f' % (p[0], p[1]))", path],
                capture_output=True, text=True, check=True).stdout.split()
        self.assertEqual(out[0], "40")
        self.assertAlmostEqual(float(out[1]), 3.0, delta=0.4)
        self.assertAlmostEqual(float(out[2]), -2.0, delta=0.4)
        # SageMaker's evaluation lines are in the job's log stream.
        events = self.logs.filter_log_events(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=name + "/",
            filterPattern="validation-rmse")["events"]
        self.assertEqual(len(events), 40)
        self.assertRegex(events[0]["message"], r"^\[0\]\ttrain-rmse:[0-9.]+\tvalidation-rmse:")

    def test_failure_reason_is_the_failure_file(self):
        name = "failing-script"
        self.sm.create_training_job(**self.script(name, "fail.py"))
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Failed")
        self.assertEqual(job["SecondaryStatus"], "Failed")
        self.assertEqual(job["FailureReason"], "ValueError: the training data has no rows")
        self.assertNotIn("ModelArtifacts", job)

    def test_script_error_without_failure_file(self):
        name = "missing-script"
        self.sm.create_training_job(**self.script(name, "no_such_script.py"))
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Failed")
        self.assertIn("no_such_script.py", job["FailureReason"])

    def test_stop_training_job(self):
        name = "stopped-job"
        self.sm.create_training_job(**self.script(name, "slow.py", metrics={
            "loss": r"loss=([0-9.]+)"}))
        # Metrics are visible while the job runs.
        deadline = time.time() + 60
        while True:
            job = self.sm.describe_training_job(TrainingJobName=name)
            losses = [m["Value"] for m in job["FinalMetricDataList"] if m["MetricName"] == "loss"]
            if losses and losses[0] < 0.2:
                break
            self.assertLess(time.time(), deadline, job)
            time.sleep(0.1)
        self.assertEqual(job["TrainingJobStatus"], "InProgress")
        self.assertEqual(job["SecondaryStatus"], "Training")
        self.sm.stop_training_job(TrainingJobName=name)
        self.assertIn(self.sm.describe_training_job(TrainingJobName=name)["TrainingJobStatus"],
                      ("Stopping", "Stopped"))
        job = wait(self.sm, name, timeout=60)
        self.assertEqual(job["TrainingJobStatus"], "Stopped")
        self.assertEqual(job["SecondaryStatus"], "Stopped")
        # The script saved a model on SIGTERM; a stopped job's model is uploaded.
        files = read_tar(self.get("output/%s/output/model.tar.gz" % name))
        self.assertEqual(files["partial.txt"], b"stopped\n")
        losses = [m for m in job["FinalMetricDataList"] if m["MetricName"] == "loss"]
        self.assertEqual(len(losses), 1)
        self.assertLess(losses[0]["Value"], 0.2)
        self.assertAwsError("ValidationException", self.sm.stop_training_job,
                            TrainingJobName=name)

    def test_max_runtime_exceeded(self):
        name = "too-slow"
        self.sm.create_training_job(**self.script(
            name, "slow.py", StoppingCondition={"MaxRuntimeInSeconds": 2}))
        job = wait(self.sm, name, timeout=60)
        self.assertEqual(job["TrainingJobStatus"], "Stopped")
        self.assertEqual(job["SecondaryStatus"], "MaxRuntimeExceeded")

    def test_unknown_image_fails_with_a_reason(self):
        name = "unknown-image"
        self.sm.create_training_job(**self.script(
            name, "train_sklearn.py", image="123456789012.dkr.ecr.us-east-1.amazonaws.com/mine:1"))
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Failed")
        self.assertIn("is not known to UniStudio", job["FailureReason"])
        self.assertIn("unistudio images add", job["FailureReason"])

    def test_bad_input(self):
        good = self.script("bad-input-ok", "train_sklearn.py")
        for bad_name in ("-leading-dash", "under_score", "a" * 64, "trailing-"):
            request = dict(good, TrainingJobName=bad_name)
            self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        # A channel whose prefix holds nothing, a bucket that does not exist.
        for uri in ("s3://%s/nothing-here/" % BUCKET, "s3://no-such-bucket/data/"):
            request = dict(good, InputDataConfig=[channel("training", uri)])
            self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        # Duplicate channels, an unknown instance type, a missing output bucket.
        request = dict(good, InputDataConfig=self.channels() + self.channels()[:1])
        self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        request = dict(good, ResourceConfig={"InstanceType": "ml.nope.large",
                                             "InstanceCount": 1, "VolumeSizeInGB": 1})
        self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        request = dict(good, OutputDataConfig={"S3OutputPath": "s3://no-such-bucket/out"})
        self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        # A role that does not trust SageMaker cannot run a job.
        iam = self.server.client("iam")
        iam.create_role(RoleName="NotForSageMaker", AssumeRolePolicyDocument=json.dumps({
            "Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "glue.amazonaws.com"},
                "Action": "sts:AssumeRole"}]}))
        request = dict(good, RoleArn="arn:aws:iam::%s:role/NotForSageMaker"
                       % self.server.account_id)
        self.assertAwsError("ValidationException", self.sm.create_training_job, **request)
        # Nothing of the above was recorded.
        self.assertAwsError("ValidationException", self.sm.describe_training_job,
                            TrainingJobName="bad-input-ok")
        # Duplicate names.
        self.sm.create_training_job(**dict(good, TrainingJobName="dup-name"))
        self.assertAwsError("ResourceInUse", self.sm.create_training_job,
                            **dict(good, TrainingJobName="DUP-name"))
        wait(self.sm, "dup-name")

    def test_list_training_jobs(self):
        names = ["list-a-1", "list-b-2", "list-a-3"]
        for n in names:
            self.sm.create_training_job(**self.script(n, "fail.py"))
        for n in names:
            wait(self.sm, n)
        summaries = self.sm.list_training_jobs(NameContains="list-a", SortBy="Name",
                                               SortOrder="Descending")["TrainingJobSummaries"]
        self.assertEqual([s["TrainingJobName"] for s in summaries], ["list-a-3", "list-a-1"])
        self.assertTrue(all(s["TrainingJobStatus"] == "Failed" for s in summaries))
        seen = []
        kwargs = {"NameContains": "list-", "MaxResults": 2, "SortBy": "CreationTime"}
        while True:
            page = self.sm.list_training_jobs(**kwargs)
            self.assertLessEqual(len(page["TrainingJobSummaries"]), 2)
            seen += [s["TrainingJobName"] for s in page["TrainingJobSummaries"]]
            if "NextToken" not in page:
                break
            kwargs["NextToken"] = page["NextToken"]
        self.assertEqual(seen, names)
        self.assertEqual(self.sm.list_training_jobs(NameContains="list-",
                                                    StatusEquals="Completed")
                         ["TrainingJobSummaries"], [])


if __name__ == "__main__":
    unittest.main()
