"""The MLflow REST client's requests, reproduced exactly (a helper for test_mlflow*.py and bench).

MLflow's RestStore (mlflow/utils/rest_utils.py call_endpoint) sends get-style endpoints as GET
with the request message's fields as query parameters and every other endpoint with a JSON body
(proto3 JSON with the proto field names), authenticates with Basic auth from
MLFLOW_TRACKING_USERNAME/PASSWORD, and raises on a non-2xx answer whose body carries
{"error_code", "message"}. HttpArtifactRepository uploads with PUT, downloads with GET and
lists with GET ?path= under /api/2.0/mlflow-artifacts/artifacts.
"""
import requests


class MlflowRestError(Exception):
    def __init__(self, status, body):
        super().__init__("%s %s" % (status, body))
        self.status = status
        self.body = body
        self.error_code = body.get("error_code") if isinstance(body, dict) else None


class MlflowRest:
    def __init__(self, tracking_uri, username=None, password=None, token=None, session=None,
                 prefix="/api/2.0"):
        self.uri = tracking_uri.rstrip("/")
        self.http = session or requests.Session()
        self.auth = (username, password) if username else None
        self.headers = {"User-Agent": "mlflow-python-client/2.16.2"}
        if token:
            self.headers["Authorization"] = "Bearer " + token
        self.prefix = prefix

    def call(self, method, endpoint, body=None):
        url = self.uri + self.prefix + "/mlflow/" + endpoint
        if method == "GET":
            resp = self.http.get(url, params=body, auth=self.auth, headers=self.headers)
        else:
            resp = self.http.request(method, url, json=body or {}, auth=self.auth,
                                     headers=self.headers)
        return self._answer(resp)

    def _answer(self, resp):
        try:
            doc = resp.json()
        except ValueError:
            doc = resp.text
        if not 200 <= resp.status_code < 300:
            raise MlflowRestError(resp.status_code, doc)
        return doc

    # Tracking, as RestStore calls it.
    def create_experiment(self, name, artifact_location=None, tags=None):
        body = {"name": name}
        if artifact_location:
            body["artifact_location"] = artifact_location
        if tags:
            body["tags"] = [{"key": k, "value": v} for k, v in tags.items()]
        return self.call("POST", "experiments/create", body)["experiment_id"]

    def create_run(self, experiment_id, run_name=None, start_time=1700000000000, tags=None):
        body = {"experiment_id": experiment_id, "user_id": "tanaka", "start_time": start_time,
                "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}
        if run_name:
            body["run_name"] = run_name
        return self.call("POST", "runs/create", body)["run"]

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        return self.call("POST", "runs/log-batch", {
            "run_id": run_id,
            "metrics": [{"key": k, "value": v, "timestamp": ts, "step": st}
                        for k, v, ts, st in metrics],
            "params": [{"key": k, "value": v} for k, v in params],
            "tags": [{"key": k, "value": v} for k, v in tags]})

    def search_runs(self, experiment_ids, filter_string="", run_view_type="ACTIVE_ONLY",
                    max_results=1000, order_by=None, page_token=None):
        body = {"experiment_ids": experiment_ids, "filter": filter_string,
                "run_view_type": run_view_type, "max_results": max_results,
                "order_by": order_by or []}
        if page_token:
            body["page_token"] = page_token
        return self.call("POST", "runs/search", body)

    # The mlflow-artifacts proxy, as HttpArtifactRepository calls it.
    def artifacts_url(self, path=""):
        return self.uri + "/api/2.0/mlflow-artifacts/artifacts" + ("/" + path if path else "")

    def put_artifact(self, path, data, content_type="application/octet-stream"):
        headers = dict(self.headers, **{"Content-Type": content_type})
        return self._answer(self.http.put(self.artifacts_url(path), data=data, auth=self.auth,
                                          headers=headers))

    def get_artifact(self, path):
        resp = self.http.get(self.artifacts_url(path), auth=self.auth, headers=self.headers)
        if resp.status_code != 200:
            self._answer(resp)
        return resp

    def list_artifacts(self, path):
        resp = self.http.get(self.artifacts_url(), params={"path": path}, auth=self.auth,
                             headers=self.headers)
        return self._answer(resp).get("files", [])

    def artifact_call(self, method, endpoint, body):
        url = self.uri + "/api/2.0/mlflow-artifacts/" + endpoint
        return self._answer(self.http.request(method, url, json=body, auth=self.auth,
                                              headers=self.headers))
