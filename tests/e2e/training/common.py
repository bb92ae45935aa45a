"""Helpers shared by the training end-to-end tests: an execution role SageMaker may assume, a
bucket with data, sourcedir.tar.gz packaging as the SageMaker SDK does it, the
CreateTrainingJob request an Estimator sends, and waiting for a job to end."""
import io
import json
import os
import random
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
DEBIAN_PYTHON = "/usr/bin/python3"
SKLEARN_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
TF_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/tensorflow-training:2.13.0-cpu-py310"
PYTORCH_IMAGE = "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.13.1-cpu-py39"
XGBOOST_IMAGE = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
TERMINAL = ("Completed", "Failed", "Stopped")


def execution_role(iam, name="SageMakerExecutionRole"):
    """A role that trusts sagemaker.amazonaws.com and may use S3 and CloudWatch Logs."""
    trust = {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"},
        "Action": "sts:AssumeRole"}]}
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName=name, PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:*", "logs:*"], "Resource": "*"}]}))
    return role["Arn"]


def stage_bucket(server, bucket, objects, role_name="SageMakerExecutionRole"):
    """Creates `bucket` holding `objects` ({key: bytes}) and the execution role; returns the
    role's ARN (a training test's usual setup)."""
    s3 = server.client("s3")
    s3.create_bucket(Bucket=bucket)
    for key, body in objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body)
    return execution_role(server.client("iam"), name=role_name)


def sourcedir(*files, extra=None):
    """A sourcedir.tar.gz (bytes) holding fixture scripts from this directory, as the SDK packs
    source_dir."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in files:
            tar.add(os.path.join(HERE, name), arcname=name)
        for name, text in (extra or {}).items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def classification_csv(rows, seed, features=4):
    """Rows of `label,f1..fn` where the label is whether f1 + f2 > 1 (learnable)."""
    rng = random.Random(seed)
    lines = []
    for _ in range(rows):
        x = [rng.random() for _ in range(features)]
        lines.append(",".join(["1" if x[0] + x[1] > 1 else "0"] + ["%.5f" % v for v in x]))
    return ("\n".join(lines) + "\n").encode()


def regression_csv(rows, seed, features=5):
    """Rows of `y,x1..xn` with y = 3 x1 - 2 x2 + noise."""
    rng = random.Random(seed)
    lines = []
    for _ in range(rows):
        x = [rng.random() for _ in range(features)]
        y = 3 * x[0] - 2 * x[1] + rng.gauss(0, 0.05)
        lines.append(",".join(["%.5f" % y] + ["%.5f" % v for v in x]))
    return ("\n".join(lines) + "\n").encode()


def channel(name, uri, content_type=None, distribution="FullyReplicated"):
    c = {"ChannelName": name, "DataSource": {"S3DataSource": {
        "S3DataType": "S3Prefix", "S3Uri": uri, "S3DataDistributionType": distribution}}}
    if content_type:
        c["ContentType"] = content_type
    return c


def script_job(name, role, image, program, submit_dir, output, channels, hyperparameters=None,
               metrics=None, instance_type="ml.m5.large", count=1, **extra):
    """The CreateTrainingJob request a framework Estimator sends: user hyperparameters and the
    sagemaker_* ones JSON-encoded, as sagemaker-python-sdk does."""
    hps = {k: json.dumps(v) for k, v in (hyperparameters or {}).items()}
    hps.update({
        "sagemaker_program": json.dumps(program),
        "sagemaker_submit_directory": json.dumps(submit_dir),
        "sagemaker_container_log_level": "20",
        "sagemaker_region": json.dumps("us-east-1"),
    })
    request = {
        "TrainingJobName": name,
        "AlgorithmSpecification": {"TrainingImage": image, "TrainingInputMode": "File",
                                   "EnableSageMakerMetricsTimeSeries": True},
        "RoleArn": role,
        "InputDataConfig": channels,
        "OutputDataConfig": {"S3OutputPath": output},
        "ResourceConfig": {"InstanceType": instance_type, "InstanceCount": count,
                           "VolumeSizeInGB": 30},
        "StoppingCondition": {"MaxRuntimeInSeconds": 600},
        "HyperParameters": hps,
        "EnableNetworkIsolation": False,
        "EnableInterContainerTrafficEncryption": False,
        "EnableManagedSpotTraining": False,
    }
    if metrics:
        request["AlgorithmSpecification"]["MetricDefinitions"] = [
            {"Name": n, "Regex": r} for n, r in metrics.items()]
    request.update(extra)
    return request


def wait(sm, name, timeout=240, until=TERMINAL):
    deadline = time.time() + timeout
    while True:
        job = sm.describe_training_job(TrainingJobName=name)
        if job["TrainingJobStatus"] in until or job["SecondaryStatus"] in until:
            return job
        if time.time() > deadline:
            raise AssertionError("training job %s did not reach %s: %s" % (name, until, job))
        time.sleep(0.2)


def read_tar(data):
    """{member name: bytes or None for directories} of a .tar.gz."""
    out = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for m in tar.getmembers():
            name = m.name[2:] if m.name.startswith("./") else m.name
            out[name] = tar.extractfile(m).read() if m.isfile() else None
    return out
