"""MLflow tracking benchmark: one UniStudio server, one tracking server, the MLflow REST API
called with the Python client's requests (see tests/e2e/test_mlflow_client.py).

  (a) log-batch of 1000 metrics: round-trip time per call (body encoded beforehand, one
      keep-alive connection), and the server's own time from its request log;
  (b) search_runs with a metric filter and a metric order over N runs (default 100,000) with 20
      metrics and 20 params each, loaded through the API first;
  (c) metrics/get-history of one metric with 100,000 points;
  (d) 32 concurrent clients (wrk, keep-alive) each logging single metrics with runs/log-metric:
      metrics/s, p50/p99, and the count of non-200 answers ("database is locked" or otherwise).

The search runs are seeded straight into the stopped server's store (the rows the API calls
would write; --load-through-api makes the calls instead, which takes half an hour on a loaded
machine); with --fixture DIR the loaded data directory is kept in DIR the first time and copied
from it afterwards. Prints a Markdown summary. usage:
  python3 bench/mlflow/mlflow_bench.py path/to/unistudio [--runs 100000] [--seconds 15]
                                       [--fixture DIR]
"""
import argparse
import base64
import http.client
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

import boto3
import requests

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "e2e"))
from test_mlflow_client import MlflowRest  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from ports import free_port, wait_port  # noqa: E402

KEY = "AKIABENCHMLFLOWROOT0"
SECRET = "bench/mlflow/secret/key/0123456789abcdef"


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def timed(fn, repeat):
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def server_ms(log_path, op, last_n):
    """The server's own times (ms=) of the last `last_n` requests of `op`."""
    times = []
    with open(log_path) as f:
        for line in f:
            if "op=mlflow." + op + " " in line:
                m = re.search(r" ms=([0-9.]+)", line)
                if m:
                    times.append(float(m.group(1)))
    return times[-last_n:]


def bench_log_batch(ml, eid, log_path, repeat):
    rid = ml.create_run(eid)["info"]["run_id"]
    url = ml.uri + "/api/2.0/mlflow/runs/log-batch"
    bodies = []
    for i in range(repeat):
        bodies.append(json.dumps({"run_id": rid, "metrics": [
            {"key": "metric_%d" % k, "value": random.random(), "timestamp": 1700000000000 + i,
             "step": i} for k in range(1000)]}).encode())
    it = iter(bodies)
    headers = {"Content-Type": "application/json"}

    def call():
        r = ml.http.post(url, data=next(it), auth=ml.auth, headers=headers)
        assert r.status_code == 200, r.text

    rtt = timed(call, repeat)
    time.sleep(0.5)  # let the log line land
    srv = server_ms(log_path, "LogBatch", repeat)
    return rtt, srv


def _load_slice(args):
    """Creates runs start, start+step, ... with one create-run and one log-batch each, as the
    Python client sends them, on one keep-alive connection with the bodies encoded by hand
    (the client library's own per-call cost would otherwise dominate the loading time)."""
    uri, eid, start, step, n_runs = args
    rng = random.Random(start)
    hostport, prefix = uri[len("http://"):].split("/", 1)
    conn = http.client.HTTPConnection(hostport, timeout=120)
    headers = {"Content-Type": "application/json", "Authorization": "Basic " +
               base64.b64encode(("%s:%s" % (KEY, SECRET)).encode()).decode()}

    def post(endpoint, body):
        conn.request("POST", "/%s/api/2.0/mlflow/%s" % (prefix, endpoint), body, headers)
        resp = conn.getresponse()
        data = resp.read()
        if resp.status != 200:
            raise RuntimeError("%s: %d %s" % (endpoint, resp.status, data[:200]))
        return data

    for i in range(start, n_runs, step):
        created = post("runs/create", json.dumps(
            {"experiment_id": eid, "user_id": "tanaka", "start_time": 1700000000000 + i,
             "run_name": "run-%d" % i, "tags": []}))
        rid = json.loads(created)["run"]["info"]["run_id"]
        post("runs/log-batch", json.dumps({
            "run_id": rid,
            "metrics": [{"key": "m%d" % k, "value": rng.random(), "timestamp": 1700000000000,
                         "step": 0} for k in range(20)],
            "params": [{"key": "p%d" % k, "value": "value-%d" % ((i + k) % 97)}
                       for k in range(20)]}))
    conn.close()


def load_runs(ml, eid, n_runs, procs=8):
    """Creates the runs through the API from `procs` client processes."""
    t = time.time()
    with multiprocessing.Pool(procs) as pool:
        pool.map(_load_slice, [(ml.uri, eid, p, procs, n_runs) for p in range(procs)])
    return time.time() - t


def seed_runs(db_path, eid, n_runs):
    """Writes the same rows n_runs create-run + log-batch calls write (see mlflow_schema.cc,
    migration 1) straight into a stopped server's metadata store, in one transaction: the
    100,000-run fixture in about a minute instead of half an hour of API calls on a loaded
    machine."""
    rng = random.Random(7)
    db = sqlite3.connect(db_path)
    # The server is stopped and a failed seeding is thrown away: no syncs, a large cache.
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA cache_size=-524288")
    server_id, exp_key, location = db.execute(
        "SELECT e.server_id, e.exp_key, e.artifact_location FROM mlflow_experiments e JOIN "
        "mlflow_servers s ON s.server_id = e.server_id WHERE s.name = 'bench' AND "
        "e.experiment_id = ?", (int(eid),)).fetchone()
    t = time.time()
    with db:
        for i in range(n_runs):
            run_id = "%032x" % rng.getrandbits(128)
            cur = db.execute(
                "INSERT INTO mlflow_runs(run_uuid, server_id, exp_key, name, user_id, status, "
                "start_time, end_time, artifact_uri, lifecycle_stage) VALUES(?, ?, ?, ?, "
                "'tanaka', 'RUNNING', ?, NULL, ?, 'active')",
                (run_id, server_id, exp_key, "run-%d" % i, 1700000000000 + i,
                 "%s/%s/artifacts" % (location.rstrip("/"), run_id)))
            key = cur.lastrowid
            db.execute("INSERT INTO mlflow_tags(run_key, key, value) VALUES(?, "
                       "'mlflow.runName', ?)", (key, "run-%d" % i))
            metrics = [(key, "m%d" % k, 0, 1700000000000, 0, rng.random()) for k in range(20)]
            db.executemany("INSERT INTO mlflow_metrics(run_key, key, step, timestamp, is_nan, "
                           "value) VALUES(?, ?, ?, ?, ?, ?)", metrics)
            db.executemany("INSERT INTO mlflow_latest_metrics(run_key, key, value, is_nan, "
                           "timestamp, step) VALUES(?, ?, ?, 0, 1700000000000, 0)",
                           [(key, m[1], m[5]) for m in metrics])
            db.executemany("INSERT INTO mlflow_params(run_key, key, value) VALUES(?, ?, ?)",
                           [(key, "p%d" % k, "value-%d" % ((i + k) % 97)) for k in range(20)])
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return time.time() - t


def bench_search(ml, eid, repeat, max_results):
    body = {"experiment_ids": [eid], "filter": "metrics.m0 > 0.5 AND params.p1 != 'value-3'",
            "run_view_type": "ACTIVE_ONLY", "max_results": max_results,
            "order_by": ["metrics.m1 DESC"]}
    res = ml.call("POST", "runs/search", body)
    assert 0 < len(res["runs"]) <= max_results, len(res.get("runs", []))
    m1 = [{m["key"]: m["value"] for m in r["data"]["metrics"]}["m1"] for r in res["runs"]]
    assert m1 == sorted(m1, reverse=True)
    return timed(lambda: ml.call("POST", "runs/search", body), repeat)


def bench_history(ml, eid, points, repeat):
    rid = ml.create_run(eid)["info"]["run_id"]
    for start in range(0, points, 1000):
        ml.log_batch(rid, metrics=[("loss", 1.0 / (s + 1), 1700000000000 + s, s)
                                   for s in range(start, min(points, start + 1000))])
    body = {"run_id": rid, "metric_key": "loss"}
    got = ml.call("GET", "metrics/get-history", body)["metrics"]
    assert len(got) == points, len(got)
    # curl reads the ~8 MB answer; Python's JSON decoding would dominate the figure otherwise.
    url = "%s/api/2.0/mlflow/metrics/get-history?run_id=%s&metric_key=loss" % (ml.uri, rid)
    out = []
    for _ in range(repeat):
        r = subprocess.run(["curl", "-sf", "-o", "/dev/null", "-w", "%{time_total}", "-u",
                            "%s:%s" % (KEY, SECRET), url], capture_output=True, text=True,
                           check=True)
        out.append(float(r.stdout) * 1000)
    return out


WRK_SCRIPT = r"""
local counter = 0
local auth = "Basic %(auth)s"
local runs = {%(runs)s}
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
function init(args)
  step = 0
  run = runs[(id %% #runs) + 1]
end
function request()
  step = step + 1
  local body = '{"run_id": "' .. run .. '", "key": "throughput", "value": ' .. step ..
               ', "timestamp": ' .. (1700000000000 + step) .. ', "step": ' .. step .. '}'
  return wrk.format("POST", "%(path)s", {["Authorization"] = auth,
                    ["Content-Type"] = "application/json"}, body)
end
"""


def bench_concurrent(ml, eid, seconds, clients=32):
    runs = [ml.create_run(eid)["info"]["run_id"] for _ in range(clients)]
    path = "/" + ml.uri.split("/", 3)[3] + "/api/2.0/mlflow/runs/log-metric"
    script = WRK_SCRIPT % {"auth": base64.b64encode(("%s:%s" % (KEY, SECRET)).encode()).decode(),
                           "runs": ", ".join('"%s"' % r for r in runs), "path": path}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    # One wrk thread per client so each connection is its own client with its own run.
    out = subprocess.run(["wrk", "-t", str(clients), "-c", str(clients), "-d", "%ds" % seconds,
                          "--latency", "-s", f.name, ml.uri.split("/_mlflow")[0]],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(f.name)
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    lat = dict(re.findall(r"\s+(50|99)%\s+([0-9.]+\w+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    stored = sum(len(ml.call("GET", "metrics/get-history",
                             {"run_id": r, "metric_key": "throughput"})["metrics"]) for r in runs)
    return rps, lat, int(non2xx.group(1)) if non2xx else 0, errors.group(1) if errors else "none", \
        stored, out


def to_ms(text):
    m = re.match(r"([0-9.]+)(us|ms|s)", text)
    v = float(m.group(1))
    return {"us": v / 1000, "ms": v, "s": v * 1000}[m.group(2)]


class BenchServer:
    """One UniStudio server on a data directory, its log in the directory's parent."""

    def __init__(self, binary, data_dir):
        self.port = free_port()
        self.log_path = os.path.join(os.path.dirname(data_dir), "server.log")
        env = dict(os.environ, UNISTUDIO_ROOT_ACCESS_KEY_ID=KEY,
                   UNISTUDIO_ROOT_SECRET_ACCESS_KEY=SECRET)
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen([binary, "serve", "--listen", "127.0.0.1:%d" % self.port,
                                          "--data-dir", data_dir],
                                         stdout=log, stderr=subprocess.STDOUT, env=env)
        wait_port(self.port, self.proc)
        self.endpoint = "http://127.0.0.1:%d" % self.port
        kw = dict(endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=KEY,
                  aws_secret_access_key=SECRET)
        self.s3 = boto3.client("s3", **kw)
        self.sm = boto3.client("sagemaker", **kw)

    def mlflow(self):
        url = self.sm.describe_mlflow_tracking_server(TrackingServerName="bench")[
            "TrackingServerUrl"]
        return MlflowRest(url, KEY, SECRET)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)


def prepare(binary, data_dir, n_runs, fixture, through_api):
    """Starts the server with the tracking server "bench" and its experiment "search" holding
    the n_runs runs, loaded through the API (`through_api`) or seeded into the store. With
    `fixture`, a directory: a copy of it when it exists, else the loaded data directory is
    saved there (server stopped) for the next time."""
    info_path = os.path.join(fixture or "", "bench.json")
    if fixture and os.path.exists(info_path):
        with open(info_path) as f:
            info = json.load(f)
        if info["runs"] != n_runs:
            raise SystemExit("fixture %s holds %d runs, not %d" % (fixture, info["runs"], n_runs))
        shutil.copytree(os.path.join(fixture, "data"), data_dir)
        print("loaded the %d runs from the fixture %s" % (n_runs, fixture), flush=True)
        return BenchServer(binary, data_dir), info["experiment_id"], "copied from " + fixture
    srv = BenchServer(binary, data_dir)
    srv.s3.create_bucket(Bucket="bench-artifacts")
    srv.sm.create_mlflow_tracking_server(TrackingServerName="bench",
                                         ArtifactStoreUri="s3://bench-artifacts/mlflow",
                                         RoleArn="arn:aws:iam::000000000000:role/r")
    ml = srv.mlflow()
    eid = ml.create_experiment("search")
    if through_api:
        how = "%.0f s through the API" % load_runs(ml, eid, n_runs)
        srv.stop()
    else:
        srv.stop()
        how = "%.0f s seeded into the store" % seed_runs(os.path.join(data_dir, "meta.db"), eid,
                                                         n_runs)
    print("loaded %d runs (20 metrics, 20 params each): %s" % (n_runs, how), flush=True)
    if fixture:
        shutil.copytree(data_dir, os.path.join(fixture, "data"))
        with open(info_path, "w") as f:
            json.dump({"runs": n_runs, "experiment_id": eid}, f)
    return BenchServer(binary, data_dir), eid, how


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=100000)
    ap.add_argument("--points", type=int, default=100000)
    ap.add_argument("--seconds", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--fixture", help="directory keeping the loaded runs between invocations")
    ap.add_argument("--load-through-api", action="store_true",
                    help="create the runs with create-run and log-batch calls (slow)")
    args = ap.parse_args()

    work_dir = tempfile.mkdtemp(prefix="bench-mlflow-")
    srv = None
    try:
        srv, search_eid, loading = prepare(args.binary, os.path.join(work_dir, "data"),
                                           args.runs, args.fixture, args.load_through_api)
        ml = srv.mlflow()
        log_path = srv.log_path

        rows = []
        eid = ml.create_experiment("batch")
        rtt, srv_ms = bench_log_batch(ml, eid, log_path, args.repeat)
        rows.append(("(a) log-batch, 1000 metrics: round trip", rtt, "< 10"))
        rows.append(("(a) log-batch, 1000 metrics: server time", srv_ms, "< 10"))

        eid = ml.create_experiment("history")
        n = max(5, args.repeat // 3)
        hist = bench_history(ml, eid, args.points, n)
        rows.append(("(c) get-history, %d points (curl)" % args.points, hist, "< 100"))
        time.sleep(0.5)
        rows.append(("(c) get-history: server time", server_ms(log_path, "GetMetricHistory", n),
                     "< 100"))

        for n in (100, 1000):
            rows.append(("(b) search_runs over %d runs, max_results=%d" % (args.runs, n),
                         bench_search(ml, search_eid, args.repeat, n), "< 200"))
            time.sleep(0.5)
            rows.append(("(b) ... server time", server_ms(log_path, "SearchRuns", args.repeat),
                         "< 200"))

        eid = ml.create_experiment("concurrent")
        rps, lat, non2xx, sock_err, stored, raw = bench_concurrent(ml, eid, args.seconds)
        locked = sum(1 for line in open(log_path) if "database is locked" in line)

        rss = 0
        with open("/proc/%d/status" % srv.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    rss = int(line.split()[1])
        print()
        print("load average at the end: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
        print("| measurement | p50 ms | p99 ms | target ms |")
        print("|---|---:|---:|---:|")
        for name, values, target in rows:
            print("| %s | %.2f | %.2f | %s |" % (name, pct(values, 50), pct(values, 99), target))
        print()
        print("(d) 32 clients x runs/log-metric for %d s: %.0f metrics/s (target >= 5000), "
              "p50 %.2f ms, p99 %.2f ms, non-2xx %d, socket errors %s, 'database is locked' "
              "log lines %d, metrics stored %d" % (args.seconds, rps, to_ms(lat["50"]),
                                                  to_ms(lat["99"]), non2xx, sock_err, locked,
                                                  stored))
        print("server peak RSS %.0f MiB (this server process); runs %s" % (rss / 1024, loading))
    finally:
        if srv:
            srv.stop()
        shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
