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
                         region="us-east-1", trailer=None, trailer_signature=None):
    """PUTs `data` with STREAMING-AWS4-HMAC-SHA256-PAYLOAD, signing every chunk; with
    `tamper_chunk`, that chunk's bytes are altered after signing. With `trailer` (name, value)
    the mode is STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER and the signed trailer follows the
    final chunk; `trailer_signature` replaces its computed signature."""
    mode = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" + ("-TRAILER" if trailer else "")
    now = datetime.datetime.now(datetime.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = now.strftime("%Y%m%d")
    scope = "%s/%s/s3/aws4_request" % (date, region)
    host = server.endpoint[len("http://"):]
    path = "/%s/%s" % (bucket, urllib.parse.quote(key, safe="/~"))
    chunks = [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]
    headers = {
        "host": host,
        "x-amz-content-sha256": mode,
        "x-amz-date": amz_date,
        "x-amz-decoded-content-length": str(len(data)),
        "content-encoding": "aws-chunked",
    }
    if trailer:
        headers["x-amz-trailer"] = trailer[0]
    k = _hmac(("AWS4" + harness.ROOT_SECRET).encode(), date)
    k = _hmac(_hmac(_hmac(k, region), "s3"), "aws4_request")

    def body_for(seed):
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
            body += ("%x;chunk-signature=%s\r\n" % (len(chunk), sig)).encode() + sent
            if chunk or not trailer:
                body += b"\r\n"
        if trailer:
            line = "%s:%s\n" % trailer
            sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", amz_date, scope, previous,
                             hashlib.sha256(line.encode()).hexdigest()])
            sig = trailer_signature or hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
            body += ("%s:%s\r\nx-amz-trailer-signature:%s\r\n\r\n" % (
                trailer[0], trailer[1], sig)).encode()
        return body

    # The body's length is signed, and does not depend on the signatures' values.
    headers["content-length"] = str(len(body_for("0" * 64)))
    signed_names = sorted(headers)
    canonical = "\n".join([
        "PUT", path, "",
        "".join("%s:%s\n" % (n, headers[n]) for n in signed_names),
        ";".join(signed_names),
        mode])
    string_to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                                hashlib.sha256(canonical.encode()).hexdigest()])
    seed = hmac.new(k, string_to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        "AWS4-HMAC-SHA256 Credential=%s/%s, SignedHeaders=%s, Signature=%s"
        % (harness.ROOT_KEY, scope, ";".join(signed_names), seed))
    body = body_for(seed)
    assert len(body) == int(headers["content-length"])
    return requests.put(server.endpoint + path, data=body, headers=headers, timeout=60)


def temp_file(data):
    """Writes `data` to a new temp file and returns its path (the caller removes it)."""
    with tempfile.NamedTemporaryFile(delete=False, prefix="unistudio-s3-") as f:
        f.write(data)
    return f.name
