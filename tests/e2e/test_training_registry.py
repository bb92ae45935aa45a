"""The model registry end to end with boto3 (seed 14.5): a trained model registered as
versions of a model package group, approved and rejected, listed, turned into a model, and
deleted; bad input."""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "training"))

import harness  # noqa: E402
from common import XGBOOST_IMAGE, channel, regression_csv, stage_bucket, wait  # noqa: E402

BUCKET = "registry-bucket"
IMAGE = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/my-model:latest"


class ModelRegistryTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sm = cls.server.client("sagemaker")
        cls.role = stage_bucket(cls.server, BUCKET,
                                {"train/data.csv": regression_csv(300, seed=1)})

    def train(self, name):
        self.sm.create_training_job(
            TrainingJobName=name,
            AlgorithmSpecification={"TrainingImage": XGBOOST_IMAGE, "TrainingInputMode": "File"},
            RoleArn=self.role,
            InputDataConfig=[channel("train", "s3://%s/train/" % BUCKET, "text/csv")],
            OutputDataConfig={"S3OutputPath": "s3://%s/models" % BUCKET},
            ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1,
                            "VolumeSizeInGB": 5},
            StoppingCondition={"MaxRuntimeInSeconds": 300},
            HyperParameters={"num_round": "5", "objective": "reg:squarederror"})
        job = wait(self.sm, name)
        self.assertEqual(job["TrainingJobStatus"], "Completed", job.get("FailureReason"))
        return job["ModelArtifacts"]["S3ModelArtifacts"]

    def test_register_approve_and_deploy_record(self):
        sm = self.sm
        model_data = self.train("churn-train-1")
        group_arn = sm.create_model_package_group(
            ModelPackageGroupName="customer-churn-models",
            ModelPackageGroupDescription="顧客離反予測モデル")["ModelPackageGroupArn"]
        self.assertEqual(group_arn, "arn:aws:sagemaker:us-east-1:%s:model-package-group/"
                         "customer-churn-models" % self.server.account_id)
        self.assertAwsError("ValidationException", sm.create_model_package_group,
                            ModelPackageGroupName="customer-churn-models")
        group = sm.describe_model_package_group(ModelPackageGroupName="customer-churn-models")
        self.assertEqual(group["ModelPackageGroupDescription"], "顧客離反予測モデル")
        self.assertEqual(group["ModelPackageGroupStatus"], "Completed")

        spec = {"Containers": [{"Image": IMAGE, "ModelDataUrl": model_data}],
                "SupportedContentTypes": ["application/json"],
                "SupportedResponseMIMETypes": ["application/json"]}
        arns = []
        for version in (1, 2, 3):
            arn = sm.create_model_package(
                ModelPackageGroupName="customer-churn-models",
                ModelPackageDescription="RandomForestモデル v%d.0" % version,
                InferenceSpecification=spec,
                ModelApprovalStatus="PendingManualApproval")["ModelPackageArn"]
            self.assertEqual(arn, "arn:aws:sagemaker:us-east-1:%s:model-package/"
                             "customer-churn-models/%d" % (self.server.account_id, version))
            arns.append(arn)

        package = sm.describe_model_package(ModelPackageName=arns[0])
        self.assertEqual(package["ModelApprovalStatus"], "PendingManualApproval")
        self.assertEqual(package["ModelPackageVersion"], 1)
        self.assertEqual(package["ModelPackageGroupName"], "customer-churn-models")
        self.assertEqual(package["InferenceSpecification"]["Containers"][0]["ModelDataUrl"],
                         model_data)

        # Approval (seed 14.5) and rejection.
        sm.update_model_package(ModelPackageArn=arns[0], ModelApprovalStatus="Approved")
        sm.update_model_package(ModelPackageArn=arns[1], ModelApprovalStatus="Rejected",
                                ApprovalDescription="accuracy below threshold")
        self.assertEqual(sm.describe_model_package(ModelPackageName=arns[0])
                         ["ModelApprovalStatus"], "Approved")
        rejected = sm.describe_model_package(ModelPackageName=arns[1])
        self.assertEqual(rejected["ModelApprovalStatus"], "Rejected")
        self.assertEqual(rejected["ApprovalDescription"], "accuracy below threshold")
        self.assertAwsError("ValidationException", sm.update_model_package,
                            ModelPackageArn=arns[0], ModelApprovalStatus="Maybe")

        # The latest approved version, as a deployment pipeline looks it up.
        approved = sm.list_model_packages(
            ModelPackageGroupName="customer-churn-models", ModelApprovalStatus="Approved",
            SortBy="CreationTime", SortOrder="Descending")["ModelPackageSummaryList"]
        self.assertEqual([p["ModelPackageArn"] for p in approved], [arns[0]])
        everything = sm.list_model_packages(ModelPackageGroupName="customer-churn-models",
                                            MaxResults=2)
        self.assertEqual(len(everything["ModelPackageSummaryList"]), 2)
        rest = sm.list_model_packages(ModelPackageGroupName="customer-churn-models",
                                      NextToken=everything["NextToken"])
        self.assertEqual(len(rest["ModelPackageSummaryList"]), 1)

        # A model record from the approved package, as the endpoints deploy it.
        model_arn = sm.create_model(
            ModelName="churn-model",
            PrimaryContainer={"ModelPackageName": arns[0]},
            ExecutionRoleArn=self.role)["ModelArn"]
        self.assertTrue(model_arn.endswith(":model/churn-model"))
        model = sm.describe_model(ModelName="churn-model")
        self.assertEqual(model["PrimaryContainer"]["ModelPackageName"], arns[0])
        self.assertEqual([m["ModelName"] for m in sm.list_models(NameContains="churn")
                          ["Models"]], ["churn-model"])
        self.assertAwsError("ValidationException", sm.create_model, ModelName="churn-model",
                            PrimaryContainer={"Image": IMAGE, "ModelDataUrl": model_data},
                            ExecutionRoleArn=self.role)
        self.assertAwsError("ValidationException", sm.create_model, ModelName="ghost",
                            PrimaryContainer={"ModelPackageName": arns[0] + "9"},
                            ExecutionRoleArn=self.role)

        # A group with versions cannot go; once they are deleted it can.
        self.assertAwsError("ConflictException", sm.delete_model_package_group,
                            ModelPackageGroupName="customer-churn-models")
        for arn in arns:
            sm.delete_model_package(ModelPackageName=arn)
        sm.delete_model_package_group(ModelPackageGroupName="customer-churn-models")
        self.assertAwsError("ValidationException", sm.describe_model_package_group,
                            ModelPackageGroupName="customer-churn-models")
        sm.delete_model(ModelName="churn-model")
        self.assertAwsError("ValidationException", sm.describe_model, ModelName="churn-model")

    def test_packages_need_a_group_and_valid_data(self):
        self.assertAwsError("ValidationException", self.sm.create_model_package,
                            ModelPackageGroupName="no-such-group",
                            InferenceSpecification={
                                "Containers": [{"Image": IMAGE}],
                                "SupportedContentTypes": ["text/csv"],
                                "SupportedResponseMIMETypes": ["text/csv"]})
        self.sm.create_model_package_group(ModelPackageGroupName="g2")
        self.assertAwsError("ValidationException", self.sm.create_model_package,
                            ModelPackageGroupName="g2",
                            InferenceSpecification={
                                "Containers": [{"Image": IMAGE, "ModelDataUrl": "http://x/y"}],
                                "SupportedContentTypes": ["text/csv"],
                                "SupportedResponseMIMETypes": ["text/csv"]})


if __name__ == "__main__":
    unittest.main()
