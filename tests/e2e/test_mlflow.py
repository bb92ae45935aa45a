"""MLflow tracking servers end to end: the SageMaker operations through boto3, and each server's
MLflow REST API driven with the exact requests MLflow's Python client sends (tracking, search,
the model registry, the mlflow-artifacts proxy into S3), authenticated as the client does."""
import base64
import hashlib
import http.client
import json
import os
import time
import unittest

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

import harness
import raw
from test_mlflow_client import MlflowRest, MlflowRestError

BUCKET = "mlflow-artifacts-bucket"


class MlflowTest(harness.ServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = cls.server.client("s3")
        cls.s3.create_bucket(Bucket=BUCKET)
        cls.sm = cls.server.client("sagemaker")
        cls.role = "arn:aws:iam::%s:role/MlflowRole" % cls.server.account_id
        cls.url = cls.create_server("main")
        cls.ml = MlflowRest(cls.url, harness.ROOT_KEY, harness.ROOT_SECRET)

    @classmethod
    def create_server(cls, name, **kwargs):
        cls.sm.create_mlflow_tracking_server(
            TrackingServerName=name, ArtifactStoreUri="s3://%s/%s" % (BUCKET, name),
            RoleArn=cls.role, **kwargs)
        return cls.sm.describe_mlflow_tracking_server(
            TrackingServerName=name)["TrackingServerUrl"]

    def assertMlflowError(self, code, status, fn, *args, **kwargs):
        with self.assertRaises(MlflowRestError) as cm:
            fn(*args, **kwargs)
        self.assertEqual(cm.exception.error_code, code, cm.exception.body)
        self.assertEqual(cm.exception.status, status, cm.exception.body)
        return cm.exception.body["message"]

    # --- Tracking servers as SageMaker resources ---

    def test_tracking_server_lifecycle(self):
        started = time.time()
        arn = self.sm.create_mlflow_tracking_server(
            TrackingServerName="lifecycle", ArtifactStoreUri="s3://%s/lc" % BUCKET,
            RoleArn=self.role, TrackingServerSize="Medium",
            Tags=[{"Key": "team", "Value": "ds"}])["TrackingServerArn"]
        self.assertEqual(arn, "arn:aws:sagemaker:us-east-1:%s:mlflow-tracking-server/lifecycle"
                         % self.server.account_id)
        d = self.sm.describe_mlflow_tracking_server(TrackingServerName="lifecycle")
        self.assertLess(time.time() - started, 1.0)
        self.assertEqual(d["TrackingServerStatus"], "Created")
        self.assertEqual(d["ArtifactStoreUri"], "s3://%s/lc" % BUCKET)
        self.assertEqual(d["TrackingServerSize"], "Medium")
        self.assertTrue(d["MlflowVersion"].startswith("2."))
        self.assertEqual(d["TrackingServerUrl"], self.server.endpoint + "/_mlflow/lifecycle")
        self.assertAwsError("ResourceLimitExceeded", self.sm.create_mlflow_tracking_server,
                            TrackingServerName="lifecycle",
                            ArtifactStoreUri="s3://%s/lc" % BUCKET, RoleArn=self.role)
        self.assertAwsError("ValidationException", self.sm.create_mlflow_tracking_server,
                            TrackingServerName="nobucket", ArtifactStoreUri="s3://no-such-bkt/x",
                            RoleArn=self.role)
        names = [s["TrackingServerName"] for s in
                 self.sm.list_mlflow_tracking_servers()["TrackingServerSummaries"]]
        self.assertIn("lifecycle", names)
        self.assertIn("main", names)

        self.sm.update_mlflow_tracking_server(TrackingServerName="lifecycle",
                                              TrackingServerSize="Large",
                                              AutomaticModelRegistration=True)
        d = self.sm.describe_mlflow_tracking_server(TrackingServerName="lifecycle")
        self.assertEqual(d["TrackingServerSize"], "Large")
        self.assertTrue(d["AutomaticModelRegistration"])
        self.assertEqual(d["TrackingServerStatus"], "Updated")

        ml = MlflowRest(d["TrackingServerUrl"], harness.ROOT_KEY, harness.ROOT_SECRET)
        self.assertEqual(ml.create_experiment("per-server"), "1")
        # Each server is its own namespace.
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, self.ml.call, "GET",
                               "experiments/get-by-name", {"experiment_name": "per-server"})

        self.sm.stop_mlflow_tracking_server(TrackingServerName="lifecycle")
        d = self.sm.describe_mlflow_tracking_server(TrackingServerName="lifecycle")
        self.assertEqual(d["TrackingServerStatus"], "Stopped")
        self.assertMlflowError("TEMPORARILY_UNAVAILABLE", 503, ml.call, "GET",
                               "experiments/get", {"experiment_id": "1"})
        self.sm.start_mlflow_tracking_server(TrackingServerName="lifecycle")
        d = self.sm.describe_mlflow_tracking_server(TrackingServerName="lifecycle")
        self.assertEqual(d["TrackingServerStatus"], "Started")
        self.assertEqual(ml.call("GET", "experiments/get", {"experiment_id": "1"})
                         ["experiment"]["name"], "per-server")

        self.sm.delete_mlflow_tracking_server(TrackingServerName="lifecycle")
        self.assertAwsError("ResourceNotFound", self.sm.describe_mlflow_tracking_server,
                            TrackingServerName="lifecycle")
        r = requests.get(d["TrackingServerUrl"] + "/api/2.0/mlflow/experiments/get",
                         params={"experiment_id": "1"},
                         auth=(harness.ROOT_KEY, harness.ROOT_SECRET))
        self.assertEqual(r.status_code, 404)

    def test_presigned_url_signs_a_browser_in_once(self):
        url = self.sm.create_presigned_mlflow_tracking_server_url(
            TrackingServerName="main", ExpiresInSeconds=60,
            SessionExpirationDurationInSeconds=1800)["AuthorizedUrl"]
        self.assertTrue(url.startswith(self.url + "/"), url)
        browser = requests.Session()
        r = browser.get(self.url + "/")
        self.assertEqual(r.status_code, 401)
        r = browser.get(url, allow_redirects=False)
        self.assertEqual(r.status_code, 302, r.text)
        self.assertIn("HttpOnly", r.headers["Set-Cookie"])
        r = browser.get(r.headers["Location"] if r.headers["Location"].startswith("http")
                        else self.server.endpoint + r.headers["Location"])
        self.assertEqual(r.status_code, 200)
        self.assertIn("Default", r.text)
        # The sign-in URL works once.
        self.assertEqual(requests.get(url, allow_redirects=False).status_code, 401)
        # A Bearer token from a second URL drives the REST API.
        url = self.sm.create_presigned_mlflow_tracking_server_url(
            TrackingServerName="main")["AuthorizedUrl"]
        token = requests.get(url, headers={"Accept": "application/json"}).json()["access_token"]
        bearer = MlflowRest(self.url, token=token)
        self.assertEqual(bearer.call("GET", "experiments/get", {"experiment_id": "0"})
                         ["experiment"]["name"], "Default")
        self.assertMlflowError("UNAUTHENTICATED", 401,
                               MlflowRest(self.url, token=token + "x").call, "GET",
                               "experiments/get", {"experiment_id": "0"})

    # --- Authentication and authorization ---

    def test_requests_must_authenticate(self):
        anon = MlflowRest(self.url)
        self.assertMlflowError("UNAUTHENTICATED", 401, anon.call, "GET", "experiments/get",
                               {"experiment_id": "0"})
        wrong = MlflowRest(self.url, harness.ROOT_KEY, "not-the-secret")
        self.assertMlflowError("UNAUTHENTICATED", 401, wrong.call, "GET", "experiments/get",
                               {"experiment_id": "0"})

    def test_sigv4_with_signing_name_sagemaker_mlflow(self):
        creds = Credentials(harness.ROOT_KEY, harness.ROOT_SECRET)

        def signed(method, path, body=None, service="sagemaker-mlflow"):
            data = json.dumps(body).encode() if body is not None else None
            req = AWSRequest(method=method, url=self.url + path, data=data,
                             headers={"Content-Type": "application/json"} if data else {})
            SigV4Auth(creds, service, "us-east-1").add_auth(req)
            return requests.request(method, self.url + path, data=data, headers=dict(req.headers))

        r = signed("POST", "/api/2.0/mlflow/experiments/create", {"name": "sigv4-exp"})
        self.assertEqual(r.status_code, 200, r.text)
        self.assertIn("experiment_id", r.json())
        r = signed("GET", "/api/2.0/mlflow/experiments/get-by-name?experiment_name=sigv4-exp")
        self.assertEqual(r.json()["experiment"]["name"], "sigv4-exp")
        r = signed("POST", "/api/2.0/mlflow/experiments/create", {"name": "x"}, service="s3")
        self.assertEqual(r.status_code, 401, r.text)

    def test_iam_actions_per_operation(self):
        iam = self.server.client("iam")
        iam.create_user(UserName="mlreader")
        iam.put_user_policy(UserName="mlreader", PolicyName="read", PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Action": ["sagemaker-mlflow:GetExperiment",
                                      "sagemaker-mlflow:SearchRuns"],
                           "Resource": "arn:aws:sagemaker:*:*:mlflow-tracking-server/main"}]}))
        key = iam.create_access_key(UserName="mlreader")["AccessKey"]
        reader = MlflowRest(self.url, key["AccessKeyId"], key["SecretAccessKey"])
        self.assertEqual(reader.call("GET", "experiments/get", {"experiment_id": "0"})
                         ["experiment"]["experiment_id"], "0")
        self.assertEqual(reader.search_runs(["0"]).get("runs", []), [])
        self.assertMlflowError("PERMISSION_DENIED", 403, reader.create_experiment, "denied")

    # --- Experiments ---

    def test_experiments(self):
        ml = self.ml
        eid = ml.create_experiment("exp-a", tags={"owner": "tanaka"})
        got = ml.call("GET", "experiments/get", {"experiment_id": eid})["experiment"]
        self.assertEqual(got["name"], "exp-a")
        self.assertEqual(got["lifecycle_stage"], "active")
        self.assertEqual(got["artifact_location"], "mlflow-artifacts:/" + eid)
        self.assertEqual(got["tags"], [{"key": "owner", "value": "tanaka"}])
        self.assertMlflowError("RESOURCE_ALREADY_EXISTS", 400, ml.create_experiment, "exp-a")
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "GET", "experiments/get",
                               {"experiment_id": "987654"})
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.call, "POST",
                               "experiments/create", {})

        ml.call("POST", "experiments/update", {"experiment_id": eid, "new_name": "exp-a2"})
        self.assertEqual(ml.call("GET", "experiments/get-by-name",
                                 {"experiment_name": "exp-a2"})["experiment"]["experiment_id"],
                         eid)
        ml.call("POST", "experiments/set-experiment-tag",
                {"experiment_id": eid, "key": "owner", "value": "suzuki"})
        ml.call("POST", "experiments/set-experiment-tag",
                {"experiment_id": eid, "key": "stage", "value": "dev"})
        tags = ml.call("GET", "experiments/get", {"experiment_id": eid})["experiment"]["tags"]
        self.assertEqual(sorted((t["key"], t["value"]) for t in tags),
                         [("owner", "suzuki"), ("stage", "dev")])
        ml.call("POST", "experiments/delete-experiment-tag", {"experiment_id": eid, "key": "stage"})
        tags = ml.call("GET", "experiments/get", {"experiment_id": eid})["experiment"]["tags"]
        self.assertEqual(tags, [{"key": "owner", "value": "suzuki"}])

        ml.call("POST", "experiments/delete", {"experiment_id": eid})
        self.assertEqual(ml.call("GET", "experiments/get", {"experiment_id": eid})
                         ["experiment"]["lifecycle_stage"], "deleted")
        active = ml.call("POST", "experiments/search",
                         {"max_results": 1000, "view_type": "ACTIVE_ONLY"})["experiments"]
        self.assertNotIn(eid, [e["experiment_id"] for e in active])
        deleted = ml.call("POST", "experiments/search",
                          {"max_results": 1000, "view_type": "DELETED_ONLY"})["experiments"]
        self.assertIn(eid, [e["experiment_id"] for e in deleted])
        ml.call("POST", "experiments/restore", {"experiment_id": eid})
        self.assertEqual(ml.call("GET", "experiments/get", {"experiment_id": eid})
                         ["experiment"]["lifecycle_stage"], "active")

    def test_search_experiments_filter_order_and_pages(self):
        for i in range(5):
            self.ml.create_experiment("paged-%d" % i, tags={"kind": "odd" if i % 2 else "even"})
        body = {"max_results": 2, "filter": "name LIKE 'paged-%' AND tags.kind = 'even'",
                "order_by": ["name DESC"], "view_type": "ACTIVE_ONLY"}
        page = self.ml.call("POST", "experiments/search", body)
        self.assertEqual([e["name"] for e in page["experiments"]], ["paged-4", "paged-2"])
        body["page_token"] = page["next_page_token"]
        page = self.ml.call("POST", "experiments/search", body)
        self.assertEqual([e["name"] for e in page["experiments"]], ["paged-0"])
        self.assertNotIn("next_page_token", page)
        # Through the UI's ajax-api prefix, as GET.
        ajax = MlflowRest(self.url, harness.ROOT_KEY, harness.ROOT_SECRET, prefix="/ajax-api/2.0")
        page = ajax.call("GET", "experiments/search",
                         {"max_results": 10, "filter": "name = 'paged-3'"})
        self.assertEqual([e["name"] for e in page["experiments"]], ["paged-3"])

    # --- Runs ---

    def test_run_lifecycle_and_write_rules(self):
        ml = self.ml
        eid = ml.create_experiment("runs-exp")
        run = ml.create_run(eid, run_name="first", tags={"mlflow.source.name": "train.py"})
        info = run["info"]
        rid = info["run_id"]
        self.assertEqual(info["run_uuid"], rid)
        self.assertEqual(info["status"], "RUNNING")
        self.assertEqual(info["run_name"], "first")
        self.assertEqual(info["experiment_id"], eid)
        self.assertEqual(info["artifact_uri"], "mlflow-artifacts:/%s/%s/artifacts" % (eid, rid))
        self.assertIn({"key": "mlflow.runName", "value": "first"}, run["data"]["tags"])

        # Params are write-once: the same value is fine, another value is refused.
        ml.call("POST", "runs/log-parameter", {"run_id": rid, "key": "lr", "value": "0.1"})
        ml.call("POST", "runs/log-parameter", {"run_id": rid, "key": "lr", "value": "0.1"})
        msg = self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.call, "POST",
                                     "runs/log-parameter",
                                     {"run_id": rid, "key": "lr", "value": "0.2"})
        self.assertIn("lr", msg)
        # Metrics append; runs/get returns the latest per key (highest step, then timestamp).
        for step, value in [(0, 1.0), (1, 0.5), (2, 0.25)]:
            ml.call("POST", "runs/log-metric", {"run_id": rid, "key": "loss", "value": value,
                                                 "timestamp": 1700000000000 + step, "step": step})
        ml.call("POST", "runs/log-metric", {"run_uuid": rid, "run_id": rid, "key": "acc",
                                             "value": 0.9, "timestamp": 1700000000100})
        # Tags overwrite.
        ml.call("POST", "runs/set-tag", {"run_id": rid, "key": "note", "value": "a"})
        ml.call("POST", "runs/set-tag", {"run_id": rid, "key": "note", "value": "b"})
        ml.call("POST", "runs/set-tag", {"run_id": rid, "key": "gone", "value": "x"})
        ml.call("POST", "runs/delete-tag", {"run_id": rid, "key": "gone"})
        data = ml.call("GET", "runs/get", {"run_id": rid})["run"]["data"]
        self.assertEqual(data["params"], [{"key": "lr", "value": "0.1"}])
        metrics = {m["key"]: m for m in data["metrics"]}
        self.assertEqual(metrics["loss"]["value"], 0.25)
        self.assertEqual(metrics["loss"]["step"], 2)
        self.assertEqual(metrics["acc"]["value"], 0.9)
        tags = {t["key"]: t["value"] for t in data["tags"]}
        self.assertEqual(tags["note"], "b")
        self.assertNotIn("gone", tags)
        hist = ml.call("GET", "metrics/get-history", {"run_id": rid, "metric_key": "loss"})
        self.assertEqual([(m["step"], m["value"]) for m in hist["metrics"]],
                         [(0, 1.0), (1, 0.5), (2, 0.25)])

        ml.call("POST", "runs/update", {"run_id": rid, "run_uuid": rid, "status": "FINISHED",
                                         "end_time": 1700000009000, "run_name": "renamed"})
        info = ml.call("GET", "runs/get", {"run_id": rid})["run"]["info"]
        self.assertEqual((info["status"], info["end_time"], info["run_name"]),
                         ("FINISHED", 1700000009000, "renamed"))
        ml.call("POST", "runs/delete", {"run_id": rid})
        self.assertEqual(ml.call("GET", "runs/get", {"run_id": rid})["run"]["info"]
                         ["lifecycle_stage"], "deleted")
        self.assertEqual(ml.search_runs([eid]).get("runs", []), [])
        self.assertEqual(len(ml.search_runs([eid], run_view_type="ALL")["runs"]), 1)
        ml.call("POST", "runs/restore", {"run_id": rid})
        self.assertEqual(len(ml.search_runs([eid])["runs"]), 1)

        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "GET", "runs/get",
                               {"run_id": "0" * 32})
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.create_run, "424242")
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "POST", "runs/log-metric",
                               {"run_id": "f" * 32, "key": "k", "value": 1, "timestamp": 1})

    def test_log_batch_limits_and_atomicity(self):
        ml = self.ml
        eid = ml.create_experiment("batch-exp")
        rid = ml.create_run(eid)["info"]["run_id"]
        ml.log_batch(rid, metrics=[("m%d" % i, float(i), 1700000000000, 0) for i in range(1000)])
        ml.log_batch(rid, metrics=[("n%d" % i, float(i), 1700000000000, 0) for i in range(800)],
                     params=[("p%d" % i, str(i)) for i in range(100)],
                     tags=[("t%d" % i, str(i)) for i in range(100)])
        data = ml.call("GET", "runs/get", {"run_id": rid})["run"]["data"]
        self.assertEqual(len(data["metrics"]), 1800)
        self.assertEqual(len(data["params"]), 100)
        self.assertEqual({m["key"]: m["value"] for m in data["metrics"]}["m999"], 999.0)
        # 1000 entries in all.
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                               metrics=[("o%d" % i, 1.0, 1, 0) for i in range(901)],
                               params=[("p%d" % i, str(i)) for i in range(100)])

        msg = self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                                     metrics=[("x%d" % i, 1.0, 1, 0) for i in range(1001)])
        self.assertIn("1000", msg)
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                               params=[("q%d" % i, "v") for i in range(101)])
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                               tags=[("t%d" % i, "v") for i in range(101)])
        # Over 1 MB in all, though every list is within its limit.
        msg = self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                                     params=[("big%d" % i, "v" * 6000) for i in range(100)],
                                     tags=[("big%d" % i, "v" * 5000) for i in range(100)])
        self.assertIn("1000000", msg.replace(",", ""))
        # A batch whose param conflicts stores nothing, not even its valid metrics.
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                               metrics=[("fresh", 1.0, 1, 0)], params=[("p1", "changed")],
                               tags=[("fresh-tag", "x")])
        data = ml.call("GET", "runs/get", {"run_id": rid})["run"]["data"]
        self.assertNotIn("fresh", [m["key"] for m in data["metrics"]])
        self.assertNotIn("fresh-tag", [t["key"] for t in data.get("tags", [])])
        # Keys that are not valid names are refused.
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.log_batch, rid,
                               metrics=[("../evil", 1.0, 1, 0)])
        r = requests.post(self.url + "/api/2.0/mlflow/runs/log-batch",
                          data=b'{"run_id": "' + rid.encode() +
                          b'", "params": [{"key": "\xff\xfe", "value": "v"}]}',
                          headers={"Content-Type": "application/json"},
                          auth=(harness.ROOT_KEY, harness.ROOT_SECRET))
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn(r.json()["error_code"], ("INVALID_PARAMETER_VALUE", "BAD_REQUEST"))

    def test_metric_history_pages(self):
        ml = self.ml
        rid = ml.create_run(ml.create_experiment("history-exp"))["info"]["run_id"]
        for start in range(0, 2500, 1000):
            ml.log_batch(rid, metrics=[("curve", float(s), 1700000000000 + s, s)
                                       for s in range(start, min(start + 1000, 2500))])
        got, token = [], None
        while True:
            body = {"run_id": rid, "metric_key": "curve", "max_results": 1000}
            if token:
                body["page_token"] = token
            page = ml.call("GET", "metrics/get-history", body)
            got.extend(m["step"] for m in page["metrics"])
            token = page.get("next_page_token")
            if not token:
                break
        self.assertEqual(got, list(range(2500)))
        whole = ml.call("GET", "metrics/get-history", {"run_id": rid, "metric_key": "curve"})
        self.assertEqual(len(whole["metrics"]), 2500)

    def test_search_runs_filters_and_ordering(self):
        ml = self.ml
        eid = ml.create_experiment("search-exp")
        ids = {}
        for i in range(6):
            run = ml.create_run(eid, run_name="run-%d" % i, start_time=1700000000000 + i)
            rid = run["info"]["run_id"]
            ids[i] = rid
            ml.log_batch(rid, metrics=[("acc", i / 10, 1, 0), ("loss", 1 - i / 10, 1, 0)],
                         params=[("model", "xgb" if i % 2 else "lgbm"), ("depth", str(i))],
                         tags=[("team", "Vision" if i < 3 else "NLP")])

        def names(filter_string, order_by=None, **kw):
            res = ml.search_runs([eid], filter_string, order_by=order_by, **kw)
            return [r["info"]["run_name"] for r in res.get("runs", [])]

        self.assertEqual(names("metrics.acc > 0.25", ["metrics.acc DESC"]),
                         ["run-5", "run-4", "run-3"])
        self.assertEqual(names("metrics.`acc` >= 0.2 AND params.model = 'xgb'",
                               ["metric.loss ASC"]), ["run-5", "run-3"])
        self.assertEqual(names("params.model != 'xgb'", ["attributes.start_time ASC"]),
                         ["run-0", "run-2", "run-4"])
        self.assertEqual(names("tags.team LIKE 'Vis%'", ["run_name DESC"]),
                         ["run-2", "run-1", "run-0"])
        self.assertEqual(names("tag.team ILIKE 'nlp'", ["start_time ASC"]),
                         ["run-3", "run-4", "run-5"])
        self.assertEqual(names("attributes.run_id IN ('%s', '%s')" % (ids[1], ids[4]),
                               ["start_time"]), ["run-1", "run-4"])
        self.assertEqual(len(names("attributes.run_id NOT IN ('%s')" % ids[1])), 5)
        self.assertEqual(names("attributes.run_name = 'run-3'"), ["run-3"])
        self.assertEqual(names("", ["params.model ASC", "metrics.acc DESC"]),
                         ["run-4", "run-2", "run-0", "run-5", "run-3", "run-1"])
        # Pages.
        first = ml.search_runs([eid], "", max_results=4, order_by=["start_time ASC"])
        self.assertEqual(len(first["runs"]), 4)
        rest = ml.search_runs([eid], "", max_results=4, order_by=["start_time ASC"],
                              page_token=first["next_page_token"])
        self.assertEqual([r["info"]["run_name"] for r in rest["runs"]], ["run-4", "run-5"])
        # Bad filters name the offending token.
        msg = self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.search_runs, [eid],
                                     "metrics.acc >>> 1")
        self.assertIn(">>>", msg)
        msg = self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.search_runs, [eid],
                                     "bogus.acc > 1")
        self.assertIn("bogus", msg)
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.search_runs, [eid], "",
                               max_results=50001)

    def test_log_inputs_and_log_model(self):
        ml = self.ml
        rid = ml.create_run(ml.create_experiment("inputs-exp"))["info"]["run_id"]
        ml.call("POST", "runs/log-inputs", {"run_id": rid, "datasets": [{
            "dataset": {"name": "iris", "digest": "abc123", "source_type": "s3",
                        "source": "{\"uri\": \"s3://b/iris.csv\"}"},
            "tags": [{"key": "mlflow.data.context", "value": "training"}]}]})
        model_json = json.dumps({"artifact_path": "model", "flavors": {"sklearn": {}},
                                 "run_id": rid, "utc_time_created": "2024-01-01 00:00:00"})
        ml.call("POST", "runs/log-model", {"run_id": rid, "model_json": model_json})
        run = ml.call("GET", "runs/get", {"run_id": rid})["run"]
        ds = run["inputs"]["dataset_inputs"][0]
        self.assertEqual(ds["dataset"]["name"], "iris")
        self.assertEqual(ds["tags"], [{"key": "mlflow.data.context", "value": "training"}])
        history = {t["key"]: t["value"] for t in run["data"]["tags"]}["mlflow.log-model.history"]
        self.assertEqual(json.loads(history)[0]["artifact_path"], "model")

    # --- Artifacts ---

    def test_artifact_proxy_round_trip_of_50_mib(self):
        ml = self.ml
        eid = ml.create_experiment("artifact-exp")
        run = ml.create_run(eid)["info"]
        rid = run["run_id"]
        base = run["artifact_uri"][len("mlflow-artifacts:/"):]
        blob = os.urandom(50 << 20)
        ml.put_artifact(base + "/model/model.bin", blob)
        ml.put_artifact(base + "/model/MLmodel", b"flavors: {}\n", "text/plain")
        ml.put_artifact(base + "/metrics.json", b"{}", "application/json")
        got = ml.get_artifact(base + "/model/model.bin")
        self.assertEqual(hashlib.sha256(got.content).hexdigest(),
                         hashlib.sha256(blob).hexdigest())
        # It lives in the server's ArtifactStoreUri in the project's S3.
        head = self.s3.head_object(Bucket=BUCKET, Key="main/%s/model/model.bin" % base)
        self.assertEqual(head["ContentLength"], 50 << 20)
        files = ml.list_artifacts(base)
        self.assertEqual(sorted((f["path"], f["is_dir"]) for f in files),
                         [("metrics.json", False), ("model", True)])
        files = ml.list_artifacts(base + "/model")
        self.assertEqual({f["path"]: f.get("file_size") for f in files},
                         {"MLmodel": 12, "model.bin": 50 << 20})
        # artifacts/list of the tracking API lists the run's artifacts too.
        listed = ml.call("GET", "artifacts/list", {"run_id": rid, "path": "model"})
        self.assertEqual(sorted(f["path"] for f in listed["files"]),
                         ["model/MLmodel", "model/model.bin"])
        self.assertEqual(listed["root_uri"], run["artifact_uri"])
        ml._answer(ml.http.delete(ml.artifacts_url(base + "/metrics.json"), auth=ml.auth))
        self.assertEqual([f["path"] for f in ml.list_artifacts(base)], ["model"])
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.get_artifact,
                               base + "/metrics.json")

    def test_artifact_paths_cannot_escape(self):
        auth = "Basic " + base64.b64encode(
            ("%s:%s" % (harness.ROOT_KEY, harness.ROOT_SECRET)).encode()).decode()
        host = self.url.split("/")[2]
        prefix = "/_mlflow/main/api/2.0/mlflow-artifacts/artifacts/"
        for path in ["1/../../other/x", "..%2F..%2Fx", "a/%2e%2e/%2e%2e/b", "a/..\\..\\b"]:
            # Sent as is: requests would remove the dot segments itself.
            conn = http.client.HTTPConnection(host)
            conn.request("PUT", prefix + path, body=b"x", headers={"Authorization": auth})
            r = conn.getresponse()
            body = json.loads(r.read())
            conn.close()
            self.assertEqual(r.status, 400, (path, body))
            self.assertEqual(body["error_code"], "INVALID_PARAMETER_VALUE")
        r = requests.get(self.ml.artifacts_url(), params={"path": "../x"},
                         auth=(harness.ROOT_KEY, harness.ROOT_SECRET))
        self.assertEqual(r.status_code, 400, r.text)

    def test_multipart_upload_through_the_proxy(self):
        ml = self.ml
        part_size = 5 << 20
        blob = os.urandom(part_size * 2 + 1234)
        dest = "mpu/run/artifacts"
        create = ml.artifact_call("POST", "mpu/create/" + dest,
                                  {"path": "/tmp/local/big.bin", "num_parts": 3})
        parts = []
        for cred in create["credentials"]:
            n = cred["part_number"]
            chunk = blob[(n - 1) * part_size:n * part_size]
            r = requests.put(cred["url"], data=chunk, headers=cred.get("headers", {}))
            self.assertEqual(r.status_code, 200, r.text)
            parts.append({"part_number": n, "etag": r.headers.get("ETag", ""),
                          "url": cred["url"]})
        # A part URL cannot be reused for another upload path.
        forged = create["credentials"][0]["url"].replace("big.bin", "other.bin")
        self.assertEqual(requests.put(forged, data=b"x").status_code, 403)
        ml.artifact_call("POST", "mpu/complete/" + dest,
                         {"path": "/tmp/local/big.bin", "upload_id": create["upload_id"],
                          "parts": parts})
        self.assertEqual(ml.get_artifact(dest + "/big.bin").content, blob)
        aborted = ml.artifact_call("POST", "mpu/create/" + dest,
                                   {"path": "/tmp/local/never.bin", "num_parts": 1})
        ml.artifact_call("POST", "mpu/abort/" + dest,
                         {"path": "/tmp/local/never.bin", "upload_id": aborted["upload_id"]})
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.get_artifact,
                               dest + "/never.bin")

    def test_urls_without_a_host_header_name_the_bound_port(self):
        # An HTTP/1.0 request may carry no Host: the part URLs then use the listener's address,
        # the port it bound (the server was started with port 0).
        body = json.dumps({"path": "/tmp/local/nohost.bin", "num_parts": 1}).encode()
        auth = base64.b64encode(("%s:%s" % (harness.ROOT_KEY, harness.ROOT_SECRET)).encode())
        request = (b"POST /_mlflow/main/api/2.0/mlflow-artifacts/mpu/create/nohost HTTP/1.0\r\n"
                   b"Authorization: Basic " + auth + b"\r\nContent-Type: application/json\r\n"
                   b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        answer = raw.raw_exchange(self.server, request)
        head, _, payload = answer.partition(b"\r\n\r\n")
        self.assertIn(b" 200 ", head.split(b"\r\n")[0], answer[:300])
        url = json.loads(payload)["credentials"][0]["url"]
        self.assertTrue(url.startswith(self.server.endpoint + "/_mlflow/main/api/2.0/"), url)

    # --- Model registry ---

    def test_registered_models_versions_stages_and_aliases(self):
        ml = self.ml
        rid = ml.create_run(ml.create_experiment("registry-exp"))["info"]["run_id"]
        model = ml.call("POST", "registered-models/create",
                        {"name": "churn", "description": "churn model",
                         "tags": [{"key": "team", "value": "ds"}]})["registered_model"]
        self.assertEqual(model["name"], "churn")
        self.assertMlflowError("RESOURCE_ALREADY_EXISTS", 400, ml.call, "POST",
                               "registered-models/create", {"name": "churn"})
        versions = []
        for i in range(3):
            v = ml.call("POST", "model-versions/create",
                        {"name": "churn", "source": "runs:/%s/model" % rid, "run_id": rid,
                         "description": "v%d" % (i + 1)})["model_version"]
            versions.append(v)
        self.assertEqual([v["version"] for v in versions], ["1", "2", "3"])
        self.assertEqual(versions[0]["current_stage"], "None")
        self.assertEqual(versions[0]["status"], "READY")

        ml.call("POST", "model-versions/transition-stage",
                {"name": "churn", "version": "1", "stage": "Production",
                 "archive_existing_versions": False})
        ml.call("POST", "model-versions/transition-stage",
                {"name": "churn", "version": "2", "stage": "Staging",
                 "archive_existing_versions": False})
        v3 = ml.call("POST", "model-versions/transition-stage",
                     {"name": "churn", "version": "3", "stage": "production",
                      "archive_existing_versions": True})["model_version"]
        self.assertEqual(v3["current_stage"], "Production")
        stages = {v["version"]: v["current_stage"] for v in ml.call(
            "GET", "model-versions/search", {"filter": "name='churn'"})["model_versions"]}
        self.assertEqual(stages, {"1": "Archived", "2": "Staging", "3": "Production"})
        self.assertMlflowError("INVALID_PARAMETER_VALUE", 400, ml.call, "POST",
                               "model-versions/transition-stage",
                               {"name": "churn", "version": "1", "stage": "Live",
                                "archive_existing_versions": False})
        latest = ml.call("POST", "registered-models/get-latest-versions",
                         {"name": "churn", "stages": ["Production", "Staging"]})
        self.assertEqual(sorted(v["version"] for v in latest["model_versions"]), ["2", "3"])

        ml.call("POST", "registered-models/alias",
                {"name": "churn", "alias": "champion", "version": "3"})
        got = ml.call("GET", "registered-models/alias", {"name": "churn", "alias": "champion"})
        self.assertEqual(got["model_version"]["version"], "3")
        self.assertEqual(got["model_version"]["aliases"], ["champion"])
        model = ml.call("GET", "registered-models/get", {"name": "churn"})["registered_model"]
        self.assertEqual(model["aliases"], [{"alias": "champion", "version": "3"}])
        ml.call("DELETE", "registered-models/alias", {"name": "churn", "alias": "champion"})
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "GET",
                               "registered-models/alias", {"name": "churn", "alias": "champion"})

        ml.call("PATCH", "model-versions/update",
                {"name": "churn", "version": "2", "description": "better"})
        ml.call("POST", "model-versions/set-tag",
                {"name": "churn", "version": "2", "key": "validated", "value": "yes"})
        v2 = ml.call("GET", "model-versions/get", {"name": "churn", "version": "2"})
        self.assertEqual(v2["model_version"]["description"], "better")
        self.assertEqual(v2["model_version"]["tags"], [{"key": "validated", "value": "yes"}])
        ml.call("DELETE", "model-versions/delete-tag",
                {"name": "churn", "version": "2", "key": "validated"})
        uri = ml.call("GET", "model-versions/get-download-uri",
                      {"name": "churn", "version": "2"})["artifact_uri"]
        self.assertTrue(uri.endswith("/%s/artifacts/model" % rid), uri)

        ml.call("POST", "registered-models/set-tag",
                {"name": "churn", "key": "owner", "value": "tanaka"})
        ml.call("PATCH", "registered-models/update", {"name": "churn", "description": "new"})
        renamed = ml.call("POST", "registered-models/rename",
                          {"name": "churn", "new_name": "churn-v2"})["registered_model"]
        self.assertEqual(renamed["name"], "churn-v2")
        model = ml.call("GET", "registered-models/get", {"name": "churn-v2"})["registered_model"]
        self.assertEqual(model["description"], "new")
        self.assertIn({"key": "owner", "value": "tanaka"}, model["tags"])
        ml.call("DELETE", "registered-models/delete-tag", {"name": "churn-v2", "key": "owner"})
        found = ml.call("GET", "registered-models/search",
                        {"filter": "name LIKE 'churn%'", "max_results": 10})
        self.assertEqual([m["name"] for m in found["registered_models"]], ["churn-v2"])
        ml.call("DELETE", "model-versions/delete", {"name": "churn-v2", "version": "1"})
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "GET",
                               "model-versions/get", {"name": "churn-v2", "version": "1"})
        ml.call("DELETE", "registered-models/delete", {"name": "churn-v2"})
        self.assertMlflowError("RESOURCE_DOES_NOT_EXIST", 404, ml.call, "GET",
                               "registered-models/get", {"name": "churn-v2"})

    def test_automatic_model_registration_copies_versions_to_sagemaker(self):
        url = self.create_server("autoreg", AutomaticModelRegistration=True)
        ml = MlflowRest(url, harness.ROOT_KEY, harness.ROOT_SECRET)
        rid = ml.create_run(ml.create_experiment("autoreg-exp"))["info"]["run_id"]
        ml.call("POST", "registered-models/create", {"name": "fraud_model v2"})
        for i in range(2):
            ml.call("POST", "model-versions/create",
                    {"name": "fraud_model v2", "source": "runs:/%s/model" % rid, "run_id": rid,
                     "description": "candidate %d" % (i + 1)})
        # SageMaker names the group after the model, with the first six hex digits of the
        # SHA-256 of the tracking server's name.
        group = "fraud-model-v2-" + hashlib.sha256(b"autoreg").hexdigest()[:6]
        g = self.sm.describe_model_package_group(ModelPackageGroupName=group)
        self.assertIn("fraud_model v2", g["ModelPackageGroupDescription"])
        self.assertTrue(g["CreatedBy"]["IamIdentity"]["Arn"].endswith(
            ":assumed-role/MlflowRole/SageMakerMlflowModelRegistration"), g["CreatedBy"])
        packages = self.sm.list_model_packages(ModelPackageGroupName=group,
                                               SortBy="CreationTime",
                                               SortOrder="Ascending")["ModelPackageSummaryList"]
        self.assertEqual([p["ModelPackageVersion"] for p in packages], [1, 2])
        self.assertEqual({p["ModelApprovalStatus"] for p in packages}, {"PendingManualApproval"})
        d = self.sm.describe_model_package(ModelPackageName=packages[1]["ModelPackageArn"])
        self.assertEqual(d["ModelPackageDescription"], "candidate 2")
        self.assertEqual(d["CustomerMetadataProperties"]["mlflow.model.name"], "fraud_model v2")
        self.assertEqual(d["CustomerMetadataProperties"]["mlflow.model.version"], "2")
        self.assertEqual(d["CustomerMetadataProperties"]["mlflow.run.id"], rid)
        data_url = d["InferenceSpecification"]["Containers"][0]["ModelDataUrl"]
        self.assertTrue(data_url.startswith("s3://%s/autoreg/" % BUCKET), data_url)
        self.assertIn(rid, data_url)

        # Without the flag (the "main" server), nothing is copied.
        self.ml.call("POST", "registered-models/create", {"name": "plainmodel"})
        self.ml.call("POST", "model-versions/create",
                     {"name": "plainmodel", "source": "s3://%s/main/plain" % BUCKET})
        groups = self.sm.list_model_package_groups(NameContains="plainmodel")
        self.assertEqual(groups["ModelPackageGroupSummaryList"], [])

    def test_unknown_routes_and_methods(self):
        self.assertMlflowError("ENDPOINT_NOT_FOUND", 404, self.ml.call, "GET", "no/such/thing")
        with self.assertRaises(MlflowRestError) as cm:
            self.ml.call("DELETE", "runs/create", {})
        self.assertEqual(cm.exception.status, 405)


if __name__ == "__main__":
    unittest.main()
