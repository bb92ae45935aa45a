"""Raw HTTP requests to the server: signed with botocore's SigV4 (optionally at another time),
or hand-made bytes over a socket, for tests of the wire layer."""
import datetime
import socket
import unittest.mock
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

import harness


def signed(server, method, path="/", service="sts", body=b"", headers=None, query="",
           key=harness.ROOT_KEY, secret=harness.ROOT_SECRET, token=None, at=None,
           region="us-east-1"):
    """Sends a SigV4-signed request and returns the requests.Response."""
    url = server.endpoint + path + (("?" + query) if query else "")
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body,
                                         headers=dict(headers or {}))
    creds = botocore.credentials.Credentials(key, secret, token)
    signer = botocore.auth.SigV4Auth(creds, service, region)
    if at is None:
        signer.add_auth(req)
    else:
        with unittest.mock.patch("botocore.auth.get_current_datetime", return_value=at):
            signer.add_auth(req)
    prepared = req.prepare()
    return requests.request(method, prepared.url, headers=dict(prepared.headers), data=body,
                            timeout=30)


def query_call(server, action, params=None, service="sts", version="2011-06-15", **kwargs):
    form = {"Action": action, "Version": version}
    form.update(params or {})
    return signed(server, "POST", service=service, body=urllib.parse.urlencode(form).encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"}, **kwargs)


def json_call(server, target, body, service="identitystore", version="1.1", **kwargs):
    data = body if isinstance(body, bytes) else body.encode()
    return signed(server, "POST", service=service, body=data,
                  headers={"Content-Type": "application/x-amz-json-" + version,
                           "X-Amz-Target": target}, **kwargs)


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def raw_exchange(server, data, read_timeout=5.0):
    """Sends bytes on a new connection and returns everything read until close or timeout."""
    host, port = server.endpoint[len("http://"):].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=read_timeout) as s:
        s.sendall(data)
        chunks = []
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                chunks.append(b)
        except (socket.timeout, ConnectionResetError):
            pass
    return b"".join(chunks)
