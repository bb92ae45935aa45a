"""Hyperparameter tuning end to end with boto3 (seed 16.6): a Bayesian tuning job of 6
training jobs, 2 at a time, whose BestTrainingJob is the best of them; Random, Grid and
Hyperband strategies; stopping; bad input."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import SKLEARN_IMAGE, channel, classification_csv, sourcedir, stage_bucket  # noqa

BUCKET = "tuning-bucket"
METRIC = "validation:accuracy"


class TuningTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.role = stage_bucket(cls.server, BUCKET, {
            "data/train.csv": classification_csv(20, seed=1),
            "code/sourcedir.tar.gz": sourcedir("tune_target.py", "slow.py")})

    def definition(self, program="tune_target.py", static=None):
        hps = {"sagemaker_program": '"%s"' % program,
               "sagemaker_submit_directory": '"s3://%s/code/sourcedir.tar.gz"' % BUCKET,
               "epochs": "3"}
        hps.update(static or {})
        return {
            "StaticHyperParameters": hps,
            "AlgorithmSpecification": {
                "TrainingImage": SKLEARN_IMAGE, "TrainingInputMode": "File",
                "MetricDefinitions": [{"Name": METRIC,
                                       "Regex": r"Validation-accuracy: ([0-9\.]+)"},
                                      {"Name": "loss", "Regex": r"loss=([0-9\.]+)"}]},
            "RoleArn": self.role,
            "InputDataConfig": [channel("training", "s3://%s/data/" % BUCKET)],
            "OutputDataConfig": {"S3OutputPath": "s3://%s/output" % BUCKET},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1,
                               "VolumeSizeInGB": 5},
            "StoppingCondition": {"MaxRuntimeInSeconds": 300},
        }

    def config(self, strategy, max_jobs, parallel, ranges=None, **extra):
        config = {
            "Strategy": strategy,
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": METRIC},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": max_jobs,
                               "MaxParallelTrainingJobs": parallel},
            "ParameterRanges": ranges or {
                "ContinuousParameterRanges": [{"Name": "learning_rate", "MinValue": "0.0001",
                                               "MaxValue": "0.1",
                                               "ScalingType": "Logarithmic"}],
                "IntegerParameterRanges": [{"Name": "batch_size", "MinValue": "32",
                                            "MaxValue": "256"}]},
            "TrainingJobEarlyStoppingType": "Off",
        }
        config.update(extra)
        return config

    def wait(self, name, timeout=300):
        deadline = time.time() + timeout
        while True:
            job = self.sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            if job["HyperParameterTuningJobStatus"] in ("Completed", "Failed", "Stopped"):
                return job
            self.assertLess(time.time(), deadline, job)
            time.sleep(0.3)

    def summaries(self, name):
        return self.sm.list_training_jobs_for_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, MaxResults=100)["TrainingJobSummaries"]

    def test_bayesian_six_jobs_two_in_parallel(self):
        name = "bayes-tuning"
        arn = self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name,
            HyperParameterTuningJobConfig=self.config("Bayesian", 6, 2),
            TrainingJobDefinition=self.definition())["HyperParameterTuningJobArn"]
        self.assertTrue(arn.endswith(":hyper-parameter-tuning-job/bayes-tuning"))
        job = self.wait(name)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed",
                         job.get("FailureReason"))
        self.assertEqual(job["TrainingJobStatusCounters"]["Completed"], 6)
        self.assertEqual(job["ObjectiveStatusCounters"]["Succeeded"], 6)
        jobs = self.summaries(name)
        self.assertEqual(len(jobs), 6)
        values = [j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for j in jobs]
        best = job["BestTrainingJob"]
        self.assertEqual(best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
                         max(values))
        self.assertEqual(best["FinalHyperParameterTuningJobObjectiveMetric"]["MetricName"],
                         METRIC)
        # The objective is the last value the job printed: the function of its parameters.
        for j in jobs:
            hp = j["TunedHyperParameters"]
            lr, bs = float(hp["learning_rate"]), int(hp["batch_size"])
            self.assertTrue(0.0001 <= lr <= 0.1 and 32 <= bs <= 256, hp)
            import math
            expected = 0.95 - 0.05 * (math.log10(lr) + 2) ** 2 - 0.2 * ((bs - 128) / 256) ** 2
            self.assertAlmostEqual(j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
                                   expected, places=4)
            self.assertTrue(j["TrainingJobName"].startswith(name + "-"))
        # Never more than two at once.
        events = []
        for j in jobs:
            events += [(j["TrainingStartTime"].timestamp(), 1),
                       (j["TrainingEndTime"].timestamp(), -1)]
        running = peak = 0
        for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
            running += delta
            peak = max(peak, running)
        self.assertLessEqual(peak, 2)
        # Sorted by objective, best first.
        ordered = self.sm.list_training_jobs_for_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, SortBy="FinalObjectiveMetricValue",
            SortOrder="Descending")["TrainingJobSummaries"]
        self.assertEqual(ordered[0]["TrainingJobName"], best["TrainingJobName"])
        # The training jobs know their tuning job, and they got the objective's name.
        training = self.sm.describe_training_job(TrainingJobName=best["TrainingJobName"])
        self.assertEqual(training["TuningJobArn"], arn)
        self.assertEqual(training["HyperParameters"]["_tuning_objective_metric"], METRIC)
        listed = self.sm.list_hyper_parameter_tuning_jobs(NameContains="bayes")
        self.assertEqual([s["HyperParameterTuningJobName"] for s in
                          listed["HyperParameterTuningJobSummaries"]], [name])
        self.assertEqual(listed["HyperParameterTuningJobSummaries"][0]["Strategy"], "Bayesian")

    def test_grid_covers_every_combination(self):
        name = "grid-tuning"
        ranges = {"CategoricalParameterRanges": [
            {"Name": "optimizer", "Values": ["sgd", "adam"]},
            {"Name": "batch_size", "Values": ["64", "128"]}]}
        config = self.config("Grid", 4, 2, ranges)
        del config["ResourceLimits"]["MaxNumberOfTrainingJobs"]
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, HyperParameterTuningJobConfig=config,
            TrainingJobDefinition=self.definition(static={"learning_rate": "0.01"}))
        job = self.wait(name)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed")
        combos = sorted((j["TunedHyperParameters"]["optimizer"],
                         j["TunedHyperParameters"]["batch_size"]) for j in self.summaries(name))
        self.assertEqual(combos, [("adam", "128"), ("adam", "64"), ("sgd", "128"),
                                  ("sgd", "64")])
        self.assertEqual(job["BestTrainingJob"]["TunedHyperParameters"],
                         {"optimizer": "adam", "batch_size": "128"})

    def test_stop_tuning_job(self):
        name = "stopped-tuning"
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name,
            HyperParameterTuningJobConfig=self.config("Random", 10, 2),
            TrainingJobDefinition=self.definition(program="slow.py"))
        time.sleep(1)
        self.sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
        job = self.wait(name, timeout=60)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Stopped")
        self.assertEqual(job["TrainingJobStatusCounters"]["Stopped"], 2)
        self.assertEqual(len(self.summaries(name)), 2)

    def test_bad_input(self):
        bad = [
            self.config("Annealing", 4, 2),
            dict(self.config("Random", 4, 2), ResourceLimits={"MaxParallelTrainingJobs": 2}),
            self.config("Random", 4, 2, {"IntegerParameterRanges": [
                {"Name": "batch_size", "MinValue": "300", "MaxValue": "32"}]}),
            self.config("Random", 4, 2, {"ContinuousParameterRanges": [
                {"Name": "learning_rate", "MinValue": "0", "MaxValue": "1",
                 "ScalingType": "Logarithmic"}]}),
            self.config("Grid", 4, 2),  # Grid takes categorical ranges only
            self.config("Hyperband", 4, 2, TrainingJobEarlyStoppingType="Auto"),
            dict(self.config("Random", 4, 2), HyperParameterTuningJobObjective={
                "Type": "Maximize", "MetricName": "no:such-metric"}),
        ]
        for i, config in enumerate(bad):
            self.assertAwsError("ValidationException", self.sm.create_hyper_parameter_tuning_job,
                                HyperParameterTuningJobName="bad-%d" % i,
                                HyperParameterTuningJobConfig=config,
                                TrainingJobDefinition=self.definition())
        # A definition whose data cannot be read fails at once and leaves nothing behind.
        definition = self.definition()
        definition["InputDataConfig"] = [channel("training", "s3://%s/missing/" % BUCKET)]
        self.assertAwsError("ValidationException", self.sm.create_hyper_parameter_tuning_job,
                            HyperParameterTuningJobName="bad-data",
                            HyperParameterTuningJobConfig=self.config("Random", 2, 1),
                            TrainingJobDefinition=definition)
        self.assertAwsError("ResourceNotFound", self.sm.describe_hyper_parameter_tuning_job,
                            HyperParameterTuningJobName="bad-data")


if __name__ == "__main__":
    unittest.main()
