"""Prints a wrk Lua script that replays one SigV4-signed request (a SigV4 signature stays valid
for 15 minutes and carries no nonce, so the same signed request may be sent again and again).

usage: signed_request.py ENDPOINT ACCESS_KEY SECRET IDENTITY_STORE_ID > request.lua
"""
import json
import sys

import botocore.auth
import botocore.awsrequest
import botocore.credentials

endpoint, key, secret, store_id = sys.argv[1:5]
body = json.dumps({"IdentityStoreId": store_id, "MaxResults": 10})
req = botocore.awsrequest.AWSRequest(
    method="POST", url=endpoint + "/", data=body.encode(),
    headers={"Content-Type": "application/x-amz-json-1.1",
             "X-Amz-Target": "AWSIdentityStore.ListUsers"})
botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "identitystore",
                        "us-east-1").add_auth(req)
lines = ['wrk.method = "POST"', "wrk.body = %s" % json.dumps(body)]
for name, value in req.headers.items():
    v = value.decode() if isinstance(value, bytes) else value
    lines.append("wrk.headers[%s] = %s" % (json.dumps(name), json.dumps(v)))
lines.append("""
done = function(summary, latency, requests)
  io.write(string.format("requests=%d errors=%d non2xx=%d rps=%.1f p50_ms=%.3f p99_ms=%.3f\\n",
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout, summary.errors.status,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end""")
print("\n".join(lines))
