"""Distributed and spot training end to end with boto3: a 2-host PyTorch job whose hosts
all-reduce over gloo (seed 16.3), and a spot job on a custom image (seed 16.4, 16.5) that is
interrupted once and resumes from its checkpoint."""
import json
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import (HERE, PYTORCH_IMAGE, channel, classification_csv,  # noqa: E402
                    execution_role, read_tar, script_job, sourcedir, wait)

BUCKET = "dist-bucket"
SPOT_IMAGE = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/my-training:latest"
SPOT_FAULT_TAG = "unistudio:fault-injection:spot-interruption-after-seconds"


class DistributedTrainingTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.s3 = cls.server.client("s3")
        cls.role = execution_role(cls.server.client("iam"))
        cls.s3.create_bucket(Bucket=BUCKET)
        for i in range(4):
            cls.s3.put_object(Bucket=BUCKET, Key="data/part-%d.csv" % i,
                              Body=classification_csv(10, seed=i))
        cls.s3.put_object(Bucket=BUCKET, Key="code/sourcedir.tar.gz",
                          Body=sourcedir("ddp_allreduce.py"))

    def get(self, key):
        return self.s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()

    def test_two_hosts_all_reduce(self):
        name = "pytorch-ddp-2-hosts"
        request = script_job(
            name, self.role, PYTORCH_IMAGE, "ddp_allreduce.py",
            "s3://%s/code/sourcedir.tar.gz" % BUCKET, "s3://%s/output" % BUCKET,
            [channel("training", "s3://%s/data/" % BUCKET, distribution="ShardedByS3Key")],
            hyperparameters={"backend": "gloo", "batch_size": 256},
            instance_type="ml.m5.xlarge", count=2)
        # What the SDK adds for distribution={'torch_distributed': {'enabled': True}}.
        request["HyperParameters"]["sagemaker_torch_distributed_enabled"] = "true"
        self.sm.create_training_job(**request)
        job = wait(self.sm, name, timeout=300)
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        files = read_tar(self.get("output/%s/output/model.tar.gz" % name))
        ranks = [json.loads(files["rank-%d.json" % r]) for r in (0, 1)]
        for r, info in enumerate(ranks):
            self.assertEqual(info["rank"], r)
            self.assertEqual(info["world"], 2)
            self.assertEqual(info["sum"], [3.0, 30.0])  # 1 + 2 and 10 + 20: a real all-reduce
            self.assertEqual(info["host"], "algo-%d" % (r + 1))
            self.assertEqual(info["hosts"], ["algo-1", "algo-2"])
            self.assertEqual(info["local_rank"], 0)
        # One log stream per host.
        streams = self.server.client("logs").describe_log_streams(
            logGroupName="/aws/sagemaker/TrainingJobs",
            logStreamNamePrefix=name + "/")["logStreams"]
        self.assertEqual(sorted(s["logStreamName"].split("/")[1].rsplit("-", 1)[0]
                                for s in streams), ["algo-1", "algo-2"])

    def test_one_failing_host_fails_the_job(self):
        name = "pytorch-one-host-fails"
        self.s3.put_object(Bucket=BUCKET, Key="code/fail-on-2.tar.gz", Body=sourcedir(extra={
            "entry.py": "import os, sys, time\n"
                        "if os.environ['SM_CURRENT_HOST'] == 'algo-2':\n"
                        "    open('/opt/ml/output/failure', 'w').write('host 2 broke')\n"
                        "    sys.exit(1)\n"
                        "time.sleep(60)\n"}))
        request = script_job(name, self.role, PYTORCH_IMAGE, "entry.py",
                             "s3://%s/code/fail-on-2.tar.gz" % BUCKET,
                             "s3://%s/output" % BUCKET,
                             [channel("training", "s3://%s/data/" % BUCKET)], count=2)
        self.sm.create_training_job(**request)
        job = wait(self.sm, name, timeout=60)
        self.assertEqual(job["TrainingJobStatus"], "Failed")
        self.assertEqual(job["FailureReason"], "host 2 broke")

    def test_spot_interrupted_resumes_from_checkpoint(self):
        # Seed 16.4: a custom image is a directory registered under its URI.
        out = subprocess.run([self.server.binary, "images", "add", SPOT_IMAGE,
                              os.path.join(HERE, "spot_image"), "--data-dir",
                              self.server.data_dir], capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        name = "spot-with-checkpoints"
        self.sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": SPOT_IMAGE, "TrainingInputMode": "File"},
            RoleArn=self.role,
            HyperParameters={"epochs": "20", "seconds_per_epoch": "0.4"},
            OutputDataConfig={"S3OutputPath": "s3://%s/spot-output" % BUCKET},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1,
                            "VolumeSizeInGB": 5},
            StoppingCondition={"MaxRuntimeInSeconds": 120, "MaxWaitTimeInSeconds": 300},
            EnableManagedSpotTraining=True,
            CheckpointConfig={"S3Uri": "s3://%s/checkpoints/" % BUCKET,
                              "LocalPath": "/opt/ml/checkpoints"},
            Tags=[{"Key": SPOT_FAULT_TAG, "Value": "6"}])
        job = wait(self.sm, name, timeout=180)
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        statuses = [t["Status"] for t in job["SecondaryStatusTransitions"]]
        self.assertIn("Interrupted", statuses)
        self.assertIn("Restarting", statuses)
        self.assertEqual(statuses[-1], "Completed")
        self.assertEqual(statuses.count("Training"), 2)
        files = read_tar(self.get("spot-output/%s/output/model.tar.gz" % name))
        run = json.loads(files["run.json"])
        self.assertGreater(run["start_epoch"], 0)  # the second run resumed
        self.assertLess(run["start_epoch"], 20)
        self.assertIn("model.pth", files)
        # The checkpoint is in S3, and billing counts only the time hosts ran.
        self.assertGreater(len(self.get("checkpoints/checkpoint.pth")), 0)
        self.assertLessEqual(job["BillableTimeInSeconds"], job["TrainingTimeInSeconds"])
        events = self.server.client("logs").filter_log_events(
            logGroupName="/aws/sagemaker/TrainingJobs", logStreamNamePrefix=name + "/",
            filterPattern="resumed")["events"]
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0]["message"], "resumed from epoch %d" % run["start_epoch"])

    def test_spot_needs_max_wait(self):
        self.assertAwsError(
            "ValidationException", self.sm.create_training_job,
            TrainingJobName="spot-without-wait",
            AlgorithmSpecification={"TrainingImage": SPOT_IMAGE, "TrainingInputMode": "File"},
            RoleArn=self.role, OutputDataConfig={"S3OutputPath": "s3://%s/o" % BUCKET},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1,
                            "VolumeSizeInGB": 5},
            StoppingCondition={"MaxRuntimeInSeconds": 120},
            EnableManagedSpotTraining=True)


if __name__ == "__main__":
    unittest.main()
