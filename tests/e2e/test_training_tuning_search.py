"""Hyperparameter tuning beyond the plain search, end to end with boto3: early stopping (the
median rule of TrainingJobEarlyStoppingType Auto and the Hyperband strategy's rungs),
ResourceLimits.MaxRuntimeInSeconds, WarmStartConfig from parent tuning jobs, and several
TrainingJobDefinitions."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import (SKLEARN_IMAGE, TERMINAL, TF_IMAGE, channel,  # noqa: E402
                    classification_csv, sourcedir, stage_bucket)

BUCKET = "search-bucket"
METRIC = "validation:accuracy"


class TuningSearchTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.role = stage_bucket(cls.server, BUCKET, {
            "data/train.csv": classification_csv(20, seed=2),
            "code/sourcedir.tar.gz": sourcedir("tune_target.py", "hyperband_target.py")})

    def definition(self, program="tune_target.py", static=None, image=SKLEARN_IMAGE, **extra):
        hps = {"sagemaker_program": '"%s"' % program,
               "sagemaker_submit_directory": '"s3://%s/code/sourcedir.tar.gz"' % BUCKET}
        hps.update(static or {})
        d = {
            "StaticHyperParameters": hps,
            "AlgorithmSpecification": {
                "TrainingImage": image, "TrainingInputMode": "File",
                "MetricDefinitions": [{"Name": METRIC,
                                       "Regex": r"Validation-accuracy: ([0-9\.]+)"}]},
            "RoleArn": self.role,
            "InputDataConfig": [channel("training", "s3://%s/data/" % BUCKET)],
            "OutputDataConfig": {"S3OutputPath": "s3://%s/output" % BUCKET},
            "ResourceConfig": {"InstanceType": "ml.m5.large", "InstanceCount": 1,
                               "VolumeSizeInGB": 5},
            "StoppingCondition": {"MaxRuntimeInSeconds": 300},
        }
        d.update(extra)
        return d

    def config(self, strategy, max_jobs, parallel, ranges, **extra):
        config = {
            "Strategy": strategy,
            "HyperParameterTuningJobObjective": {"Type": "Maximize", "MetricName": METRIC},
            "ResourceLimits": {"MaxNumberOfTrainingJobs": max_jobs,
                               "MaxParallelTrainingJobs": parallel},
            "ParameterRanges": ranges,
            "TrainingJobEarlyStoppingType": "Off",
        }
        config.update(extra)
        return config

    def lr_range(self, low="0.001", high="0.1"):
        return {"ContinuousParameterRanges": [{"Name": "learning_rate", "MinValue": low,
                                               "MaxValue": high, "ScalingType": "Logarithmic"}]}

    def wait(self, name, timeout=300):
        deadline = time.time() + timeout
        while True:
            job = self.sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
            if job["HyperParameterTuningJobStatus"] in TERMINAL:
                return job
            self.assertLess(time.time(), deadline, job)
            time.sleep(0.3)

    def summaries(self, name):
        return sorted(self.sm.list_training_jobs_for_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, MaxResults=100)["TrainingJobSummaries"],
            key=lambda s: s["TrainingJobName"])

    def transitions(self, job_name):
        job = self.sm.describe_training_job(TrainingJobName=job_name)
        return job, [t.get("StatusMessage", "") for t in job["SecondaryStatusTransitions"]]

    def assertCountersAddUp(self, job, total):
        status = job["TrainingJobStatusCounters"]
        objective = job["ObjectiveStatusCounters"]
        self.assertEqual(sum(status.values()), total, status)
        self.assertEqual(sum(objective.values()), total, objective)

    def test_median_rule_stops_a_bad_trial(self):
        name = "median-rule"
        # One at a time, in grid order: three good learning rates, then a very poor one.
        ranges = {"CategoricalParameterRanges": [
            {"Name": "learning_rate", "Values": ["0.01", "0.012", "0.008", "0.00001"]}]}
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name,
            HyperParameterTuningJobConfig=self.config(
                "Grid", 4, 1, ranges, TrainingJobEarlyStoppingType="Auto"),
            TrainingJobDefinition=self.definition(static={
                "batch_size": "128", "epochs": "8", "epoch_seconds": "0.4"}))
        job = self.wait(name)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed",
                         job.get("FailureReason"))
        self.assertEqual(job["HyperParameterTuningJobConfig"]["TrainingJobEarlyStoppingType"],
                         "Auto")
        self.assertEqual(job["TrainingJobStatusCounters"]["Completed"], 3)
        self.assertEqual(job["TrainingJobStatusCounters"]["Stopped"], 1)
        self.assertEqual(job["ObjectiveStatusCounters"]["Succeeded"], 4)
        self.assertCountersAddUp(job, 4)
        jobs = self.summaries(name)
        by_rate = {j["TunedHyperParameters"]["learning_rate"]: j for j in jobs}
        bad = by_rate["0.00001"]
        self.assertEqual(bad["TrainingJobStatus"], "Stopped")
        self.assertEqual(bad["ObjectiveStatus"], "Succeeded")
        for rate in ("0.01", "0.012", "0.008"):
            self.assertEqual(by_rate[rate]["TrainingJobStatus"], "Completed")
        described, messages = self.transitions(bad["TrainingJobName"])
        self.assertEqual(described["TrainingJobStatus"], "Stopped")
        self.assertEqual(described["SecondaryStatus"], "Stopped")
        self.assertTrue(any("median stopping rule" in m for m in messages), messages)
        # Stopped early: well before its eight epochs (3.2 s) ran out.
        self.assertLess(described["TrainingTimeInSeconds"], 3)
        self.assertLess(bad["FinalHyperParameterTuningJobObjectiveMetric"]["Value"], 0.5)
        self.assertEqual(job["BestTrainingJob"]["TunedHyperParameters"]["learning_rate"], "0.01")

    def test_hyperband_stops_jobs_at_lower_resource_levels(self):
        name = "hyperband"
        # MaxResource comes from the epochs hyperparameter (3), MinResource is 1: two brackets,
        # the first judging its jobs after one epoch. Jobs 1, 3 and 5 are in it; job 5 is bad.
        config = self.config("Hyperband", 6, 1, {"IntegerParameterRanges": [
            {"Name": "seed", "MinValue": "1", "MaxValue": "100"}]},
            StrategyConfig={"HyperbandStrategyConfig": {"MinResource": 1}})
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, HyperParameterTuningJobConfig=config,
            TrainingJobDefinition=self.definition(
                program="hyperband_target.py",
                static={"epochs": "3", "epoch_seconds": "1.2", "bad_job": "5"}))
        job = self.wait(name)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed",
                         job.get("FailureReason"))
        self.assertEqual(job["HyperParameterTuningJobConfig"]["TrainingJobEarlyStoppingType"],
                         "Off")
        self.assertEqual(job["HyperParameterTuningJobConfig"]["Strategy"], "Hyperband")
        self.assertEqual(job["TrainingJobStatusCounters"]["Completed"], 5)
        self.assertEqual(job["TrainingJobStatusCounters"]["Stopped"], 1)
        self.assertEqual(job["ObjectiveStatusCounters"]["Succeeded"], 6)
        self.assertCountersAddUp(job, 6)
        jobs = self.summaries(name)
        self.assertEqual(len(jobs), 6)
        stopped = [j for j in jobs if j["TrainingJobStatus"] == "Stopped"]
        self.assertEqual([j["TrainingJobName"][len(name) + 1:len(name) + 4] for j in stopped],
                         ["005"])
        described, messages = self.transitions(stopped[0]["TrainingJobName"])
        self.assertEqual(described["SecondaryStatus"], "Stopped")
        self.assertTrue(any("Hyperband" in m and "1 epoch" in m for m in messages), messages)
        # It stopped at the lower resource level, well before its 3 epochs (3.6 s) ran out.
        self.assertLess(described["TrainingTimeInSeconds"], 3)
        self.assertLess(stopped[0]["FinalHyperParameterTuningJobObjectiveMetric"]["Value"], 0.5)
        self.assertGreater(job["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]
                           ["Value"], 0.85)

    def test_max_runtime_stops_the_trainings_and_ends_the_tuning_job(self):
        name = "max-runtime"
        # 120 s is the least SageMaker accepts; the trainings would take 300 s each.
        config = self.config("Random", 10, 2, self.lr_range())
        config["ResourceLimits"]["MaxRuntimeInSeconds"] = 120
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, HyperParameterTuningJobConfig=config,
            TrainingJobDefinition=self.definition(static={
                "batch_size": "128", "epochs": "1000", "epoch_seconds": "0.3"}))
        job = self.wait(name, timeout=200)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed",
                         job.get("FailureReason"))
        elapsed = (job["HyperParameterTuningEndTime"] - job["CreationTime"]).total_seconds()
        self.assertGreaterEqual(elapsed, 119.9)
        self.assertLess(elapsed, 150)
        self.assertGreaterEqual(job["ConsumedResources"]["RuntimeInSeconds"], 120)
        self.assertEqual(job["TrainingJobStatusCounters"]["Stopped"], 2)
        self.assertCountersAddUp(job, 2)
        for j in self.summaries(name):
            self.assertEqual(j["TrainingJobStatus"], "Stopped")
            _, messages = self.transitions(j["TrainingJobName"])
            self.assertTrue(any("MaxRuntimeInSeconds" in m for m in messages), messages)
        self.assertIn("BestTrainingJob", job)

    def test_warm_start_from_a_parent_tuning_job(self):
        static = {"batch_size": "128", "epochs": "2", "epoch_seconds": "0.1"}
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName="warm-parent",
            HyperParameterTuningJobConfig=self.config("Random", 3, 3, self.lr_range(), RandomSeed=3),
            TrainingJobDefinition=self.definition(static=static))
        parent = self.wait("warm-parent")
        self.assertEqual(parent["HyperParameterTuningJobStatus"], "Completed")
        warm = {"ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "warm-parent"}],
                "WarmStartType": "IdenticalDataAndAlgorithm"}
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName="warm-child",
            HyperParameterTuningJobConfig=self.config("Bayesian", 3, 1,
                                                      self.lr_range("0.0001", "0.1")),
            TrainingJobDefinition=self.definition(static=static), WarmStartConfig=warm)
        child = self.wait("warm-child")
        self.assertEqual(child["HyperParameterTuningJobStatus"], "Completed",
                         child.get("FailureReason"))
        self.assertEqual(child["WarmStartConfig"], warm)
        # The parent's trainings are not the child's: it ran its own three.
        own = self.summaries("warm-child")
        self.assertEqual(len(own), 3)
        self.assertCountersAddUp(child, 3)
        ours = [j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for j in own]
        theirs = [j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"]
                  for j in self.summaries("warm-parent")]
        self.assertEqual(child["BestTrainingJob"]["FinalHyperParameterTuningJobObjectiveMetric"]
                         ["Value"], max(ours))
        overall = child["OverallBestTrainingJob"]
        self.assertEqual(overall["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
                         max(ours + theirs))
        self.assertEqual(overall["TuningJobName"],
                         "warm-child" if max(ours) >= max(theirs) else "warm-parent")

        # What a warm start refuses.
        def create(name, config=None, definition=None, warm_config=warm):
            return self.sm.create_hyper_parameter_tuning_job(
                HyperParameterTuningJobName=name,
                HyperParameterTuningJobConfig=config or self.config("Bayesian", 2, 1,
                                                                    self.lr_range()),
                TrainingJobDefinition=definition or self.definition(static=static),
                WarmStartConfig=warm_config)
        self.assertAwsError("ResourceNotFound", create, "warm-orphan", warm_config={
            "ParentHyperParameterTuningJobs": [{"HyperParameterTuningJobName": "no-such"}],
            "WarmStartType": "TransferLearning"})
        minimize = self.config("Bayesian", 2, 1, self.lr_range())
        minimize["HyperParameterTuningJobObjective"]["Type"] = "Minimize"
        self.assertAwsError("ValidationException", create, "warm-other-objective", minimize)
        # Identical data and algorithm: another image is refused.
        self.assertAwsError("ValidationException", create, "warm-other-image",
                            definition=self.definition(static=static, image=TF_IMAGE))
        # Either way, the hyperparameters (static and tuned) must stay the same set.
        self.assertAwsError("ValidationException", create, "warm-more-hps",
                            definition=self.definition(static=dict(static, extra="1")),
                            warm_config=dict(warm, WarmStartType="TransferLearning"))
        self.assertAwsError("ValidationException", create, "warm-grid",
                            self.config("Grid", 1, 1, {"CategoricalParameterRanges": [
                                {"Name": "learning_rate", "Values": ["0.01"]}]}))
        for refused in ("warm-orphan", "warm-other-objective", "warm-other-image",
                        "warm-more-hps", "warm-grid"):
            self.assertAwsError("ResourceNotFound", self.sm.describe_hyper_parameter_tuning_job,
                                HyperParameterTuningJobName=refused)

    def test_several_training_job_definitions(self):
        name = "two-definitions"
        static = {"epochs": "2", "epoch_seconds": "0.1"}
        objective = {"Type": "Maximize", "MetricName": METRIC}
        by_rate = self.definition(static=dict(static, batch_size="128"),
                                  DefinitionName="by-rate", TuningObjective=objective,
                                  HyperParameterRanges=self.lr_range())
        by_batch = self.definition(static=dict(static, learning_rate="0.01"), image=TF_IMAGE,
                                   DefinitionName="by-batch", TuningObjective=objective,
                                   HyperParameterRanges={"IntegerParameterRanges": [
                                       {"Name": "batch_size", "MinValue": "32",
                                        "MaxValue": "256"}]})
        config = self.config("Random", 4, 2, None)
        del config["ParameterRanges"]
        del config["HyperParameterTuningJobObjective"]
        self.sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=name, HyperParameterTuningJobConfig=config,
            TrainingJobDefinitions=[by_rate, by_batch])
        job = self.wait(name)
        self.assertEqual(job["HyperParameterTuningJobStatus"], "Completed",
                         job.get("FailureReason"))
        self.assertNotIn("TrainingJobDefinition", job)
        self.assertEqual([d["DefinitionName"] for d in job["TrainingJobDefinitions"]],
                         ["by-rate", "by-batch"])
        jobs = self.summaries(name)
        self.assertEqual(sorted(j["TrainingJobDefinitionName"] for j in jobs),
                         ["by-batch", "by-batch", "by-rate", "by-rate"])
        for j in jobs:
            tuned = {"by-rate": ["learning_rate"], "by-batch": ["batch_size"]}
            self.assertEqual(list(j["TunedHyperParameters"]), tuned[j["TrainingJobDefinitionName"]])
            training = self.sm.describe_training_job(TrainingJobName=j["TrainingJobName"])
            image = training["AlgorithmSpecification"]["TrainingImage"]
            self.assertEqual(image, SKLEARN_IMAGE if j["TrainingJobDefinitionName"] == "by-rate"
                             else TF_IMAGE)
        best = job["BestTrainingJob"]
        values = [j["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] for j in jobs]
        self.assertEqual(best["FinalHyperParameterTuningJobObjectiveMetric"]["Value"],
                         max(values))
        self.assertIn(best["TrainingJobDefinitionName"], ("by-rate", "by-batch"))
        # Names are required, unique, and a request gives one form only.
        for i, definitions in enumerate([[by_rate, dict(by_batch, DefinitionName="by-rate")],
                                         [dict(by_rate, DefinitionName="-bad")]]):
            self.assertAwsError("ValidationException", self.sm.create_hyper_parameter_tuning_job,
                                HyperParameterTuningJobName="bad-definitions-%d" % i,
                                HyperParameterTuningJobConfig=config,
                                TrainingJobDefinitions=definitions)
        self.assertAwsError("ValidationException", self.sm.create_hyper_parameter_tuning_job,
                            HyperParameterTuningJobName="both-forms",
                            HyperParameterTuningJobConfig=dict(
                                config, ParameterRanges=self.lr_range(),
                                HyperParameterTuningJobObjective=objective),
                            TrainingJobDefinition=self.definition(static=static),
                            TrainingJobDefinitions=[by_rate])

    def test_hyperband_needs_a_max_resource(self):
        self.assertAwsError("ValidationException", self.sm.create_hyper_parameter_tuning_job,
                            HyperParameterTuningJobName="hyperband-unbounded",
                            HyperParameterTuningJobConfig=self.config("Hyperband", 3, 1,
                                                                      self.lr_range()),
                            TrainingJobDefinition=self.definition(static={"batch_size": "128"}))


if __name__ == "__main__":
    unittest.main()
