"""The server itself: health and metrics routes, request ids, robustness against bad input, and
a clean exit on SIGTERM."""
import json
import unittest

import requests

import harness
import raw


class ServerTest(harness.ServerTestCase):
    def test_health(self):
        r = requests.get(self.server.endpoint + "/_health", timeout=10)
        self.assertEqual(r.status_code, 200)
        body = r.json()
        self.assertEqual(body["status"], "ok")
        self.assertRegex(body["version"], r"^\d+\.\d+\.\d+$")
        self.assertGreaterEqual(body["uptime_seconds"], 0)

    def test_metrics_count_requests(self):
        sts = self.server.client("sts")
        for _ in range(3):
            sts.get_caller_identity()
        text = requests.get(self.server.endpoint + "/_metrics", timeout=10).text
        line = [l for l in text.splitlines() if l.startswith("unistudio_requests_total{")
                and 'service="sts"' in l and 'operation="GetCallerIdentity"' in l
                and 'status="200"' in l]
        self.assertEqual(len(line), 1, text)
        self.assertGreaterEqual(int(line[0].rsplit(" ", 1)[1]), 3)
        self.assertIn("unistudio_request_duration_seconds_bucket", text)

    def test_request_ids(self):
        r = raw.query_call(self.server, "GetCallerIdentity")
        self.assertTrue(r.headers.get("x-amzn-RequestId"))
        self.assertIn("<RequestId>%s</RequestId>" % r.headers["x-amzn-RequestId"], r.text)
        r = raw.json_call(self.server, "AWSIdentityStore.ListUsers",
                          json.dumps({"IdentityStoreId": self.server.identity_store_id}))
        self.assertEqual(r.status_code, 200, r.text)
        self.assertTrue(r.headers.get("x-amzn-RequestId"))

    def test_malformed_json(self):
        r = raw.json_call(self.server, "AWSIdentityStore.ListUsers", b'{"IdentityStoreId": ')
        self.assertEqual(r.status_code, 400, r.text)
        self.assertEqual(r.json()["__type"].split("#")[-1], "SerializationException")
        r = raw.json_call(self.server, "AWSIdentityStore.ListUsers", b'[1, 2]')
        self.assertEqual(r.status_code, 400, r.text)

    def test_unknown_json_target(self):
        r = raw.json_call(self.server, "AWSIdentityStore.FlyToTheMoon", b"{}")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("UnknownOperationException", r.text)

    def test_unknown_query_action(self):
        r = raw.query_call(self.server, "FlyToTheMoon")
        self.assertEqual(r.status_code, 400, r.text)
        self.assertIn("<Code>InvalidAction</Code>", r.text)

    def test_malformed_form_body(self):
        r = raw.signed(self.server, "POST", service="iam", body=b"Action=ListUsers&Version=%zz",
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(r.status_code, 400, r.text)

    def test_wrong_content_type_for_json(self):
        r = raw.signed(self.server, "POST", service="identitystore", body=b"IdentityStoreId=x",
                       headers={"Content-Type": "text/plain",
                                "X-Amz-Target": "AWSIdentityStore.ListUsers"})
        self.assertEqual(r.status_code, 400, r.text)

    def test_oversized_header_and_garbage(self):
        big = b"GET /_health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n"
        self.assertIn(b" 431 ", raw.raw_exchange(self.server, big).split(b"\r\n")[0])
        self.assertIn(b" 400 ", raw.raw_exchange(self.server, b"\x16\x03\x01garbage\r\n\r\n")
                      .split(b"\r\n")[0])
        truncated = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b"x" * 10)
        raw.raw_exchange(self.server, truncated, read_timeout=0.5)
        # The server is unharmed.
        self.assertEqual(requests.get(self.server.endpoint + "/_health", timeout=10).status_code,
                         200)
        self.server.client("sts").get_caller_identity()

    def test_oversized_document_body(self):
        body = b'{"IdentityStoreId": "' + b"x" * (40 << 20) + b'"}'
        r = raw.json_call(self.server, "AWSIdentityStore.ListUsers", body)
        self.assertEqual(r.status_code, 413, r.text[:200])


if __name__ == "__main__":
    unittest.main()
