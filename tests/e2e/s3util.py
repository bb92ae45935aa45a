"""Helpers shared by the S3 end-to-end tests: random payloads, hashes, raw SigV4 requests
aimed at S3 (path- or virtual-hosted-style), and an aws-chunked signer for streaming uploads."""
import datetime
import hashlib
import hmac
import tempfile
import urllib.parse

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests

import harness

MIB = 1024 * 1024


def payload(size, seed=0):
    """Deterministic pseudo-random bytes of `size`."""
    block = hashlib.sha256(str(seed).encode()).digest() * 2048  # 64 KiB
    reps = size // len(block) + 1
    return (block * reps)[:size]


def md5_hex(data):
    return hashlib.md5(data).hexdigest()


def multipart_etag(parts):
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return '"%s-%d"' % (digest, len(parts))


def signed(server, method, path, body=b"", headers=None, query="", host=None,
           key=harness.ROOT_KEY, secret=harness.ROOT_SECRET, payload_hash=None):
    """A SigV4-signed S3 request; returns the requests.Response. `host` overrides Host."""
    url = server.endpoint + path + (("?" + query) if query else "")
    hdrs = dict(headers or {})
    if host:
        hdrs["Host"] = host
    hdrs["x-amz-content-sha256"] = payload_hash or hashlib.sha256(body).hexdigest()
    req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body, headers=hdrs)
    signer = botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "s3",
                                     server.region)
    signer.add_auth(req)
    prepared = req.prepare()
    return requests.request(method, prepared.url, headers=dict(prepared.headers), data=body,
                            timeout=60)


def _hmac(key, msg):
    return hmac.new(key, msg.encode() if isinstance(msg, str) else msg, hashlib.sha256).digest()


def streaming_signed_put(server, bucket, key, data, chunk_size=64 * 1024, tamper_chunk=None,
                         region="us-east-1"):
    """PUTs `data` with STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signing every chunk; with
    `tamper_chunk`, that chunk's bytes are altered after signing."""
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = now.strftime("%Y%m%d")
    scope = "%s/%s/s3/aws4_request" % (date, region)
    host = server.endpoint[len("http://"):]
    path = "/%s/%s" % (bucket, urllib.parse.quote(key, safe="/~"))
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    encoded_len = sum(len("%x" % len(c)) + len(";chunk-signature=") + 64 + 4 + len(c)
                      for c in chunks)
    headers = {
        "host": host,
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(len(data)),
        "content-encoding": "aws-chunked",
        "content-length": str(encoded_len),
    }
    signed_names = sorted(headers)
    canonical = "\n".join([
        "PUT", path, "",
        "".join("%s:%s\n" % (n, headers[n]) for n in signed_names),
        ";".join(signed_names),
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"])
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical.encode()).hexdigest()])
    k = _hmac(("AWS4" + harness.ROOT_SECRET).encode(), date)
    k = _hmac(_hmac(_hmac(k, region), "s3"), "aws4_request")
    seed = hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
        % (harness.ROOT_KEY, scope, ";".join(signed_names), seed))
    previous = seed
    body = b""
    empty_hash = hashlib.sha256(b"").hexdigest()
    for i, chunk in enumerate(chunks):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", amz_date, scope, previous, empty_hash,
                         hashlib.sha256(chunk).hexdigest()])
        sig = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
        previous = sig
        sent = chunk
        if tamper_chunk == i and chunk:
            sent = bytes([chunk[0] ^ 1]) + chunk[1:]
        body += ("%x;chunk-signature=%s\r\n" % (len(chunk), sig)).encode() + sent + b"\r\n"
    assert len(body) == encoded_len
    return requests.put(server.endpoint + path, data=body, headers=headers, timeout=60)


def temp_file(data):
    """Writes `data` to a new temp file and returns its path (the caller removes it)."""
    with tempfile.NamedTemporaryFile(delete=False, prefix="unistudio-s3-") as f:
        f.write(data)
    return f.name
