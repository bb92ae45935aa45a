"""Debugger rules and the profiler end to end with boto3 (seed 16.7): rules evaluated on the
metrics a job emits, DebugRuleEvaluationStatuses, sampled system metrics in S3 and the profiler
rules judged from them; and a job's sandbox, which does not show the server's data directory."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import (PYTORCH_IMAGE, channel, classification_csv, execution_role,  # noqa: E402
                    read_tar, script_job, sourcedir, wait)

BUCKET = "debug-bucket"
RULES_IMAGE = "503895931360.dkr.ecr.us-east-1.amazonaws.com/sagemaker-debugger-rules:latest"


class DebuggerTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.s3 = cls.server.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.s3.put_object(Bucket=BUCKET, Key="data/d.csv", Body=classification_csv(5, seed=1))
        cls.s3.put_object(Bucket=BUCKET, Key="code/sourcedir.tar.gz",
                          Body=sourcedir("overfit.py"))
        cls.role = execution_role(cls.server.client("iam"))

    def test_rules_profiler_and_sandbox(self):
        name = "debugged-job"
        rule = lambda n: {"RuleConfigurationName": n, "RuleEvaluatorImage": RULES_IMAGE,  # noqa
                          "RuleParameters": {"rule_to_invoke": n}}
        request = script_job(
            name, self.role, PYTORCH_IMAGE, "overfit.py",
            "s3://%s/code/sourcedir.tar.gz" % BUCKET, "s3://%s/output" % BUCKET,
            [channel("training", "s3://%s/data/" % BUCKET)],
            metrics={"train:loss": r"train_loss=([0-9.]+)",
                     "validation:loss": r"validation_loss=([0-9.]+)"},
            DebugHookConfig={"S3OutputPath": "s3://%s/debug-output" % BUCKET,
                             "CollectionConfigurations": [
                                 {"CollectionName": "weights",
                                  "CollectionParameters": {"save_interval": "100"}}]},
            DebugRuleConfigurations=[rule("LossNotDecreasing"), rule("Overfit"),
                                     rule("VanishingGradient")],
            ProfilerConfig={"S3OutputPath": "s3://%s/profiler" % BUCKET,
                            "ProfilingIntervalInMilliseconds": 100},
            ProfilerRuleConfigurations=[
                rule("LowGPUUtilization"), rule("OverallSystemUsage"), rule("CPUBottleneck"),
                rule("StepOutlier"),
                # Every sample is above -1% CPU: the report's bottleneck check must fire.
                dict(rule("ProfilerReport"), RuleParameters={
                    "rule_to_invoke": "ProfilerReport", "CPUBottleneck_patience": "0",
                    "CPUBottleneck_cpu_threshold": "-1"})],
            Environment={"PROBE_DIR": self.server.data_dir})
        self.sm.create_training_job(**request)
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        statuses = {s["RuleConfigurationName"]: s["RuleEvaluationStatus"]
                    for s in job["DebugRuleEvaluationStatuses"]}
        self.assertEqual(statuses, {"LossNotDecreasing": "IssuesFound",
                                    "Overfit": "IssuesFound", "VanishingGradient": "Error"})
        self.assertEqual(job["ProfilingStatus"], "Enabled")
        # Profiler rules judged from the CPU and memory samples of the job's host.
        profiler = {s["RuleConfigurationName"]: s for s in job["ProfilerRuleEvaluationStatuses"]}
        verdicts = {n: s["RuleEvaluationStatus"] for n, s in profiler.items()}
        self.assertEqual(verdicts, {"LowGPUUtilization": "NoIssuesFound",
                                    "OverallSystemUsage": "NoIssuesFound",
                                    "CPUBottleneck": "NoIssuesFound",
                                    "StepOutlier": "Error", "ProfilerReport": "IssuesFound"})
        self.assertIn("no GPU", profiler["LowGPUUtilization"]["StatusDetails"])
        self.assertRegex(profiler["OverallSystemUsage"]["StatusDetails"],
                         r"algo-1: CPU p50 [0-9.e+]+%, p95 [0-9.e+]+%, max [0-9.e+]+%; memory "
                         r"p50 [0-9.e+]+%, max [0-9.e+]+% \([1-9][0-9]* samples\)")
        # The default patience skips the first 1000 samples: a short job has none left.
        self.assertIn("patience", profiler["CPUBottleneck"]["StatusDetails"])
        self.assertIn("CPUBottleneck: IssuesFound", profiler["ProfilerReport"]["StatusDetails"])
        keys = [o["Key"] for o in self.s3.list_objects_v2(
            Bucket=BUCKET, Prefix="profiler/%s/profiler-output/system/" % name)
            .get("Contents", [])]
        self.assertTrue(keys, "no system metrics were uploaded")
        body = self.s3.get_object(Bucket=BUCKET, Key=keys[0])["Body"].read().decode()
        sample = json.loads(body.splitlines()[0])
        self.assertEqual(sample["Hostname"], "algo-1")
        self.assertIn(sample["Dimension"], ("CPUUtilization", "MemoryUsedPercent"))
        self.assertGreaterEqual(sample["Value"], 0)
        # The job saw nothing of the server's data directory.
        probe = json.loads(read_tar(self.s3.get_object(
            Bucket=BUCKET, Key="output/%s/output/model.tar.gz" % name)["Body"].read())
            ["probe.json"])
        self.assertNotIn("meta", probe, probe)
        self.assertFalse(probe.get("listing"), probe)


if __name__ == "__main__":
    unittest.main()
