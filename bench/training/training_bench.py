"""Training benchmarks.

1. Job start overhead: CreateTrainingJob -> the script's first output line, for a script-mode
   job whose first statement prints time.time(); compared with a bare `python3 -c` start.
2. Built-in XGBoost: `unistudio algorithm xgboost` (libxgboost through its C API, the code a
   built-in XGBoost job runs) against Debian's `xgboost` CLI on the same CSV data, parameters
   and threads, and the same job end to end through the API.

usage: training_bench.py UNISTUDIO_BINARY [--jobs N] [--rows N] [--rounds N]
"""
import argparse
import io
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e", "training"))

import harness  # noqa: E402
from common import (SKLEARN_IMAGE, XGBOOST_IMAGE, channel, execution_role,  # noqa: E402
                    script_job, wait)

FIRST_LINE = "import time; print('FIRST_LINE %.6f' % time.time(), flush=True)\n"


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def sourcedir(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def start_overhead(server, sm, s3, role, jobs):
    s3.create_bucket(Bucket="bench")
    s3.put_object(Bucket="bench", Key="data/x.csv", Body=b"1,2\n")
    s3.put_object(Bucket="bench", Key="code/sourcedir.tar.gz",
                  Body=sourcedir({"first_line.py": FIRST_LINE}))
    logs = server.client("logs")
    overheads, totals = [], []
    for i in range(jobs):
        name = "start-overhead-%d" % i
        request = script_job(name, role, SKLEARN_IMAGE, "first_line.py",
                             "s3://bench/code/sourcedir.tar.gz", "s3://bench/out",
                             [channel("training", "s3://bench/data/")])
        t0 = time.time()
        sm.create_training_job(**request)
        job = wait(sm, name, timeout=120)
        totals.append(time.time() - t0)
        assert job["TrainingJobStatus"] == "Completed", job
        stream = logs.describe_log_streams(logGroupName="/aws/sagemaker/TrainingJobs",
                                           logStreamNamePrefix=name + "/")["logStreams"][0]
        events = logs.get_log_events(logGroupName="/aws/sagemaker/TrainingJobs",
                                     logStreamName=stream["logStreamName"],
                                     startFromHead=True)["events"]
        first = float(events[0]["message"].split()[1])
        overheads.append((first - t0) * 1000)
    bare = []
    for _ in range(jobs):
        t0 = time.time()
        out = subprocess.run(["/usr/bin/python3", "-c", FIRST_LINE], capture_output=True,
                             text=True, check=True).stdout
        bare.append((float(out.split()[1]) - t0) * 1000)
    return {"jobs": jobs,
            "overhead_ms_median": statistics.median(overheads),
            "overhead_ms_p90": percentile(overheads, 0.9),
            "overhead_ms_min": min(overheads),
            "bare_python_ms_median": statistics.median(bare),
            "create_to_completed_s_median": statistics.median(totals)}


def write_data(directory, rows, features, seed):
    rng = random.Random(seed)
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "data.csv")
    with open(path, "w") as f:
        for _ in range(rows):
            x = [rng.random() for _ in range(features)]
            y = 3 * x[0] - 2 * x[1] + x[2] * x[3] + rng.gauss(0, 0.1)
            f.write("%.5f," % y + ",".join("%.5f" % v for v in x) + "\n")
    return path


def xgboost_comparison(binary, work, rows, rounds, repeats):
    features = 20
    train = write_data(os.path.join(work, "train"), rows, features, 1)
    validation = write_data(os.path.join(work, "validation"), rows // 4, features, 2)
    params = {"objective": "reg:squarederror", "eta": "0.1", "max_depth": "6",
              "subsample": "1", "tree_method": "hist", "nthread": "2", "eval_metric": "rmse"}

    # Debian's CLI: the same data, parameters and evaluation sets (train via eval_train).
    config = os.path.join(work, "cli.conf")
    with open(config, "w") as f:
        f.write("booster = gbtree\n")
        for k, v in params.items():
            f.write("%s = %s\n" % (k, v))
        f.write("num_round = %d\n" % rounds)
        f.write('data = "%s?format=csv&label_column=0"\n' % train)
        f.write('eval[validation] = "%s?format=csv&label_column=0"\n' % validation)
        f.write("eval_train = 1\n")
        f.write("model_out = %s\n" % os.path.join(work, "cli.model"))

    # The built-in algorithm on a prepared /opt/ml tree, as a job's sandbox has it.
    ml = os.path.join(work, "ml")
    for sub in ("input/config", "input/data/train", "input/data/validation", "model",
                "output/data"):
        os.makedirs(os.path.join(ml, sub), exist_ok=True)
    shutil.copy(train, os.path.join(ml, "input/data/train/train.csv"))
    shutil.copy(validation, os.path.join(ml, "input/data/validation/validation.csv"))
    hps = dict(params, num_round=str(rounds))
    with open(os.path.join(ml, "input/config/hyperparameters.json"), "w") as f:
        json.dump(hps, f)
    with open(os.path.join(ml, "input/config/inputdataconfig.json"), "w") as f:
        json.dump({c: {"ContentType": "text/csv", "TrainingInputMode": "File",
                       "S3DistributionType": "FullyReplicated", "RecordWrapperType": "None"}
                   for c in ("train", "validation")}, f)
    with open(os.path.join(ml, "input/config/resourceconfig.json"), "w") as f:
        json.dump({"current_host": "algo-1", "hosts": ["algo-1"]}, f)

    def timed(cmd, env=None):
        t0 = time.perf_counter()
        out = subprocess.run(cmd, capture_output=True, text=True, env=env)
        elapsed = time.perf_counter() - t0
        if out.returncode != 0:
            raise RuntimeError("%s failed: %s" % (cmd, out.stderr[-2000:]))
        return elapsed, out.stdout + out.stderr

    cli_times, ours_times = [], []
    env = dict(os.environ, UNISTUDIO_ML_ROOT=ml)
    for _ in range(repeats):
        t, cli_out = timed(["xgboost", config])
        cli_times.append(t)
        t, ours_out = timed([binary, "algorithm", "xgboost"], env)
        ours_times.append(t)
    cli_rmse = float(cli_out.strip().splitlines()[-1].split("validation-rmse:")[1].split()[0])
    last = [l for l in ours_out.splitlines() if "validation-rmse:" in l][-1]
    ours_rmse = float(last.split("validation-rmse:")[1].split()[0])
    return {"rows": rows, "features": features, "rounds": rounds, "repeats": repeats,
            "cli_s_median": statistics.median(cli_times),
            "unistudio_s_median": statistics.median(ours_times),
            "ratio": statistics.median(ours_times) / statistics.median(cli_times),
            "cli_validation_rmse": cli_rmse, "unistudio_validation_rmse": ours_rmse,
            "train_csv": train, "validation_csv": validation, "params": hps}


def xgboost_job(server, sm, s3, role, data, rounds):
    s3.create_bucket(Bucket="xgb-bench")
    with open(data["train_csv"], "rb") as f:
        s3.put_object(Bucket="xgb-bench", Key="train/train.csv", Body=f.read())
    with open(data["validation_csv"], "rb") as f:
        s3.put_object(Bucket="xgb-bench", Key="validation/validation.csv", Body=f.read())
    t0 = time.time()
    sm.create_training_job(
        TrainingJobName="xgboost-bench",
        AlgorithmSpecification={"TrainingImage": XGBOOST_IMAGE, "TrainingInputMode": "File"},
        RoleArn=role,
        InputDataConfig=[channel("train", "s3://xgb-bench/train/", "text/csv"),
                         channel("validation", "s3://xgb-bench/validation/", "text/csv")],
        OutputDataConfig={"S3OutputPath": "s3://xgb-bench/out"},
        ResourceConfig={"InstanceType": "ml.m5.large", "InstanceCount": 1, "VolumeSizeInGB": 5},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        HyperParameters=data["params"])
    job = wait(sm, "xgboost-bench", timeout=900)
    assert job["TrainingJobStatus"] == "Completed", job
    return {"create_to_completed_s": time.time() - t0,
            "training_time_s": job["TrainingTimeInSeconds"],
            "validation_rmse": {m["MetricName"]: m["Value"]
                                for m in job["FinalMetricDataList"]}["validation:rmse"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--jobs", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.environ["UNISTUDIO_BIN"] = os.path.abspath(args.binary)
    results = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "load_average": os.getloadavg()}
    server = harness.Server()
    work = tempfile.mkdtemp(prefix="training-bench-")
    try:
        sm, s3 = server.client("sagemaker"), server.client("s3")
        role = execution_role(server.client("iam"))
        results["start_overhead"] = start_overhead(server, sm, s3, role, args.jobs)
        results["xgboost"] = xgboost_comparison(os.environ["UNISTUDIO_BIN"], work, args.rows,
                                                args.rounds, args.repeats)
        results["xgboost_job"] = xgboost_job(server, sm, s3, role, results["xgboost"],
                                             args.rounds)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    for key in ("train_csv", "validation_csv"):
        results["xgboost"].pop(key, None)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
